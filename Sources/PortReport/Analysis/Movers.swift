extension AnalysisComputation {
    /// Biggest risers and fallers of the total over the last 30 days, or over the whole history
    /// when it is shorter.
    /// `current` is the current figures: those at the newest time.
    func makeMovers(timelines: Timelines, current: [Category: Aggregate], used: inout Set<Int64>) throws -> Movers? {
        let times = timelines.allTimes
        guard times.count >= 2, let last = times.last else { return nil }
        let base = times.last { $0.secondsSinceEpoch <= last.secondsSinceEpoch - 30 * 86_400 } ?? times[0]
        // Totals over the categories (verdicts aside), then every port listed at either time.
        var before = DenseFigures(), after = DenseFigures()
        for category in scope.categories {
            let snapshots = timelines.contributors(category, at: base)
            used.formUnion(snapshots.map(\.id))
            for snapshot in snapshots { try reader.add(snapshot.id, to: &before) }
            after.add(current[category] ?? [:])
        }
        var changes: [TrendChange] = []
        for code in after.listed + before.listed.filter({ after.value($0) == nil }) {
            let change = TrendChange(key: PortKey(code: code), before: before.num(code), after: after.num(code))
            if change.delta != 0 { changes.append(change) }
        }
        let risers = changes.filter { $0.delta > 0 }.sorted { $0.delta != $1.delta ? $0.delta > $1.delta : $0.key < $1.key }
        let fallers = changes.filter { $0.delta < 0 }.sorted { $0.delta != $1.delta ? $0.delta < $1.delta : $0.key < $1.key }
        return Movers(from: base, to: last, risers: Array(risers.prefix(10)), fallers: Array(fallers.prefix(10)))
    }
}
