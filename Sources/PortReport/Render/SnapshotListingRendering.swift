import Foundation

/// Text and JSON forms of `portreport snapshots`.
public enum SnapshotListingRendering {
    /// The listing as JSON. Its spelling is the one Foundation's `JSONEncoder` gave it before
    /// (keys sorted, `"key" : value`), so that scripts reading it see the same bytes.
    /// `details` are the drill-down snapshots (`detail_snapshots`, empty when there are none).
    public static func json(
        _ snapshots: [SnapshotSummary], details: [DetailSnapshotSummary] = [], schemaVersion: Int
    )
        -> [UInt8]
    {
        var w = JSONWriter(style: .foundationPretty)
        w.object { w in
            w.array("detail_snapshots") { w in
                for detail in details {
                    w.elementObject { w in self.detail(&w, detail) }
                }
            }
            w.int("schema_version", schemaVersion)
            w.array("snapshots") { w in
                for snapshot in snapshots {
                    w.elementObject { w in self.snapshot(&w, snapshot) }
                }
            }
        }
        return w.finish()
    }

    /// One snapshot's members, in the sorted order of their keys.
    private static func snapshot(_ w: inout JSONWriter, _ s: SnapshotSummary) {
        w.string("captured_at", s.capturedAt.rfc3339)
        w.string("category", s.category.rawValue)
        w.bool("complete", s.complete)
        w.string("digest", s.digest)
        w.string("enterprise_project_id", s.enterpriseProjectID)
        w.string("filters", s.filters)
        w.int("id", s.id)
        w.string("imported_at", s.importedAt)
        w.object("metadata_from") { w in
            w.string("captured_at", s.provenance.capturedAt)
            w.string("category", s.provenance.category)
            w.string("enterprise_project_id", s.provenance.enterpriseProjectID)
            w.string("project_id", s.provenance.projectID)
        }
        w.string("note", s.note)
        w.bool("partial", s.partial)
        w.string("project_id", s.projectID)
        w.int("records", s.records)
        sources(&w, s.sources)
        w.string("tool_version", s.toolVersion)
        w.int("total_num", s.totalNum)
    }

    /// One drill-down snapshot's members, in the sorted order of their keys.
    private static func detail(_ w: inout JSONWriter, _ d: DetailSnapshotSummary) {
        w.int("assets", d.assets)
        w.string("call", d.call)
        w.string("captured_at", d.capturedAt.rfc3339)
        w.string("category", d.category.rawValue)
        w.bool("complete", d.complete)
        w.string("enterprise_project_id", d.enterpriseProjectID)
        w.string("filters", d.filters)
        w.int("id", d.id)
        w.string("imported_at", d.importedAt)
        w.object("metadata_from") { w in
            w.string("captured_at", d.provenance.capturedAt)
            w.string("category", d.provenance.category)
            w.string("enterprise_project_id", d.provenance.enterpriseProjectID)
            w.string("project_id", d.provenance.projectID)
        }
        w.string("note", d.note)
        w.string("project_id", d.projectID)
        w.string("query_host_id", d.queryHostID)
        w.int("query_port", d.queryPort.map(Int64.init))
        w.string("query_type", d.queryType)
        w.int("records", d.records)
        sources(&w, d.sources)
        w.string("tool_version", d.toolVersion)
        w.int("total_num", d.totalNum)
    }

    private static func sources(_ w: inout JSONWriter, _ sources: [SnapshotSummary.Source]) {
        w.array("sources") { w in
            for source in sources {
                w.elementObject { w in
                    w.int("entry", source.entry.map(Int64.init))
                    w.string("path", source.path)
                    w.string("query", source.query)
                    w.int("records", source.records)
                    w.string("sha256", source.sha256)
                    w.int("size", source.size)
                    w.int("total_num", source.totalNum)
                }
            }
        }
    }

