/// Computes ranking, breakdown, trends, series and findings from the store. The command line and
/// every renderer only read its result.
public struct Analyzer {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Analyses the snapshots in `scope`. `now` is the report's time (for waiver expiry and
    /// `generated_at`); by default the newest capture time in scope, so that the same store and
    /// flags give the same output.
    public func analyze(scope: AnalysisScope, top: Int = 20, policy: Policy = .builtIn, now: Timestamp? = nil) throws -> AnalysisResult {
        try store.withAnalysisReader { reader in
            try Computation(reader: reader, scope: scope, top: top, policy: policy, now: now).run()
        }
    }
}

/// The figures of one category at one time: the sum over projects of each project's newest
/// complete snapshot at or before that time.
typealias Aggregate = [PortKey: RecordValue]

/// One analysis run; holds the reader and what it has looked up.
private struct Computation {
    let reader: AnalysisReader
    let scope: AnalysisScope
    let top: Int
    let policy: Policy
    let now: Timestamp?

    func run() throws -> AnalysisResult {
        let infos = try reader.snapshots(in: scope)
        guard let newest = infos.map(\.capturedAt).max() else {
            throw ReportError("no snapshots in scope\(describeScope()): import some exports first, or widen the scope")
        }
        let generatedAt = now ?? newest
        let timelines = Timelines(infos: infos, categories: scope.categories)
        var warnings: [String] = []
        var usedIDs = Set<Int64>()

        // Current figures per category.
        var current: [Category: [SnapshotInfo]] = [:]
        var aggregates: [Category: Aggregate] = [:]
        for category in scope.categories {
            let snapshots = timelines.current(category)
            if snapshots.isEmpty {
                warnings.append("no complete, unfiltered \(category.rawValue) snapshot in scope: the \(category.rawValue) figures are empty")
                continue
            }
            current[category] = snapshots
            aggregates[category] = try aggregate(snapshots)
            usedIDs.formUnion(snapshots.map(\.id))
        }
        for info in infos where !info.isUsable {
            let currentTime = current[info.category]?.first { $0.origin == info.origin }?.capturedAt
            let state = info.partial ? "partial (filtered: \(info.filters))" : "incomplete (\(info.note))"
            if currentTime.map({ info.capturedAt > $0 }) ?? true {
                warnings.append("snapshot \(info.id) (\(info.category.rawValue), \(info.capturedAt.rfc3339)) is \(state) and was not used\(currentTime.map { "; the figures use \($0.rfc3339)" } ?? "")")
            }
        }

        let ranking = makeRanking(host: aggregates[.host] ?? [:], container: aggregates[.container] ?? [:])
        let breakdown = makeBreakdown(aggregates, bothPresent: aggregates[.host] != nil && aggregates[.container] != nil)
        if aggregates.count == 1 && scope.category == nil, let only = aggregates.keys.first {
            warnings.append("only \(only.rawValue) snapshots are usable: the host-versus-container comparison is not possible")
        }
        let perProject = try makePerProject(current)

        // Trends compare each project's two newest complete snapshots (a project with one
        // snapshot counts the same on both sides), so exports made at different times still
        // show every project's change since its own previous export.
        var trends: [Category: CategoryTrend] = [:]
        for category in scope.categories {
            var before: [SnapshotInfo] = [], after: [SnapshotInfo] = [], previousTimes: [Timestamp] = []
            for history in timelines.histories(category) {
                guard let last = history.last else { continue }
                after.append(last)
                if history.count >= 2 {
                    before.append(history[history.count - 2])
                    previousTimes.append(history[history.count - 2].capturedAt)
                } else {
                    before.append(last)
                }
            }
            guard let from = previousTimes.min(), let to = after.map(\.capturedAt).max() else { continue }
            usedIDs.formUnion(before.map(\.id))
            usedIDs.formUnion(after.map(\.id))
            let changes = Changes(before: try aggregate(before), after: try aggregate(after))
            trends[category] = CategoryTrend(category: category, from: from, to: to, new: changes.new, gone: changes.gone, changed: changes.changed)
        }

        let evaluation = PolicyEvaluation(policy: policy, aggregates: aggregates, trends: trends, generatedAt: generatedAt)
        let findings = evaluation.findings, waived = evaluation.waived

        var seriesReasons: [PortKey: [String]] = [:]
        for row in ranking.prefix(top) { seriesReasons[row.key, default: []].append("top") }
        for row in ranking where row.status == .danger { seriesReasons[row.key, default: []].append("danger") }
        for finding in findings + waived { seriesReasons[finding.key, default: []].append("finding") }
        // Reports draw a sparkline beside each trend row they show (the first `top` of each
        // list): those ports not in a series get the last `sparklineLength` exports only.
        var sparklineKeys: [PortKey: [String]] = [:]
        for category in Category.allCases {
            guard let trend = trends[category] else { continue }
            for change in trend.new.prefix(top) + trend.gone.prefix(top) + trend.changed.prefix(top) where seriesReasons[change.key] == nil {
                sparklineKeys[change.key] = ["trend"]
            }
        }
        let series = try makeSeries(seriesReasons, timelines: timelines, used: &usedIDs)
        var sparklines: [PortKey: [Int64]] = [:]
        for line in try makeSeries(sparklineKeys, timelines: timelines, used: &usedIDs, window: AnalysisResult.sparklineLength) {
            sparklines[line.key] = line.points.map(\.total)
        }
        let movers = try makeMovers(timelines: timelines, used: &usedIDs)

        let listed = infos.map { ListedSnapshot(info: $0, used: usedIDs.contains($0.id)) }
        let headline = Headline.make(findings: findings, aggregates: aggregates, current: current, trends: trends, policy: policy)
        var result = AnalysisResult(generatedAt: generatedAt, scope: scope, top: top, snapshots: listed, current: current, warnings: warnings,
                              ranking: ranking, breakdown: breakdown, perProject: perProject, trends: trends, series: series,
                              movers: movers, findings: findings, waived: waived, headline: headline, sources: [:],
                              policySource: policy.source, sparklines: sparklines)
        result.sources = try reader.sources(of: result.reportedSnapshots.filter(\.used).map(\.info.id).sorted())
        return result
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
        var result: Aggregate = [:]
        for snapshot in snapshots {
            for (key, value) in try reader.records(of: snapshot.id) {
                let previous = result[key]
                result[key] = RecordValue(num: (previous?.num ?? 0) + value.num, status: StatusOrder.worse(previous?.status, value.status))
            }
        }
        return result
    }

