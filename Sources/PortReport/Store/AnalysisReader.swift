import GRDB
import GRDBSQLite

/// Read access to the store for the analysis, inside one read transaction so that a report made
/// while an import runs sees one consistent state.
final class AnalysisReader {
    let db: Database
    private let blobStatement: Statement
    private var recordCache: [Int64: [PortKey: RecordValue]] = [:]
    /// Warnings about snapshots `snapshots(in:)` left out: ones a store written by portreport 0.2
    /// may hold, with a capture time or a num outside the ranges portreport now takes.
    private(set) var unusableWarnings: [String] = []

    init(_ db: Database) throws {
        self.db = db
        blobStatement = try db.makeStatement(sql: "SELECT data FROM snapshot_records WHERE snapshot_id = ?")
    }

    /// The `WHERE` clause (empty when the scope is everything) and its arguments that select a
    /// scope's rows from `snapshot` or `detail_snapshot`, which share these columns.
    static func whereClause(_ scope: AnalysisScope) -> (clause: String, arguments: StatementArguments) {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let project = scope.projectID {
            conditions.append("project_id = ?")
            arguments.append(project)
        }
        if let enterprise = scope.enterpriseProjectID {
            conditions.append("enterprise_project_id = ?")
            arguments.append(enterprise)
        }
        if let category = scope.category {
            conditions.append("category = ?")
            arguments.append(category.rawValue)
        }
        if let asOf = scope.asOf {
            conditions.append("captured_at <= ?")
            arguments.append(asOf.rfc3339)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return (whereClause, StatementArguments(arguments))
    }

    /// Metadata of the snapshots in scope, oldest first. Uses the snapshot table only.
    func snapshots(in scope: AnalysisScope) throws -> [SnapshotInfo] {
        let (whereClause, arguments) = AnalysisReader.whereClause(scope)
        let statement = try db.makeStatement(
            sql: """
                SELECT id, project_id, enterprise_project_id, category, captured_at, record_count, total_num, complete, partial, filters, note
                FROM snapshot \(whereClause) ORDER BY captured_at, project_id, enterprise_project_id, category, filters, id
                """)
        try statement.setArguments(arguments)
        unusableWarnings = []
        let overMaximum = try RecordBlob.overMaximum(db)
        // Columns by position, read straight from SQLite (the order of the SELECT above): GRDB's
        // rows cost 26,000 instructions each, most of reading the 18,000 snapshots of 100
        // projects' 90 days.
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        // As GRDB reads a text (so that every command shows the same value).
        func text(_ column: Int32) -> String {
            guard let bytes = sqlite3_column_text(handle, column) else { return "" }
            return String(cString: bytes)
        }
        // Reserved to the count (read in the same transaction): grown by doubling, the 18,000
        // snapshots of 100 projects took 3.7 MB for 2.
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshot \(whereClause)", arguments: arguments) ?? 0
        var result: [SnapshotInfo] = []
        result.reserveCapacity(count)
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            let id = sqlite3_column_int64(handle, 0)
            let categoryText = text(3), capturedText = text(4)
            guard let category = Category(rawValue: categoryText) else {
                throw ReportError("snapshot \(id) is damaged (category '\(categoryText)', captured_at '\(capturedText)')")
            }
            guard let capturedAt = Timestamp(rfc3339: capturedText) else {
                unusableWarnings.append(AnalysisReader.capturedAtWarning(id: id, capturedText))
                continue
            }
            if let problem = overMaximum[id] {
                unusableWarnings.append(problem)
                continue
            }
            let totalNum: Int64? = sqlite3_column_type(handle, 6) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 6)
            result.append(
                SnapshotInfo(
                    id: id, projectID: text(1), enterpriseProjectID: text(2), category: category, capturedAt: capturedAt,
                    records: Int(sqlite3_column_int64(handle, 5)), totalNum: totalNum, complete: sqlite3_column_int64(handle, 7) != 0,
                    partial: sqlite3_column_int64(handle, 8) != 0, filters: text(9), note: text(10)))
        }
        return result
    }

    /// The warning for a snapshot whose `captured_at` portreport cannot use (one written by 0.2).
    static func capturedAtWarning(id: Int64, _ capturedText: String) -> String {
        let shown = capturedText.count > 60 ? String(capturedText.prefix(60)) + "…" : capturedText
        return
            "not used: snapshot \(id) has captured_at '\(shown)', not an RFC 3339 time \(Timestamp.validRangeDescription) — re-export it, or import its exports into a new store without it"
    }

    /// The warning for the first record of `view` whose num is over `PortRecord.maximumNum`
    /// (stores written by 0.2 took any num up to 2⁶³ − 1), or nil when it has none.
    static func numWarning(id snapshotID: Int64, _ view: RecordBlob.View) -> String? {
        for index in 0..<view.count {
            let num = view.num(at: index)
            guard num > PortRecord.maximumNum else { continue }
            let key = view.key(at: index)
            let type = RecordBlob.types[Int(key & 3)]
            return
                "not used: snapshot \(snapshotID) holds num \(num) for \(key >> 2)/\(type.rawValue), over the maximum \(PortRecord.maximumNum) — re-export it, or import its exports into a new store without it"
        }
        return nil
    }

    /// The input files (or HAR entries, or queries) each snapshot was read from.
    func sources(of snapshotIDs: [Int64]) throws -> [Int64: [SnapshotSummary.Source]] {
        var result: [Int64: [SnapshotSummary.Source]] = [:]
        let statement = try db.makeStatement(
            sql: "SELECT path, entry, sha256, size, total_num, records, query FROM source WHERE snapshot_id = ? ORDER BY path, entry, id")
        for id in snapshotIDs {
            result[id] = try Row.fetchAll(statement, arguments: [id]).map(SnapshotSummary.Source.init(row:))
        }
        return result
    }

    /// Every record of a snapshot (decoded from its blob; cached).
    func records(of snapshotID: Int64) throws -> [PortKey: RecordValue] {
        if let cached = recordCache[snapshotID] { return cached }
        let result = try withBlob(of: snapshotID) { (view) throws(RecordBlob.Damage) in
            var result: [PortKey: RecordValue] = Dictionary(minimumCapacity: view.count)
            for entry in try view.entries() {
                result[PortKey(port: entry.port, type: entry.type)] = RecordValue(num: entry.num, status: entry.status)
            }
            return result
        }
        recordCache[snapshotID] = result
        return result
    }

    /// The nums of `keys` in one snapshot, in the order of `keys` (0 for a key it does not have):
    /// a binary search each in the snapshot's blob, read in place.
    func nums(of keys: [PortKey], in snapshotID: Int64) throws -> [Int64] {
        if let cached = recordCache[snapshotID] {
            return keys.map { cached[$0]?.num ?? 0 }
        }
        return try withBlob(of: snapshotID) { (view) throws(RecordBlob.Damage) in
            keys.map { key in view.index(of: UInt32(key.port) << 2 | UInt32(key.type.order)).map { view.num(at: $0) } ?? 0 }
        }
    }

    /// The figures of `keys` (`PortKey.code`s, ascending) in one snapshot, written into `nums` and
    /// `verdicts` from `offset` on: each key's num, and its verdict as `KeyHistory` codes it (0:
    /// not listed; otherwise 1 + `StatusOrder.rank`). Read in place from the blob.
    func values(of keys: [UInt32], in snapshotID: Int64, nums: inout [Int64], verdicts: inout [UInt8], at offset: Int) throws {
        guard offset >= 0, offset + keys.count <= min(nums.count, verdicts.count) else { return }
        var damaged: (index: Int, code: UInt8)?
        try withBlob(of: snapshotID) { (view) throws(RecordBlob.Damage) in
            // The keys ascend, so each search starts where the last one ended and gallops
            // (1, 2, 4, … records ahead) before a binary search: K keys cost K log(N / K) steps.
            // (Stepping through the blob record by record measured slower, even for 100 keys in
            // 1,000 records.) Written through buffer pointers: no uniqueness check per key.
            let count = view.count
            nums.withUnsafeMutableBufferPointer { nums in
                verdicts.withUnsafeMutableBufferPointer { verdicts in
                    var low = 0
                    for (column, key) in keys.enumerated() {
                        var bound = 1
                        while low + bound <= count && view.key(at: low + bound - 1) < key { bound *= 2 }
                        var first = low + bound / 2, last = min(low + bound, count)
                        while first < last {
                            let middle = (first + last) / 2
                            if view.key(at: middle) < key { first = middle + 1 } else { last = middle }
                        }
                        low = first
                        guard low < count && view.key(at: low) == key else {
                            nums[offset + column] = 0
                            verdicts[offset + column] = 0
                            continue
                        }
                        let code = view.statusCode(at: low)
                        if code >= 4 && damaged == nil { damaged = (low, code) }
                        nums[offset + column] = view.num(at: low)
                        verdicts[offset + column] = AnalysisReader.verdict(ofStatusCode: code)
                    }
                }
            }
            if let damaged {
                throw RecordBlob.Damage(
                    description: "record \(damaged.index) of its records blob has status code \(damaged.code) (expected 0–3)")
            }
        }
    }

    /// `KeyHistory`'s verdict code (1 + `StatusOrder.rank`) of a blob status code (0 none,
    /// 1 danger, 2 normal, 3 unknown): 1, 4, 3 and 2, the bytes of one constant, so no table is
    /// read per record.
    @inline(__always)
    static func verdict(ofStatusCode code: UInt8) -> UInt8 {
        UInt8(truncatingIfNeeded: UInt32(0x0203_0401) >> (UInt32(code & 3) << 3))
    }

    /// Adds every record of a snapshot to `figures`, read in place from its blob: a sum over many
    /// projects builds no dictionary per snapshot.
    func add(_ snapshotID: Int64, to figures: inout DenseFigures) throws {
        if let cached = recordCache[snapshotID] {
            figures.add(cached)
            return
        }
        try forEachFigure(of: snapshotID) { code, num, verdict in figures.add(code: code, num: num, verdict: verdict) }
    }

    /// Raises `figures` to every record of a snapshot (the higher num and the worse verdict per
    /// port: `DenseFigures.raise`), in place: the loop of the `resolved[]` candidates, which reads
    /// every snapshot of the window in full. One pass: a damaged record stops it with the figures
    /// partly raised, and the error ends the analysis. (A sorted merge instead of the dense
    /// slots, to spare the cache misses, measured slower.)
    func raise(_ figures: inout DenseFigures, toFiguresOf snapshotID: Int64) throws {
        try withBlob(of: snapshotID) { (view) throws(RecordBlob.Damage) in
            let count = view.count
            var damaged: Int?
            figures.withUnsafeSlots { nums, verdicts, listed in
                for index in 0..<count {
                    let code = view.statusCode(at: index), num = view.num(at: index)
                    guard code < 4, num >= 0 else {
                        damaged = index
                        return
                    }
                    // The key is a 16-bit port and a 2-bit type: always a slot.
                    let slot = Int(view.key(at: index))
                    guard slot < nums.count else { continue }
                    let verdict = AnalysisReader.verdict(ofStatusCode: code)
                    if verdicts[slot] == 0 { listed.append(UInt32(truncatingIfNeeded: slot)) }
                    nums[slot] = max(nums[slot], num)
                    verdicts[slot] = max(verdicts[slot], verdict)
                }
            }
            if let index = damaged {
                throw RecordBlob.Damage(
                    description:
                        "record \(index) of its records blob has status code \(view.statusCode(at: index)) and num \(view.num(at: index)) (expected 0–3, not negative)"
                )
            }
        }
    }

    /// Calls `body` with every record of a snapshot, in key order, read in place from its blob:
    /// its `PortKey.code`, num and verdict code (1 + `StatusOrder.rank`, as `values` gives it).
    func forEachFigure(of snapshotID: Int64, _ body: (UInt32, Int64, UInt8) -> Void) throws {
        try withBlob(of: snapshotID) { (view) throws(RecordBlob.Damage) in
            for index in 0..<view.count {
                let code = view.statusCode(at: index), num = view.num(at: index)
                guard code < 4, num >= 0 else {
                    throw RecordBlob.Damage(
                        description:
                            "record \(index) of its records blob has status code \(code) and num \(num) (expected 0–3, not negative)")
                }
                body(view.key(at: index), num, AnalysisReader.verdict(ofStatusCode: code))
            }
        }
    }

    /// What the plausibility rules need of a snapshot: its metadata and the distinct statuses and
    /// types of its records, read in place from its blob (or from the cache). One blob per call:
    /// the analysis asks only for the snapshots it uses and the previous one of each.
    func facts(of info: SnapshotInfo) throws -> SnapshotFacts {
        if let cached = recordCache[info.id] {
            return SnapshotFacts(info, statuses: Set(cached.values.map(\.status)), types: Set(cached.keys.map(\.type)))
        }
        // Which status and type codes occur, as bits: a set insertion per record (a hash each)
        // was most of checking 200 projects' snapshots.
        let (statusBits, typeBits) = try withBlob(of: info.id) { (view) throws(RecordBlob.Damage) -> (UInt8, UInt8) in
            var statusBits: UInt8 = 0, typeBits: UInt8 = 0
            for index in 0..<view.count {
                let status = view.statusCode(at: index), type = view.typeCode(at: index)
                guard status < 4, type < 4 else {
                    throw RecordBlob.Damage(
                        description: "record \(index) of its records blob has type code \(type) and status code \(status) (expected 0–3)")
                }
                statusBits |= 1 << status
                typeBits |= 1 << type
            }
            return (statusBits, typeBits)
        }
        let statuses = Set((0..<4).filter { statusBits & (1 << $0) != 0 }.map { RecordBlob.statuses[$0] })
        let types = Set((0..<4).filter { typeBits & (1 << $0) != 0 }.map { RecordBlob.types[$0] })
        return SnapshotFacts(info, statuses: statuses, types: types)
    }

    /// The metadata of one snapshot, or nil when there is none with that id (or it is one the
    /// analysis cannot use: a capture time that is not RFC 3339).
    func snapshotInfo(id: Int64) throws -> SnapshotInfo? {
        // Cached: the plausibility check asks once per snapshot an import wrote, and preparing
        // the statement (parse, authorizer) cost more than running it.
        try Row.fetchOne(db.cachedStatement(sql: Self.infoSelect + " WHERE id = ?"), arguments: [id]).flatMap(Self.info(row:))
    }

    /// The newest complete, unfiltered snapshot of the same project, enterprise project and
    /// category captured before `info` (the plausibility rules' previous one); one indexed query.
    func previousComplete(before info: SnapshotInfo) throws -> SnapshotInfo? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: Self.infoSelect + """
                     WHERE project_id = ? AND enterprise_project_id = ? AND category = ? AND complete = 1 AND partial = 0
                    AND captured_at < ? AND id <> ? ORDER BY captured_at DESC, id DESC LIMIT 1
                    """),
            arguments: [info.projectID, info.enterpriseProjectID, info.category.rawValue, info.capturedAt.rfc3339, info.id]
        ).flatMap(Self.info(row:))
    }

    private static let infoSelect =
        "SELECT id, project_id, enterprise_project_id, category, captured_at, record_count, total_num, complete, partial, filters, note FROM snapshot"

    private static func info(row: Row) -> SnapshotInfo? {
        let categoryText: String = row[3], capturedText: String = row[4]
        guard let category = Category(rawValue: categoryText), let capturedAt = Timestamp(rfc3339: capturedText) else { return nil }
        return SnapshotInfo(
            id: row[0], projectID: row[1], enterpriseProjectID: row[2], category: category, capturedAt: capturedAt, records: row[5],
            totalNum: row[6], complete: row[7], partial: row[8], filters: row[9], note: row[10])
    }

    /// Runs `body` over the snapshot's blob where SQLite holds it (an empty one when it has none).
    private func withBlob<T>(of snapshotID: Int64, _ body: (RecordBlob.View) throws(RecordBlob.Damage) -> T) throws -> T {
        let handle = blobStatement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, snapshotID)
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        var bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        if code == SQLITE_ROW {
            bytes = UnsafeRawBufferPointer(start: sqlite3_column_blob(handle, 0), count: Int(sqlite3_column_bytes(handle, 0)))
        } else if code != SQLITE_DONE {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        do {
            return try body(RecordBlob.View(bytes))
        } catch {
            throw StoreDamage(message: "snapshot \(snapshotID) is damaged: \(error)")
        }
    }
}

