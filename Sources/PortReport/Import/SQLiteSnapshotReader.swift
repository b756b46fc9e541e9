import Foundation

/// Reads snapshots out of an SQLite file given to `import`: another portreport store is merged
/// snapshot by snapshot; any other database is read with the user's `--query`. The file is
/// opened read-only and never modified (`ForeignDatabase` reads it); this type checks what it
/// gives, groups query rows into snapshots and says what is wrong in `InputError`s.
struct SQLiteSnapshotReader {
    let file: InputFile
    let options: ImportOptions

    func read(into session: ImportSession, report: inout ImportReport) throws {
        let path = file.displayPath
        let source: ForeignDatabase
        do {
            source = try ForeignDatabase(path: path)
        } catch {
            switch error {
            case .cannotOpen(let reason): throw InputError(file: path, message: "cannot open as SQLite: \(reason)")
            case .unreadable(let reason): throw InputError(file: path, message: "not a readable SQLite database: \(reason)")
            }
        }
        if source.isPortReportStore {
            if options.query != nil {
                report.warnings.append("\(path): a portreport store is merged whole; --query is not used for it")
            }
            try mergeStore(source, into: session, report: &report)
        } else {
            guard let query = options.query else {
                throw InputError(
                    file: path,
                    message:
                        "an SQLite database that is not a portreport store: pass --query 'SELECT port, type, num [, status, category, captured_at, project_id] FROM ...' to say which rows to read"
                )
            }
            try readQuery(query, from: source, into: session, report: &report)
        }
    }

    // MARK: Another portreport store

    private func mergeStore(_ source: ForeignDatabase, into session: ImportSession, report: inout ImportReport) throws {
        let path = file.displayPath
        let version = try source.schemaVersion()
        guard version <= Store.schemaVersion else {
            throw InputError(
                file: path, message: "this store has schema version \(version), from a newer portreport; upgrade portreport to merge it")
        }
        guard version >= 1 else {
            throw InputError(file: path, message: "a portreport store with no snapshots table (schema version 0): nothing to merge")
        }
        do {
            try source.forEachSnapshot { snapshot in
                for sourcePage in snapshot.sources {
                    let page = SnapshotPage(
                        key: snapshot.key, provenance: snapshot.provenance, path: sourcePage.path, entry: sourcePage.entry,
                        sha256: sourcePage.sha256, size: sourcePage.size, totalNum: sourcePage.totalNum, query: sourcePage.query)
                    let added: Int?
                    do {
                        added = try session.add(page, records: sourcePage.records, place: { _ in "snapshot \(snapshot.id)" })
                    } catch let error as InputError where error.file == sourcePage.path && !error.isPredicate {
                        // Named as the store being merged, where the value is: the page's own
                        // path is only where it once came from.
                        throw InputError(
                            file: path, place: "snapshot \(snapshot.id) (page \(sourcePage.path))",
                            message: error.message)
                    }
                    if let added { report.records += added } else { report.alreadyImportedPages += 1 }
                }
            }
        } catch let damage as ForeignDatabase.SnapshotDamage {
            let message =
                switch damage.part {
                case .row: "damaged row: category or captured_at is not valid"
                case .blob(let problem): "damaged records: \(problem)"
                case .recordType: "damaged record: type is not TCP, TCP6, UDP or UDP6"
                }
            throw InputError(file: path, place: "snapshot \(damage.snapshotID)", message: message)
        }
        try mergeDetails(source, into: session, report: &report)
    }

    /// The drill-down snapshots of another store (schema 4 on), page by page, as their files
    /// were imported there.
    private func mergeDetails(_ source: ForeignDatabase, into session: ImportSession, report: inout ImportReport) throws {
        let path = file.displayPath
        do {
            try source.forEachDetailSnapshot { detail in
                for sourcePage in detail.sources {
                    let page = DetailPage(
                        key: detail.key, provenance: detail.provenance, path: sourcePage.path, entry: sourcePage.entry,
                        sha256: sourcePage.sha256, size: sourcePage.size, totalNum: sourcePage.totalNum, query: sourcePage.query)
                    let added: Int?
                    do {
                        added = try session.addDetail(
                            page, records: sourcePage.records, place: { _ in "drill-down snapshot \(detail.id)" })
                    } catch let error as InputError where error.file == sourcePage.path && !error.isPredicate {
                        throw InputError(
                            file: path, place: "drill-down snapshot \(detail.id) (page \(sourcePage.path))", message: error.message)
                    }
                    if let added {
                        report.detailRecords += added
                        report.detailPages += 1
                    } else {
                        report.alreadyImportedPages += 1
                    }
                }
            }
        } catch let damage as ForeignDatabase.DetailDamage {
            throw InputError(file: path, place: "drill-down snapshot \(damage.snapshotID)", message: "damaged: \(damage.what)")
        }
    }

