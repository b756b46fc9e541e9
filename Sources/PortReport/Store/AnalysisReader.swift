import GRDB
import GRDBSQLite

/// Read access to the store for the analysis, inside one read transaction so that a report made
/// while an import runs sees one consistent state.
final class AnalysisReader {
    private let db: Database
    private let recordsStatement: Statement
    private var numsStatement: Statement?
    private var numsPorts: [Int] = []
    private var recordCache: [Int64: [PortKey: RecordValue]] = [:]

    init(_ db: Database) throws {
        self.db = db
        recordsStatement = try db.makeStatement(sql: "SELECT port, type, num, status FROM record WHERE snapshot_id = ?")
    }

    /// Metadata of the snapshots in scope, oldest first. Uses the snapshot table only.
    func snapshots(in scope: AnalysisScope) throws -> [SnapshotInfo] {
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
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, project_id, enterprise_project_id, category, captured_at, record_count, total_num, complete, partial, filters, note
            FROM snapshot \(whereClause) ORDER BY captured_at, project_id, enterprise_project_id, category, filters, id
            """, arguments: StatementArguments(arguments))
        return try rows.map { row in
            let categoryText: String = row["category"]
            let capturedText: String = row["captured_at"]
            guard let category = Category(rawValue: categoryText), let capturedAt = Timestamp(rfc3339: capturedText) else {
                throw ReportError("snapshot \(row["id"] as Int64) is damaged (category '\(categoryText)', captured_at '\(capturedText)')")
            }
            return SnapshotInfo(id: row["id"], projectID: row["project_id"], enterpriseProjectID: row["enterprise_project_id"],
                                category: category, capturedAt: capturedAt, records: row["record_count"], totalNum: row["total_num"],
                                complete: row["complete"], partial: row["partial"], filters: row["filters"], note: row["note"])
        }
    }

    /// The input files (or HAR entries, or queries) each snapshot was read from.
    func sources(of snapshotIDs: [Int64]) throws -> [Int64: [SnapshotSummary.Source]] {
        var result: [Int64: [SnapshotSummary.Source]] = [:]
        let statement = try db.makeStatement(sql: "SELECT path, entry, sha256, size, total_num, records, query FROM source WHERE snapshot_id = ? ORDER BY path, entry, id")
        for id in snapshotIDs {
            result[id] = try Row.fetchAll(statement, arguments: [id]).map(SnapshotSummary.Source.init(row:))
        }
        return result
    }

    /// Every record of a snapshot (read by the primary key's prefix; cached).
    func records(of snapshotID: Int64) throws -> [PortKey: RecordValue] {
        if let cached = recordCache[snapshotID] { return cached }
        let handle = recordsStatement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, snapshotID)
        var result: [PortKey: RecordValue] = [:]
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            let port = Int(sqlite3_column_int64(handle, 0))
            guard let type = AnalysisReader.type(handle, 1) else { continue }
            let num = sqlite3_column_int64(handle, 2)
            let status = AnalysisReader.status(handle, 3)
            result[PortKey(port: port, type: type)] = RecordValue(num: num, status: status)
        }
        sqlite3_reset(handle)
        recordCache[snapshotID] = result
        return result
    }

    /// The nums of `keys` in one snapshot (absent keys are left out): one statement whose
    /// `port IN (...)` SQLite answers with a seek per port on the primary key.
    func nums(of keys: [PortKey], in snapshotID: Int64) throws -> [PortKey: Int64] {
        if let cached = recordCache[snapshotID] {
            return Dictionary(uniqueKeysWithValues: keys.compactMap { key in cached[key].map { (key, $0.num) } })
        }
        let ports = Set(keys.map(\.port)).sorted()
        guard !ports.isEmpty else { return [:] }
        let wanted = Set(keys)
        if ports != numsPorts {
            // Ports are integers from the store, so the list is safe to write into the SQL.
            numsStatement = try db.makeStatement(sql: "SELECT port, type, num FROM record WHERE snapshot_id = ? AND port IN (\(ports.map(String.init).joined(separator: ",")))")
            numsPorts = ports
        }
        guard let handle = numsStatement?.sqliteStatement else { return [:] }
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, snapshotID)
        var result: [PortKey: Int64] = [:]
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            guard let type = AnalysisReader.type(handle, 1) else { continue }
            let key = PortKey(port: Int(sqlite3_column_int64(handle, 0)), type: type)
            if wanted.contains(key) { result[key] = sqlite3_column_int64(handle, 2) }
        }
        sqlite3_reset(handle)
        return result
    }

    private static func text(_ handle: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let pointer = sqlite3_column_text(handle, column) else { return nil }
        return UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, column)))
    }

    private static func type(_ handle: OpaquePointer, _ column: Int32) -> PortType? {
        text(handle, column).flatMap { PortType(asciiCaseInsensitive: $0) }
    }

    private static func status(_ handle: OpaquePointer, _ column: Int32) -> VendorStatus? {
        text(handle, column).flatMap { VendorStatus(vendorBytes: $0) }
    }
}

extension Store {
    /// Runs `body` with a reader over one consistent state of the store.
    func withAnalysisReader<T>(_ body: (AnalysisReader) throws -> T) throws -> T {
        do {
            return try database.read { db in try body(AnalysisReader(db)) }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError(path: path, message: Store.describe(error))
        }
    }
}
