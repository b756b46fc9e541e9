/// What an import did to each snapshot it touched, by the snapshot's id, in the order it first
/// touched them, with an undo log of the current input.
///
/// A run keeps one entry per snapshot until it settles them, and 100 projects' year touches
/// 73,000: kept as a dictionary of groups beside a list of ids, they were 10 MB of the import's
/// heap peak (9.5 MB of it the dictionary while it grew). Each entry is now 32 bytes in chunks
/// of `chunkSize`, which never move, and the dictionary holds only each id's place.
struct TouchedSnapshots {
    struct Group {
        /// Whether the store had the snapshot before this run.
        let existed: Bool
        var addedRecords = 0
        var addedSources = 0
        /// The types and statuses of the records, set when they were last written to the blob
        /// (their count and digest were written to the snapshot's row then).
        var settledKinds: RecordKinds?

        init(existed: Bool) {
            self.existed = existed
        }
    }

    private static let chunkSize = 1024
    private var chunks: [[(id: Int64, group: Group)]] = []
    private var positions: [Int64: Int] = [:]
    private(set) var count = 0
    /// The groups the current input changed, by place, as they were before it; the ones it added
    /// are those from `countAtInputStart` on.
    private var undo: [Int: Group] = [:]
    private var countAtInputStart = 0

    subscript(id: Int64) -> Group? {
        guard let position = positions[id] else { return nil }
        return chunks[position / Self.chunkSize][position % Self.chunkSize].group
    }

    /// Sets the group of `id`, adding it after the others when the run had not touched it; the
    /// current input's `rollBack()` undoes this.
    mutating func set(_ group: Group, for id: Int64) {
        guard let position = positions[id] else {
            if count % Self.chunkSize == 0 {
                chunks.append([])
                chunks[chunks.count - 1].reserveCapacity(Self.chunkSize)
            }
            chunks[chunks.count - 1].append((id, group))
            positions[id] = count
            count += 1
            return
        }
        if position < countAtInputStart, undo[position] == nil {
            undo[position] = chunks[position / Self.chunkSize][position % Self.chunkSize].group
        }
        chunks[position / Self.chunkSize][position % Self.chunkSize].group = group
    }

    /// Records that the records of `id` were written to its blob, between inputs (no input's
    /// rollback undoes it).
    mutating func settle(_ id: Int64, kinds: RecordKinds) {
        guard let position = positions[id] else { return }
        chunks[position / Self.chunkSize][position % Self.chunkSize].group.settledKinds = kinds
    }

    /// Starts a new input: what follows can be undone with `rollBack()`.
    mutating func beginInput() {
        undo.removeAll(keepingCapacity: true)
        countAtInputStart = count
    }

    /// Forgets what the current input did (its savepoint was rolled back).
    mutating func rollBack() {
        for (position, group) in undo {
            chunks[position / Self.chunkSize][position % Self.chunkSize].group = group
        }
        undo.removeAll(keepingCapacity: true)
        while count > countAtInputStart {
            count -= 1
            let last = chunks.count - 1
            if let removed = chunks[last].popLast() { positions[removed.id] = nil }
            if chunks[last].isEmpty { chunks.removeLast() }
        }
    }

    /// Each touched snapshot's id and group, in the order the run first touched them.
    func forEach(_ body: (Int64, Group) throws -> Void) rethrows {
        for chunk in chunks {
            for (id, group) in chunk { try body(id, group) }
        }
    }

    mutating func removeAll() {
        chunks = []
        positions = [:]
        count = 0
        undo = [:]
        countAtInputStart = 0
    }
}
