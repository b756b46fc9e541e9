import GRDB
import GRDBSQLite

/// Writes snapshots into the store inside one import transaction.
///
/// Pages are added as they are read, so memory stays flat however many files a run has:
/// each page's records go straight into the `record` table under their snapshot. A record that
/// is already there with the same values is kept once; with different values it is a conflict.
/// `finish()` then settles each touched snapshot: record count, completeness, digest.
final class SnapshotWriter {
    /// What became of a snapshot in this run.
    struct Outcome: Sendable, Equatable {
        enum Kind: String, Sendable {
            /// A snapshot the store did not have.
            case stored
            /// Pages added to a snapshot the store had (e.g. a missing page imported later).
            case merged
            /// Everything was there already: nothing changed.
            case alreadyImported
        }

        let id: Int64
        let key: SnapshotKey
        let kind: Kind
        let records: Int
        let addedRecords: Int
        let addedSources: Int
        let totalNum: Int64?
        let complete: Bool
        let note: String
    }

    fileprivate struct Group {
        let id: Int64
        let key: SnapshotKey
        let existed: Bool
        var addedRecords = 0
        var addedSources = 0
    }

    private let db: Database
    private let insertRecord: Statement
    private var groups: [SnapshotKey: Group] = [:]
    private var order: [SnapshotKey] = []
    private let importedAt: String

    init(db: Database, importedAt: Timestamp) throws {
        self.db = db
        self.importedAt = importedAt.rfc3339
        insertRecord = try db.makeStatement(sql: "INSERT OR IGNORE INTO record (snapshot_id, port, type, num, status, source_id) VALUES (?, ?, ?, ?, ?, ?)")
    }

    /// Undo log of the input being read: the state of each group before the input touched it, so
    /// that a rolled-back input (its savepoint undone) leaves no trace here either. Cheaper than
    /// copying every group per input, which showed up in profiles of a year's import.
    private var undo: [SnapshotKey: Group?] = [:]
    private var orderCountAtInputStart = 0

    /// Starts a new input: what follows can be undone with `rollBackInput()`.
    func beginInput() {
        undo.removeAll(keepingCapacity: true)
        orderCountAtInputStart = order.count
    }

    /// Forgets everything the current input did (its savepoint was rolled back).
    func rollBackInput() {
        for (key, previous) in undo {
            groups[key] = previous
        }
        order.removeSubrange(orderCountAtInputStart...)
        undo.removeAll(keepingCapacity: true)
    }

    private func setGroup(_ group: Group, for key: SnapshotKey) {
        if undo[key] == nil { undo[key] = .some(groups[key]) }
        groups[key] = group
    }

    /// The snapshot id for `key`, if the store already has it.
    func existingSnapshot(_ key: SnapshotKey) throws -> Int64? {
        if let group = groups[key] { return group.id }
        return try Int64.fetchOne(db, sql: """
            SELECT id FROM snapshot WHERE project_id = ? AND enterprise_project_id = ? AND category = ? AND captured_at = ? AND filters = ?
            """, arguments: [key.projectID, key.enterpriseProjectID, key.category.rawValue, key.capturedAt.rfc3339, key.filters])
    }

    /// Whether this exact file (or HAR entry) is already part of the snapshot with `key`.
    func hasSource(key: SnapshotKey, sha256: String, entry: Int, query: String = "") throws -> Bool {
        guard let id = try existingSnapshot(key) else { return false }
        return try Bool.fetchOne(db, sql: "SELECT 1 FROM source WHERE snapshot_id = ? AND sha256 = ? AND entry = ? AND query = ?", arguments: [id, sha256, entry, query]) ?? false
    }

    /// Records that a page of the existing snapshot `key` was seen again, unchanged, so that the
    /// run reports the snapshot as already imported.
    func noteUnchanged(_ key: SnapshotKey) throws {
        guard groups[key] == nil, let id = try existingSnapshot(key) else { return }
        setGroup(Group(id: id, key: key, existed: true), for: key)
        order.append(key)
    }

    private func group(for key: SnapshotKey, provenance: MetadataProvenance) throws -> Group {
        if let group = groups[key] { return group }
        let group: Group
        if let id = try existingSnapshot(key) {
            group = Group(id: id, key: key, existed: true)
        } else {
            try db.execute(sql: """
                INSERT INTO snapshot (project_id, enterprise_project_id, category, captured_at, filters, record_count, total_num,
                    complete, partial, note, digest, project_source, enterprise_project_source, category_source, captured_at_source,
                    imported_at, tool_version)
                VALUES (?, ?, ?, ?, ?, 0, NULL, 0, ?, '', '', ?, ?, ?, ?, ?, ?)
                """, arguments: [key.projectID, key.enterpriseProjectID, key.category.rawValue, key.capturedAt.rfc3339, key.filters,
                                 key.isPartial ? 1 : 0, provenance.project, provenance.enterpriseProject, provenance.category,
                                 provenance.capturedAt, importedAt, PortReportVersion.string])
            group = Group(id: db.lastInsertedRowID, key: key, existed: false)
        }
        setGroup(group, for: key)
        order.append(key)
        return group
    }

