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

    private func readQuery(_ query: String, from source: ForeignDatabase, into session: ImportSession, report: inout ImportReport) throws {
        let path = file.displayPath
        struct Group {
            var records: [PortRecord] = []
            var rowNumbers: [Int] = []
            var totalNum: Int64?
            var provenance: MetadataProvenance
        }
        var groups: [SnapshotKey: Group] = [:]
        var order: [SnapshotKey] = []
        /// Where each known column is in the result, found once from its names.
        struct Columns {
            var port: Int?, type: Int?, num: Int?, status: Int?, category: Int?, capturedAt: Int?, project: Int?, enterprise: Int?,
                total: Int?
        }
        var indices = Columns()
        var rowNumber = 0
        var fallbackTime: Timestamp?
        do {
            try source.query(
                query,
                columns: { names in
                    let columns = names.map { $0.lowercased() }
                    func column(_ name: String) -> Int? { columns.firstIndex(of: name) }
                    for required in ["port", "type", "num"] where !columns.contains(required) {
                        throw InputError(
                            file: path, place: "--query",
                            message:
                                "expected columns port, type and num (optionally status, category, captured_at, project_id, enterprise_project_id, total_num); the result has no '\(required)' (use AS to name it)"
                        )
                    }
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
                    indices = Columns(
                        port: column("port"), type: column("type"), num: column("num"), status: column("status"),
                        category: column("category"), capturedAt: column("captured_at"), project: column("project_id"),
                        enterprise: column("enterprise_project_id"), total: column("total_num"))
                },
                row: { row in
                    let portIndex = indices.port, typeIndex = indices.type, numIndex = indices.num, statusIndex = indices.status
                    let categoryIndex = indices.category, capturedIndex = indices.capturedAt, projectIndex = indices.project
                    let enterpriseIndex = indices.enterprise, totalIndex = indices.total
                    rowNumber += 1
                    let place = "query row \(rowNumber)"
                    func fail(_ name: String, _ expected: String, _ value: ForeignDatabase.Value) -> InputError {
                        InputError(file: path, place: "\(place), column \(name)", message: "expected \(expected), found \(describe(value))")
                    }
                    func integer(_ index: Int?, _ name: String, _ expected: String, _ range: ClosedRange<Int64>) throws -> Int64 {
                        let value = row[index ?? 0]
                        guard case .integer(let number) = value, range.contains(number) else { throw fail(name, expected, value) }
                        return number
                    }
                    let port = try integer(portIndex, "port", "an integer 0–65535", 0...65_535)
                    let typeValue = row[typeIndex ?? 0]
                    guard case .text(let typeText) = typeValue, let type = PortType(lenient: typeText) else {
                        throw fail("type", "TCP, UDP, TCP6 or UDP6", typeValue)
                    }
                    let num = try integer(numIndex, "num", "an integer 0–\(PortRecord.maximumNum)", 0...PortRecord.maximumNum)
                    var status: VendorStatus?
                    if let statusIndex {
                        let value = row[statusIndex]
                        switch value {
                        case .null: status = nil
                        case .text(let text):
                            guard let parsed = VendorStatus(vendor: text) else {
                                throw fail("status", "danger, normal, unknown or NULL", value)
                            }
                            status = parsed
                        default: throw fail("status", "danger, normal, unknown or NULL", value)
                        }
                    }
                    var category = options.category ?? .host
                    var categorySource =
                        options.category != nil ? "flag --category" : "API default (host; the query has no category column)"
                    if let categoryIndex {
                        let value = row[categoryIndex]
                        guard case .text(let text) = value, let parsed = Category(rawValue: text) else {
                            throw fail("category", "host or container", value)
                        }
                        category = parsed
                        categorySource = "query column category"
                    }
                    var capturedAt: Timestamp
                    var capturedSource: String
                    if let capturedIndex {
                        let value = row[capturedIndex]
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
                    let project = try text(projectIndex, "project_id", flag: options.projectID)
                    let enterprise = try text(enterpriseIndex, "enterprise_project_id", flag: options.enterpriseProjectID)
                    var totalNum: Int64?
                    if let totalIndex, row[totalIndex] != .null {
                        totalNum = try integer(
                            totalIndex, "total_num", "an integer 0–\(PortRecord.maximumTotalNum) or NULL", 0...PortRecord.maximumTotalNum)
                    }
                    let key = SnapshotKey(
                        projectID: project, enterpriseProjectID: enterprise, category: category, capturedAt: capturedAt,
                        filters: SnapshotKey.canonicalFilters(options.filters))
                    if groups[key] == nil {
                        order.append(key)
                        let provenance = MetadataProvenance(
                            project: projectIndex != nil
                                ? "query column project_id" : (options.projectID != nil ? "flag --project" : "unknown (no --project)"),
                            enterpriseProject: enterpriseIndex != nil
                                ? "query column enterprise_project_id"
                                : (options.enterpriseProjectID != nil ? "flag --enterprise-project" : "not given"),
                            category: categorySource, capturedAt: capturedSource)
                        groups[key] = Group(provenance: provenance)
                    }
                    groups[key]?.records.append(PortRecord(port: Int(port), type: type, num: num, status: status))
                    groups[key]?.rowNumbers.append(rowNumber)
                    if let totalNum {
                        if let previous = groups[key]?.totalNum, previous != totalNum {
                            throw InputError(
                                file: path, place: "\(place), column total_num",
                                message: "expected the same total_num for every row of a snapshot, found \(totalNum) after \(previous)")
                        }
                        groups[key]?.totalNum = totalNum
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
        // Each value that came from a default, said once for this database.
        if indices.project == nil && options.projectID == nil {
            report.warnings.append(
                "\(path): the query has no project_id column and there is no --project: \(order.count) snapshot\(order.count == 1 ? "" : "s") stored under project \"unknown\"; pass --project ID or select a project_id column"
            )
        }
        if indices.category == nil && options.category == nil {
            report.warnings.append(
                "\(path): the query has no category column and there is no --category: \(order.count) snapshot\(order.count == 1 ? "" : "s") stored as host, the API's default; pass --category host or --category container, or select a category column"
            )
        }
        if let fallbackTime {
            report.warnings.append(
                "\(path): the query has no captured_at column and there is no --captured-at: captured at the database file's modification time, \(fallbackTime.rfc3339); pass --captured-at TIME or select a captured_at column"
            )
        }
        let realPath = file.canonicalPath
        for key in order {
            guard let group = groups[key] else { continue }
            let page = SnapshotPage(
                key: key, provenance: group.provenance, path: path, entry: -1, sha256: file.sha256,
                size: file.size, totalNum: group.totalNum, query: query, realPath: realPath)
            let added = try session.add(page, records: group.records, place: { "query row \(group.rowNumbers[$0])" })
            if let added { report.records += added } else { report.alreadyImportedPages += 1 }
        }
    }

    private func describe(_ value: ForeignDatabase.Value) -> String {
        switch value {
        case .null: return "NULL"
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let s): return "'\(s.prefix(60))'"
        case .blob(let b): return "a \(b.count)-byte blob"
        }
    }
}
