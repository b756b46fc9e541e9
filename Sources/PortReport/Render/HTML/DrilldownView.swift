/// The drill-down parts of the HTML, XHTML and email reports (issue 13) as display-ready values:
/// the assets behind each finding and each dangerous port, and the assets ranked by their risky
/// ports. Every part is empty when the store has no drill-down, and the templates then leave it
/// out entirely (the report is the same, byte for byte, as without this feature).
extension ReportView {
    /// Most asset rows one finding or dangerous port lists in the HTML and XHTML reports; the rest
    /// are counted ("and M more") and are in the JSON report and the assets CSV. It keeps a port
    /// open on thousands of servers from filling the page (and the template's node budget).
    static let htmlAssetsPerPort = 200
    /// Most rows of "Assets by risky ports" in the HTML and XHTML reports.
    static let htmlAssetRankingRows = 100
    /// Most asset names the email shows per finding (with the count of all of them).
    static let emailAssetNames = 3

    /// Hands out each anchor once per page: the first row that would carry it gets it, later ones
    /// none (an `id` must be unique in a document).
    final class AnchorClaims {
        private var taken = Set<String>()

        func claim(_ anchor: String) -> TemplateValue {
            taken.insert(anchor).inserted ? .text(anchor) : .text("")
        }
    }

    /// The anchor of one asset row: the asset's own anchor (`asset-host-<id>`, its id with every
    /// byte outside `[A-Za-z0-9_-]` written as `.XX`), a `.` and the port's (`tcp-2375`). The `.`
    /// cannot come from the id, so no two assets' rows share an anchor.
    static func assetRowAnchor(_ asset: DrilldownAsset, _ key: PortKey) -> String {
        asset.anchor + "." + key.anchor
    }

    /// The drill-down values of a finding: a list of at most one block (the finding's category),
    /// with the finding's own assets (a rule narrowed by exposure or names counts only those) and
    /// `history`, the phrase on their history (`AssetHistory.phrase`), after the counts.
    static func drilldownBlocks(
        finding: Finding, entries: [Category: [PortKey: DrilldownEntry]], ranked: Set<AssetID>, claims: AnchorClaims,
        history: String = ""
    ) -> TemplateValue {
        guard let entry = entries[finding.category]?[finding.key] else { return .list([]) }
        return .list([drilldownBlock(entry, assets: finding.assets, ranked: ranked, claims: claims, history: history)])
    }

    /// The drill-down values of a dangerous port: one block per category with drill-down for it.
    static func drilldownBlocks(
        key: PortKey, entries: [Category: [PortKey: DrilldownEntry]], ranked: Set<AssetID>, claims: AnchorClaims
    ) -> TemplateValue {
        .list(
            Category.allCases.compactMap { category in
                entries[category]?[key].map { drilldownBlock($0, assets: $0.assets, ranked: ranked, claims: claims) }
            })
    }

