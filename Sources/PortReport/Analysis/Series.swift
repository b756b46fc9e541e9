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
    /// the ports of those not in a series (`besides`).
    func sparklineKeys(trends: [Category: CategoryTrend], besides reasons: [PortKey: [String]]) -> Set<PortKey> {
        var keys = Set<PortKey>()
        for category in Category.allCases {
            guard let trend = trends[category] else { continue }
            for change in trend.new.prefix(top) + trend.gone.prefix(top) + trend.changed.prefix(top) where reasons[change.key] == nil {
                keys.insert(change.key)
            }
        }
        return keys
    }

    /// The totals of the last `AnalysisResult.sparklineLength` exports of each of `keys`.
    func makeSparklines(_ keys: Set<PortKey>, history: KeyHistory, used: inout Set<Int64>) -> [PortKey: [Int64]] {
        var sparklines: [PortKey: [Int64]] = [:]
        for line in makeSeries(
            Dictionary(uniqueKeysWithValues: keys.map { ($0, ["trend"]) }), history: history, used: &used,
            window: AnalysisResult.sparklineLength)
        {
            sparklines[line.key] = line.points.map(\.total)
        }
        return sparklines
    }

    /// Series over every capture time in scope, or over the last `window` of them, read from the
    /// history of their ports.
    func makeSeries(_ reasons: [PortKey: [String]], history: KeyHistory, used: inout Set<Int64>, window: Int? = nil) -> [PortSeries] {
        guard !reasons.isEmpty, !history.times.isEmpty else { return [] }
        let count = history.times.count
        let first = window.map { max(0, count - $0) } ?? 0
        let range = first..<count
        let last = history.times[count - 1]
        let base7 = range.last { history.times[$0].secondsSinceEpoch <= last.secondsSinceEpoch - 7 * 86_400 }
        let base30 = range.last { history.times[$0].secondsSinceEpoch <= last.secondsSinceEpoch - 30 * 86_400 }
        used.formUnion(history.snapshotIDs(from: first))
        var result: [PortSeries] = []
        for key in reasons.keys.sorted() {
            let hosts = history.totals(.host, in: range, of: key), containers = history.totals(.container, in: range, of: key)
            var points: [SeriesPoint] = []
            points.reserveCapacity(range.count)
            for (offset, index) in range.enumerated() {
                points.append(SeriesPoint(capturedAt: history.times[index], host: hosts[offset], container: containers[offset]))
            }
            let open = points.filter { $0.total > 0 }
            let lastTotal = points.last?.total ?? 0
            var unique: [String] = []
            for reason in reasons[key] ?? [] where !unique.contains(reason) { unique.append(reason) }
            result.append(
                PortSeries(
                    key: key, reasons: unique, points: points, firstSeen: open.first?.capturedAt, lastSeen: open.last?.capturedAt,
                    change7d: base7.map { lastTotal.saturatingSubtracting(points[$0 - first].total) },
                    change30d: base30.map { lastTotal.saturatingSubtracting(points[$0 - first].total) }))
        }
        return result
    }
}