    // MARK: Any other database

    /// Where the metadata columns of a `--query` result are (statistics and drill-down rows alike).
    struct MetadataColumns {
        var category: Int?, capturedAt: Int?, project: Int?, enterprise: Int?, total: Int?
    }

    /// A row's project, category, capture time (and where each came from) and `total_num`.
    struct RowMetadata {
        let key: SnapshotKey
        let provenance: MetadataProvenance
        let totalNum: Int64?
        /// The file's modification time, when it stood in for a missing capture time.
        let fallbackTime: Timestamp?
    }

    /// The statistics rows of a `--query`, grouped into snapshots.
    final class StatisticsRows {
        struct Group {
            var records: [PortRecord] = []
            var rowNumbers: [Int] = []
            var totalNum: Int64?
            var provenance: MetadataProvenance
        }
        var groups: [SnapshotKey: Group] = [:]
        var order: [SnapshotKey] = []
        let port: Int, type: Int, num: Int, status: Int?

        init(port: Int, type: Int, num: Int, status: Int?) {
            (self.port, self.type, self.num, self.status) = (port, type, num, status)
        }
    }

    private func readQuery(_ query: String, from source: ForeignDatabase, into session: ImportSession, report: inout ImportReport) throws {
        let path = file.displayPath
        var metadataColumns = MetadataColumns()
        var statistics: StatisticsRows?
        var details: DetailQueryRows?
        var rowNumber = 0
        var fallbackTime: Timestamp?
        do {
            try source.query(
                query,
                columns: { names in
                    let columns = names.map { $0.lowercased() }
                    func column(_ name: String) -> Int? { columns.firstIndex(of: name) }
                    let conflicts: [(String, Bool)] = [
                        ("category", options.category != nil), ("captured_at", options.capturedAt != nil),
                        ("project_id", options.projectID != nil), ("enterprise_project_id", options.enterpriseProjectID != nil)
                    ]
                    for (name, flagGiven) in conflicts where flagGiven && column(name) != nil {
                        throw InputError(
                            file: path, place: "--query",
                            message:
                                "both the --\(name.replacingOccurrences(of: "_id", with: "").replacingOccurrences(of: "_", with: "-")) flag and a '\(name)' column give the \(name): drop one of them"
                        )
                    }
                    metadataColumns = MetadataColumns(
                        category: column("category"), capturedAt: column("captured_at"), project: column("project_id"),
                        enterprise: column("enterprise_project_id"), total: column("total_num"))
                    if let found = try DetailQueryRows(columns: columns, file: path) {
                        details = found
                        return
                    }
                    for required in ["port", "type", "num"] where !columns.contains(required) {
                        throw InputError(
                            file: path, place: "--query",
                            message:
                                "expected columns port, type and num (optionally status, category, captured_at, project_id, enterprise_project_id, total_num), or drill-down columns host_id, laddr, port and type (see the README); the result has no '\(required)' (use AS to name it)"
                        )
                    }
                    statistics = StatisticsRows(
                        port: column("port") ?? 0, type: column("type") ?? 0, num: column("num") ?? 0, status: column("status"))
                },
                row: { row in
                    rowNumber += 1
                    let place = "query row \(rowNumber)"
                    let metadata = try self.metadata(row, metadataColumns, place: place)
                    if let time = metadata.fallbackTime { fallbackTime = time }
                    if let details {
                        try details.add(row, metadata: metadata, rowNumber: rowNumber)
                    } else if let statistics {
                        try self.addStatistics(row, metadata: metadata, place: place, rowNumber: rowNumber, to: statistics)
                    }
                })
        } catch let refusal as ForeignDatabase.QueryRefusal {
            switch refusal {
            case .invalid(let reason): throw InputError(file: path, place: "--query", message: "SQLite cannot run it: \(reason)")
            case .notReadOnly:
                throw InputError(file: path, place: "--query", message: "expected a SELECT statement; it would change the database")
            }
        }
        if rowNumber == 0 {
            throw InputError(file: path, place: "--query", message: "the query returned no rows: nothing to import")
        }
        let count = details?.order.count ?? statistics?.order.count ?? 0
        let what = details != nil ? "drill-down snapshot" : "snapshot"
        // Each value that came from a default, said once for this database.
        if metadataColumns.project == nil && options.projectID == nil {
            report.warnings.append(
                "\(path): the query has no project_id column and there is no --project: \(Wording.plural(count, what)) stored under project \"unknown\"; pass --project ID or select a project_id column"
            )
        }
        if metadataColumns.category == nil && options.category == nil {
            report.warnings.append(
                "\(path): the query has no category column and there is no --category: \(Wording.plural(count, what)) stored as host, the API's default; pass --category host or --category container, or select a category column"
            )
        }
        if let fallbackTime {
            report.warnings.append(
                "\(path): the query has no captured_at column and there is no --captured-at: captured at the database file's modification time, \(fallbackTime.rfc3339); pass --captured-at TIME or select a captured_at column"
            )
        }
        let realPath = file.canonicalPath
        if let details {
            try details.store(
                path: path, sha256: file.sha256, size: file.size, query: query, realPath: realPath, session: session, report: &report)
            return
        }
        guard let statistics else { return }
        for key in statistics.order {
            guard let group = statistics.groups[key] else { continue }
            let page = SnapshotPage(
                key: key, provenance: group.provenance, path: path, entry: -1, sha256: file.sha256,
                size: file.size, totalNum: group.totalNum, query: query, realPath: realPath)
            let added = try session.add(page, records: group.records, place: { "query row \(group.rowNumbers[$0])" })
            if let added { report.records += added } else { report.alreadyImportedPages += 1 }
        }
    }

