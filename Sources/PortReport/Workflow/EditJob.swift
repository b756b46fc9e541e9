import Foundation

/// `portreport remove`, `portreport relabel` and `portreport edits`: fixing what an import stored
/// under the wrong name, each change one transaction and one row per snapshot in the store's edit
/// log, and that log listed.
public struct EditJob {
    var storePath: String
    /// The clock the edit log records its time by.
    var clock = ReportClock()

    public init(storePath: String) {
        self.storePath = storePath
    }

    /// Removes the snapshots `ids` (their sources and records) and says what was removed. Throws
    /// (and changes nothing) for an id the store does not have.
    ///
    /// With `drillDown`, the ids are of drill-down snapshots (`portreport snapshots` lists them
    /// apart), removed with their pages and observations.
    public func remove(_ ids: [Int64], drillDown: Bool = false, console: any Console) throws {
        let store = try openForEditing()
        let context = EditContext(editedAt: clock.now, arguments: Self.arguments("remove", ids, drillDown: drillDown))
        let edits = try drillDown ? store.removeDetails(ids, context: context) : store.remove(ids, context: context)
        try store.close()
        let what = drillDown ? "drill-down snapshot" : "snapshot"
        for edit in edits {
            let noun = edit.sources == 1 ? "page" : "pages"
            console.write(
                TerminalText.line(
                    "removed \(what) \(edit.snapshotID): \(Self.describe(edit)), \(edit.records) record\(edit.records == 1 ? "" : "s") from \(edit.sources) \(noun) (edit \(edit.id))"
                ))
        }
        console.write(
            TerminalText.line(
                "\(Wording.plural(edits.count, what)) removed → \(storePath) (portreport edits lists the change)"))
    }

    /// Gives the snapshots `ids` the values of `change` and says what changed. Throws (and changes
    /// nothing) for an id the store does not have and for a key another snapshot has.
    ///
    /// With `drillDown`, the ids are of drill-down snapshots.
    public func relabel(_ ids: [Int64], to change: SnapshotRelabel, drillDown: Bool = false, console: any Console) throws {
        let store = try openForEditing()
        let context = EditContext(editedAt: clock.now, arguments: Self.arguments("relabel", ids, change, drillDown: drillDown))
        let outcomes =
            try drillDown ? store.relabelDetails(ids, to: change, context: context) : store.relabel(ids, to: change, context: context)
        try store.close()
        let what = drillDown ? "drill-down snapshot" : "snapshot"
        var count = 0
        for outcome in outcomes {
            switch outcome {
            case .relabelled(let edit):
                count += 1
                let changes = edit.after.map { Self.changes(from: edit.before, to: $0) } ?? []
                console.write(
                    TerminalText.line("relabelled \(what) \(edit.snapshotID): \(changes.joined(separator: "; ")) (edit \(edit.id))"))
            case .unchanged(let id):
                console.write(TerminalText.line("\(what) \(id) unchanged: it already has these values"))
            }
        }
        console.write(TerminalText.line("\(Wording.plural(count, what)) relabelled → \(storePath) (portreport edits lists the change)"))
    }

    /// The edit log as a table (text) or JSON.
    public func listing(json: Bool) throws -> [UInt8] {
        let store = try Store.openForReading(storePath)
        let edits = try store.edits()
        let version = try store.storedSchemaVersion()
        return json
            ? Self.json(edits, schemaVersion: version)
            : Array((Self.table(edits, storePath: storePath, schemaVersion: version) + "\n").utf8)
    }

