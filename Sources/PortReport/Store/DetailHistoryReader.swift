import GRDB
import GRDBSQLite

/// One drill-down snapshot of a query's history, with only the records of the ports asked for.
struct DetailHistoryStep: Sendable, Equatable {
    let id: Int64
    let capturedAt: Timestamp
    let projectID: String
    let category: Category
    let complete: Bool
    /// The records of the ports asked for, sorted by observation.
    let records: [DetailRecord]
}

extension AnalysisReader {
    /// Walks the history of the query of drill-down snapshot `newest` (every snapshot with the
    /// same project, enterprise project, category, call, queried port/type/host and filters,
    /// captured at or before it), oldest first, handing `body` each snapshot with its records of
    /// `ports` only. One snapshot's records are in memory at a time, so a long history (2,000
    /// hosts over 60 days) costs one snapshot's memory, and only the ports asked for are read.
    /// Does nothing when the store has no drill-down table or no such snapshot.
    func forEachDetailHistoryStep(
        ofQueryOf newest: Int64, ports: Set<PortKey>, _ body: (DetailHistoryStep) throws -> Void
    ) throws {
        try DetailHistoryReading.walk(db, newest: newest, ports: ports, body)
    }
}

enum DetailHistoryReading {
    static func walk(_ db: Database, newest: Int64, ports: Set<PortKey>, _ body: (DetailHistoryStep) throws -> Void) throws {
        guard !ports.isEmpty, try db.tableExists("detail_snapshot") else { return }
        // The query's columns are compared in SQL: the rows of one query share every key column
        // but the capture time (the UNIQUE constraint makes the times distinct).
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT h.id, h.captured_at, h.project_id, h.category, h.complete
                    FROM detail_snapshot n JOIN detail_snapshot h
                    ON h.project_id = n.project_id AND h.enterprise_project_id = n.enterprise_project_id AND h.category = n.category
                        AND h.kind = n.kind AND h.query_port = n.query_port AND h.query_type = n.query_type
                        AND h.query_host_id = n.query_host_id AND h.filters = n.filters AND h.captured_at <= n.captured_at
                    WHERE n.id = ?
                    ORDER BY h.captured_at, h.id
                    """), arguments: [newest])
        let observations = try db.cachedStatement(
            sql: """
                SELECT host_id, host_name, host_ip, container_id, container_name, laddr, pid, path, status, agent_id
                FROM observation WHERE detail_snapshot_id = ? AND port = ? AND type = ?
                """)
        let wanted = ports.sorted()
        for row in rows {
            let id: Int64 = row[0]
            func damaged(_ what: String) -> ReportError { ReportError("drill-down snapshot \(id) is damaged (\(what))") }
            let capturedText: String = row[1]
            let categoryText: String = row[3]
            guard let capturedAt = Timestamp(rfc3339: capturedText) else { throw damaged("captured_at '\(capturedText)'") }
            guard let category = Category(rawValue: categoryText) else { throw damaged("category '\(categoryText)'") }
            var records: [DetailRecord] = []
            for key in wanted {
                try forEachObservation(observations, db: db, snapshot: id, key: key) { records.append($0) }
            }
            records.sort { $0.observationKey < $1.observationKey }
            let complete: Bool = row[4]
            try body(
                DetailHistoryStep(
                    id: id, capturedAt: capturedAt, projectID: row[2], category: category, complete: complete, records: records))
        }
    }

    /// The observations of one snapshot and port, stepped through SQLite directly: read through
    /// GRDB rows, 60 days of 2,000 hosts took as long as the rest of the report.
    private static func forEachObservation(
        _ statement: Statement, db: Database, snapshot: Int64, key: PortKey, _ body: (DetailRecord) -> Void
    ) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        sqlite3_bind_int64(handle, 1, snapshot)
        sqlite3_bind_int64(handle, 2, Int64(key.port))
        sqlite3_bind_text(handle, 3, key.type.rawValue, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        func text(_ index: Int32) -> String {
            guard let pointer = sqlite3_column_text(handle, index) else { return "" }
            let count = Int(sqlite3_column_bytes(handle, index))
            return String(decoding: UnsafeRawBufferPointer(start: pointer, count: count), as: UTF8.self)
        }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            let status = sqlite3_column_type(handle, 8) == SQLITE_NULL ? nil : text(8)
            body(
                DetailRecord(
                    hostID: text(0), hostName: text(1), hostIP: text(2), containerID: text(3), containerName: text(4), laddr: text(5),
                    pid: sqlite3_column_int64(handle, 6), path: text(7), port: key.port, type: key.type,
                    status: status.flatMap(VendorStatus.init(rawValue:)), agentID: text(9)))
        }
    }
}
