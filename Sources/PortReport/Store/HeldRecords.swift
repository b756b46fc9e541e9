/// The records of a snapshot being added to, until they are written to its blob: the entries,
/// and which (port, type) keys they have, so that a repeated record is found without hashing.
final class HeldRecords {
    /// A record whose key the snapshot has already, with other values.
    struct Conflict: Error {
        /// The record's position in the array given to `append`.
        let index: Int
        let entry: RecordBlob.Entry
        let existing: RecordBlob.Entry
    }

    var entries: [RecordBlob.Entry]
    /// One bit per (port, type) key: whether the snapshot has it. Cheaper than hashing every
    /// record, which showed in profiles of a year's import; pages of one export rarely
    /// repeat a record, so the index below is built only when one does. The bitmap is 32 KiB, so
    /// a snapshot of at most `bitmapThreshold` records goes without (a search of its few entries
    /// instead): one input of 20,000 small projects' snapshots held 650 MB of bitmaps.
    private var present: [UInt64]?
    static let bitmapThreshold = 64
    /// Entry position by key, from the first repeated key on.
    private var index: [UInt32: Int32]?
    /// Whether entries were added since they were read from the blob.
    var changed = false

    init(_ entries: [RecordBlob.Entry]) {
        self.entries = entries
        if entries.count > HeldRecords.bitmapThreshold { buildBitmap() }
    }

    private func buildBitmap() {
        var bitmap = [UInt64](repeating: 0, count: (65_536 << 2) / 64)
        for entry in entries { bitmap[Int(entry.key >> 6)] |= 1 << UInt64(entry.key & 63) }
        present = bitmap
    }

    /// Forgets the entries from `count` on.
    func truncate(to count: Int) {
        for entry in entries[count...] {
            present?[Int(entry.key >> 6)] &= ~(1 << UInt64(entry.key & 63))
            index?[entry.key] = nil
        }
        entries.removeSubrange(count...)
    }

    /// Adds the records of the page `sourceID` (which must fit the blob's 32 bits). A record
    /// already held with the same values is kept once. Returns how many were new; throws
    /// `RecordRejection` for a value the blob cannot hold and `Conflict` for a repeated key
    /// with other values (the records before it stay added: the caller's input is undone).
    func append(_ records: [PortRecord], sourceID: Int64) throws -> Int {
        changed = true
        if present == nil && entries.count + records.count > HeldRecords.bitmapThreshold { buildBitmap() }
        guard present != nil else { return try appendWithoutBitmap(records, sourceID: sourceID) }
        // Worked on as local values (moved out and back), so that the loop pays no exclusivity
        // checks on the class's properties.
        var entries: [RecordBlob.Entry] = [], index: [UInt32: Int32]?
        var present = self.present.take() ?? []
        swap(&entries, &self.entries)
        swap(&index, &self.index)
        defer {
            swap(&entries, &self.entries)
            swap(&index, &self.index)
            self.present = present
        }
        // Grown by doubling: reserving exactly the page's records, page after page, copied the
        // whole snapshot's entries again for every page (19 M instructions in a month's import).
        let needed = entries.count + records.count
        if entries.capacity < needed { entries.reserveCapacity(max(needed, 2 * entries.capacity)) }
        var added = 0
        for (position, record) in records.enumerated() {
            if let problem = RecordBlob.problem(port: record.port, num: record.num) {
                throw RecordRejection(index: position, reason: .unstorable(problem))
            }
            let entry = RecordBlob.Entry(port: record.port, type: record.type, status: record.status, sourceID: sourceID, num: record.num)
            let key = entry.key
            let word = Int(key >> 6), bit = UInt64(1) << UInt64(key & 63)
            if present[word] & bit != 0 {
                if index == nil {
                    var built: [UInt32: Int32] = Dictionary(minimumCapacity: entries.count)
                    for (position, entry) in entries.enumerated() { built[entry.key] = Int32(position) }
                    index = built
                }
                if let existing = index?[key] {
                    let other = entries[Int(existing)]
                    if entry.num != other.num || entry.status != other.status {
                        throw Conflict(index: position, entry: entry, existing: other)
                    }
                }
            } else {
                present[word] |= bit
                index?[key] = Int32(entries.count)
                entries.append(entry)
                added += 1
            }
        }
        return added
    }

    /// `append` for a snapshot of at most `bitmapThreshold` records: a search of its entries.
    private func appendWithoutBitmap(_ records: [PortRecord], sourceID: Int64) throws -> Int {
        var added = 0
        for (position, record) in records.enumerated() {
            if let problem = RecordBlob.problem(port: record.port, num: record.num) {
                throw RecordRejection(index: position, reason: .unstorable(problem))
            }
            let entry = RecordBlob.Entry(port: record.port, type: record.type, status: record.status, sourceID: sourceID, num: record.num)
            if let other = entries.first(where: { $0.key == entry.key }) {
                if entry.num != other.num || entry.status != other.status {
                    throw Conflict(index: position, entry: entry, existing: other)
                }
            } else {
                entries.append(entry)
                added += 1
            }
        }
        return added
    }
}