    /// An existing store, opened for writing: an edit never creates one.
    private func openForEditing() throws(StoreError) -> Store {
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw StoreError(path: storePath, message: "no store here: name the store with --store (nothing was changed)")
        }
        do {
            return try Store(path: storePath)
        } catch {
            throw StoreError(path: storePath, message: error.message + " (nothing was changed)")
        }
    }

    // MARK: Words

    /// The command's arguments as the log records them: the ids, then each value given, in a
    /// fixed order, quoted for a POSIX shell where needed.
    static func arguments(
        _ command: String, _ ids: [Int64], _ change: SnapshotRelabel = SnapshotRelabel(), drillDown: Bool = false
    )
        -> String
    {
        var words = [command] + (drillDown ? ["--drill-down"] : []) + ids.map(String.init)
        if let value = change.projectID { words += ["--project", shellQuoted(value)] }
        if let value = change.enterpriseProjectID { words += ["--enterprise-project", shellQuoted(value)] }
        if let value = change.category { words += ["--category", value.rawValue] }
        if let value = change.capturedAt { words += ["--captured-at", value.rfc3339] }
        return words.joined(separator: " ")
    }

    static func shellQuoted(_ text: String) -> String {
        let plain = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-:/@+=,")
        if !text.isEmpty && text.allSatisfy({ plain.contains($0) }) { return text }
        return "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// `host 2026-11-28T00:00:00Z, project X`, as `import` names a snapshot.
    static func describe(_ label: SnapshotLabel, filters: String) -> String {
        var text = "\(label.category) \(label.capturedAt), " + (label.projectID.isEmpty ? "project unknown" : "project \(label.projectID)")
        if !label.enterpriseProjectID.isEmpty { text += ", enterprise project \(label.enterpriseProjectID)" }
        if !filters.isEmpty { text += ", partial: \(filters)" }
        return text
    }

    /// `project unknown → X`, one for each value that differs.
    static func changes(from before: SnapshotLabel, to after: SnapshotLabel) -> [String] {
        func shown(_ value: String, _ empty: String) -> String { value.isEmpty ? empty : value }
        var changes: [String] = []
        if before.projectID != after.projectID {
            changes.append("project \(shown(before.projectID, "unknown")) → \(shown(after.projectID, "unknown"))")
        }
        if before.enterpriseProjectID != after.enterpriseProjectID {
            changes.append(
                "enterprise project \(shown(before.enterpriseProjectID, "not given")) → \(shown(after.enterpriseProjectID, "not given"))")
        }
        if before.category != after.category { changes.append("category \(before.category) → \(after.category)") }
        if before.capturedAt != after.capturedAt { changes.append("captured_at \(before.capturedAt) → \(after.capturedAt)") }
        return changes
    }

    /// The edited snapshot as `import` names it: `host 2026-11-28T00:00:00Z, project X`, or
    /// `ListPortHost port=23&type=TCP (host) 2026-11-28T00:00:00Z, project X` for a drill-down one.
    static func describe(_ edit: SnapshotEdit) -> String {
        switch edit.target {
        case .snapshot:
            return describe(edit.before, filters: edit.filters)
        case .drillDown:
            let label = edit.before
            var text =
                "\(edit.filters) (\(label.category)) \(label.capturedAt), "
                + (label.projectID.isEmpty ? "project unknown" : "project \(label.projectID)")
            if !label.enterpriseProjectID.isEmpty { text += ", enterprise project \(label.enterpriseProjectID)" }
            return text
        }
    }

    /// What one edit did, for the table.
    static func change(_ edit: SnapshotEdit) -> String {
        guard let after = edit.after else {
            return "removed: \(describe(edit)), \(edit.records) record\(edit.records == 1 ? "" : "s")"
        }
        return changes(from: edit.before, to: after).joined(separator: "; ")
    }

    static func table(_ edits: [SnapshotEdit], storePath: String, schemaVersion: Int) -> String {
        var rows = [["EDIT", "EDITED AT", "SNAPSHOT", "COMMAND", "CHANGE"]]
        for edit in edits {
            let snapshot = edit.target == .drillDown ? "drill-down \(edit.snapshotID)" : String(edit.snapshotID)
            rows.append([String(edit.id), edit.editedAt, snapshot, edit.arguments, change(edit)])
        }
        return TextTable.render(rows, rightAligned: [0, 2]) + "\n"
            + "\(edits.count) edit\(edits.count == 1 ? "" : "s") in \(TerminalText.value(storePath)) (schema version \(schemaVersion))"
    }

    static func json(_ edits: [SnapshotEdit], schemaVersion: Int) -> [UInt8] {
        var w = JSONWriter()
        w.object { w in
            w.int("schema_version", schemaVersion)
            w.array("edits") { w in
                for edit in edits {
                    w.elementObject { w in
                        w.int("id", edit.id)
                        w.string("target", edit.target.rawValue)
                        w.string("edited_at", edit.editedAt)
                        w.string("command", edit.command.rawValue)
                        w.string("arguments", edit.arguments)
                        w.int("snapshot_id", edit.snapshotID)
                        w.string("filters", edit.filters.isEmpty ? nil : edit.filters)
                        w.int("records", edit.records)
                        w.int("sources", edit.sources)
                        w.object("before") { w in label(&w, edit.before) }
                        if let after = edit.after {
                            w.object("after") { w in label(&w, after) }
                        } else {
                            w.string("after", nil)
                        }
                        w.string("tool_version", edit.toolVersion)
                    }
                }
            }
        }
        return w.finish()
    }

    private static func label(_ w: inout JSONWriter, _ label: SnapshotLabel) {
        w.string("project_id", label.projectID.isEmpty ? nil : label.projectID)
        w.string("enterprise_project_id", label.enterpriseProjectID.isEmpty ? nil : label.enterpriseProjectID)
        w.string("category", label.category)
        w.string("captured_at", label.capturedAt)
        w.object("metadata_from") { w in
            w.string("project_id", label.provenance.projectID)
            w.string("enterprise_project_id", label.provenance.enterpriseProjectID)
            w.string("category", label.provenance.category)
            w.string("captured_at", label.provenance.capturedAt)
        }
        w.string("digest", label.digest)
    }
}
