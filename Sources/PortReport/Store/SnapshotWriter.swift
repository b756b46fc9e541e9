import GRDB

/// Writes snapshots into the store inside one import transaction.
///
/// A snapshot's records are gathered in memory while its pages are read and written as one
/// blob (`RecordBlob`) when the run finishes with it; only a few snapshots are held at once, so
/// memory stays flat however many files a run has. A record that is already in the snapshot with
/// the same values is kept once; with different values it is a conflict. `finish()` then settles
/// each touched snapshot: record count, completeness, digest.
///
/// This type writes the run's snapshots; what the run did to each, with the undo log of the
/// current input (`TouchedSnapshots`), the held records (`HeldSnapshots`, each a `HeldRecords` that de-duplicates), the blob's raw
/// statements (`RecordBlobStatements`), the completeness rule (`Completeness`) and the digest
/// (`SnapshotDigest`) are each in their own file.
final class SnapshotWriter {
    /// What became of a snapshot in this run.
    struct Outcome: Sendable, Equatable {
        let id: Int64
        let key: SnapshotKey
        let kind: SnapshotOutcome
        let records: Int
        let addedRecords: Int
        let addedSources: Int
        let totalNum: Int64?
        let complete: Bool
        let note: String
        /// The types and statuses of the records, when this run wrote the snapshot's blob.
        var kinds: RecordKinds? = nil
    }

    fileprivate typealias Group = TouchedSnapshots.Group

    private let db: Database
    private let blobs: RecordBlobStatements
    /// What the run did to each snapshot it touched, in the order it first touched them, with
    /// the undo log of the current input (the held records keep their own).
    private var groups = TouchedSnapshots()
    /// Snapshot ids by key, as the store's unique index gives them: a bounded cache of recent
    /// lookups (the pages of one export come one after another), emptied when it is full and when
    /// an input is rolled back (its new rows are gone). The store's row is the authority.
    private var ids: [SnapshotKey: Int64] = [:]
    static let idCacheLimit = 1024
    private let held = HeldSnapshots()
    private let importedAt: String
    /// Nil with `--import-again`: a page already stored under another key is stored again.
    private let identity: PageIdentity?

    init(db: Database, importedAt: Timestamp, importAgain: Bool = false) throws {
        self.db = db
        self.importedAt = importedAt.rfc3339
        blobs = try RecordBlobStatements(db)
        identity = importAgain ? nil : try PageIdentity(db: db)
    }

    /// Starts a new input: what follows can be undone with `rollBackInput()`. Between inputs is
    /// when held records are written out, so that no input's savepoint covers them.
    func beginInput() throws {
        groups.beginInput()
        held.beginInput()
        while held.isOverLimit, let key = held.leastRecentlyUsed {
            try release(key)
        }
    }

    /// Forgets everything the current input did (its savepoint was rolled back).
    func rollBackInput() {
        groups.rollBack()
        ids.removeAll(keepingCapacity: true)
        held.rollBackInput()
    }

    /// How many snapshots the run has touched so far.
    var touchedCount: Int { groups.count }

