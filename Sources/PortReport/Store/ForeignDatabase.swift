import Foundation
import GRDB
import GRDBSQLite

/// An SQLite file given to `import`, opened read-only and never modified: another portreport
/// store, read snapshot by snapshot, or any other database, read with the user's `--query`.
///
/// It hands out plain values; what they mean for an import (and the messages about them) is
/// the importer's business. What stops a read before it ends — a query over the limits, a lock
/// held by another program, an extension refused — is said here, as an `InputError` naming the
/// file.
final class ForeignDatabase {
    /// Bounds on one `--query`, so that a query that never ends (an endless recursive CTE) or
    /// returns far more than any export holds fails with a clear message instead of taking
    /// the machine's memory or time.
    struct QueryLimits: Sendable {
        /// Most rows read. The API returns at most 10,000 records per snapshot, and a year of
        /// daily snapshots of a project is a few hundred thousand rows: 1,000,000 rows (100
        /// snapshots at the API's maximum) leaves that margin while the rows held for grouping
        /// stay under about 60 MB.
        var maximumRows = 1_000_000
        /// Longest time the query may run, in seconds (checked by SQLite's progress handler).
        var maximumSeconds: Double = 60
        /// Most bytes of one text or blob cell of a column the import reads. Every such cell is
        /// small: a type, a status, a category, a time, or an id the store caps at 256
        /// characters; 4 KiB leaves a wide margin (an id of 256 four-byte characters is 1 KiB)
        /// and is still refused before a row's values are copied out of SQLite.
        var maximumCellBytes = 4096
        /// Most bytes of any one string or blob SQLite makes while it runs the query
        /// (`SQLITE_LIMIT_LENGTH`), a value it computes (`randomblob(1e9)`) or reads from a
        /// table: past it SQLite stops with "string or blob too big" before it allocates more.
        var maximumValueBytes: Int32 = 1 << 20
        /// Most bytes of text and blobs in all the cells the import reads, together: 128 MiB
        /// (a million rows of a type, a status, a time and a 36-character project id are under
        /// 70 MB).
        var maximumResultBytes = 128 << 20

        static let standard = QueryLimits()
    }

    /// Why the file cannot be read as SQLite; `reason` is in words.
    enum OpenError: Error, Sendable {
        /// SQLite cannot open it.
        case cannotOpen(reason: String)
        /// It opens, but its header cannot be read (not a database, or damaged).
        case unreadable(reason: String)
    }

    /// A snapshot of another store, with its pages and their records.
    struct Snapshot {
        /// A page of the snapshot, as its `source` row says, with the records it gave.
        struct Source {
            let path: String
            /// HAR entry index; -1 for a whole file.
            let entry: Int
            let sha256: String
            let size: Int
            let totalNum: Int64?
            let query: String
            let records: [PortRecord]
        }

        let id: Int64
        let key: SnapshotKey
        let provenance: MetadataProvenance
        let sources: [Source]
    }

    /// What in another store's snapshot cannot be read.
    struct SnapshotDamage: Error, Sendable {
        enum Part: Sendable {
            /// The snapshot row: its category or capture time is not valid.
            case row
            /// Its records blob (schema v2 on), with what is wrong in words.
            case blob(String)
            /// A row of the v1 record table has a type that is not TCP, TCP6, UDP or UDP6.
            case recordType
        }

        let snapshotID: Int64
        let part: Part
    }

    /// A drill-down snapshot of another store (schema 4 on), with its pages and their records.
    struct DetailSnapshot {
        struct Source {
            let path: String
            /// HAR entry or page index; -1 for a whole file.
            let entry: Int
            let sha256: String
            let size: Int
            let totalNum: Int64?
            let query: String
            let records: [DetailRecord]
        }

        let id: Int64
        let key: DetailKey
        let provenance: MetadataProvenance
        let sources: [Source]
    }

    /// What in another store's drill-down snapshot cannot be read: its row (category, capture
    /// time, call or queried type) or one of its observations (type, port or status).
    struct DetailDamage: Error, Sendable {
        let snapshotID: Int64
        /// In words.
        let what: String
    }