    /// The metadata of one `--query` row: from its columns, else the flags, else the defaults.
    func metadata(_ row: [ForeignDatabase.Value], _ columns: MetadataColumns, place: String) throws -> RowMetadata {
        let path = file.displayPath
        func fail(_ name: String, _ expected: String, _ value: ForeignDatabase.Value) -> InputError {
            InputError(file: path, place: "\(place), column \(name)", message: "expected \(expected), found \(Self.describe(value))")
        }
        var category = options.category ?? .host
        var categorySource = options.category != nil ? "flag --category" : "API default (host; the query has no category column)"
        if let index = columns.category {
            let value = row[index]
            guard case .text(let text) = value, let parsed = Category(rawValue: text) else {
                throw fail("category", "host or container", value)
            }
            category = parsed
            categorySource = "query column category"
        }
        var capturedAt: Timestamp
        var capturedSource: String
        var fallbackTime: Timestamp?
        if let index = columns.capturedAt {
            let value = row[index]
            switch value {
            case .integer(let seconds):
                guard let checked = Timestamp(checkedSecondsSinceEpoch: seconds) else {
                    throw fail(
                        "captured_at",
                        "Unix seconds \(Timestamp.validRangeDescription) (\(Timestamp.validRange.lowerBound)–\(Timestamp.validRange.upperBound))",
                        value)
                }
                capturedAt = checked
            case .text(let text):
                if let parsed = Timestamp(rfc3339: text) {
                    capturedAt = parsed
                } else if let found = PathMetadata.wholeCaptureTime(text) {
                    capturedAt = found.timestamp
                } else if Timestamp.isOutOfRange(text) || PathMetadata.isWholeCaptureTimeOutOfRange(text) {
                    throw fail("captured_at", "a time \(Timestamp.validRangeDescription)", value)
                } else {
                    throw fail("captured_at", "an RFC 3339 time (2026-11-28T02:00:00Z), a date, or Unix seconds", value)
                }
            default:
                throw fail("captured_at", "an RFC 3339 time (2026-11-28T02:00:00Z), a date, or Unix seconds", value)
            }
            capturedSource = "query column captured_at"
        } else if let flag = options.capturedAt {
            capturedAt = flag
            capturedSource = "flag --captured-at"
        } else {
            capturedAt = file.modificationTime ?? options.now
            guard capturedAt.isInValidRange else {
                throw InputError(
                    file: path, place: "--query",
                    message:
                        "no captured_at column or --captured-at, and the database file's modification time (\(capturedAt.secondsSinceEpoch) Unix seconds) is not \(Timestamp.validRangeDescription); pass --captured-at"
                )
            }
            capturedSource = "database file modification time"
            fallbackTime = capturedAt
        }
        func text(_ index: Int?, _ name: String, flag: String?) throws -> String {
            guard let index else { return flag ?? "" }
            let value = row[index]
            switch value {
            case .null: return ""
            case .text(let text): return text
            default: throw fail(name, "text", value)
            }
        }
        let project = try text(columns.project, "project_id", flag: options.projectID)
        let enterprise = try text(columns.enterprise, "enterprise_project_id", flag: options.enterpriseProjectID)
        var totalNum: Int64?
        if let index = columns.total, row[index] != .null {
            let value = row[index]
            guard case .integer(let number) = value, (0...PortRecord.maximumTotalNum).contains(number) else {
                throw fail("total_num", "an integer 0–\(PortRecord.maximumTotalNum) or NULL", value)
            }
            totalNum = number
        }
        let key = SnapshotKey(
            projectID: project, enterpriseProjectID: enterprise, category: category, capturedAt: capturedAt,
            filters: SnapshotKey.canonicalFilters(options.filters))
        let provenance = MetadataProvenance(
            project: columns.project != nil
                ? "query column project_id" : (options.projectID != nil ? "flag --project" : "unknown (no --project)"),
            enterpriseProject: columns.enterprise != nil
                ? "query column enterprise_project_id" : (options.enterpriseProjectID != nil ? "flag --enterprise-project" : "not given"),
            category: categorySource, capturedAt: capturedSource)
        return RowMetadata(key: key, provenance: provenance, totalNum: totalNum, fallbackTime: fallbackTime)
    }

