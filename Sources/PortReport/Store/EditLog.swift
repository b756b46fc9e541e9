import Foundation
import GRDB

/// A snapshot's key values, where each came from, and its digest, as an edit found or left them.
public struct SnapshotLabel: Sendable, Equatable {
    /// Empty when unknown.
    public let projectID: String
    /// Empty when not given.
    public let enterpriseProjectID: String
    /// `host` or `container`.
    public let category: String
    /// RFC 3339, UTC (as stored).
    public let capturedAt: String
    public let provenance: SnapshotSummary.Provenance
    public let digest: String
}

/// One row of the edit log: a snapshot removed or relabelled, by which command, when.
public struct SnapshotEdit: Sendable, Equatable {
    public enum Command: String, Sendable {
        case remove, relabel
    }

    /// Which kind of snapshot was changed: their ids are counted apart.
    public enum Target: String, Sendable {
        case snapshot
        case drillDown = "drill-down"
    }

    /// `snapshot` for an edit of a store older than schema 5.
    public var target: Target = .snapshot

    public let id: Int64
    /// RFC 3339, UTC.
    public let editedAt: String
    public let command: Command
    /// The command's arguments, as the log shows them (`relabel 3 --project X`).
    public let arguments: String
    public let snapshotID: Int64
    /// The rest of the snapshot's key, which no edit changes.
    public let filters: String
    public let records: Int
    public let sources: Int
    public let before: SnapshotLabel
    /// Nil when the snapshot was removed.
    public let after: SnapshotLabel?
    public let toolVersion: String
}

/// New values for `portreport relabel`: nil leaves a value as it is; an empty project or
/// enterprise project makes it unknown (not given).
public struct SnapshotRelabel: Sendable, Equatable {
    public var projectID: String?
    public var enterpriseProjectID: String?
    public var category: Category?
    public var capturedAt: Timestamp?

    public init(projectID: String? = nil, enterpriseProjectID: String? = nil, category: Category? = nil, capturedAt: Timestamp? = nil) {
        self.projectID = projectID
        self.enterpriseProjectID = enterpriseProjectID
        self.category = category
        self.capturedAt = capturedAt
    }

    public var isEmpty: Bool { projectID == nil && enterpriseProjectID == nil && category == nil && capturedAt == nil }
}

/// What an edit command records beside each change: when, and the command's own words.
public struct EditContext: Sendable {
    public let editedAt: Timestamp
    /// The command and its arguments (`remove 3 4`).
    public let arguments: String

    public init(editedAt: Timestamp, arguments: String) {
        self.editedAt = editedAt
        self.arguments = arguments
    }
}