    // MARK: Ranking and breakdown

    func makeRanking(host: Aggregate, container: Aggregate) -> [RankingRow] {
        struct Draft {
            let key: PortKey
            let host: Int64
            let container: Int64
            let status: VendorStatus?
        }
        let keys = Set(host.keys).union(container.keys)
        var drafts = keys.map { key in
            Draft(key: key, host: host[key]?.num ?? 0, container: container[key]?.num ?? 0,
                  status: StatusOrder.worse(host[key]?.status, container[key]?.status))
        }
        drafts.sort { a, b in
            let ta = a.host + a.container, tb = b.host + b.container
            return ta != tb ? ta > tb : a.key < b.key
        }
        let grand = drafts.reduce(Int64(0)) { $0 + $1.host + $1.container }
        var cumulative: Int64 = 0
        return drafts.enumerated().map { index, draft in
            let total = draft.host + draft.container
            cumulative += total
            return RankingRow(
                rank: index + 1, key: draft.key, host: draft.host, container: draft.container, status: draft.status,
                service: ServiceNames.name(port: draft.key.port, type: draft.key.type), range: PortRange(port: draft.key.port),
                share: grand > 0 ? Double(total) / Double(grand) : 0, cumulativeShare: grand > 0 ? Double(cumulative) / Double(grand) : 0,
                containerShare: total > 0 ? Double(draft.container) / Double(total) : 0,
                risk: RiskCatalogue.entry(port: draft.key.port, type: draft.key.type))
        }
    }

    func makeBreakdown(_ aggregates: [Category: Aggregate], bothPresent: Bool) -> Breakdown {
        func summary(_ aggregate: Aggregate?) -> CategoryBreakdown? {
            guard let aggregate else { return nil }
            var types: [PortType: Int] = [:]
            var ranges: [PortRange: Int] = [:]
            for type in PortType.allCases { types[type] = 0 }
            for range in PortRange.allCases { ranges[range] = 0 }
            var instances: Int64 = 0
            for (key, value) in aggregate {
                types[key.type, default: 0] += 1
                ranges[PortRange(port: key.port), default: 0] += 1
                instances += value.num
            }
            return CategoryBreakdown(ports: aggregate.count, instances: instances, types: types, ranges: ranges)
        }
        let host = aggregates[.host] ?? [:], container = aggregates[.container] ?? [:]
        var both: [PortKey] = [], hostOnly: [PortKey] = [], containerOnly: [PortKey] = []
        if bothPresent {
            both = host.keys.filter { container[$0] != nil }.sorted()
            hostOnly = host.keys.filter { container[$0] == nil }.sorted()
            containerOnly = container.keys.filter { host[$0] == nil }.sorted()
        }
        return Breakdown(host: summary(aggregates[.host]), container: summary(aggregates[.container]), both: both, hostOnly: hostOnly, containerOnly: containerOnly)
    }

