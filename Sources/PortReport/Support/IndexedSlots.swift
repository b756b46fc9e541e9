import Foundation

/// One slot per index, filled from concurrent work (`DispatchQueue.concurrentPerform`) and read
/// back in index order once it has finished, so that what a run reports does not depend on
/// which thread finished first.
final class IndexedSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Value?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }

    /// Every slot in index order (nil where nothing was set).
    var all: [Value?] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
