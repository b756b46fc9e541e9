/// The drill-down part of the Markdown report (issue 13): under the findings table, per finding
/// with drill-down, its assets in a table of at most `markdownAssetsPerFinding` rows, each with
/// since when it is behind the finding, and the finding's asset history in one phrase. Nothing
/// when no finding has drill-down.
extension MarkdownSections {
    /// Most asset rows one finding lists in the Markdown report; the rest are counted ("and M
    /// more") and are in the JSON report and the assets CSV.
    static let markdownAssetsPerFinding = 10

    /// Per finding with drill-down: a bold line naming the port, its asset count and the
    /// statistics num beside it (a mismatch in words), then its asset rows.
    /// `findings`: the current ones, or the waived ones under their own table (a waiver does not
    /// make the servers behind a finding less worth knowing).
    func findingAssets(of findings: [Finding]) -> [String] {
        let entries = DrilldownEntry.index(result.drilldown)
        var lines: [String] = []
        // The findings the table above shows: the Markdown stays bounded (HumanReportLimits).
        for finding in findings.prefix(HumanReportLimits.findings) {
            guard let entry = entries[finding.category]?[finding.key] else { continue }
            let assets = finding.assets
            let count = Set(assets.map(\.asset)).count
            let noun = finding.category == .host ? "host" : "container"
            let statistics = entry.statisticsNum.map(String.init) ?? "–"
            var line =
                "**Assets of \(finding.key) (\(finding.category.rawValue))**: \(Wording.plural(count, noun)); statistics num \(statistics), drill-down \(entry.assetCount)"
            if let num = entry.statisticsNum, entry.mismatch {
                line += " — **mismatch**: the statistics count \(num), the drill-down lists \(entry.assetCount)"
            } else if entry.statisticsNum == nil {
                line += " — **mismatch**: the statistics of the drill-down's projects do not list \(finding.key)"
            }
            let history = result.assetHistory.phrase(for: finding, windowDays: result.history.resolvedWindowDays)
            if !history.isEmpty { line += "; " + history }
            lines += ["", line + "."]
            // Why a figure may be wrong (an older drill-down, a project without one, …), as the
            // HTML report says it.
            if !entry.notes.isEmpty {
                lines.append("")
                lines += entry.notes.map { "- " + E.inline($0) }
            }
            guard !assets.isEmpty else { continue }
            let shown = assets.prefix(Self.markdownAssetsPerFinding)
            let rows = shown.map { asset in
                [
                    E.inline(asset.hostName.isEmpty ? asset.hostID : asset.hostName), E.inline(asset.hostIP),
                    asset.category == .container
                        ? E.inline(asset.containerName.isEmpty ? asset.containerID : "\(asset.containerName) (\(asset.containerID))") : "",
                    E.inline(asset.laddr), asset.exposure.rawValue, asset.pid == 0 ? "" : String(asset.pid), E.inline(asset.path),
                    asset.status?.rawValue ?? "", result.assetHistory.since(of: asset, in: finding)
                ]
            }
            lines.append("")
            lines += Self.table(
                ["Host", "IP", "Container", "Listen address", "Exposure", "PID", "Path", "Status", "Since"], "lllllrlll", rows)
            if assets.count > shown.count {
                lines += ["", Self.note("and \(assets.count - shown.count) more (see the JSON report's drilldown[] or the assets CSV)")]
            }
        }
        return lines
    }
}