extension Store {
    /// The plausibility rules over snapshots just stored (`import`): for each complete,
    /// unfiltered one that is suspect, its id and the `SuspectSnapshot` (against the previous
    /// complete one of its key). Two blobs read per snapshot.
    public func suspectSnapshots(_ ids: [Int64]) throws -> [SuspectSnapshot] {
        try withAnalysisReader { reader in
            try ids.compactMap { id in
                guard let info = try reader.snapshotInfo(id: id), info.isUsable else { return nil }
                let previous = try reader.previousComplete(before: info).map { try reader.facts(of: $0) }
                guard let reason = Plausibility.suspectReason(try reader.facts(of: info), previous: previous) else { return nil }
                return SuspectSnapshot(
                    snapshotID: id, category: info.category, origin: info.origin, capturedAt: info.capturedAt, reason: reason,
                    role: .imported)
            }
        }
    }
}

extension Store {
    /// Runs `body` with a reader over one consistent state of the store.
    func withAnalysisReader<T>(_ body: (AnalysisReader) throws -> T) throws -> T {
        do {
            return try database.read { db in try body(AnalysisReader(db)) }
        } catch let error as StoreError {
            throw error
        } catch let error as StoreDamage {
            throw StoreError(path: path, message: error.description)
        } catch let error as DatabaseError {
            throw StoreError(path: path, message: Store.describe(error))
        }
    }
}
