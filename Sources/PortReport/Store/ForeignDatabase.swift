import Foundation
import GRDB

/// An SQLite file given to `import`, opened read-only and never modified: another portreport
/// store, read snapshot by snapshot, or any other database, read with the user's `--query`.
///
/// It hands out plain values; what they mean for an import (and the messages about them) is
/// the importer's business.
final class ForeignDatabase {
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
    /// Whether the file says it is a portreport store (its `PRAGMA application_id`).
    let isPortReportStore: Bool

    init(path: String) throws(OpenError) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "import source"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(reason: Store.describe(error))
        }
        do {
            let applicationID = try queue.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0 }
            isPortReportStore = applicationID == Store.applicationID
        } catch {
            throw .unreadable(reason: Store.describe(error))
        }
    }

    /// The schema version the file says it has (`PRAGMA user_version`).
    func schemaVersion() throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
    }

    /// Reads a portreport store's snapshots in the order they were stored, one at a time (so
    /// that only one is in memory), inside one read transaction. Throws `SnapshotDamage` for a
    /// snapshot that cannot be read, before `body` sees it.
    func forEachSnapshot(_ body: (Snapshot) throws -> Void) throws {
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
    /// read. Throws `QueryRefusal` for a query that cannot or may not run.
    func query(_ query: String, columns: ([String]) throws -> Void, row: ([Value]) throws -> Void) throws {
        try queue.read { db in
            let statement: Statement
            do {
                statement = try db.makeStatement(sql: query)
            } catch {
                throw QueryRefusal.invalid(reason: Store.describe(error))
            }
            guard statement.isReadonly else { throw QueryRefusal.notReadOnly }
            try columns(statement.columnNames)
            let cursor = try Row.fetchCursor(statement)
            var values: [Value] = []
            while let next = try cursor.next() {
                values.removeAll(keepingCapacity: true)
                for value in next.databaseValues {
                    switch value.storage {
                    case .null: values.append(.null)
                    case .int64(let number): values.append(.integer(number))
                    case .double(let number): values.append(.real(number))
                    case .string(let text): values.append(.text(text))
                    case .blob(let data): values.append(.blob(data))
                    }
                }
                try row(values)
            }
        }
    }
}
