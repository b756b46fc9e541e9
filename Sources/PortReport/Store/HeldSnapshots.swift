/// The records of the few snapshots an import is adding to, kept in memory until they are
/// written to their blobs, least recently used first, with what the current input did to them
/// so that it can be undone.
final class HeldSnapshots {
    /// How many snapshots' records are held in memory between inputs (the pages of one export are
    /// normally read one after another, so a few suffice).
    static let limit = 8

    /// Each held snapshot's records, and the stamp of its latest use.
    private var held: [SnapshotKey: (records: HeldRecords, stamp: Int)] = [:]
    /// Uses, oldest first, from `head` on; a use whose stamp is no longer its key's latest is
    /// stale and skipped. Touching or letting go of a snapshot is then O(1) (amortised), not a
    /// search of every held key: one input of 10,000 projects' snapshots took 22 s that way.
    private var uses: [(key: SnapshotKey, stamp: Int)] = []
    private var head = 0
    private var nextStamp = 0
    /// How many records each held snapshot had when the current input first touched it (nil: the
    /// input took it into memory).
    private var undo: [SnapshotKey: Int?] = [:]

    /// How many uses the list keeps, stale ones included (for the tests of its bound).
    var retainedUses: Int { uses.count }

    /// The snapshot to write out first (the least recently used), if any is held.
    var leastRecentlyUsed: SnapshotKey? {
        while head < uses.count, held[uses[head].key]?.stamp != uses[head].stamp {
            head += 1
        }
        return head < uses.count ? uses[head].key : nil
    }

    /// Whether more snapshots are held than `limit`.
    var isOverLimit: Bool { held.count > HeldSnapshots.limit }

    /// Starts a new input: what follows can be undone with `rollBackInput()`.
    func beginInput() {
        undo.removeAll(keepingCapacity: true)
    }

    /// Forgets what the current input added (its savepoint was rolled back).
    func rollBackInput() {
        for (key, count) in undo {
            if let count, let records = held[key]?.records {
                records.truncate(to: count)
            } else {
                held[key] = nil
            }
        }
        undo.removeAll(keepingCapacity: true)
    }

    private func use(_ key: SnapshotKey, _ records: HeldRecords) {
        nextStamp += 1
        held[key] = (records, nextStamp)
        uses.append((key, nextStamp))
        // Stale uses are dropped once they are most of the list, so it stays within twice the
        // held snapshots (plus a little); and so are the uses before `head`, once they are half
        // of it: without that, the list kept every use of the run (9 MB for the 73,000
        // snapshots of 100 projects' year).
        if uses.count - head > 2 * held.count + 64 || (head > 64 && head >= uses.count / 2) {
            uses = uses[head...].filter { held[$0.key]?.stamp == $0.stamp }
            head = 0
        }
    }

    /// The held records of `key`, now the most recently used; nil when they are not held.
    func records(of key: SnapshotKey) -> HeldRecords? {
        guard let (records, stamp) = held[key] else { return nil }
        if undo[key] == nil { undo[key] = .some(records.entries.count) }
        if stamp != nextStamp { use(key, records) }
        return records
    }

    /// Holds `records` (read from the store, or new) for `key`.
    func hold(_ records: HeldRecords, for key: SnapshotKey) {
        use(key, records)
        if undo[key] == nil { undo[key] = .some(nil) }
    }

    /// Lets the records of `key` go, returning them so that they can be written out.
    func release(_ key: SnapshotKey) -> HeldRecords? {
        held.removeValue(forKey: key)?.records
    }
}
