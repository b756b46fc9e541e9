/// The words and figures every report for people shares, computed once from the analysis: the
/// scope sentence, the key figures with their labels, what counts as a dangerous port, the
/// percentages and the notes. The HTML and XHTML report, the email HTML and the Markdown (which
/// is also the text part of the eml) all take them from here, so that a label means the same
/// number in every format. (The JSON and CSV are for machines: their keys are their vocabulary.)
///
/// Values are plain text: each format escapes them as it writes them.
struct ReportVocabulary: Sendable {
    /// A figure as reports show it: its label and its value, formatted.
    struct Figure: Sendable, Equatable {
        let label: String
        let value: String
    }

    /// Some ports and the instances they account for (hosts or containers with one of them open).
    struct PortCount: Sendable, Equatable {
        let label: String
        let ports: Int
        let instances: Int64
    }

    /// One category's figures: ports open and their instances, both nil when no complete,
    /// unfiltered snapshot of the category is in scope (reports then say so).
    struct CategoryFigures: Sendable, Equatable {
        let category: Category
        let ports: Figure?
        let instances: Figure?
    }

    /// A row of the hosts-versus-containers table; a value is nil when the category has no
    /// usable snapshot (each format shows its own mark for that).
    struct BreakdownRow: Sendable, Equatable {
        let label: String
        let host: String?
        let container: String?
    }

    /// What scope the report covers: `all projects, hosts and containers`, `project p, hosts
    /// only, as of …`.
    let scope: String

    /// Every port/protocol pair open in the current snapshots.
    let openPorts: Figure
    /// Instances of all open ports, and how they split between hosts and containers.
    let instances: Figure
    let hostInstancesInRanking: Int64
    let containerInstancesInRanking: Int64

    /// Per category in `Category.allCases` order; a category outside the scope is left out.
    let categories: [CategoryFigures]

    /// The ports that count as dangerous (`isDangerous`), as ranked.
    let dangerousRows: [RankingRow]
    /// How many ports are dangerous, and the two reasons a port can be: the vendor rates it
    /// danger, or the risk catalogue lists it. A port can be both, so the parts may add up to
    /// more than the whole.
    let dangerous: Figure
    let dangerousInstances: Int64
    let vendorDanger: PortCount
    let catalogued: PortCount

    /// "The top 20 ports hold 66.9 % of all instances", when the report shows any rows.
    let topShare: String?

    let findings: Figure
    let waived: Figure
    let snapshotsUsed: Figure
    let snapshotsInScope: Figure
    let warnings: Figure
    /// How many snapshots the figures use look like filtered exports; nil when none does (then
    /// reports show nothing about it).
    let suspect: Figure?
    /// Each suspect snapshot's reason, by snapshot id.
    let suspectReasons: [Int64: String]

    /// The short list of key figures the HTML report and the email show as label and value.
    let keyFigures: [Figure]

    /// Says how many older snapshots only feed the history lines; nil when there are none.
    let historyNote: String?

    init(_ result: AnalysisResult) {
        scope = Self.scope(result.scope)

        let host = result.ranking.reduce(Int64(0)) { $0.saturatingAdding($1.host) }
        let container = result.ranking.reduce(Int64(0)) { $0.saturatingAdding($1.container) }
        openPorts = Figure(label: "Open ports (port/protocol pairs)", value: String(result.ranking.count))
        instances = Figure(label: "Open-port instances", value: String(host + container))
        hostInstancesInRanking = host
        containerInstancesInRanking = container

        var categories: [CategoryFigures] = []
        for category in Category.allCases {
            let summary = category == .host ? result.breakdown.host : result.breakdown.container
            guard summary != nil || result.scope.categories.contains(category) else { continue }
            categories.append(
                CategoryFigures(
                    category: category,
                    ports: summary.map { Figure(label: Self.portsOpenLabel(category), value: String($0.ports)) },
                    instances: summary.map { Figure(label: Self.instancesLabel(category), value: String($0.instances)) }))
        }
        self.categories = categories

        dangerousRows = result.ranking.filter(Self.isDangerous)
        dangerous = Figure(label: "Dangerous ports open", value: String(dangerousRows.count))
        dangerousInstances = dangerousRows.reduce(Int64(0)) { $0.saturatingAdding($1.total) }
        let danger = result.ranking.filter { $0.status == .danger }
        vendorDanger = PortCount(
            label: "rated danger by the vendor", ports: danger.count, instances: danger.reduce(Int64(0)) { $0.saturatingAdding($1.total) })
        let risky = result.ranking.filter { $0.risk != nil }
        catalogued = PortCount(
            label: "in the risk catalogue", ports: risky.count, instances: risky.reduce(Int64(0)) { $0.saturatingAdding($1.total) })

        let shown = min(max(result.top, 0), result.ranking.count)
        topShare =
            shown > 0 ? "The top \(shown) ports hold \(Self.percent(result.ranking[shown - 1].cumulativeShare)) of all instances" : nil

        findings = Figure(label: "Policy findings", value: String(result.findings.count))
        waived = Figure(label: "Waived findings", value: String(result.waived.count))
        snapshotsUsed = Figure(label: "Snapshots used", value: String(result.usedSnapshotCount))
        snapshotsInScope = Figure(label: "Snapshots in scope", value: String(result.snapshots.count))
        warnings = Figure(label: "Warnings", value: String(result.warnings.count))
        suspect = result.suspect.isEmpty ? nil : Figure(label: "Suspect snapshots used", value: String(result.suspect.count))
        suspectReasons = Dictionary(result.suspect.map { ($0.snapshotID, $0.reason) }, uniquingKeysWith: { first, _ in first })

        var keyFigures: [Figure] = []
        for figures in categories {
            if let ports = figures.ports { keyFigures.append(ports) }
            if let instances = figures.instances { keyFigures.append(instances) }
        }
        keyFigures += [dangerous, findings, snapshotsUsed]
        if let suspect { keyFigures.append(suspect) }
        self.keyFigures = keyFigures

        let historyOnly = result.historyOnlyCount
        historyNote =
            historyOnly > 0
            ? "\(historyOnly) older snapshot\(historyOnly == 1 ? " feeds" : "s feed") the history lines; the JSON report lists them all."
            : nil
    }