    /// A value of a query's result, as SQLite typed it.
    enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob(Data)
    }

    /// Why the store will not run a `--query`.
    enum QueryRefusal: Error, Sendable {
        /// SQLite cannot prepare it (the reason in words).
        case invalid(reason: String)
        /// It would change the database.
        case notReadOnly
    }

    private let queue: DatabaseQueue
    /// The file as the user named it, for messages.
    let path: String
    /// Whether the file says it is a portreport store (its `PRAGMA application_id`).
    let isPortReportStore: Bool

    init(path: String) throws(OpenError) {
        self.path = path
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "import source"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(reason: Store.describe(error, foreign: true))
        }
        do {
            let applicationID = try queue.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0 }
            isPortReportStore = applicationID == Store.applicationID
        } catch {
            // A lock is no sign of damage: the file cannot be opened now, that is all.
            if ForeignDatabase.isLock(error) { throw .cannotOpen(reason: Store.describe(error, foreign: true)) }
            throw .unreadable(reason: Store.describe(error, foreign: true))
        }
    }

    /// The schema version the file says it has (`PRAGMA user_version`).
    func schemaVersion() throws -> Int {
        do {
            return try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
        } catch {
            throw failure(error, place: nil)
        }
    }

    private static func isLock(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
    }

    /// An SQLite error met while reading, as an error about this file (never the store's).
    private func failure(_ error: any Error, place: String?) -> any Error {
        guard error is DatabaseError else { return error }
        return InputError(file: path, place: place, message: Store.describe(error, foreign: true))
    }

    /// Reads a portreport store's snapshots in the order they were stored, one at a time (so
    /// that only one is in memory), inside one read transaction. Throws `SnapshotDamage` for a
    /// snapshot that cannot be read, before `body` sees it.
    func forEachSnapshot(_ body: (Snapshot) throws -> Void) throws {
        do {
            try readSnapshots(body)
        } catch {
            throw failure(error, place: nil)
        }
    }

    private func readSnapshots(_ body: (Snapshot) throws -> Void) throws {
        try queue.read { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            for row in try Row.fetchAll(db, sql: "SELECT * FROM snapshot ORDER BY id") {
                let id: Int64 = row["id"]
                guard let category = Category(rawValue: row["category"]),
                    let capturedAt = Timestamp(rfc3339: row["captured_at"])
                else {
                    throw SnapshotDamage(snapshotID: id, part: .row)
                }
                let key = SnapshotKey(
                    projectID: row["project_id"], enterpriseProjectID: row["enterprise_project_id"],
                    category: category, capturedAt: capturedAt, filters: row["filters"])
                let provenance = MetadataProvenance(
                    project: row["project_source"], enterpriseProject: row["enterprise_project_source"],
                    category: row["category_source"], capturedAt: row["captured_at_source"])
                let sourceRows = try Row.fetchAll(db, sql: "SELECT * FROM source WHERE snapshot_id = ? ORDER BY id", arguments: [id])
                // Schema v2 on keeps a snapshot's records in one blob; v1 in the record table.
                var bySource = try version >= 2 ? blobRecords(db, snapshotID: id) : tableRecords(db, snapshotID: id)
                let sources = sourceRows.map { source in
                    let sourceID: Int64 = source["id"]
                    return Snapshot.Source(
                        path: source["path"], entry: source["entry"], sha256: source["sha256"], size: source["size"],
                        totalNum: source["total_num"], query: source["query"],
                        records: bySource.removeValue(forKey: sourceID) ?? [])
                }
                try body(Snapshot(id: id, key: key, provenance: provenance, sources: sources))
            }
        }
    }

    /// Calls `body` with each drill-down snapshot, oldest id first; none for a store older than
    /// schema 4.
    func forEachDetailSnapshot(_ body: (DetailSnapshot) throws -> Void) throws {
        do {
            try queue.read { db in
                guard try db.tableExists("detail_snapshot") else { return }
                for row in try Row.fetchAll(db, sql: "SELECT * FROM detail_snapshot ORDER BY id") {
                    try body(try Self.detailSnapshot(db, row: row))
                }
            }
        } catch {
            throw failure(error, place: nil)
        }
    }

    private static func detailSnapshot(_ db: Database, row: Row) throws -> DetailSnapshot {
        let id: Int64 = row["id"]
        func damaged(_ what: String) -> DetailDamage { DetailDamage(snapshotID: id, what: what) }
        let categoryText: String = row["category"], capturedText: String = row["captured_at"], kindText: String = row["kind"]
        let queryPort: Int = row["query_port"], queryType: String = row["query_type"]
        guard let category = Category(rawValue: categoryText) else { throw damaged("category '\(categoryText)'") }
        guard let capturedAt = Timestamp(rfc3339: capturedText) else { throw damaged("captured_at '\(capturedText)'") }
        guard let kind = DetailKind(rawValue: kindText) else { throw damaged("kind '\(kindText)'") }
        guard (0...65_535).contains(queryPort) else { throw damaged("query_port \(queryPort)") }
        var type: PortType?
        if !queryType.isEmpty {
            guard let parsed = PortType(rawValue: queryType) else { throw damaged("query_type '\(queryType)'") }
            type = parsed
        }
        let key = DetailKey(
            projectID: row["project_id"], enterpriseProjectID: row["enterprise_project_id"], category: category, capturedAt: capturedAt,
            kind: kind, port: queryPort == 0 ? nil : queryPort, type: type, hostID: row["query_host_id"], filters: row["filters"])
        let provenance = MetadataProvenance(
            project: row["project_source"], enterpriseProject: row["enterprise_project_source"], category: row["category_source"],
            capturedAt: row["captured_at_source"])
        var bySource: [Int64: [DetailRecord]] = [:]
        for record in try Row.fetchAll(
            db,
            sql: """
                SELECT host_id, host_name, host_ip, container_id, container_name, laddr, pid, path, port, type, status, agent_id, source_id
                FROM observation WHERE detail_snapshot_id = ? ORDER BY host_id, container_id, port, type, laddr
                """, arguments: [id])
        {
            let typeText: String = record["type"], port: Int = record["port"], statusText: String? = record["status"]
            guard let recordType = PortType(rawValue: typeText), (0...65_535).contains(port) else {
                throw damaged("observation type '\(typeText)', port \(port)")
            }
            var status: VendorStatus?
            if let statusText {
                guard let parsed = VendorStatus(rawValue: statusText) else { throw damaged("observation status '\(statusText)'") }
                status = parsed
            }
            bySource[record["source_id"], default: []].append(
                DetailRecord(
                    hostID: record["host_id"], hostName: record["host_name"], hostIP: record["host_ip"],
                    containerID: record["container_id"], containerName: record["container_name"], laddr: record["laddr"],
                    pid: record["pid"], path: record["path"], port: port, type: recordType, status: status, agentID: record["agent_id"]))
        }
        let sources = try Row.fetchAll(
            db, sql: "SELECT * FROM detail_source WHERE detail_snapshot_id = ? ORDER BY id", arguments: [id]
        ).map { source in
            let sourceID: Int64 = source["id"]
            return DetailSnapshot.Source(
                path: source["path"], entry: source["entry"], sha256: source["sha256"], size: source["size"],
                totalNum: source["total_num"], query: source["query"], records: bySource.removeValue(forKey: sourceID) ?? [])
        }
        return DetailSnapshot(id: id, key: key, provenance: provenance, sources: sources)
    }

    /// A v2 store's records of one snapshot, by the page they came from.
    private func blobRecords(_ db: Database, snapshotID: Int64) throws -> [Int64: [PortRecord]] {
        let data = try Data.fetchOne(db, sql: "SELECT data FROM snapshot_records WHERE snapshot_id = ?", arguments: [snapshotID]) ?? Data()
        let entries: [RecordBlob.Entry]
        do {
            entries = try data.withUnsafeBytes { bytes throws(RecordBlob.Damage) in try RecordBlob.View(bytes).entries() }
        } catch {
            throw SnapshotDamage(snapshotID: snapshotID, part: .blob("\(error)"))
        }
        return Dictionary(grouping: entries, by: \.sourceID).mapValues { $0.map(\.record) }
    }

    /// A v1 store's records of one snapshot, by the page they came from.
    private func tableRecords(_ db: Database, snapshotID: Int64) throws -> [Int64: [PortRecord]] {
        var result: [Int64: [PortRecord]] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT port, type, num, status, source_id FROM record WHERE snapshot_id = ? ORDER BY port, type",
            arguments: [snapshotID])
        {
            guard let type = PortType(rawValue: row["type"]) else {
                throw SnapshotDamage(snapshotID: snapshotID, part: .recordType)
            }
            let status: String? = row["status"]
            result[row["source_id"], default: []].append(
                PortRecord(port: row["port"], type: type, num: row["num"], status: status.flatMap(VendorStatus.init(rawValue:))))
        }
        return result
    }

    /// Runs a read-only `query`: `columns` is given the result's column names first, then
    /// `row` each row's values in turn, so that a problem in row 3 is found before row 4 is
    /// read; rows are streamed, never all held. Throws `QueryRefusal` for a query that cannot
    /// or may not run, and an `InputError` (place `--query`) for one stopped by `limits`, by a
    /// lock, or by SQLite refusing what it asks (`load_extension()`).
    func query(
        _ query: String, limits: QueryLimits = .standard, columns: ([String]) throws -> Void, row: ([Value]) throws -> Void
    ) throws {
        let place = "--query"
        let clock = QueryClock(seconds: limits.maximumSeconds)
        do {
            try queue.read { db in
                let statement: Statement
                do {
                    statement = try db.makeStatement(sql: query)
                } catch {
                    if ForeignDatabase.isLock(error) { throw failure(error, place: place) }
                    // GRDB's own words for this one name its API: say what to change instead.
                    if let error = error as? DatabaseError, error.message?.hasPrefix("Multiple statements found") == true {
                        throw QueryRefusal.invalid(
                            reason: "expected one SELECT statement, found more than one: remove the ';' and the statements after it")
                    }
                    throw QueryRefusal.invalid(reason: Store.describe(error, foreign: true))
                }
                guard statement.isReadonly else { throw QueryRefusal.notReadOnly }
                try columns(statement.columnNames)
                // SQLite calls the handler every few thousand virtual machine steps; it ends the
                // query (SQLITE_INTERRUPT) once the time is up, even while no row comes out.
                let context = Unmanaged.passUnretained(clock).toOpaque()
                sqlite3_progress_handler(
                    db.sqliteConnection, 10_000,
                    { context in
                        guard let context else { return 0 }
                        return Unmanaged<QueryClock>.fromOpaque(context).takeUnretainedValue().isOver ? 1 : 0
                    }, context)
                defer { sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil) }
                // No string or blob SQLite makes for this query may pass the limit: a value
                // computed (`randomblob(1e9)`) or read from a table is refused before it is made.
                let previousLength = sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, limits.maximumValueBytes)
                defer { sqlite3_limit(db.sqliteConnection, SQLITE_LIMIT_LENGTH, previousLength) }
                let names = statement.columnNames
                let read = names.map { ForeignDatabase.importColumns.contains($0.lowercased()) }
                let cursor = try Row.fetchCursor(statement)
                var values: [Value] = []
                var count = 0
                var resultBytes = 0
                while try cursor.next() != nil {
                    count += 1
                    guard count <= limits.maximumRows else {
                        throw InputError(
                            file: path, place: place,
                            message:
                                "the query returned more than \(limits.maximumRows) rows, the limit for one import: narrow it with WHERE or LIMIT, or import it in parts"
                        )
                    }
                    values.removeAll(keepingCapacity: true)
                    for index in names.indices {
                        // A column the import does not read is never copied out of SQLite.
                        guard read[index] else {
                            values.append(.null)
                            continue
                        }
                        let cell = try self.cell(
                            statement.sqliteStatement, Int32(index), name: names[index], row: count, limits: limits,
                            resultBytes: &resultBytes)
                        values.append(cell)
                    }
                    try row(values)
                }
            }
        } catch let error as DatabaseError {
            withExtendedLifetime(clock) {}
            if error.resultCode == .SQLITE_INTERRUPT && clock.expired {
                throw InputError(
                    file: path, place: place,
                    message:
                        "the query ran for more than \(Int(limits.maximumSeconds)) seconds, the limit for one import: it may never end (a recursive WITH without a bound?)"
                )
            }
            if error.resultCode == .SQLITE_TOOBIG {
                throw InputError(
                    file: path, place: place,
                    message:
                        "the query made a text or blob value over \(Self.bytes(Int(limits.maximumValueBytes))), the limit for one import: select only the columns an import reads (port, type, num, status, category, captured_at, project_id, enterprise_project_id, total_num)"
                )
            }
            if error.resultCode == .SQLITE_ERROR && error.message == "not authorized" && query.lowercased().contains("load_extension") {
                throw InputError(file: path, place: place, message: "SQLite refused load_extension(): extensions cannot be loaded")
            }
            throw failure(error, place: place)
        }
        withExtendedLifetime(clock) {}
    }
}

