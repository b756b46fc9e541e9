/// Computes ranking, breakdown, trends, series and findings from the store. The command line and
/// every renderer only read its result.
public struct Analyzer {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Analyses the snapshots in `scope`. `now` is the report's time (for waiver expiry and
    /// `generated_at`); by default the newest capture time in scope, so that the same store and
    /// flags give the same output.
    public func analyze(
        scope: AnalysisScope, top: Int = 20, policy: Policy = .builtIn, now: Timestamp? = nil, history: HistoryOptions = HistoryOptions()
    ) throws -> AnalysisResult {
        try store.withAnalysisReader { reader in
            try AnalysisComputation(reader: reader, scope: scope, top: top, policy: policy, now: now, history: history).run()
        }
    }
}

/// The figures of one category at one time: the sum over projects of each project's newest
/// complete snapshot at or before that time.
typealias Aggregate = [PortKey: RecordValue]

/// One analysis run; holds the reader and what it has looked up. Its steps live beside it, a file
/// each: SnapshotSelection, Ranking, Breakdown, Trends, Series, Movers (and PolicyEvaluation).
struct AnalysisComputation {
    let reader: AnalysisReader
    let scope: AnalysisScope
    let top: Int
    let policy: Policy
    let now: Timestamp?
    let history: HistoryOptions

    func run() throws -> AnalysisResult {
        let infos = try reader.snapshots(in: scope)
        guard let newest = infos.map(\.capturedAt).max() else {
            if let unusable = reader.unusableWarnings.first {
                throw ReportError("no usable snapshots in scope\(describeScope()); \(unusable)")
            }
            throw ReportError("no snapshots in scope\(describeScope()): import some exports first, or widen the scope")
        }
        let generatedAt = now ?? newest
        let timelines = Timelines(infos: infos, categories: scope.categories)
        // Every snapshot a figure of the report is made of, for the listing's "used" column.
        var used = Set<Int64>()

        let selection = try selectCurrent(timelines, infos: infos, used: &used)
        let aggregates = selection.aggregates
        let ranking = makeRanking(host: aggregates[.host] ?? [:], container: aggregates[.container] ?? [:])
        let breakdown = makeBreakdown(aggregates, bothPresent: aggregates[.host] != nil && aggregates[.container] != nil)
        let perProject = try makePerProject(selection.current)
        let trends = try makeTrends(timelines, current: aggregates, used: &used)
        let suspect = try findSuspects(timelines)
        let warnings =
            reader.unusableWarnings + suspect.map(\.message) + selection.warnings + comparisonWarnings(aggregates)
        let drilldown = try makeDrilldown(selection)
        let evaluation = PolicyEvaluation(
            policy: policy, aggregates: aggregates, trends: trends, generatedAt: generatedAt, drilldown: drilldown)
        let reasons = seriesReasons(ranking: ranking, findings: evaluation.findings + evaluation.waived)
        let sparklineKeys = sparklineKeys(trends: trends, besides: reasons)
        let candidates = try resolvedCandidates(
            timelines, findings: evaluation.findings, waived: evaluation.waived, generatedAt: generatedAt,
            windowDays: history.resolvedWindowDays)
        // One sweep through the history for every port that a series, a sparkline or a finding's
        // history follows.
        let followed = Set(reasons.keys).union(sparklineKeys).union((evaluation.findings + evaluation.waived + candidates).map(\.key))
        let keyHistory = try KeyHistory(reader: reader, timelines: timelines, categories: scope.categories, keys: followed)
        let series = makeSeries(reasons, history: keyHistory, used: &used)
        let sparklines = makeSparklines(sparklineKeys, history: keyHistory, used: &used)
        let movers = try makeMovers(timelines: timelines, current: aggregates, used: &used)
        let unchangedSince = Heartbeat.unchangedSince(trends: trends, aggregates: aggregates)
        let headline =
            Plausibility.headlinePrefix(suspect) + Heartbeat.headlinePrefix(unchangedSince)
            + Headline.make(
                findings: evaluation.findings, aggregates: aggregates, current: selection.current, trends: trends, policy: policy)

        let aged = findingAges(
            FindingHistory(history: keyHistory, timelines: timelines, categories: scope.categories), findings: evaluation.findings,
            waived: evaluation.waived, candidates: candidates, generatedAt: generatedAt, windowDays: history.resolvedWindowDays)

        let listed = infos.map { ListedSnapshot(info: $0, used: used.contains($0.id)) }
        var result = AnalysisResult(
            generatedAt: generatedAt, scope: scope, top: top, snapshots: listed, current: selection.current, warnings: warnings,
            ranking: ranking, breakdown: breakdown, perProject: perProject, trends: trends, series: series,
            movers: movers, findings: aged.findings, waived: aged.waived, headline: headline, sources: [:],
            policySource: policy.source, sparklines: sparklines, suspect: suspect)
        result.drilldown = drilldown
        result.policyBaseline = policy.isBaseline
        result.resolved = aged.resolved
        result.unchangedSince = unchangedSince
        result.history = history
        result.assetHistory = try makeAssetHistory(result)
        result.assetRanking = AssetRanking.make(
            entries: drilldown, findings: evaluation.findings + evaluation.waived, statistics: aggregates)
        result.sources = try reader.sources(of: result.reportedSnapshots.filter(\.used).map(\.info.id).sorted())
        return result
    }

    /// The drill-down entries at the report's time: snapshots captured at or before `--as-of`
    /// (the reader leaves later ones out) and `--now` when given, beside each project's current
    /// statistics.
    private func makeDrilldown(_ selection: CurrentSelection) throws -> [DrilldownEntry] {
        let cutoff = [scope.asOf, now].compactMap { $0 }.min()
        let details = try reader.detailSnapshots(in: scope, cutoff: cutoff)
        guard !details.isEmpty else { return [] }
        var statistics: [Category: [Origin: Aggregate]] = [:]
        for (category, snapshots) in selection.current {
            for snapshot in snapshots { statistics[category, default: [:]][snapshot.origin] = try reader.records(of: snapshot.id) }
        }
        return DrilldownComputation(
            details: details, cutoff: cutoff, categories: scope.categories,
            current: selection.current, statistics: statistics
        ).entries()
    }

    private func describeScope() -> String {
        var parts: [String] = []
        if let project = scope.projectID { parts.append("project \(project)") }
        if let enterprise = scope.enterpriseProjectID { parts.append("enterprise project \(enterprise)") }
        if let category = scope.category { parts.append("category \(category.rawValue)") }
        if let asOf = scope.asOf { parts.append("as of \(asOf.rfc3339)") }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

    /// Sums the records of several snapshots (one per project) into one aggregate.
    func aggregate(_ snapshots: [SnapshotInfo]) throws -> Aggregate {
        if snapshots.count == 1, let only = snapshots.first { return try reader.records(of: only.id) }
        return try sum(snapshots).aggregate
    }

    /// Sums the records of several snapshots, without a dictionary.
    func sum(_ snapshots: [SnapshotInfo]) throws -> DenseFigures {
        var figures = DenseFigures()
        for snapshot in snapshots { try reader.add(snapshot.id, to: &figures) }
        return figures
    }
}
