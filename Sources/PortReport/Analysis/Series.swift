extension AnalysisComputation {
    /// Why each port gets a series over the whole history: in the first `top` of the ranking
    /// ("top"), rated dangerous ("danger"), or in a finding, waived or not ("finding").
    func seriesReasons(ranking: [RankingRow], findings: [Finding]) -> [PortKey: [String]] {
        var reasons: [PortKey: [String]] = [:]
        for row in ranking.prefix(top) { reasons[row.key, default: []].append("top") }
        for row in ranking where row.status == .danger { reasons[row.key, default: []].append("danger") }
        for finding in findings { reasons[finding.key, default: []].append("finding") }
        return reasons
    }

    /// Reports draw a sparkline beside each trend row they show (the first `top` of each list):
    /// those ports not in a series (`besides`) get the totals of the last `sparklineLength`
    /// exports only.
    func makeSparklines(
        trends: [Category: CategoryTrend], besides reasons: [PortKey: [String]], timelines: Timelines,
        used: inout Set<Int64>
    ) throws -> [PortKey: [Int64]] {
        var sparklineKeys: [PortKey: [String]] = [:]
        for category in Category.allCases {
            guard let trend = trends[category] else { continue }
            for change in trend.new.prefix(top) + trend.gone.prefix(top) + trend.changed.prefix(top) where reasons[change.key] == nil {
                sparklineKeys[change.key] = ["trend"]
            }
        }
        var sparklines: [PortKey: [Int64]] = [:]
        for line in try makeSeries(sparklineKeys, timelines: timelines, used: &used, window: AnalysisResult.sparklineLength) {
            sparklines[line.key] = line.points.map(\.total)
        }
        return sparklines
    }

    /// Series over every capture time in scope, or over the last `window` of them.
    func makeSeries(_ reasons: [PortKey: [String]], timelines: Timelines, used: inout Set<Int64>, window: Int? = nil) throws -> [PortSeries]
    {
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
                    rows[index].map { $0.reduce(Int64(0)) { $0.saturatingAdding(table[$1 * keys.count + column]) } }
                }
                points.append(SeriesPoint(capturedAt: time, host: value(hostRows), container: value(containerRows)))
            }
            let open = points.filter { $0.total > 0 }
            let lastTotal = points.last?.total ?? 0
            var unique: [String] = []
            for reason in reasons[key] ?? [] where !unique.contains(reason) { unique.append(reason) }
            result.append(
                PortSeries(
                    key: key, reasons: unique, points: points, firstSeen: open.first?.capturedAt, lastSeen: open.last?.capturedAt,
                    change7d: base7.map { lastTotal.saturatingSubtracting(points[$0].total) },
                    change30d: base30.map { lastTotal.saturatingSubtracting(points[$0].total) }))
        }
        return result
    }
}
