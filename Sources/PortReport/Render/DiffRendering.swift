/// Text and JSON forms of `portreport diff`.
public enum DiffRendering {
    public static func json(_ diff: SnapshotDiff) -> [UInt8] {
        var w = JSONWriter()
        w.object { w in
            w.string("schema", "portreport.diff/1")
            w.object("before") { w in JSONReportRenderer.snapshot(&w, diff.before) }
            w.object("after") { w in JSONReportRenderer.snapshot(&w, diff.after) }
            w.array("warnings") { w in for warning in diff.warnings { w.element(warning) } }
            JSONReportRenderer.changeLists(&w, new: diff.new, gone: diff.gone, changed: diff.changed)
        }
        return w.finish()
    }

    /// The headline, then one row per change (`TextTable`: cells shown on one line each).
    public static func table(_ diff: SnapshotDiff) -> String {
        func describe(_ info: SnapshotInfo) -> String { "snapshot \(info.id) (\(info.category.rawValue), \(info.capturedAt.rfc3339))" }
        var lines = [
            "\(describe(diff.before)) → \(describe(diff.after)): \(diff.new.count) new, \(diff.gone.count) gone, \(diff.changed.count) changed"
        ]
        let rows = diff.new.map { ("new", $0) } + diff.gone.map { ("gone", $0) } + diff.changed.map { ("changed", $0) }
        guard !rows.isEmpty else { return lines.joined(separator: "\n") }
        let table =
            [["CHANGE", "PORT", "BEFORE", "AFTER", "DELTA"]]
            + rows.map { kind, change in
                [
                    kind, change.key.description, String(change.before), String(change.after),
                    (change.delta > 0 ? "+" : "") + String(change.delta)
                ]
            }
        lines.append(TextTable.render(table, rightAligned: [2, 3, 4]))
        return lines.joined(separator: "\n")
    }
}