extension ForeignDatabase {
    /// The columns an import reads from a `--query` result (by lowercased name); the cells of
    /// any other column are never read.
    static let importColumns: Set<String> = [
        "port", "type", "num", "status", "category", "captured_at", "project_id", "enterprise_project_id", "total_num",
        // Drill-down rows (`DetailQueryRows`).
        "host_id", "host_name", "host_ip", "laddr", "pid", "path", "container_id", "container_name", "agent_id"
    ]

    /// "4 KiB", "1 MiB", "128 MiB" for a limit.
    static func bytes(_ count: Int) -> String {
        if count >= 1 << 20 && count % (1 << 20) == 0 { return "\(count >> 20) MiB" }
        if count >= 1 << 10 && count % (1 << 10) == 0 { return "\(count >> 10) KiB" }
        return "\(count) bytes"
    }

    /// The value of column `index` of the current row, read from SQLite only once its size is
    /// known to be within `limits`. Text must be UTF-8 without control characters: a NUL would
    /// cut an id short where it is stored, a line break split the tables that show it, and
    /// invalid UTF-8 would be changed into U+FFFD without a word.
    fileprivate func cell(
        _ statement: SQLiteStatement, _ index: Int32, name: String, row: Int, limits: QueryLimits, resultBytes: inout Int
    ) throws -> Value {
        let place = "query row \(row), column \(TerminalText.value(name, width: 60))"
        switch sqlite3_column_type(statement, index) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, index))
        default: break
        }
        let isText = sqlite3_column_type(statement, index) == SQLITE_TEXT
        let pointer: UnsafeRawPointer? =
            isText ? sqlite3_column_text(statement, index).map { UnsafeRawPointer($0) } : sqlite3_column_blob(statement, index)
        let count = Int(sqlite3_column_bytes(statement, index))
        guard count <= limits.maximumCellBytes else {
            throw InputError(
                file: path, place: place,
                message:
                    "expected a short \(isText ? "text" : "value") (at most \(Self.bytes(limits.maximumCellBytes))), found \(count) bytes: select the column's value, not a document"
            )
        }
        resultBytes += count
        guard resultBytes <= limits.maximumResultBytes else {
            throw InputError(
                file: path, place: place,
                message:
                    "the query's text and blobs pass \(Self.bytes(limits.maximumResultBytes)) together, the limit for one import: narrow it with WHERE or LIMIT, or import it in parts"
            )
        }
        let bytes = pointer.map { UnsafeRawBufferPointer(start: $0, count: count) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
        guard isText else { return .blob(Data(bytes)) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw InputError(
                file: path, place: place,
                message: "expected UTF-8 text, found bytes that are not UTF-8: fix the data, or convert it in the query")
        }
        if let control = text.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw InputError(
                file: path, place: place,
                message:
                    "expected text without control characters, found \(TerminalText.value(String(control), width: 12))\(control == "\0" ? " (NUL)" : ""): remove it in the query (replace())"
            )
        }
        return .text(text)
    }
}

/// The deadline of one query, read by SQLite's progress handler (a C callback, hence a class
/// passed by pointer). Only the query's thread touches it.
private final class QueryClock {
    private let deadline: UInt64
    private(set) var expired = false

    init(seconds: Double) {
        let nanoseconds = seconds * 1e9
        let span = nanoseconds.isFinite && nanoseconds < Double(UInt64.max / 2) ? UInt64(max(nanoseconds, 0)) : UInt64.max / 2
        let (sum, overflow) = DispatchTime.now().uptimeNanoseconds.addingReportingOverflow(span)
        deadline = overflow ? UInt64.max : sum
    }

    var isOver: Bool {
        if !expired && DispatchTime.now().uptimeNanoseconds >= deadline { expired = true }
        return expired
    }
}
