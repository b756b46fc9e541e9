/// `--format assets` (or an output file ending `.assets.csv`): the drill-down observations as
/// RFC 4180 CSV, one row per asset, port and listen address of `AnalysisResult.drilldown`, for
/// spreadsheets and audit tickets. Sorted by category, port, type, host id, container id and
/// listen address, whatever order the analysis gave.
///
/// The names, ids and paths come from the exports, so a cell that a spreadsheet would read as a
/// formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a
/// leading `'` (OWASP's advice against CSV injection); numbers and the tool's own words are
/// written as they are.
struct CSVAssetsRenderer: ReportRenderer {
    static let format = "assets"

    init() {}

    static let header = [
        "port", "type", "category", "project_id", "host_id", "host_name", "host_ip", "container_id", "container_name", "laddr",
        "exposure", "pid", "path", "status", "captured_at", "complete", "statistics_num"
    ]

    func render(_ result: AnalysisResult) throws -> [UInt8] {
        var rows: [(entry: DrilldownEntry, asset: DrilldownAsset)] = []
        for entry in result.drilldown {
            for asset in entry.assets { rows.append((entry, asset)) }
        }
        rows.sort { a, b in
            (a.asset.category.rawValue, a.entry.key.port, a.entry.key.type.order, a.asset.hostID, a.asset.containerID, a.asset.laddr)
                < (b.asset.category.rawValue, b.entry.key.port, b.entry.key.type.order, b.asset.hostID, b.asset.containerID, b.asset.laddr)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160 + rows.count * 160)
        func line(_ fields: [String]) {
            for (index, field) in fields.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                var text = CSVRankingRenderer.field(field)
                text.withUTF8 { bytes.append(contentsOf: $0) }
            }
            bytes.append(0x0D)
            bytes.append(0x0A)
        }
        line(Self.header)
        for (entry, asset) in rows {
            let data = Self.inert
            line([
                String(entry.key.port), entry.key.type.rawValue, asset.category.rawValue, data(asset.projectID), data(asset.hostID),
                data(asset.hostName), data(asset.hostIP), data(asset.containerID), data(asset.containerName), data(asset.laddr),
                asset.exposure.rawValue, String(asset.pid), data(asset.path), asset.status?.rawValue ?? "", entry.capturedAt.rfc3339,
                entry.complete ? "true" : "false", entry.statisticsNum.map(String.init) ?? ""
            ])
        }
        return bytes
    }

    /// A value from an export, made inert for spreadsheets: a leading `'` when it starts with a
    /// character that would make a formula.
    static func inert(_ text: String) -> String {
        guard let first = text.utf8.first else { return text }
        switch first {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: return "'" + text
        default: return text
        }
    }
}
