import Foundation
import GRDB

/// Reads snapshots out of an SQLite file given to `import`: another portreport store is merged
/// snapshot by snapshot; any other database is read with the user's `--query`. The file is
/// opened read-only and never modified.
struct SQLiteSnapshotReader {
    let file: InputFile
    let options: ImportOptions

    func read(into writer: SnapshotWriter, report: inout ImportReport) throws {
        let path = file.displayPath
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "import source"
        let source: DatabaseQueue
        do {
            source = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw InputError(file: path, message: "cannot open as SQLite: \(Store.describe(error))")
        }
        let applicationID: Int32
        do {
            applicationID = try source.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0 }
        } catch {
            throw InputError(file: path, message: "not a readable SQLite database: \(Store.describe(error))")
        }
        if applicationID == Store.applicationID {
            if options.query != nil {
                report.warnings.append("\(path): a portreport store is merged whole; --query is not used for it")
            }
            try mergeStore(source, into: writer, report: &report)
        } else {
            guard let query = options.query else {
                throw InputError(file: path, message: "an SQLite database that is not a portreport store: pass --query 'SELECT port, type, num [, status, category, captured_at, project_id] FROM ...' to say which rows to read")
            }
            try readQuery(query, from: source, into: writer, report: &report)
        }
    }

    // MARK: Another portreport store

    private func mergeStore(_ source: DatabaseQueue, into writer: SnapshotWriter, report: inout ImportReport) throws {
        let path = file.displayPath
        try source.read { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            guard version <= Store.schemaVersion else {
                throw InputError(file: path, message: "this store has schema version \(version), from a newer portreport; upgrade portreport to merge it")
            }
            guard version >= 1 else {
                throw InputError(file: path, message: "a portreport store with no snapshots table (schema version 0): nothing to merge")
            }
            let snapshots = try Row.fetchAll(db, sql: "SELECT * FROM snapshot ORDER BY id")
            for snapshot in snapshots {
                let id: Int64 = snapshot["id"]
                guard let category = Category(rawValue: snapshot["category"]),
                      let capturedAt = Timestamp(rfc3339: snapshot["captured_at"]) else {
                    throw InputError(file: path, place: "snapshot \(id)", message: "damaged row: category or captured_at is not valid")
                }
                let key = SnapshotKey(projectID: snapshot["project_id"], enterpriseProjectID: snapshot["enterprise_project_id"],
                                      category: category, capturedAt: capturedAt, filters: snapshot["filters"])
                let provenance = MetadataProvenance(project: snapshot["project_source"], enterpriseProject: snapshot["enterprise_project_source"],
                                                    category: snapshot["category_source"], capturedAt: snapshot["captured_at_source"])
                let sources = try Row.fetchAll(db, sql: "SELECT * FROM source WHERE snapshot_id = ? ORDER BY id", arguments: [id])
                // Schema v2 on keeps a snapshot's records in one blob; v1 in the record table.
                let bySource = try version >= 2 ? blobRecords(db, snapshotID: id) : tableRecords(db, snapshotID: id)
                for sourceRow in sources {
                    let sourceID: Int64 = sourceRow["id"]
                    let records = bySource[sourceID] ?? []
                    let page = SnapshotWriter.Page(key: key, provenance: provenance, path: sourceRow["path"], entry: sourceRow["entry"],
                                                   sha256: sourceRow["sha256"], size: sourceRow["size"], totalNum: sourceRow["total_num"],
                                                   query: sourceRow["query"])
                    if let added = try writer.add(page, records: records, recordPlace: { _ in "snapshot \(id)" }, recordLine: { _ in nil }) {
                        report.records += added
                    } else {
                        report.alreadyImportedPages += 1
                    }
                }
            }
        }
    }

    /// A v2 store's records of one snapshot, by the page they came from.
    private func blobRecords(_ db: Database, snapshotID: Int64) throws -> [Int64: [PortRecord]] {
        let data = try Data.fetchOne(db, sql: "SELECT data FROM snapshot_records WHERE snapshot_id = ?", arguments: [snapshotID]) ?? Data()
        let entries: [RecordBlob.Entry]
        do {
            entries = try data.withUnsafeBytes { bytes throws(RecordBlob.Damage) in try RecordBlob.View(bytes).entries() }
        } catch {
            throw InputError(file: file.displayPath, place: "snapshot \(snapshotID)", message: "damaged records: \(error)")
        }
        return Dictionary(grouping: entries, by: \.sourceID).mapValues { $0.map(\.record) }
    }

    /// A v1 store's records of one snapshot, by the page they came from.
    private func tableRecords(_ db: Database, snapshotID: Int64) throws -> [Int64: [PortRecord]] {
        var result: [Int64: [PortRecord]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT port, type, num, status, source_id FROM record WHERE snapshot_id = ? ORDER BY port, type", arguments: [snapshotID]) {
            guard let type = PortType(rawValue: row["type"]) else {
                throw InputError(file: file.displayPath, place: "snapshot \(snapshotID)", message: "damaged record: type is not TCP, TCP6, UDP or UDP6")
            }
            let status: String? = row["status"]
            result[row["source_id"], default: []].append(PortRecord(port: row["port"], type: type, num: row["num"], status: status.flatMap(VendorStatus.init(rawValue:))))
        }
        return result
    }

    // MARK: Any other database

    private func readQuery(_ query: String, from source: DatabaseQueue, into writer: SnapshotWriter, report: inout ImportReport) throws {
        let path = file.displayPath
        struct Group {
            var records: [PortRecord] = []
            var rowNumbers: [Int] = []
            var totalNum: Int64?
            var provenance: MetadataProvenance
        }
        var groups: [SnapshotKey: Group] = [:]
        var order: [SnapshotKey] = []
        try source.read { db in
            let statement: Statement
            do {
                statement = try db.makeStatement(sql: query)
            } catch {
                throw InputError(file: path, place: "--query", message: "SQLite cannot run it: \(Store.describe(error))")
            }
            guard statement.isReadonly else {
                throw InputError(file: path, place: "--query", message: "expected a SELECT statement; it would change the database")
            }
            let columns = statement.columnNames.map { $0.lowercased() }
            for required in ["port", "type", "num"] where !columns.contains(required) {
                throw InputError(file: path, place: "--query", message: "expected columns port, type and num (optionally status, category, captured_at, project_id, enterprise_project_id, total_num); the result has no '\(required)' (use AS to name it)")
            }
            func column(_ name: String) -> Int? { columns.firstIndex(of: name) }
            let conflicts: [(String, Bool)] = [("category", options.category != nil), ("captured_at", options.capturedAt != nil),
                                               ("project_id", options.projectID != nil), ("enterprise_project_id", options.enterpriseProjectID != nil)]
            for (name, flagGiven) in conflicts where flagGiven && column(name) != nil {
                throw InputError(file: path, place: "--query", message: "both the --\(name.replacingOccurrences(of: "_id", with: "").replacingOccurrences(of: "_", with: "-")) flag and a '\(name)' column give the \(name): drop one of them")
            }
            let portIndex = column("port"), typeIndex = column("type"), numIndex = column("num"), statusIndex = column("status")
            let categoryIndex = column("category"), capturedIndex = column("captured_at"), projectIndex = column("project_id")
            let enterpriseIndex = column("enterprise_project_id"), totalIndex = column("total_num")
            let cursor = try Row.fetchCursor(statement)
            var rowNumber = 0
            var fallbackWarning = false
            while let row = try cursor.next() {
                rowNumber += 1
                let place = "query row \(rowNumber)"
                func fail(_ name: String, _ expected: String, _ value: DatabaseValue) -> InputError {
                    InputError(file: path, place: "\(place), column \(name)", message: "expected \(expected), found \(describe(value))")
                }
                func integer(_ index: Int?, _ name: String, _ expected: String, _ range: ClosedRange<Int64>) throws -> Int64 {
                    let value = row[index ?? 0] as DatabaseValue
                    guard case .int64(let number) = value.storage, range.contains(number) else { throw fail(name, expected, value) }
                    return number
                }
                let port = try integer(portIndex, "port", "an integer 0–65535", 0...65_535)
                let typeValue = row[typeIndex ?? 0] as DatabaseValue
                guard case .string(let typeText) = typeValue.storage, let type = PortType(lenient: typeText) else {
                    throw fail("type", "TCP, UDP, TCP6 or UDP6", typeValue)
                }
                let num = try integer(numIndex, "num", "a non-negative integer", 0...Int64.max)
                var status: VendorStatus?
                if let statusIndex {
                    let value = row[statusIndex] as DatabaseValue
                    switch value.storage {
                    case .null: status = nil
                    case .string(let text):
                        guard let parsed = VendorStatus(vendor: text) else { throw fail("status", "danger, normal, unknown or NULL", value) }
                        status = parsed
                    default: throw fail("status", "danger, normal, unknown or NULL", value)
                    }
                }
                var category = options.category ?? .host
                var categorySource = options.category != nil ? "flag --category" : "API default (host; the query has no category column)"
                if let categoryIndex {
                    let value = row[categoryIndex] as DatabaseValue
                    guard case .string(let text) = value.storage, let parsed = Category(rawValue: text) else {
                        throw fail("category", "host or container", value)
                    }
                    category = parsed
                    categorySource = "query column category"
                }
                var capturedAt: Timestamp
                var capturedSource: String
                if let capturedIndex {
                    let value = row[capturedIndex] as DatabaseValue
                    switch value.storage {
                    case .int64(let seconds):
                        capturedAt = Timestamp(secondsSinceEpoch: seconds)
                    case .string(let text):
                        if let parsed = Timestamp(rfc3339: text) {
                            capturedAt = parsed
                        } else if let found = PathMetadata.captureTime(in: text), found.text == text {
                            capturedAt = found.timestamp
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
                    capturedSource = "database file modification time"
                    fallbackWarning = true
                }
                func text(_ index: Int?, _ name: String, flag: String?) throws -> String {
                    guard let index else { return flag ?? "" }
                    let value = row[index] as DatabaseValue
                    switch value.storage {
                    case .null: return ""
                    case .string(let text): return text
                    default: throw fail(name, "text", value)
                    }
                }
                let project = try text(projectIndex, "project_id", flag: options.projectID)
                let enterprise = try text(enterpriseIndex, "enterprise_project_id", flag: options.enterpriseProjectID)
                var totalNum: Int64?
                if let totalIndex {
                    let value = row[totalIndex] as DatabaseValue
                    if !value.isNull { totalNum = try integer(totalIndex, "total_num", "a non-negative integer or NULL", 0...Int64.max) }
                }
                let key = SnapshotKey(projectID: project, enterpriseProjectID: enterprise, category: category, capturedAt: capturedAt,
                                      filters: SnapshotKey.canonicalFilters(options.filters))
                if groups[key] == nil {
                    order.append(key)
                    let provenance = MetadataProvenance(
                        project: projectIndex != nil ? "query column project_id" : (options.projectID != nil ? "flag --project" : "unknown (no --project)"),
                        enterpriseProject: enterpriseIndex != nil ? "query column enterprise_project_id" : (options.enterpriseProjectID != nil ? "flag --enterprise-project" : "not given"),
                        category: categorySource, capturedAt: capturedSource)
                    groups[key] = Group(provenance: provenance)
                }
                groups[key]?.records.append(PortRecord(port: Int(port), type: type, num: num, status: status))
                groups[key]?.rowNumbers.append(rowNumber)
                if let totalNum {
                    if let previous = groups[key]?.totalNum, previous != totalNum {
                        throw InputError(file: path, place: "\(place), column total_num", message: "expected the same total_num for every row of a snapshot, found \(totalNum) after \(previous)")
                    }
                    groups[key]?.totalNum = totalNum
                }
            }
            if rowNumber == 0 {
                throw InputError(file: path, place: "--query", message: "the query returned no rows: nothing to import")
            }
            if fallbackWarning {
                report.warnings.append("\(path): no captured_at column or --captured-at; using the database file's modification time")
            }
        }
        for key in order {
            guard let group = groups[key] else { continue }
            let page = SnapshotWriter.Page(key: key, provenance: group.provenance, path: path, entry: -1, sha256: file.sha256,
                                           size: file.size, totalNum: group.totalNum, query: query)
            let added = try writer.add(page, records: group.records, recordPlace: { "query row \(group.rowNumbers[$0])" }, recordLine: { _ in nil })
            if let added { report.records += added } else { report.alreadyImportedPages += 1 }
        }
    }

    private func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case .int64(let v): return String(v)
        case .double(let v): return String(v)
        case .string(let s): return "'\(s.prefix(60))'"
        case .blob(let b): return "a \(b.count)-byte blob"
        }
    }
}