    func makePerProject(_ current: [Category: [SnapshotInfo]]) throws -> [ProjectRow] {
        var origins = Set<Origin>()
        for snapshots in current.values { origins.formUnion(snapshots.map(\.origin)) }
        // The records are cached by the reader: the current snapshots were read for the ranking.
        func instances(_ snapshot: SnapshotInfo?) throws -> Int64 {
            guard let snapshot else { return 0 }
            return try reader.records(of: snapshot.id).values.reduce(0) { $0 + $1.num }
        }
        return try origins.sorted().map { origin in
            let host = current[.host]?.first { $0.origin == origin }
            let container = current[.container]?.first { $0.origin == origin }
            return ProjectRow(origin: origin, host: host, container: container,
                              hostInstances: try instances(host), containerInstances: try instances(container))
        }
    }

    // MARK: Series and movers

    /// Series over every capture time in scope, or over the last `window` of them.
    func makeSeries(_ reasons: [PortKey: [String]], timelines: Timelines, used: inout Set<Int64>, window: Int? = nil) throws -> [PortSeries] {
        guard !reasons.isEmpty else { return [] }
        let times = window.map { Array(timelines.allTimes.suffix($0)) } ?? timelines.allTimes
        guard let last = times.last else { return [] }
        // Which snapshots make up each category's figure at each time.
        var contributors: [Category: [[SnapshotInfo]?]] = [:]
        for category in scope.categories {
            contributors[category] = times.map { time in
                let snapshots = timelines.contributors(category, at: time)
                return snapshots.isEmpty ? nil : snapshots
            }
        }
        let base7 = times.lastIndex { $0.secondsSinceEpoch <= last.secondsSinceEpoch - 7 * 86_400 }
        let base30 = times.lastIndex { $0.secondsSinceEpoch <= last.secondsSinceEpoch - 30 * 86_400 }
        // One read per snapshot for every key drawn (not one lookup per key and snapshot): the
        // cost follows the snapshots in the series and the keys drawn. The nums go into one flat
        // table, a row per snapshot and a column per key.
        let keys = reasons.keys.sorted()
        var rowOf: [Int64: Int] = [:]
        var table: [Int64] = []
        for category in scope.categories {
            for snapshot in (contributors[category] ?? []).compactMap({ $0 }).joined() where rowOf[snapshot.id] == nil {
                rowOf[snapshot.id] = rowOf.count
                table.append(contentsOf: try reader.nums(of: keys, in: snapshot.id))
                used.insert(snapshot.id)
            }
        }
        // Each category's contributing rows at each time; nil where the category has no figure.
        func rows(_ category: Category) -> [[Int]?] {
            (contributors[category] ?? times.map { _ in nil }).map { snapshots in snapshots.map { $0.compactMap { rowOf[$0.id] } } }
        }
        let hostRows = rows(.host), containerRows = rows(.container)
        var result: [PortSeries] = []
        for (column, key) in keys.enumerated() {
            var points: [SeriesPoint] = []
            points.reserveCapacity(times.count)
            for (index, time) in times.enumerated() {
                func value(_ rows: [[Int]?]) -> Int64? {
                    rows[index].map { $0.reduce(Int64(0)) { $0 + table[$1 * keys.count + column] } }
                }
                points.append(SeriesPoint(capturedAt: time, host: value(hostRows), container: value(containerRows)))
            }
            let open = points.filter { $0.total > 0 }
            let lastTotal = points.last?.total ?? 0
            var unique: [String] = []
            for reason in reasons[key] ?? [] where !unique.contains(reason) { unique.append(reason) }
            result.append(PortSeries(
                key: key, reasons: unique, points: points, firstSeen: open.first?.capturedAt, lastSeen: open.last?.capturedAt,
                change7d: base7.map { lastTotal - points[$0].total }, change30d: base30.map { lastTotal - points[$0].total }))
        }
        return result
    }