    private func addStatistics(
        _ row: [ForeignDatabase.Value], metadata: RowMetadata, place: String, rowNumber: Int, to rows: StatisticsRows
    ) throws {
        let path = file.displayPath
        func fail(_ name: String, _ expected: String, _ value: ForeignDatabase.Value) -> InputError {
            InputError(file: path, place: "\(place), column \(name)", message: "expected \(expected), found \(Self.describe(value))")
        }
        func integer(_ index: Int, _ name: String, _ expected: String, _ range: ClosedRange<Int64>) throws -> Int64 {
            let value = row[index]
            guard case .integer(let number) = value, range.contains(number) else { throw fail(name, expected, value) }
            return number
        }
        let port = try integer(rows.port, "port", "an integer 0–65535", 0...65_535)
        let typeValue = row[rows.type]
        guard case .text(let typeText) = typeValue, let type = PortType(lenient: typeText) else {
            throw fail("type", "TCP, UDP, TCP6 or UDP6", typeValue)
        }
        let num = try integer(rows.num, "num", "an integer 0–\(PortRecord.maximumNum)", 0...PortRecord.maximumNum)
        var status: VendorStatus?
        if let statusIndex = rows.status {
            let value = row[statusIndex]
            switch value {
            case .null: status = nil
            case .text(let text):
                guard let parsed = VendorStatus(vendor: text) else { throw fail("status", "danger, normal, unknown or NULL", value) }
                status = parsed
            default: throw fail("status", "danger, normal, unknown or NULL", value)
            }
        }
        let key = metadata.key
        if rows.groups[key] == nil {
            rows.order.append(key)
            rows.groups[key] = StatisticsRows.Group(provenance: metadata.provenance)
        }
        rows.groups[key]?.records.append(PortRecord(port: Int(port), type: type, num: num, status: status))
        rows.groups[key]?.rowNumbers.append(rowNumber)
        if let totalNum = metadata.totalNum {
            if let previous = rows.groups[key]?.totalNum, previous != totalNum {
                throw InputError(
                    file: path, place: "\(place), column total_num",
                    message: "expected the same total_num for every row of a snapshot, found \(totalNum) after \(previous)")
            }
            rows.groups[key]?.totalNum = totalNum
        }
    }

    static func describe(_ value: ForeignDatabase.Value) -> String {
        switch value {
        case .null: return "NULL"
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let s): return "'\(s.prefix(60))'"
        case .blob(let b): return "a \(b.count)-byte blob"
        }
    }
}
