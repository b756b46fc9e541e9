/// How the human formats say a finding's per-asset history (`AssetHistory`): one short phrase
/// per finding and a "since" cell per asset row, so they stay bounded whatever the history.
extension AssetHistory {
    /// `2026-11-27 (2 d, persisting)`, as the findings table's Since column; empty when the history
    /// cannot tell.
    func since(of asset: DrilldownAsset, in finding: Finding) -> String {
        age(of: asset, in: finding).map { "\($0.firstSeen.dateString) (\($0.ageDays) d, \($0.state.rawValue))" } ?? ""
    }

    /// `assets since: 1 new, 2 persisting (the oldest since 2026-11-24), 1 reopened; 2 resolved in
    /// the last 30 days`: distinct assets by state, then how many left the finding in the window.
    /// Empty when the finding has no per-asset history.
    func phrase(for finding: Finding, windowDays: Int64) -> String {
        var states: [FindingAge.State: Int] = [:]
        var oldest: Timestamp?
        var seen = Set<Holder>()
        for asset in finding.assets where seen.insert(Holder(asset)).inserted {
            guard let age = age(of: asset, in: finding) else { continue }
            states[age.state, default: 0] += 1
            if age.state == .persisting { oldest = min(oldest ?? age.firstSeen, age.firstSeen) }
        }
        var parts: [String] = []
        if let count = states[.new] { parts.append("\(count) new") }
        if let count = states[.persisting] {
            parts.append("\(count) persisting" + (oldest.map { " (the oldest since \($0.dateString))" } ?? ""))
        }
        if let count = states[.reopened] { parts.append("\(count) reopened") }
        let resolved = resolvedCount(of: finding)
        guard !parts.isEmpty || resolved > 0 else { return "" }
        var text = parts.isEmpty ? "" : "assets since: " + parts.joined(separator: ", ")
        if resolved > 0 {
            text += (text.isEmpty ? "" : "; ") + "\(resolved) resolved in the last \(Wording.plural(Int(clamping: windowDays), "day"))"
        }
        return text
    }
}
