import Foundation
import GRDB

/// A snapshot as `portreport snapshots` lists it.
public struct SnapshotSummary: Sendable, Equatable {
    public struct Source: Sendable, Equatable {
        public let path: String
        /// HAR entry index, when the page came from a HAR capture.
        public let entry: Int?
        public let sha256: String
        public let size: Int
        public let totalNum: Int64?
        public let records: Int
        public let query: String?
    }

    public struct Provenance: Sendable, Equatable {
        public let projectID: String
        public let enterpriseProjectID: String
        public let category: String
        public let capturedAt: String
    }

    public let id: Int64
    /// Nil when unknown.
    public let projectID: String?
    public let enterpriseProjectID: String?
    public let category: Category
    public let capturedAt: Timestamp
    public let records: Int
    public let totalNum: Int64?
    public let complete: Bool
    public let partial: Bool
    public let filters: String?
    public let note: String?
    public let digest: String
    public let importedAt: String
    public let toolVersion: String
    public let provenance: Provenance
    public let sources: [Source]
    /// The edits that relabelled the snapshot (`portreport edits` lists them), oldest first.
    public var relabelEdits: [Int64] = []
}

extension SnapshotSummary.Source {
    /// A row of the `source` table.
    init(row: Row) {
        let entry: Int = row["entry"]
        let query: String = row["query"]
        self.init(
            path: row["path"], entry: entry >= 0 ? entry : nil, sha256: row["sha256"], size: row["size"],
            totalNum: row["total_num"], records: row["records"], query: query.isEmpty ? nil : query)
    }
}

extension Store {
    /// Every snapshot, oldest capture first (then project, enterprise project, category, filters).
    /// Leaves out a snapshot portreport cannot use (see `snapshotListing()`).
    public func snapshots() throws(StoreError) -> [SnapshotSummary] {
        try snapshotListing().snapshots
    }

    /// Every usable snapshot, as `snapshots()`, and a warning for each snapshot left out: one a
    /// store written by 0.2 may hold, with a captured_at or a num outside the ranges portreport
    /// now takes. The rest of the store stays readable.
    public func snapshotListing() throws(StoreError) -> (snapshots: [SnapshotSummary], warnings: [String]) {
        var warnings: [String] = []
        let snapshots = try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM snapshot ORDER BY captured_at, project_id, enterprise_project_id, category, filters
                    """)
            var sourcesBySnapshot: [Int64: [SnapshotSummary.Source]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM source ORDER BY snapshot_id, path, entry, id") {
                sourcesBySnapshot[row["snapshot_id"], default: []].append(SnapshotSummary.Source(row: row))
            }
            let overMaximum = try RecordBlob.overMaximum(db)
            var relabelEdits: [Int64: [Int64]] = [:]
            if try db.tableExists("edit") {
                // Schema 5 on, the log names drill-down snapshots too, whose ids are counted apart.
                let target = try db.columns(in: "edit").contains { $0.name == "target" } ? " AND target = 'snapshot'" : ""
                for row in try Row.fetchAll(db, sql: "SELECT id, snapshot_id FROM edit WHERE command = 'relabel'\(target) ORDER BY id") {
                    relabelEdits[row["snapshot_id"], default: []].append(row["id"])
                }
            }
            return try rows.compactMap { row -> SnapshotSummary? in
                let id: Int64 = row["id"]
                let categoryText: String = row["category"]
                let capturedText: String = row["captured_at"]
                guard let category = Category(rawValue: categoryText) else {
                    throw StoreError(
                        path: path, message: "snapshot \(id) is damaged (category '\(categoryText)', captured_at '\(capturedText)')")
                }
                guard let capturedAt = Timestamp(rfc3339: capturedText) else {
                    warnings.append(AnalysisReader.capturedAtWarning(id: id, capturedText))
                    return nil
                }
                if let warning = overMaximum[id] {
                    warnings.append(warning)
                    return nil
                }
                func optional(_ column: String) -> String? {
                    let value: String = row[column]
                    return value.isEmpty ? nil : value
                }
                return SnapshotSummary(
                    id: id, projectID: optional("project_id"), enterpriseProjectID: optional("enterprise_project_id"),
                    category: category, capturedAt: capturedAt, records: row["record_count"], totalNum: row["total_num"],
                    complete: row["complete"], partial: row["partial"], filters: optional("filters"), note: optional("note"),
                    digest: row["digest"], importedAt: row["imported_at"], toolVersion: row["tool_version"],
                    provenance: SnapshotSummary.Provenance(
                        projectID: row["project_source"], enterpriseProjectID: row["enterprise_project_source"],
                        category: row["category_source"], capturedAt: row["captured_at_source"]),
                    sources: sourcesBySnapshot[id] ?? [], relabelEdits: relabelEdits[id] ?? [])
            }
        }
        return (snapshots, warnings)
    }
}