    /// One collapsible block: a summary line (always visible, with a mismatch between the
    /// statistics and the drill-down in words), the entry's notes and the asset rows.
    static func drilldownBlock(
        _ entry: DrilldownEntry, assets: [DrilldownAsset], ranked: Set<AssetID>, claims: AnchorClaims, history: String = ""
    ) -> TemplateValue {
        let count = Set(assets.map(\.asset)).count
        let noun = entry.category == .host ? (count == 1 ? "host" : "hosts") : (count == 1 ? "container" : "containers")
        var summary = "\(count) \(noun) behind \(entry.key) (\(entry.category.rawValue))"
        if count != entry.assetCount {
            summary += ", of the \(entry.assetCount) the drill-down lists"
        }
        let exposure = entry.exposure
        summary +=
            ": \(exposure.allInterfaces) on all interfaces, \(exposure.loopback) on loopback, \(exposure.specific) on a specific address"
        let statistics = entry.statisticsNum.map(String.init) ?? "–"
        let counts = "statistics num \(statistics) · drill-down \(entry.assetCount)" + (history.isEmpty ? "" : " · " + history)
        var mismatch = ""
        if let num = entry.statisticsNum, entry.mismatch {
            mismatch = "mismatch: the statistics count \(num), the drill-down lists \(entry.assetCount)"
        } else if entry.statisticsNum == nil {
            mismatch = "the statistics of the drill-down's projects do not list \(entry.key): the drill-down lists \(entry.assetCount)"
        }
        let source =
            "\(entry.source == .portHosts ? "ListPortHost" : "ListPorts") captured \(entry.capturedAt.rfc3339), "
            + (entry.complete ? "complete" : "incomplete")
            + (entry.totalNum.map { ", total_num \($0)" } ?? "")
        let shown = assets.prefix(htmlAssetsPerPort)
        let rows: [TemplateValue] = shown.map { asset in
            let status = asset.status?.rawValue ?? "–"
            return .record([
                "id": claims.claim(assetRowAnchor(asset, entry.key)),
                "href": .text(ranked.contains(asset.asset) ? "#" + asset.anchor : ""),
                "name": .text(asset.hostName.isEmpty ? asset.hostID : asset.hostName),
                "host_id": .text(asset.hostID),
                "host_ip": .text(asset.hostIP.isEmpty ? "–" : asset.hostIP),
                "container": .text(
                    asset.category == .container
                        ? (asset.containerName.isEmpty ? asset.containerID : "\(asset.containerName) (\(asset.containerID))") : "–"),
                "laddr": .text(asset.laddr.isEmpty ? "–" : asset.laddr),
                "exposure": .text(asset.exposure.rawValue), "exposure_class": .text("exposure-" + asset.exposure.rawValue),
                "pid": .text(asset.pid == 0 ? "–" : String(asset.pid)),
                "path": .text(asset.path.isEmpty ? "–" : asset.path),
                "status": .text(status), "status_class": .text("status-" + (asset.status?.rawValue ?? "none"))
            ])
        }
        let more = assets.count - shown.count
        return .record([
            "summary": .text(summary), "counts": .text(counts), "mismatch": .text(mismatch), "source": .text(source),
            "notes": .list(entry.notes.map { .text($0) }), "assets": .list(rows),
            "more": .text(more > 0 ? "and \(more) more (see the JSON report's drilldown[] or the assets CSV)" : ""),
            // The email: the count and the first few names.
            "email": .text(emailLine(entry, assets: assets))
        ])
    }

    /// `Assets: 5 containers: dind-runner-a, dind-runner-b, dind-runner-c and 2 more`: the email's
    /// line for one finding's assets (the first `emailAssetNames` names, distinct assets
    /// counted), with a mismatch between the statistics and the drill-down and the entry's notes
    /// in words.
    static func emailLine(_ entry: DrilldownEntry, assets: [DrilldownAsset]) -> String {
        var names: [String] = []
        var seen = Set<AssetID>()
        for asset in assets where seen.insert(asset.asset).inserted {
            names.append(asset.displayName)
        }
        let noun = entry.category == .host ? (names.count == 1 ? "host" : "hosts") : (names.count == 1 ? "container" : "containers")
        guard !names.isEmpty else { return "Assets: none of the \(entry.assetCount) in the drill-down is named by the rule" }
        var line = "Assets: \(names.count) \(noun): " + names.prefix(emailAssetNames).joined(separator: ", ")
        if names.count > emailAssetNames { line += " and \(names.count - emailAssetNames) more" }
        if let num = entry.statisticsNum, entry.mismatch {
            line += " (mismatch: the statistics count \(num), the drill-down lists \(entry.assetCount))"
        }
        // What the HTML and the Markdown say under the counts (an older drill-down, a project
        // without one): a mailed summary must not read as current where it is not.
        if !entry.notes.isEmpty { line += " — " + entry.notes.joined(separator: "; ") }
        return line
    }

    /// "Assets by risky ports": the first `htmlAssetRankingRows` of `AnalysisResult.assetRanking`,
    /// each row anchored by the asset's own anchor.
    static func assetRankingRows(_ ranking: [AssetRisk], claims: AnchorClaims) -> TemplateValue {
        .list(
            ranking.prefix(htmlAssetRankingRows).enumerated().map { index, risk in
                .record([
                    "rank": .text(String(index + 1)), "id": claims.claim(risk.anchor), "name": .text(risk.displayName),
                    "category": .text(risk.asset.category.rawValue), "asset_id": .text(risk.asset.id),
                    "host_ip": .text(risk.hostIP.isEmpty ? "–" : risk.hostIP),
                    "ports": .text(risk.ports.map(\.description).joined(separator: ", ")),
                    "count": .text(String(risk.ports.count)), "all_interfaces": .text(String(risk.allInterfaces))
                ])
            })
    }

    static func assetRankingMore(_ ranking: [AssetRisk]) -> TemplateValue {
        .text(
            ranking.count > htmlAssetRankingRows
                ? "and \(ranking.count - htmlAssetRankingRows) more (see the JSON report's asset_ranking[])" : "")
    }
}