    /// The snapshot id for `key`, if the store already has it (or this run stored it).
    func existingSnapshot(_ key: SnapshotKey) throws -> Int64? {
        if let id = ids[key] { return id }
        guard
            let id = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id FROM snapshot WHERE project_id = ? AND enterprise_project_id = ? AND category = ? AND captured_at = ? AND filters = ?
                        """),
                arguments: [key.projectID, key.enterpriseProjectID, key.category.rawValue, key.capturedAt.rfc3339, key.filters])
        else { return nil }
        remember(id, for: key)
        return id
    }

    private func remember(_ id: Int64, for key: SnapshotKey) {
        if ids.count >= SnapshotWriter.idCacheLimit { ids.removeAll(keepingCapacity: true) }
        ids[key] = id
    }

    /// Whether this exact file (or HAR entry) is already part of the snapshot with `key`.
    func hasSource(key: SnapshotKey, sha256: String, entry: Int, query: String = "") throws -> Bool {
        guard let id = try existingSnapshot(key) else { return false }
        return try hasSource(snapshotID: id, sha256: sha256, entry: entry, query: query)
    }

    private func hasSource(snapshotID: Int64, sha256: String, entry: Int, query: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM source WHERE snapshot_id = ? AND sha256 = ? AND entry = ? AND query = ?"),
            arguments: [snapshotID, sha256, entry, query]) ?? false
    }

    /// Records that a page of the existing snapshot `key` was seen again, unchanged, so that the
    /// run reports the snapshot as already imported.
    func noteUnchanged(_ key: SnapshotKey) throws {
        guard let id = try existingSnapshot(key), groups[id] == nil else { return }
        groups.set(Group(existed: true), for: id)
    }

    private func group(for key: SnapshotKey, provenance: MetadataProvenance) throws -> (id: Int64, group: Group) {
        let id: Int64, group: Group
        if let existing = try existingSnapshot(key) {
            if let touched = groups[existing] { return (existing, touched) }
            (id, group) = (existing, Group(existed: true))
        } else {
            try db.cachedStatement(
                sql: """
                    INSERT INTO snapshot (id, project_id, enterprise_project_id, category, captured_at, filters, record_count, total_num,
                        complete, partial, note, digest, project_source, enterprise_project_source, category_source, captured_at_source,
                        imported_at, tool_version)
                    VALUES (\(EditLog.nextSnapshotIDSQL), ?, ?, ?, ?, ?, 0, NULL, 0, ?, '', '', ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                key.projectID, key.enterpriseProjectID, key.category.rawValue, key.capturedAt.rfc3339, key.filters,
                key.isPartial ? 1 : 0, provenance.project, provenance.enterpriseProject, provenance.category,
                provenance.capturedAt, importedAt, PortReportVersion.string
            ])
            (id, group) = (db.lastInsertedRowID, Group(existed: false))
            remember(id, for: key)
        }
        groups.set(group, for: id)
        return (id, group)
    }

    /// The held records of the snapshot `key` (`id`), reading its blob when the store has one.
    private func records(of key: SnapshotKey, id: Int64, group: Group) throws -> HeldRecords {
        if let records = held.records(of: key) { return records }
        let entries = try group.existed || group.settledKinds != nil ? blobs.entries(of: id) : []
        let records = HeldRecords(entries)
        held.hold(records, for: key)
        return records
    }

    /// Writes a held snapshot's records to its blob, with their count and digest to its row (when
    /// they changed), and lets them go.
    private func release(_ key: SnapshotKey) throws {
        guard let records = held.release(key), records.changed, let id = try existingSnapshot(key), groups[id] != nil else {
            return
        }
        records.entries.sort { $0.key < $1.key }
        try blobs.write(RecordBlob.encode(records.entries), for: id)
        try db.cachedStatement(sql: "UPDATE snapshot SET record_count = ?, digest = ? WHERE id = ?")
            .execute(arguments: [records.entries.count, SnapshotDigest.compute(records.entries, key: key), id])
        groups.settle(id, kinds: RecordKinds(records.entries))
    }

    /// Adds a page's records. Returns how many records were new to the snapshot, or nil when the
    /// page was already part of it. Throws `RecordRejection` for a record the store refuses.
    @discardableResult
    func add(_ page: SnapshotPage, records: [PortRecord]) throws -> Int? {
        var (id, group) = try group(for: page.key, provenance: page.provenance)
        if try hasSource(snapshotID: id, sha256: page.sha256, entry: page.entry, query: page.query) {
            return nil
        }
        try identity?.check(page, recordCount: records.count, snapshotID: id)
        try db.cachedStatement(
            sql: """
                INSERT INTO source (snapshot_id, path, entry, sha256, size, total_num, records, query, real_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        .execute(arguments: [
            id, page.path, page.entry, page.sha256, page.size, page.totalNum, records.count, page.query, page.realPath
        ])
        let sourceID = db.lastInsertedRowID
        group.addedSources += 1
        groups.set(group, for: id)

        let held = try self.records(of: page.key, id: id, group: group)
        guard (1...Int64(UInt32.max)).contains(sourceID) else {
            throw StoreDamage(message: "source id \(sourceID) does not fit the store's layout")
        }
        let added: Int
        do {
            added = try held.append(records, sourceID: sourceID)
        } catch let conflict as HeldRecords.Conflict {
            throw try rejection(conflict)
        }
        group.addedRecords += added
        groups.set(group, for: id)
        return added
    }

    /// A conflicting duplicate, with the page the record already held came from.
    private func rejection(_ conflict: HeldRecords.Conflict) throws -> RecordRejection {
        let entry = conflict.entry, other = conflict.existing
        var location: RecordRejection.Location?
        if other.sourceID != entry.sourceID,
            let row = try Row.fetchOne(db, sql: "SELECT path, entry FROM source WHERE id = ?", arguments: [other.sourceID])
        {
            location = RecordRejection.Location(path: row["path"], entry: row["entry"])
        }
        return RecordRejection(
            index: conflict.index,
            reason: .conflict(
                port: entry.port, type: entry.type, num: entry.num, status: entry.status,
                otherNum: other.num, otherStatus: other.status, other: location))
    }

    /// Settles every snapshot this run touched and says what became of each, in the order the
    /// run first touched them: one `Outcome` at a time, so that the run's summary is the only
    /// list of them (each has its key, read back from the store's row).
    func finish(_ each: (Outcome) throws -> Void) throws {
        while let key = held.leastRecentlyUsed {
            try release(key)
        }
        let row = try db.cachedStatement(
            sql: """
                SELECT project_id, enterprise_project_id, category, captured_at, filters, record_count, total_num, complete, note
                FROM snapshot WHERE id = ?
                """)
        try groups.forEach { id, group in
            guard let stored = try Row.fetchOne(row, arguments: [id]) else { return }
            let categoryText: String = stored[2], capturedText: String = stored[3]
            guard let category = Category(rawValue: categoryText), let capturedAt = Timestamp(rfc3339: capturedText) else {
                throw StoreDamage(
                    message: "snapshot \(id) has category '\(categoryText)' and captured_at '\(capturedText)', which this run did not write"
                )
            }
            let key = SnapshotKey(
                projectID: stored[0], enterpriseProjectID: stored[1], category: category, capturedAt: capturedAt, filters: stored[4])
            // The count is the row's: settling a snapshot's records wrote it there.
            guard let kinds = group.settledKinds, group.addedSources > 0 else {
                // Nothing was added: report the snapshot as it stands.
                try each(
                    Outcome(
                        id: id, key: key, kind: .alreadyImported, records: stored[5], addedRecords: 0, addedSources: 0,
                        totalNum: stored[6], complete: stored[7], note: stored[8]))
                return
            }
            let count: Int = stored[5]
            let totals = try Int64.fetchAll(
                db.cachedStatement(
                    sql: "SELECT DISTINCT total_num FROM source WHERE snapshot_id = ? AND total_num IS NOT NULL ORDER BY total_num"),
                arguments: [id])
            let totalNum = totals.last
            let completeness = Completeness(records: count, totals: totals)
            try db.cachedStatement(sql: "UPDATE snapshot SET total_num = ?, complete = ?, note = ? WHERE id = ?")
                .execute(arguments: [totalNum, completeness.complete ? 1 : 0, completeness.note, id])
            try each(
                Outcome(
                    id: id, key: key, kind: group.existed ? .merged : .stored, records: count, addedRecords: group.addedRecords,
                    addedSources: group.addedSources, totalNum: totalNum, complete: completeness.complete, note: completeness.note,
                    kinds: kinds))
        }
        groups.removeAll()
    }
}

/// Which types and statuses a snapshot's records have: what the plausibility rules read of its
/// records (`SnapshotFacts`). The writer works it out from the records it has in memory when it
/// writes the blob, so that the import's check does not read every blob back: on a year's import
/// that read-back, a set insertion per record, took as long as the import's own thread.
struct RecordKinds: Sendable, Equatable {
    /// Bit `PortType.order` per type, bit `RecordBlob.statusCode` per status.
    private var typeBits: UInt8 = 0
    private var statusBits: UInt8 = 0

    init(_ entries: [RecordBlob.Entry]) {
        var typeBits: UInt8 = 0, statusBits: UInt8 = 0
        for entry in entries {
            typeBits |= 1 << UInt8(entry.type.order)
            statusBits |= 1 << RecordBlob.statusCode(entry.status)
        }
        self.typeBits = typeBits
        self.statusBits = statusBits
    }

    var types: Set<PortType> {
        Set(RecordBlob.types.filter { typeBits & (1 << UInt8($0.order)) != 0 })
    }

    var statuses: Set<VendorStatus?> {
        Set(RecordBlob.statuses.filter { statusBits & (1 << RecordBlob.statusCode($0)) != 0 })
    }
}
