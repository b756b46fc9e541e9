/// The records of the few snapshots an import is adding to, kept in memory until they are
/// written to their blobs, least recently used first, with what the current input did to them
/// so that it can be undone.
final class HeldSnapshots {
    /// How many snapshots' records are held in memory between inputs (the pages of one export are
    /// normally read one after another, so a few suffice).
    static let limit = 8

    private var held: [SnapshotKey: HeldRecords] = [:]
    /// Held snapshots, least recently used first.
    private var order: [SnapshotKey] = []
    /// How many records each held snapshot had when the current input first touched it (nil: the
    /// input took it into memory).
    private var undo: [SnapshotKey: Int?] = [:]

    /// The snapshot to write out first (the least recently used), if any is held.
    var leastRecentlyUsed: SnapshotKey? { order.first }

    /// Whether more snapshots are held than `limit`.
    var isOverLimit: Bool { order.count > HeldSnapshots.limit }

    /// Starts a new input: what follows can be undone with `rollBackInput()`.
    func beginInput() {
        undo.removeAll(keepingCapacity: true)
    }

    /// Forgets what the current input added (its savepoint was rolled back).
    func rollBackInput() {
        for (key, count) in undo {
            if let count, let records = held[key] {
                records.truncate(to: count)
            } else {
                held[key] = nil
                order.removeAll { $0 == key }
            }
        }
        undo.removeAll(keepingCapacity: true)
    }

    /// The held records of `key`, now the most recently used; nil when they are not held.
    func records(of key: SnapshotKey) -> HeldRecords? {
        guard let records = held[key] else { return nil }
        if undo[key] == nil { undo[key] = .some(records.entries.count) }
        if order.last != key {
            order.removeAll { $0 == key }
            order.append(key)
        }
        return records
    }

    /// Holds `records` (read from the store, or new) for `key`.
    func hold(_ records: HeldRecords, for key: SnapshotKey) {
        held[key] = records
        order.append(key)
        if undo[key] == nil { undo[key] = .some(nil) }
    }

    /// Lets the records of `key` go, returning them so that they can be written out.
    func release(_ key: SnapshotKey) -> HeldRecords? {
        guard let records = held.removeValue(forKey: key) else { return nil }
        order.removeAll { $0 == key }
        return records
    }
}