/// The edit log (table `edit`, schema v3 on): every `remove` and `relabel`, one row per snapshot
/// changed, so that a store shows that its history was edited, and how.
///
/// Snapshot ids are never given out twice: a new snapshot takes an id above every id the log
/// names, so that "snapshot 7" in an old ticket never comes to mean another snapshot.
enum EditLog {
    static func migrate(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE edit (
                    id INTEGER PRIMARY KEY,
                    edited_at TEXT NOT NULL,                -- RFC 3339, UTC, whole seconds
                    command TEXT NOT NULL CHECK (command = 'remove' OR command = 'relabel'),
                    arguments TEXT NOT NULL,                -- the command's arguments, as the log shows them
                    snapshot_id INTEGER NOT NULL,           -- not a reference: a removed snapshot's edits stay
                    filters TEXT NOT NULL,                  -- the rest of the key, which no edit changes
                    record_count INTEGER NOT NULL,
                    source_count INTEGER NOT NULL,
                    before_project_id TEXT NOT NULL,
                    before_enterprise_project_id TEXT NOT NULL,
                    before_category TEXT NOT NULL,
                    before_captured_at TEXT NOT NULL,
                    before_project_source TEXT NOT NULL,
                    before_enterprise_project_source TEXT NOT NULL,
                    before_category_source TEXT NOT NULL,
                    before_captured_at_source TEXT NOT NULL,
                    before_digest TEXT NOT NULL,
                    after_project_id TEXT,                  -- the after_* columns are NULL when removed
                    after_enterprise_project_id TEXT,
                    after_category TEXT,
                    after_captured_at TEXT,
                    after_project_source TEXT,
                    after_enterprise_project_source TEXT,
                    after_category_source TEXT,
                    after_captured_at_source TEXT,
                    after_digest TEXT,
                    tool_version TEXT NOT NULL
                );
                CREATE INDEX edit_by_snapshot ON edit (snapshot_id);
                CREATE INDEX source_by_sha256 ON source (sha256);
                ALTER TABLE source ADD COLUMN real_path TEXT NOT NULL DEFAULT '';  -- canonical path of the file; '' when unknown
                """)
    }

    /// Schema v5: which kind of snapshot an edit changed (`snapshot`, or `drill-down` for a
    /// drill-down snapshot, whose ids are counted apart).
    static func migrateTarget(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE edit ADD COLUMN target TEXT NOT NULL DEFAULT 'snapshot' CHECK (target = 'snapshot' OR target = 'drill-down');
                """)
    }

    /// `ListPortHost port=2375&type=TCP`, `ListPorts host_id=h1&host_name=web-*`: a drill-down
    /// snapshot row's call, query and filters, as `import` names them.
    fileprivate static func detailQuery(_ row: Row) -> String {
        let kind: String = row["kind"], port: Int = row["query_port"], type: String = row["query_type"]
        let host: String = row["query_host_id"], filters: String = row["filters"]
        var parts: [String] = []
        if port > 0 { parts.append("port=\(port)") }
        if !type.isEmpty { parts.append("type=\(type)") }
        if !host.isEmpty { parts.append("host_id=\(host)") }
        if !filters.isEmpty { parts.append(filters) }
        return ([kind] + (parts.isEmpty ? [] : [parts.joined(separator: "&")])).joined(separator: " ")
    }

    /// The provenance of a value an edit set.
    static func provenance(editID: Int64) -> String { "relabel (edit \(editID))" }

    fileprivate static func label(_ row: Row, prefix: String) -> SnapshotLabel? {
        guard let project: String = row[prefix + "project_id"] else { return nil }
        return SnapshotLabel(
            projectID: project, enterpriseProjectID: row[prefix + "enterprise_project_id"] ?? "", category: row[prefix + "category"] ?? "",
            capturedAt: row[prefix + "captured_at"] ?? "",
            provenance: SnapshotSummary.Provenance(
                projectID: row[prefix + "project_source"] ?? "", enterpriseProjectID: row[prefix + "enterprise_project_source"] ?? "",
                category: row[prefix + "category_source"] ?? "", capturedAt: row[prefix + "captured_at_source"] ?? ""),
            digest: row[prefix + "digest"] ?? "")
    }

    /// A snapshot row (or a drill-down snapshot's, which has no digest: "") as a label.
    fileprivate static func label(snapshot row: Row) -> SnapshotLabel {
        SnapshotLabel(
            projectID: row["project_id"], enterpriseProjectID: row["enterprise_project_id"], category: row["category"],
            capturedAt: row["captured_at"],
            provenance: SnapshotSummary.Provenance(
                projectID: row["project_source"], enterpriseProjectID: row["enterprise_project_source"], category: row["category_source"],
                capturedAt: row["captured_at_source"]),
            digest: row["digest"] ?? "")
    }

    /// Writes one row of the log; returns its id.
    fileprivate static func append(
        _ db: Database, command: SnapshotEdit.Command, context: EditContext, snapshot row: Row, sources: Int, after: SnapshotLabel?,
        target: SnapshotEdit.Target = .snapshot
    ) throws -> Int64 {
        let before = label(snapshot: row)
        // A drill-down snapshot's key beyond its label: its call, query and filters.
        let rest: String = target == .drillDown ? detailQuery(row) : row["filters"]
        try db.execute(
            sql: """
                INSERT INTO edit (target, edited_at, command, arguments, snapshot_id, filters, record_count, source_count,
                    before_project_id, before_enterprise_project_id, before_category, before_captured_at, before_project_source,
                    before_enterprise_project_source, before_category_source, before_captured_at_source, before_digest,
                    after_project_id, after_enterprise_project_id, after_category, after_captured_at, after_project_source,
                    after_enterprise_project_source, after_category_source, after_captured_at_source, after_digest, tool_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                target.rawValue, context.editedAt.rfc3339, command.rawValue, context.arguments, row["id"] as Int64, rest,
                row["record_count"] as Int, sources,
                before.projectID, before.enterpriseProjectID, before.category, before.capturedAt, before.provenance.projectID,
                before.provenance.enterpriseProjectID, before.provenance.category, before.provenance.capturedAt, before.digest,
                after?.projectID, after?.enterpriseProjectID, after?.category, after?.capturedAt, after?.provenance.projectID,
                after?.provenance.enterpriseProjectID, after?.provenance.category, after?.provenance.capturedAt, after?.digest,
                PortReportVersion.string
            ])
        return db.lastInsertedRowID
    }

    /// SQL for the smallest snapshot id above every id a snapshot or an edit has used (with no
    /// edits, the id SQLite itself would choose).
    static let nextSnapshotIDSQL =
        "max(coalesce((SELECT max(id) FROM snapshot), 0), coalesce((SELECT max(snapshot_id) FROM edit WHERE target = 'snapshot'), 0)) + 1"

    /// The same for a drill-down snapshot, whose ids are counted apart.
    static let nextDetailSnapshotIDSQL =
        "max(coalesce((SELECT max(id) FROM detail_snapshot), 0), coalesce((SELECT max(snapshot_id) FROM edit WHERE target = 'drill-down'), 0)) + 1"
}

/// What `relabel` did with one snapshot.
public enum RelabelOutcome: Sendable, Equatable {
    case relabelled(SnapshotEdit)
    /// The snapshot already had every value asked for: nothing was changed or logged.
    case unchanged(snapshotID: Int64)
}

extension Store {
    /// Every edit, oldest first; none for a store older than schema version 3.
    public func edits() throws(StoreError) -> [SnapshotEdit] {
        try read { db in
            guard try db.tableExists("edit") else { return [] }
            return try Row.fetchAll(db, sql: "SELECT * FROM edit ORDER BY id").map { row in
                let commandText: String = row["command"]
                guard let command = SnapshotEdit.Command(rawValue: commandText), let before = EditLog.label(row, prefix: "before_") else {
                    throw StoreError(path: path, message: "edit \(row["id"] as Int64) of the edit log is damaged")
                }
                let targetText: String = row["target"] ?? SnapshotEdit.Target.snapshot.rawValue
                guard let target = SnapshotEdit.Target(rawValue: targetText) else {
                    throw StoreError(path: path, message: "edit \(row["id"] as Int64) of the edit log is damaged (target '\(targetText)')")
                }
                return SnapshotEdit(
                    target: target, id: row["id"], editedAt: row["edited_at"], command: command, arguments: row["arguments"],
                    snapshotID: row["snapshot_id"],
                    filters: row["filters"], records: row["record_count"], sources: row["source_count"], before: before,
                    after: EditLog.label(row, prefix: "after_"), toolVersion: row["tool_version"])
            }
        }
    }

    /// Removes the snapshots `ids` (their rows, sources and records) and logs each, in one
    /// transaction: an id the store does not have changes nothing.
    public func remove(_ ids: [Int64], context: EditContext) throws(StoreError) -> [SnapshotEdit] {
        let editIDs = try edit { db in
            var editIDs: [Int64] = []
            for id in ids {
                let row = try snapshotRow(db, id)
                let sources = try Int.fetchOne(db, sql: "SELECT count(*) FROM source WHERE snapshot_id = ?", arguments: [id]) ?? 0
                editIDs.append(try EditLog.append(db, command: .remove, context: context, snapshot: row, sources: sources, after: nil))
                try db.execute(sql: "DELETE FROM snapshot_records WHERE snapshot_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM source WHERE snapshot_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM snapshot WHERE id = ?", arguments: [id])
            }
            return editIDs
        }
        return try edits().filter { editIDs.contains($0.id) }
    }

    /// Each relabelled id with the edit recorded for it, or unchanged when nothing changed.
    private func outcomes(_ results: [(snapshotID: Int64, editID: Int64?)]) throws(StoreError) -> [RelabelOutcome] {
        let edits = try edits()
        return results.map { snapshotID, editID in
            guard let editID, let edit = edits.first(where: { $0.id == editID }) else { return .unchanged(snapshotID: snapshotID) }
            return .relabelled(edit)
        }
    }

    /// Gives the snapshots `ids` the values of `change`, with a digest for the new key and
    /// `relabel (edit N)` as the provenance of each value changed, and logs each, in one
    /// transaction. An id the store does not have, or a new key that another snapshot has,
    /// changes nothing.
    public func relabel(_ ids: [Int64], to change: SnapshotRelabel, context: EditContext) throws(StoreError) -> [RelabelOutcome] {
        let results = try edit { db -> [(Int64, Int64?)] in
            let blobs = try RecordBlobStatements(db)
            var results: [(Int64, Int64?)] = []
            for id in ids {
                let row = try snapshotRow(db, id)
                let old = EditLog.label(snapshot: row)
                let project = change.projectID ?? old.projectID
                let enterprise = change.enterpriseProjectID ?? old.enterpriseProjectID
                let category = change.category?.rawValue ?? old.category
                let capturedText = change.capturedAt?.rfc3339 ?? old.capturedAt
                let changed = (
                    project: project != old.projectID, enterprise: enterprise != old.enterpriseProjectID,
                    category: category != old.category, capturedAt: capturedText != old.capturedAt
                )
                guard changed.project || changed.enterprise || changed.category || changed.capturedAt else {
                    results.append((id, nil))
                    continue
                }
                guard let parsedCategory = Category(rawValue: category), let capturedAt = Timestamp(rfc3339: capturedText) else {
                    throw StoreError(
                        path: path,
                        message:
                            "snapshot \(id) is damaged (category '\(category)', captured_at '\(capturedText)'): give it a valid --category and --captured-at, or remove it; nothing was changed"
                    )
                }
                let filters: String = row["filters"]
                let key = SnapshotKey(
                    projectID: project, enterpriseProjectID: enterprise, category: parsedCategory, capturedAt: capturedAt, filters: filters)
                if let other = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT id FROM snapshot WHERE project_id = ? AND enterprise_project_id = ? AND category = ? AND captured_at = ?
                            AND filters = ? AND id <> ?
                        """, arguments: [project, enterprise, category, capturedText, filters, id])
                {
                    throw StoreError(
                        path: path,
                        message:
                            "snapshot \(id) cannot be relabelled to \(Store.describe(key)): snapshot \(other) has that key (remove one of them first); nothing was changed"
                    )
                }
                let digest: String
                do {
                    digest = SnapshotDigest.compute(try blobs.entries(of: id), key: key)
                } catch let damage as StoreDamage {
                    throw StoreError(path: path, message: damage.description + " (nothing was changed)")
                }
                let editID =
                    try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) + 1 FROM edit") ?? 1
                let set = EditLog.provenance(editID: editID)
                let after = SnapshotLabel(
                    projectID: project, enterpriseProjectID: enterprise, category: category, capturedAt: capturedText,
                    provenance: SnapshotSummary.Provenance(
                        projectID: changed.project ? set : old.provenance.projectID,
                        enterpriseProjectID: changed.enterprise ? set : old.provenance.enterpriseProjectID,
                        category: changed.category ? set : old.provenance.category,
                        capturedAt: changed.capturedAt ? set : old.provenance.capturedAt),
                    digest: digest)
                let sources = try Int.fetchOne(db, sql: "SELECT count(*) FROM source WHERE snapshot_id = ?", arguments: [id]) ?? 0
                let written = try EditLog.append(db, command: .relabel, context: context, snapshot: row, sources: sources, after: after)
                guard written == editID else {
                    throw StoreDamage(message: "the edit log gave edit \(written) where \(editID) was expected")
                }
                try db.execute(
                    sql: """
                        UPDATE snapshot SET project_id = ?, enterprise_project_id = ?, category = ?, captured_at = ?, digest = ?,
                            project_source = ?, enterprise_project_source = ?, category_source = ?, captured_at_source = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        project, enterprise, category, capturedText, digest, after.provenance.projectID,
                        after.provenance.enterpriseProjectID, after.provenance.category, after.provenance.capturedAt, id
                    ])
                results.append((id, editID))
            }
            return results
        }
        return try outcomes(results)
    }

    /// `project X, enterprise project 0, host, 2026-11-28T00:00:00Z, filters port=22`, as
    /// messages name a snapshot by its key.
    static func describe(_ key: SnapshotKey) -> String {
        var parts = [key.projectID.isEmpty ? "project unknown" : "project \(key.projectID)"]
        if !key.enterpriseProjectID.isEmpty { parts.append("enterprise project \(key.enterpriseProjectID)") }
        parts.append(key.category.rawValue)
        parts.append(key.capturedAt.rfc3339)
        if !key.filters.isEmpty { parts.append("filters \(key.filters)") }
        return parts.joined(separator: ", ")
    }

    /// The snapshot's row, or the error that names an id the store does not have.
    private func snapshotRow(_ db: Database, _ id: Int64) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM snapshot WHERE id = ?", arguments: [id]) else {
            throw StoreError(path: path, message: "no snapshot \(id) in this store (portreport snapshots lists them); nothing was changed")
        }
        return row
    }

    /// Runs `body` in one IMMEDIATE transaction, rolled back when it throws; SQLite's errors in
    /// words, with "nothing was changed".
    private func edit<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try refuseWritingIfOpenedForReading()
        do {
            var result: T?
            try database.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
            }
            guard let result else { throw StoreDamage(message: "the edit ended without a result") }
            return result
        } catch let error as StoreError {
            throw error
        } catch let damage as StoreDamage {
            throw StoreError(path: path, message: damage.description + " (nothing was changed)")
        } catch {
            throw StoreError(path: path, message: Store.describe(error) + " (nothing was changed)")
        }
    }
}

// MARK: Drill-down snapshots

extension Store {
    /// Removes the drill-down snapshots `ids` (their pages and observations) and logs each, in one
    /// transaction: an id the store does not have changes nothing. Assets no observation names
    /// any more are removed too.
    public func removeDetails(_ ids: [Int64], context: EditContext) throws(StoreError) -> [SnapshotEdit] {
        let editIDs = try edit { db in
            var editIDs: [Int64] = []
            for id in ids {
                let row = try detailSnapshotRow(db, id)
                let sources =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM detail_source WHERE detail_snapshot_id = ?", arguments: [id]) ?? 0
                editIDs.append(
                    try EditLog.append(
                        db, command: .remove, context: context, snapshot: row, sources: sources, after: nil, target: .drillDown))
                try db.execute(sql: "DELETE FROM observation WHERE detail_snapshot_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM detail_source WHERE detail_snapshot_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM detail_snapshot WHERE id = ?", arguments: [id])
            }
            try db.execute(sql: "DELETE FROM asset WHERE id NOT IN (SELECT asset_id FROM observation)")
            return editIDs
        }
        return try edits().filter { editIDs.contains($0.id) }
    }

    /// Gives the drill-down snapshots `ids` the values of `change`, with `relabel (edit N)` as the
    /// provenance of each value changed, and logs each, in one transaction. An id the store does
    /// not have, or a new key another drill-down snapshot has, changes nothing. A relabel to
    /// another category is refused: a container observation names its container, a host one
    /// need not.
    public func relabelDetails(_ ids: [Int64], to change: SnapshotRelabel, context: EditContext) throws(StoreError) -> [RelabelOutcome] {
        let results = try edit { db -> [(Int64, Int64?)] in
            var results: [(Int64, Int64?)] = []
            for id in ids {
                let row = try detailSnapshotRow(db, id)
                let old = EditLog.label(snapshot: row)
                if let category = change.category, category.rawValue != old.category {
                    throw StoreError(
                        path: path,
                        message:
                            "drill-down snapshot \(id) cannot be relabelled to category \(category.rawValue): its observations are of \(old.category == "host" ? "servers" : "containers"); remove it and import its pages again with the right category; nothing was changed"
                    )
                }
                let project = change.projectID ?? old.projectID
                let enterprise = change.enterpriseProjectID ?? old.enterpriseProjectID
                let capturedText = change.capturedAt?.rfc3339 ?? old.capturedAt
                let changed = (
                    project: project != old.projectID, enterprise: enterprise != old.enterpriseProjectID,
                    capturedAt: capturedText != old.capturedAt
                )
                guard changed.project || changed.enterprise || changed.capturedAt else {
                    results.append((id, nil))
                    continue
                }
                if let other = try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT other.id FROM detail_snapshot other JOIN detail_snapshot this ON this.id = ?
                        WHERE other.project_id = ? AND other.enterprise_project_id = ? AND other.category = this.category
                            AND other.captured_at = ? AND other.kind = this.kind AND other.query_port = this.query_port
                            AND other.query_type = this.query_type AND other.query_host_id = this.query_host_id
                            AND other.filters = this.filters AND other.id <> this.id
                        """, arguments: [id, project, enterprise, capturedText])
                {
                    throw StoreError(
                        path: path,
                        message:
                            "drill-down snapshot \(id) cannot be relabelled: drill-down snapshot \(other) has that query, project and time (remove one of them first); nothing was changed"
                    )
                }
                let editID = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) + 1 FROM edit") ?? 1
                let set = EditLog.provenance(editID: editID)
                let after = SnapshotLabel(
                    projectID: project, enterpriseProjectID: enterprise, category: old.category, capturedAt: capturedText,
                    provenance: SnapshotSummary.Provenance(
                        projectID: changed.project ? set : old.provenance.projectID,
                        enterpriseProjectID: changed.enterprise ? set : old.provenance.enterpriseProjectID,
                        category: old.provenance.category, capturedAt: changed.capturedAt ? set : old.provenance.capturedAt),
                    digest: "")
                let sources =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM detail_source WHERE detail_snapshot_id = ?", arguments: [id]) ?? 0
                let written = try EditLog.append(
                    db, command: .relabel, context: context, snapshot: row, sources: sources, after: after, target: .drillDown)
                guard written == editID else {
                    throw StoreDamage(message: "the edit log gave edit \(written) where \(editID) was expected")
                }
                try db.execute(
                    sql: """
                        UPDATE detail_snapshot SET project_id = ?, enterprise_project_id = ?, captured_at = ?,
                            project_source = ?, enterprise_project_source = ?, captured_at_source = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        project, enterprise, capturedText, after.provenance.projectID, after.provenance.enterpriseProjectID,
                        after.provenance.capturedAt, id
                    ])
                results.append((id, editID))
            }
            return results
        }
        return try outcomes(results)
    }

    /// The drill-down snapshot's row (with `digest` '' and `record_count`), or the error that
    /// names an id the store does not have.
    private func detailSnapshotRow(_ db: Database, _ id: Int64) throws -> Row {
        guard try db.tableExists("detail_snapshot"),
            let row = try Row.fetchOne(db, sql: "SELECT *, '' AS digest FROM detail_snapshot WHERE id = ?", arguments: [id])
        else {
            throw StoreError(
                path: path, message: "no drill-down snapshot \(id) in this store (portreport snapshots lists them); nothing was changed")
        }
        return row
    }
}