    /// The listing as a table, one snapshot a line, then a line that counts them.
    ///
    /// Every cell is shown with its control characters visible and cut to
    /// `TerminalText.tableCellWidth` characters (the last column, which pads nothing, to
    /// `TerminalText.messageValueWidth`), so that a row is one line and the table takes time
    /// linear in what it shows; the JSON listing keeps the values whole.
    ///
    /// Drill-down snapshots, when there are any, follow in a second table with its own count.
    public static func table(
        _ snapshots: [SnapshotSummary], details: [DetailSnapshotSummary] = [], storePath: String, schemaVersion: Int
    ) -> String {
        var text =
            rows(snapshots) + "\n"
            + "\(snapshots.count) snapshot\(snapshots.count == 1 ? "" : "s") in \(TerminalText.value(storePath)) (schema version \(schemaVersion))"
        if !details.isEmpty {
            text +=
                "\n\n" + detailRows(details) + "\n"
                + "\(details.count) drill-down snapshot\(details.count == 1 ? "" : "s") (ListPortHost: servers or containers behind a port; ListPorts: one server's ports)"
        }
        return text
    }

    static func detailRows(_ details: [DetailSnapshotSummary]) -> String {
        let header = ["ID", "PROJECT", "CATEGORY", "CAPTURED AT", "CALL", "QUERY", "RECORDS", "ASSETS", "TOTAL_NUM", "STATE", "SOURCES"]
        var rows = [header]
        for d in details {
            var state =
                d.complete
                ? "complete"
                : Completeness.isUnknown(complete: d.complete, totalNum: d.totalNum, note: d.note)
                    ? "completeness unknown" : "incomplete"
            if let edit = d.relabelEdits.last { state += ", relabelled (edit \(edit))" }
            rows.append([
                String(d.id), d.projectID ?? "(unknown)", d.category.rawValue, d.capturedAt.rfc3339, d.call, d.query,
                String(d.records), String(d.assets), d.totalNum.map(String.init) ?? "-", state, sourceSummary(d.sources)
            ])
        }
        return TextTable.render(rows, rightAligned: [0, 6, 7, 8])
    }

    static func rows(_ snapshots: [SnapshotSummary]) -> String {
        let header = ["ID", "PROJECT", "CATEGORY", "CAPTURED AT", "RECORDS", "TOTAL_NUM", "STATE", "SOURCES"]
        var rows = [header]
        for s in snapshots {
            var state =
                s.complete
                ? "complete"
                : Completeness.isUnknown(complete: s.complete, totalNum: s.totalNum, note: s.note) ? "completeness unknown" : "incomplete"
            if s.partial { state += ", partial (\(s.filters ?? ""))" }
            if let edit = s.relabelEdits.last { state += ", relabelled (edit \(edit))" }
            rows.append([
                String(s.id), s.projectID ?? "(unknown)", s.category.rawValue, s.capturedAt.rfc3339, String(s.records),
                s.totalNum.map(String.init) ?? "-", state, sourceSummary(s.sources)
            ])
        }
        return TextTable.render(rows, rightAligned: [0, 4, 5])
    }

    /// `3 files under samples/exports/2026-11-24/host/`, `2 HAR entries: capture.har`.
    static func sourceSummary(_ sources: [SnapshotSummary.Source]) -> String {
        let paths = Set(sources.map(\.path)).sorted()
        guard let first = paths.first else { return "-" }
        let entries = sources.filter { $0.entry != nil }.count
        // Entries of a file that is not a HAR capture are the pages of a file that holds several.
        let harEntries = sources.filter { source in
            let lower = source.path.lowercased()
            return source.entry != nil && (lower.hasSuffix(".har") || lower.hasSuffix(".har.gz"))
        }.count
        let what =
            harEntries > 0
            ? "\(entries) HAR entr\(entries == 1 ? "y" : "ies")"
            : entries > 0
                ? "\(sources.count) page\(sources.count == 1 ? "" : "s")" : "\(sources.count) file\(sources.count == 1 ? "" : "s")"
        return paths.count == 1 ? "\(what): \(first)" : "\(what) under \(commonDirectory(paths))"
    }

    /// The longest directory prefix `paths` share, with its final `/`; `.` when none.
    static func commonDirectory(_ paths: [String]) -> String {
        guard let firstPath = paths.first else { return "." }
        var prefix = firstPath.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for path in paths.dropFirst() {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            var n = 0
            while n < prefix.count, n < parts.count - 1, prefix[prefix.startIndex + n] == parts[n] { n += 1 }
            prefix = prefix.prefix(n)
        }
        let joined = prefix.joined(separator: "/")
        return joined.isEmpty ? "." : joined + "/"
    }
}
