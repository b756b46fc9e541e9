import GRDB

/// Drill-down data in the store (schema version 4): what ListPortHost and ListPorts pages say,
/// per drill-down snapshot (the pages of one query: project, enterprise project, category,
/// capture time, call, queried port/type/host, other filters).
///
/// Layout: `asset` holds each server (by `host_id`) and container (by `container_id`) once;
/// `detail_snapshot` one row per query answered, with its provenance and completeness;
/// `detail_source` its pages; `observation` one row per asset, port, type and listen address.
/// Drill-down data is a few thousand rows a day at most (only the ports asked about), so plain
/// rows, written as each page is read, are enough: the input's savepoint undoes them with the
/// rest of a bad input, and no in-memory state needs undoing.
enum DetailSchema {
    static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE asset (
                    id INTEGER PRIMARY KEY,
                    category TEXT NOT NULL CHECK (category IN ('host', 'container')),
                    asset_key TEXT NOT NULL,                -- host_id for a server, container_id for a container
                    UNIQUE (category, asset_key)
                );
                CREATE TABLE detail_snapshot (
                    id INTEGER PRIMARY KEY,
                    project_id TEXT NOT NULL,               -- '' when unknown
                    enterprise_project_id TEXT NOT NULL,    -- '' when not given
                    category TEXT NOT NULL CHECK (category IN ('host', 'container')),
                    captured_at TEXT NOT NULL,              -- RFC 3339, UTC, whole seconds
                    kind TEXT NOT NULL CHECK (kind IN ('ListPortHost', 'ListPorts')),
                    query_port INTEGER NOT NULL,            -- the queried port; 0 when none
                    query_type TEXT NOT NULL,               -- the queried type; '' when none
                    query_host_id TEXT NOT NULL,            -- ListPorts: the queried host_id; '' otherwise
                    filters TEXT NOT NULL,                  -- other query filters, canonical; '' when none
                    record_count INTEGER NOT NULL,
                    total_num INTEGER,                      -- as the pages reported; NULL when none did
                    complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                    note TEXT NOT NULL,
                    project_source TEXT NOT NULL,
                    enterprise_project_source TEXT NOT NULL,
                    category_source TEXT NOT NULL,
                    captured_at_source TEXT NOT NULL,
                    imported_at TEXT NOT NULL,
                    tool_version TEXT NOT NULL,
                    UNIQUE (project_id, enterprise_project_id, category, captured_at, kind, query_port, query_type, query_host_id, filters)
                );
                CREATE INDEX detail_snapshot_by_time ON detail_snapshot (category, captured_at);
                CREATE TABLE detail_source (
                    id INTEGER PRIMARY KEY,
                    detail_snapshot_id INTEGER NOT NULL REFERENCES detail_snapshot (id) ON DELETE CASCADE,
                    path TEXT NOT NULL,
                    entry INTEGER NOT NULL,                 -- HAR entry or page index; -1 for a whole file
                    sha256 TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    total_num INTEGER,
                    records INTEGER NOT NULL,
                    query TEXT NOT NULL,
                    real_path TEXT NOT NULL,
                    UNIQUE (detail_snapshot_id, sha256, entry, query)
                );
                CREATE TABLE observation (
                    detail_snapshot_id INTEGER NOT NULL REFERENCES detail_snapshot (id) ON DELETE CASCADE,
                    host_id TEXT NOT NULL,
                    container_id TEXT NOT NULL,
                    port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),
                    type TEXT NOT NULL CHECK (type = 'TCP' OR type = 'TCP6' OR type = 'UDP' OR type = 'UDP6'),
                    laddr TEXT NOT NULL,
                    asset_id INTEGER NOT NULL REFERENCES asset (id),
                    host_name TEXT NOT NULL,
                    host_ip TEXT NOT NULL,
                    container_name TEXT NOT NULL,
                    pid INTEGER NOT NULL,
                    path TEXT NOT NULL,
                    status TEXT CHECK (status = 'danger' OR status = 'normal' OR status = 'unknown'),
                    agent_id TEXT NOT NULL,
                    source_id INTEGER NOT NULL,             -- the page it came from
                    PRIMARY KEY (detail_snapshot_id, host_id, container_id, port, type, laddr)
                ) WITHOUT ROWID;
                CREATE INDEX observation_by_asset ON observation (asset_id);
                """)
    }
}

/// Why the store refused one record of a drill-down page.
struct DetailRecordRejection: Error, Sendable, Equatable {
    /// The record's position in the array given to `addDetail`.
    let index: Int
    /// The observation already stored with other values, and the page it came from (its path and
    /// entry); nil when it is the same page.
    let existing: DetailRecord
    let other: RecordRejection.Location?
}

/// What became of a drill-down snapshot in an import run.
struct DetailOutcome: Sendable, Equatable {
    let id: Int64
    let key: DetailKey
    let created: Bool
    let records: Int
    let addedRecords: Int
    let totalNum: Int64?
    let complete: Bool
    let note: String
}

/// Writes drill-down pages inside the import transaction (see `DetailSchema`).
final class DetailWriter {
    private let db: Database
    private let importedAt: String
    private var assetIDs: [AssetID: Int64] = [:]
    /// Snapshots this run touched, in order, with whether they existed before and how many
    /// records the run added. Entries of an input that was rolled back are dropped at `finish`
    /// (the row is gone) or corrected (records are counted again there).
    private var touched: [Int64] = []
    private var created: Set<Int64> = []
    private var keys: [Int64: DetailKey] = [:]

    /// The first `detail_source.id` this run can write; nil with `--import-again` (see
    /// `PageIdentity`: the same rule holds for drill-down pages).
    private let firstSourceIDOfRun: Int64?

    init(db: Database, importedAt: Timestamp, importAgain: Bool = false) throws {
        self.db = db
        self.importedAt = importedAt.rfc3339
        // An import session writes a store of the newest schema: the table is there.
        firstSourceIDOfRun =
            importAgain ? nil : try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) + 1 FROM detail_source") ?? 0
    }

    /// Throws the refusal when `page` (with records) is already stored, from the same path,
    /// under another drill-down snapshot than `snapshotID` (`PageIdentity`'s rule).
    private func checkIdentity(_ page: DetailPage, recordCount: Int, snapshotID: Int64) throws {
        guard let firstSourceIDOfRun, recordCount > 0 else { return }
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT s.detail_snapshot_id, s.path, s.entry, d.project_id, d.enterprise_project_id, d.category, d.captured_at,
                            d.filters, d.kind, d.query_port, d.query_type, d.query_host_id
                        FROM detail_source s JOIN detail_snapshot d ON d.id = s.detail_snapshot_id
                        WHERE s.sha256 = ? AND s.entry = ? AND s.query = ? AND (s.path = ? OR (? <> '' AND s.real_path = ?))
                            AND s.detail_snapshot_id <> ? AND s.id < ? AND (? = 0 OR d.captured_at = ?)
                        ORDER BY s.detail_snapshot_id, s.id LIMIT 1
                        """),
                arguments: [
                    page.sha256, page.entry, page.query, page.path, page.realPath, page.realPath, snapshotID, firstSourceIDOfRun,
                    page.path == "-" ? 1 : 0, page.key.capturedAt.rfc3339
                ])
        else { return }
        let kind: String = row["kind"], port: Int = row["query_port"], type: String = row["query_type"], host: String = row["query_host_id"]
        let query =
            kind == DetailKind.hostPorts.rawValue
            ? "\(kind) host_id=\(host)" : "\(kind) port=\(port)\(type.isEmpty ? "" : "&type=\(type)")"
        throw PageIdentity.refusal(
            row, what: "drill-down snapshot \(row["detail_snapshot_id"] as Int64)", path: page.path, entry: page.entry,
            query: page.query, describing: query)
    }

    private func arguments(_ key: DetailKey) -> StatementArguments {
        [
            key.projectID, key.enterpriseProjectID, key.category.rawValue, key.capturedAt.rfc3339, key.kind.rawValue, key.port ?? 0,
            key.type?.rawValue ?? "", key.hostID, key.filters
        ]
    }

    func existingSnapshot(_ key: DetailKey) throws -> Int64? {
        try Int64.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id FROM detail_snapshot WHERE project_id = ? AND enterprise_project_id = ? AND category = ? AND captured_at = ?
                    AND kind = ? AND query_port = ? AND query_type = ? AND query_host_id = ? AND filters = ?
                    """), arguments: arguments(key))
    }

    /// Adds a page; returns the records added (repeats of stored ones are not counted), nil when
    /// the page is already part of the snapshot. Throws `DetailRecordRejection` on a conflict.
    func add(_ page: DetailPage, records: [DetailRecord]) throws -> Int? {
        let id: Int64
        if let existing = try existingSnapshot(page.key) {
            id = existing
            let seen =
                try Bool.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT 1 FROM detail_source WHERE detail_snapshot_id = ? AND sha256 = ? AND entry = ? AND query = ?"),
                    arguments: [id, page.sha256, page.entry, page.query]) ?? false
            if seen {
                // Said as "already imported" at the end of the run, as a statistics snapshot is.
                noteTouched(id, key: page.key)
                return nil
            }
        } else {
            let provenance = page.provenance
            try db.cachedStatement(
                sql: """
                    INSERT INTO detail_snapshot (id, project_id, enterprise_project_id, category, captured_at, kind, query_port, query_type,
                    query_host_id, filters, record_count, total_num, complete, note, project_source, enterprise_project_source,
                    category_source, captured_at_source, imported_at, tool_version)
                    VALUES (\(EditLog.nextDetailSnapshotIDSQL), ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL, 0, '', ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: arguments(page.key)
                    + [
                        provenance.project, provenance.enterpriseProject, provenance.category, provenance.capturedAt, importedAt,
                        PortReportVersion.string
                    ])
            id = db.lastInsertedRowID
            created.insert(id)
        }
        noteTouched(id, key: page.key)
        try checkIdentity(page, recordCount: records.count, snapshotID: id)
        try db.cachedStatement(
            sql: """
                INSERT INTO detail_source (detail_snapshot_id, path, entry, sha256, size, total_num, records, query, real_path)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [id, page.path, page.entry, page.sha256, page.size, page.totalNum, records.count, page.query, page.realPath])
        let sourceID = db.lastInsertedRowID
        var added = 0
        for (index, record) in records.enumerated() {
            if let existing = try stored(snapshot: id, record.observationKey) {
                guard existing.record == record else {
                    let other = try location(of: existing.sourceID, besides: sourceID)
                    throw DetailRecordRejection(index: index, existing: existing.record, other: other)
                }
                continue
            }
            let asset = try assetID(record.asset(in: page.key.category))
            try db.cachedStatement(
                sql: """
                    INSERT INTO observation (detail_snapshot_id, host_id, container_id, port, type, laddr, asset_id, host_name, host_ip,
                    container_name, pid, path, status, agent_id, source_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                id, record.hostID, record.containerID, record.port, record.type.rawValue, record.laddr, asset, record.hostName,
                record.hostIP, record.containerName, record.pid, record.path, record.status?.rawValue, record.agentID, sourceID
            ])
            added += 1
        }
        return added
    }

    private func stored(snapshot: Int64, _ key: ObservationKey) throws -> (record: DetailRecord, sourceID: Int64)? {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT host_name, host_ip, container_name, pid, path, status, agent_id, source_id FROM observation
                    WHERE detail_snapshot_id = ? AND host_id = ? AND container_id = ? AND port = ? AND type = ? AND laddr = ?
                    """), arguments: [snapshot, key.hostID, key.containerID, key.port, key.type.rawValue, key.laddr])
        guard let row else { return nil }
        let statusText: String? = row[5]
        let record = DetailRecord(
            hostID: key.hostID, hostName: row[0], hostIP: row[1], containerID: key.containerID, containerName: row[2], laddr: key.laddr,
            pid: row[3], path: row[4], port: key.port, type: key.type, status: statusText.flatMap(VendorStatus.init(rawValue:)),
            agentID: row[6])
        return (record, row[7])
    }

    private func location(of sourceID: Int64, besides current: Int64) throws -> RecordRejection.Location? {
        guard sourceID != current else { return nil }
        guard let row = try Row.fetchOne(db, sql: "SELECT path, entry FROM detail_source WHERE id = ?", arguments: [sourceID]) else {
            return nil
        }
        return RecordRejection.Location(path: row[0], entry: row[1])
    }

    private func assetID(_ asset: AssetID) throws -> Int64 {
        if let known = assetIDs[asset] { return known }
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO asset (category, asset_key) VALUES (?, ?)").execute(arguments: [
            asset.category.rawValue, asset.id
        ])
        guard
            let id = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT id FROM asset WHERE category = ? AND asset_key = ?"),
                arguments: [asset.category.rawValue, asset.id])
        else {
            throw StoreDamage(message: "the asset table lost a row it was just given")
        }
        // Not cached: a rolled-back input may undo the row (the lookup is cheap at this size).
        return id
    }

    private func noteTouched(_ id: Int64, key: DetailKey) {
        guard keys[id] == nil else { return }
        keys[id] = key
        touched.append(id)
    }

    /// Settles every drill-down snapshot this run touched (record count, completeness) and says
    /// what became of each, in the order they were first touched.
    func finish() throws -> [DetailOutcome] {
        var outcomes: [DetailOutcome] = []
        for id in touched {
            guard let key = keys[id],
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM observation WHERE detail_snapshot_id = ?", arguments: [id]),
                try Bool.fetchOne(db, sql: "SELECT 1 FROM detail_snapshot WHERE id = ?", arguments: [id]) ?? false
            else { continue }
            let totals = try Int64.fetchAll(
                db, sql: "SELECT DISTINCT total_num FROM detail_source WHERE detail_snapshot_id = ? AND total_num IS NOT NULL ORDER BY 1",
                arguments: [id])
            let stored = try Row.fetchOne(
                db, sql: "SELECT record_count, total_num, complete, note FROM detail_snapshot WHERE id = ?", arguments: [id])
            let before: Int = stored?[0] ?? 0
            let completeness = Completeness(records: count, totals: totals)
            let settled = stored.map { row -> Bool in
                let records: Int = row[0], totalNum: Int64? = row[1], complete: Bool = row[2], note: String? = row[3]
                return records == count && totalNum == totals.last && complete == completeness.complete && note == completeness.note
            }
            // A snapshot whose pages were all imported before keeps its row as it is: a re-import
            // writes nothing.
            if settled != true {
                try db.execute(
                    sql: "UPDATE detail_snapshot SET record_count = ?, total_num = ?, complete = ?, note = ? WHERE id = ?",
                    arguments: [count, totals.last, completeness.complete, completeness.note, id])
            }
            outcomes.append(
                DetailOutcome(
                    id: id, key: key, created: created.contains(id), records: count, addedRecords: count - before,
                    totalNum: totals.last, complete: completeness.complete, note: completeness.note))
        }
        return outcomes
    }
}

extension ImportSession {
    /// Adds one drill-down page's records to the drill-down snapshot of `page.key`. Returns how
    /// many records were added; nil when this page (same SHA-256, entry, query) is already part of
    /// that snapshot. Throws `DetailRecordRejection` for a record that conflicts with one already
    /// in the snapshot.
    func addDetail(_ page: DetailPage, records: [DetailRecord]) throws -> Int? {
        try details.add(page, records: records)
    }

    /// Settles the drill-down snapshots this session touched.
    func finishDetails() throws -> [DetailOutcome] {
        try details.finish()
    }
}

extension AnalysisReader {
    /// The drill-down snapshots in `scope` (project, enterprise project, category, captured at or
    /// before `asOf`) that the analysis can use: per query, the newest `newestPerQuery` captured at
    /// or before `cutoff` (the one used and the one its changes are against), oldest first, with
    /// their records sorted by observation. Only those snapshots' observations are read, so a
    /// report's cost does not grow with the drill-down history.
    func detailSnapshots(in scope: AnalysisScope, cutoff: Timestamp?, newestPerQuery: Int = 2) throws -> [DetailSnapshot] {
        try DetailReading.snapshots(db, scope: scope, cutoff: cutoff, newestPerQuery: newestPerQuery)
    }
}

enum DetailReading {
    static func snapshots(_ db: Database, scope: AnalysisScope, cutoff: Timestamp?, newestPerQuery: Int) throws -> [DetailSnapshot] {
        // A store of schema 2 or 3 read where it cannot be upgraded has no drill-down data.
        guard try db.tableExists("detail_snapshot") else { return [] }
        let (whereClause, arguments) = AnalysisReader.whereClause(scope)
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, project_id, enterprise_project_id, category, captured_at, kind, query_port, query_type, query_host_id, filters,
                total_num, complete, note FROM detail_snapshot \(whereClause)
                ORDER BY captured_at, project_id, enterprise_project_id, category, kind, query_port, query_type, query_host_id, filters, id
                """, arguments: arguments)
        let observations = try db.cachedStatement(
            sql: """
                SELECT host_id, host_name, host_ip, container_id, container_name, laddr, pid, path, port, type, status, agent_id
                FROM observation WHERE detail_snapshot_id = ?
                """)
        // Per query (every key column but the capture time), the newest rows at the cutoff: the
        // rows come oldest first, ties by id, as the analysis orders them.
        struct Query: Hashable {
            let values: [DatabaseValue]
        }
        var kept: [Query: [Int]] = [:]
        for (index, row) in rows.enumerated() {
            if let cutoff {
                let capturedText: String = row[4]
                if let capturedAt = Timestamp(rfc3339: capturedText), capturedAt > cutoff { continue }
            }
            let query = Query(values: [1, 2, 3, 5, 6, 7, 8, 9].map { row[$0] as DatabaseValue })
            kept[query, default: []].append(index)
            if let count = kept[query]?.count, count > max(newestPerQuery, 1) { kept[query]?.removeFirst() }
        }
        let used = kept.values.flatMap { $0 }.sorted().map { rows[$0] }
        return try used.map { row in
            let id: Int64 = row[0]
            func damaged(_ what: String) -> ReportError { ReportError("drill-down snapshot \(id) is damaged (\(what))") }
            let categoryText: String = row[3]
            let capturedText: String = row[4]
            let kindText: String = row[5]
            let queryPort: Int = row[6]
            let queryType: String = row[7]
            guard let category = Category(rawValue: categoryText) else { throw damaged("category '\(categoryText)'") }
            guard let capturedAt = Timestamp(rfc3339: capturedText) else { throw damaged("captured_at '\(capturedText)'") }
            guard let kind = DetailKind(rawValue: kindText) else { throw damaged("kind '\(kindText)'") }
            let type: PortType?
            if queryType.isEmpty {
                type = nil
            } else {
                guard let parsed = PortType(rawValue: queryType) else { throw damaged("query type '\(queryType)'") }
                type = parsed
            }
            let key = DetailKey(
                projectID: row[1], enterpriseProjectID: row[2], category: category, capturedAt: capturedAt, kind: kind,
                port: queryPort == 0 ? nil : queryPort, type: type, hostID: row[8], filters: row[9])
            let records = try Row.fetchAll(observations, arguments: [id]).map { record -> DetailRecord in
                let typeText: String = record[9]
                let statusText: String? = record[10]
                let port: Int = record[8]
                guard let type = PortType(rawValue: typeText), (0...65_535).contains(port) else {
                    throw damaged("observation type '\(typeText)', port \(port)")
                }
                return DetailRecord(
                    hostID: record[0], hostName: record[1], hostIP: record[2], containerID: record[3], containerName: record[4],
                    laddr: record[5], pid: record[6], path: record[7], port: port, type: type,
                    status: statusText.flatMap(VendorStatus.init(rawValue:)), agentID: record[11])
            }.sorted { $0.observationKey < $1.observationKey }
            let complete: Bool = row[11]
            return DetailSnapshot(id: id, key: key, totalNum: row[10], complete: complete, note: row[12], records: records)
        }
    }
}
