import Foundation

@testable import PortReport

/// A console that keeps what a workflow wrote, for tests. Workflows call it from more than one
/// thread, hence the lock.
final class RecordingConsole: Console, @unchecked Sendable {
    private let lock = NSLock()
    private var writtenLines: [String] = []
    private var reported: [Diagnostic] = []

    func write(_ line: String) {
        lock.withLock { writtenLines.append(line) }
    }

    func report(_ diagnostic: Diagnostic) {
        lock.withLock { reported.append(diagnostic) }
    }

    var lines: [String] { lock.withLock { writtenLines } }
    var diagnostics: [String] { lock.withLock { reported.map(\.description) } }
}
