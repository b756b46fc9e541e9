import Foundation
import GRDB

/// A drill-down snapshot (one ListPortHost or ListPorts query answered) as `portreport snapshots`
/// lists it, beside the statistics snapshots.
public struct DetailSnapshotSummary: Sendable, Equatable {
    public let id: Int64
    /// Nil when unknown.
    public let projectID: String?
    public let enterpriseProjectID: String?
    public let category: Category
    public let capturedAt: Timestamp
    /// `ListPortHost` or `ListPorts`.
    public let call: String
    /// The queried port (ListPortHost); nil when none.
    public let queryPort: Int?
    /// The queried type (ListPortHost); nil when none.
    public let queryType: String?
    /// The queried server (ListPorts); nil when none.
    public let queryHostID: String?
    public let filters: String?
    public let records: Int
    /// Distinct servers or containers among the records.
    public let assets: Int
    public let totalNum: Int64?
    public let complete: Bool
    public let note: String?
    public let importedAt: String
    public let toolVersion: String
    public let provenance: SnapshotSummary.Provenance
    public let sources: [SnapshotSummary.Source]
    /// The edits that relabelled it (`portreport edits` lists them), oldest first.
    public var relabelEdits: [Int64] = []

    /// `port=2375&type=TCP`, `host_id=…`: the query in the API's own parameter names.
    public var query: String {
        var parts: [String] = []
        if let queryPort { parts.append("port=\(queryPort)") }
        if let queryType { parts.append("type=\(queryType)") }
        if let queryHostID { parts.append("host_id=\(queryHostID)") }
        if let filters { parts.append(filters) }
        return parts.joined(separator: "&")
    }
}

extension Store {
    /// Every drill-down snapshot, oldest capture first (then project, category, call and query).
    /// Empty for a store of schema 2 or 3, which has none.
    public func detailSnapshotListing() throws(StoreError) -> [DetailSnapshotSummary] {
        try read { db in
            guard try db.tableExists("detail_snapshot") else { return [] }
            var sources: [Int64: [SnapshotSummary.Source]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM detail_source ORDER BY detail_snapshot_id, path, entry, id")
            {
                sources[row["detail_snapshot_id"], default: []].append(SnapshotSummary.Source(row: row))
            }
            var relabelEdits: [Int64: [Int64]] = [:]
            if try db.tableExists("edit"), try db.columns(in: "edit").contains(where: { $0.name == "target" }) {
                for row in try Row.fetchAll(
                    db, sql: "SELECT id, snapshot_id FROM edit WHERE command = 'relabel' AND target = 'drill-down' ORDER BY id")
                {
                    relabelEdits[row["snapshot_id"], default: []].append(row["id"])
                }
            }
            var assets: [Int64: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT detail_snapshot_id, COUNT(DISTINCT asset_id) FROM observation GROUP BY detail_snapshot_id")
            {
                assets[row[0]] = row[1]
            }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM detail_snapshot
                    ORDER BY captured_at, project_id, enterprise_project_id, category, kind, query_port, query_type, query_host_id, filters, id
                    """)
            return try rows.map { row -> DetailSnapshotSummary in
                let id: Int64 = row["id"]
                let categoryText: String = row["category"]
                let capturedText: String = row["captured_at"]
                guard let category = Category(rawValue: categoryText),
                    let capturedAt = Timestamp(rfc3339: capturedText)
                else {
                    throw StoreError(
                        path: path,
                        message: "drill-down snapshot \(id) is damaged (category '\(categoryText)', captured_at '\(capturedText)')")
                }
                func optional(_ column: String) -> String? {
                    let value: String = row[column]
                    return value.isEmpty ? nil : value
                }
                let queryPort: Int = row["query_port"]
                return DetailSnapshotSummary(
                    id: id, projectID: optional("project_id"), enterpriseProjectID: optional("enterprise_project_id"),
                    category: category, capturedAt: capturedAt, call: row["kind"], queryPort: queryPort == 0 ? nil : queryPort,
                    queryType: optional("query_type"), queryHostID: optional("query_host_id"), filters: optional("filters"),
                    records: row["record_count"], assets: assets[id] ?? 0, totalNum: row["total_num"], complete: row["complete"],
                    note: optional("note"), importedAt: row["imported_at"], toolVersion: row["tool_version"],
                    provenance: SnapshotSummary.Provenance(
                        projectID: row["project_source"], enterpriseProjectID: row["enterprise_project_source"],
                        category: row["category_source"], capturedAt: row["captured_at_source"]),
                    sources: sources[id] ?? [], relabelEdits: relabelEdits[id] ?? [])
            }
        }
    }
}