    /// Biggest risers and fallers of the total over the last 30 days, or over the whole history
    /// when it is shorter.
    func makeMovers(timelines: Timelines, used: inout Set<Int64>) throws -> Movers? {
        let times = timelines.allTimes
        guard times.count >= 2, let last = times.last else { return nil }
        let base = times.last { $0.secondsSinceEpoch <= last.secondsSinceEpoch - 30 * 86_400 } ?? times[0]
        func totals(at time: Timestamp) throws -> [PortKey: Int64] {
            var result: [PortKey: Int64] = [:]
            for category in scope.categories {
                let snapshots = timelines.contributors(category, at: time)
                used.formUnion(snapshots.map(\.id))
                for (key, value) in try aggregate(snapshots) { result[key, default: 0] += value.num }
            }
            return result
        }
        let before = try totals(at: base), after = try totals(at: last)
        let changes = Set(before.keys).union(after.keys).compactMap { key -> TrendChange? in
            let change = TrendChange(key: key, before: before[key] ?? 0, after: after[key] ?? 0)
            return change.delta == 0 ? nil : change
        }
        let risers = changes.filter { $0.delta > 0 }.sorted { $0.delta != $1.delta ? $0.delta > $1.delta : $0.key < $1.key }
        let fallers = changes.filter { $0.delta < 0 }.sorted { $0.delta != $1.delta ? $0.delta < $1.delta : $0.key < $1.key }
        return Movers(from: base, to: last, risers: Array(risers.prefix(10)), fallers: Array(fallers.prefix(10)))
    }
}

/// new / gone / changed between two aggregates, each ordered by absolute delta descending,
/// then port, then protocol.
struct Changes {
    let new: [TrendChange]
    let gone: [TrendChange]
    let changed: [TrendChange]

    init(before: Aggregate, after: Aggregate) {
        var new: [TrendChange] = [], gone: [TrendChange] = [], changed: [TrendChange] = []
        for (key, value) in after {
            if let previous = before[key] {
                if previous.num != value.num { changed.append(TrendChange(key: key, before: previous.num, after: value.num)) }
            } else {
                new.append(TrendChange(key: key, before: 0, after: value.num))
            }
        }
        for (key, value) in before where after[key] == nil {
            gone.append(TrendChange(key: key, before: value.num, after: 0))
        }
        func order(_ a: TrendChange, _ b: TrendChange) -> Bool {
            let da = a.delta.magnitude, db = b.delta.magnitude
            return da != db ? da > db : a.key < b.key
        }
        self.new = new.sorted(by: order)
        self.gone = gone.sorted(by: order)
        self.changed = changed.sorted(by: order)
    }
}

/// The vendor's verdicts combined: danger over normal over unknown.
enum StatusOrder {
    static func rank(_ status: VendorStatus?) -> Int {
        switch status {
        case .danger: return 3
        case .normal: return 2
        case .unknown: return 1
        case nil: return 0
        }
    }

    static func worse(_ a: VendorStatus?, _ b: VendorStatus?) -> VendorStatus? {
        rank(a) >= rank(b) ? a : b
    }
}

/// When each category has complete, unfiltered snapshots, and which make up its figure at a time.
struct Timelines {
    /// Per category and project: usable snapshots, oldest first.
    private let byOrigin: [Category: [Origin: [SnapshotInfo]]]
    private let timesByCategory: [Category: [Timestamp]]
    let allTimes: [Timestamp]

    init(infos: [SnapshotInfo], categories: [Category]) {
        var byOrigin: [Category: [Origin: [SnapshotInfo]]] = [:]
        for info in infos where info.isUsable && categories.contains(info.category) {
            byOrigin[info.category, default: [:]][info.origin, default: []].append(info)
        }
        var times: [Category: [Timestamp]] = [:]
        var all = Set<Timestamp>()
        for (category, origins) in byOrigin {
            let set = Set(origins.values.flatMap { $0.map(\.capturedAt) })
            times[category] = set.sorted()
            all.formUnion(set)
        }
        self.byOrigin = byOrigin
        self.timesByCategory = times
        self.allTimes = all.sorted()
    }

    func times(_ category: Category) -> [Timestamp] { timesByCategory[category] ?? [] }

    /// Each project's newest usable snapshot at or before `time`, ordered by project.
    func contributors(_ category: Category, at time: Timestamp) -> [SnapshotInfo] {
        guard let origins = byOrigin[category] else { return [] }
        return origins.keys.sorted().compactMap { origin in
            origins[origin]?.last { $0.capturedAt <= time }
        }
    }

    /// Each project's usable snapshots, oldest first, ordered by project.
    func histories(_ category: Category) -> [[SnapshotInfo]] {
        guard let origins = byOrigin[category] else { return [] }
        return origins.keys.sorted().compactMap { origins[$0] }
    }

    /// The current snapshots: each project's newest.
    func current(_ category: Category) -> [SnapshotInfo] {
        guard let origins = byOrigin[category] else { return [] }
        return origins.keys.sorted().compactMap { origins[$0]?.last }
    }
}