    // MARK: Definitions

    /// A dangerous port: the vendor rates it danger, or the risk catalogue lists it.
    static func isDangerous(_ row: RankingRow) -> Bool {
        row.status == .danger || row.risk != nil
    }

    /// A share as reports show it: `66.9 %`.
    static func percent(_ fraction: Double) -> String {
        Decimals.fixed(fraction * 100, places: 1) + " %"
    }

    /// A change in a count: `+3`, `-2`, `0`.
    static func signed(_ value: Int64) -> String {
        value > 0 ? "+\(value)" : String(value)
    }

    static func scope(_ scope: AnalysisScope) -> String {
        var parts: [String] = []
        parts.append(scope.projectID.map { "project \($0)" } ?? "all projects")
        if let enterprise = scope.enterpriseProjectID { parts.append("enterprise project \(enterprise)") }
        parts.append(scope.category.map { "\(population($0).lowercased()) only" } ?? "hosts and containers")
        if let asOf = scope.asOf { parts.append("as of \(asOf.rfc3339)") }
        return parts.joined(separator: ", ")
    }

    /// `Hosts`, `Containers`: what a category's figures count.
    static func population(_ category: Category) -> String {
        category == .host ? "Hosts" : "Containers"
    }

    static func portsOpenLabel(_ category: Category) -> String {
        category == .host ? "Ports open on hosts" : "Ports open in containers"
    }

    static func instancesLabel(_ category: Category) -> String {
        category == .host ? "Host instances" : "Container instances"
    }

    /// `9 new, 10 gone, 43 changed`.
    static func trendSummary(_ trend: CategoryTrend) -> String {
        "\(trend.new.count) new, \(trend.gone.count) gone, \(trend.changed.count) changed"
    }

    /// A snapshot's state: `complete`, `partial (filtered: …)`, `incomplete (…)`, and for a
    /// suspect one `complete, SUSPECT: …` (`suspect` is its reason). `escape` is applied to the
    /// values from the data (the filters, the note).
    static func snapshotState(_ info: SnapshotInfo, suspect: String? = nil, escaping escape: (String) -> String = { $0 }) -> String {
        if info.partial { return "partial (filtered: " + escape(info.filters) + ")" }
        if info.completenessUnknown { return "completeness unknown (no total_num)" }
        if !info.complete { return "incomplete" + (info.note.isEmpty ? "" : " (" + escape(info.note) + ")") }
        return "complete" + (suspect.map { ", SUSPECT: " + escape($0) } ?? "")
    }

    /// The hosts-versus-containers table: ports and instances, then ports by protocol and by range.
    static func breakdownRows(_ breakdown: Breakdown) -> [BreakdownRow] {
        func row(_ label: String, _ pick: (CategoryBreakdown) -> String) -> BreakdownRow {
            BreakdownRow(label: label, host: breakdown.host.map(pick), container: breakdown.container.map(pick))
        }
        var rows = [row("Open ports") { String($0.ports) }, row("Open-port instances") { String($0.instances) }]
        for type in PortType.allCases { rows.append(row("\(type.rawValue) ports") { String($0.types[type] ?? 0) }) }
        for range in PortRange.allCases { rows.append(row("\(range.rawValue) ports") { String($0.ranges[range] ?? 0) }) }
        return rows
    }
}