    /// One page (a file, a HAR entry, a query result, another store's snapshot) to add.
    struct Page {
        let key: SnapshotKey
        let provenance: MetadataProvenance
        /// Path as shown to the user, and the place within it (`log.entries[3]`), if any.
        let path: String
        let entry: Int
        let sha256: String
        let size: Int
        let totalNum: Int64?
        /// The query that read a foreign database; empty otherwise.
        var query: String = ""
    }

    /// Adds a page's records. Returns how many records were new to the snapshot, or nil when the
    /// page was already part of it. `recordPlace` names a record for messages (`data_list[17]`),
    /// `recordLine` its line.
    @discardableResult
    func add(_ page: Page, records: [PortRecord], recordPlace: (Int) -> String, recordLine: (Int) -> Int?) throws -> Int? {
        var group = try group(for: page.key, provenance: page.provenance)
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM source WHERE snapshot_id = ? AND sha256 = ? AND entry = ? AND query = ?", arguments: [group.id, page.sha256, page.entry, page.query]) == true {
            return nil
        }
        try db.execute(sql: "INSERT INTO source (snapshot_id, path, entry, sha256, size, total_num, records, query) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [group.id, page.path, page.entry, page.sha256, page.size, page.totalNum, records.count, page.query])
        let sourceID = db.lastInsertedRowID
        group.addedSources += 1
        setGroup(group, for: page.key)

        let statement = insertRecord.sqliteStatement
        let connection = db.sqliteConnection
        var added = 0
        for (index, record) in records.enumerated() {
            sqlite3_reset(statement)
            sqlite3_bind_int64(statement, 1, group.id)
            sqlite3_bind_int64(statement, 2, Int64(record.port))
            let typeName = record.type.staticName
            typeName.withUTF8Buffer { buffer in
                _ = sqlite3_bind_text(statement, 3, UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), Int32(buffer.count), nil)
            }
            sqlite3_bind_int64(statement, 4, record.num)
            if let status = record.status {
                status.staticName.withUTF8Buffer { buffer in
                    _ = sqlite3_bind_text(statement, 5, UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), Int32(buffer.count), nil)
                }
            } else {
                sqlite3_bind_null(statement, 5)
            }
            sqlite3_bind_int64(statement, 6, sourceID)
            let code = sqlite3_step(statement)
            guard code == SQLITE_DONE else {
                let message = String(cString: sqlite3_errmsg(connection))
                sqlite3_reset(statement)
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message)
            }
            if sqlite3_changes(connection) == 1 {
                added += 1
            } else {
                try checkDuplicate(record, group: group, sourceID: sourceID, page: page, place: recordPlace(index), line: recordLine(index))
            }
        }
        sqlite3_reset(statement)
        group.addedRecords += added
        setGroup(group, for: page.key)
        return added
    }

    /// A record already in the snapshot: the same values are kept once, others are a conflict.
    private func checkDuplicate(_ record: PortRecord, group: Group, sourceID: Int64, page: Page, place: String, line: Int?) throws {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT record.num, record.status, record.source_id, source.path, source.entry
            FROM record JOIN source ON source.id = record.source_id
            WHERE record.snapshot_id = ? AND record.port = ? AND record.type = ?
            """, arguments: [group.id, record.port, record.type.rawValue]) else { return }
        let num: Int64 = row["num"]
        let status: String? = row["status"]
        if num == record.num && status == record.status?.rawValue { return }
        let otherSource: Int64 = row["source_id"]
        let otherPath: String = row["path"]
        let otherEntry: Int = row["entry"]
        let where_ = otherSource == sourceID ? "earlier in this same page"
            : "in \(otherPath)\(otherEntry >= 0 ? " log.entries[\(otherEntry)]" : "")"
        func describe(_ num: Int64, _ status: String?) -> String { "num \(num)" + (status.map { ", status \($0)" } ?? "") }
        throw InputError(
            file: page.path, line: line, place: place,
            message: "\(record.port)/\(record.type.rawValue) has \(describe(record.num, record.status?.rawValue)) here but \(describe(num, status)) \(where_), in the same snapshot (\(page.key.category.rawValue), captured \(page.key.capturedAt.rfc3339)); pages of one export must agree")
    }

    /// Settles every snapshot this run touched and says what became of each.
    func finish() throws -> [Outcome] {
        var outcomes: [Outcome] = []
        for key in order {
            guard let group = groups[key] else { continue }
            if group.existed && group.addedSources == 0 {
                // Nothing was added: report the snapshot as it stands.
                guard let row = try Row.fetchOne(db, sql: "SELECT record_count, total_num, complete, note FROM snapshot WHERE id = ?", arguments: [group.id]) else { continue }
                outcomes.append(Outcome(id: group.id, key: key, kind: .alreadyImported, records: row["record_count"], addedRecords: 0,
                                        addedSources: 0, totalNum: row["total_num"], complete: row["complete"], note: row["note"]))
                continue
            }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE snapshot_id = ?", arguments: [group.id]) ?? 0
            let totals = try Int64.fetchAll(db, sql: "SELECT DISTINCT total_num FROM source WHERE snapshot_id = ? AND total_num IS NOT NULL ORDER BY total_num", arguments: [group.id])
            let totalNum = totals.last
            var note = ""
            var complete = true
            if totals.count > 1 {
                complete = false
                note = "pages disagree on total_num (\(totals.map(String.init).joined(separator: ", "))): the data changed while it was paged"
            } else if let totalNum, Int64(count) < totalNum {
                complete = false
                note = "\(count) of \(totalNum) records: \(totalNum - Int64(count)) missing (a page was not saved?)"
            } else if totalNum == nil {
                note = "the source gives no total_num: completeness cannot be checked"
            } else if let totalNum, Int64(count) > totalNum {
                complete = false
                note = "\(count) records but total_num says \(totalNum): the data changed while it was paged"
            }
            let digest = try SnapshotDigest.compute(db, snapshotID: group.id, key: key)
            try db.execute(sql: "UPDATE snapshot SET record_count = ?, total_num = ?, complete = ?, note = ?, digest = ? WHERE id = ?",
                           arguments: [count, totalNum, complete ? 1 : 0, note, digest, group.id])
            let kind: Outcome.Kind = !group.existed ? .stored : (group.addedSources == 0 && group.addedRecords == 0 ? .alreadyImported : .merged)
            outcomes.append(Outcome(id: group.id, key: key, kind: kind, records: count, addedRecords: group.addedRecords,
                                    addedSources: group.addedSources, totalNum: totalNum, complete: complete, note: note))
        }
        return outcomes
    }
}

/// The identity of a snapshot: SHA-256 of its key and its records in canonical order.
enum SnapshotDigest {
    static func compute(_ db: Database, snapshotID: Int64, key: SnapshotKey) throws -> String {
        var hasher = SHA256Hasher()
        hasher.update("portreport snapshot v1\nproject=\(key.projectID)\nenterprise_project=\(key.enterpriseProjectID)\ncategory=\(key.category.rawValue)\ncaptured_at=\(key.capturedAt.rfc3339)\nfilters=\(key.filters)\n")
        let statement = try db.makeStatement(sql: "SELECT port, type, num, status FROM record WHERE snapshot_id = ? ORDER BY port, type")
        try statement.setArguments([snapshotID])
        let handle = statement.sqliteStatement
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 16)
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            appendDecimal(sqlite3_column_int64(handle, 0), to: &buffer)
            buffer.append(0x20)
            appendText(handle, 1, to: &buffer)
            buffer.append(0x20)
            appendDecimal(sqlite3_column_int64(handle, 2), to: &buffer)
            buffer.append(0x20)
            if sqlite3_column_type(handle, 3) == SQLITE_NULL { buffer.append(UInt8(ascii: "-")) } else { appendText(handle, 3, to: &buffer) }
            buffer.append(0x0A)
            if buffer.count >= 60_000 {
                hasher.update(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        sqlite3_reset(handle)
        hasher.update(buffer)
        return hasher.finalizeHex()
    }

    private static func appendText(_ handle: OpaquePointer, _ column: Int32, to buffer: inout [UInt8]) {
        guard let text = sqlite3_column_text(handle, column) else { return }
        let length = Int(sqlite3_column_bytes(handle, column))
        buffer.append(contentsOf: UnsafeBufferPointer(start: text, count: length))
    }

    private static func appendDecimal(_ value: Int64, to buffer: inout [UInt8]) {
        if value == 0 {
            buffer.append(0x30)
            return
        }
        var digits: [UInt8] = []
        var v = value.magnitude
        while v > 0 {
            digits.append(UInt8(v % 10) + 0x30)
            v /= 10
        }
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        buffer.append(contentsOf: digits.reversed())
    }
}
