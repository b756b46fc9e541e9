extension AnalysisComputation {
    /// Biggest risers and fallers of the total over the last 30 days, or over the whole history
    /// when it is shorter.
    /// `current` is the current figures: those at the newest time.
    func makeMovers(timelines: Timelines, current: [Category: Aggregate], used: inout Set<Int64>) throws -> Movers? {
        let times = timelines.allTimes
        guard times.count >= 2, let last = times.last else { return nil }
        let base = times.last { $0.secondsSinceEpoch <= last.secondsSinceEpoch - 30 * 86_400 } ?? times[0]
        func totals(_ aggregates: [Category: Aggregate]) -> [PortKey: Int64] {
            var result: [PortKey: Int64] = [:]
            for category in scope.categories {
                for (key, value) in aggregates[category] ?? [:] { result[key] = (result[key] ?? 0).saturatingAdding(value.num) }
            }
            return result
        }
        var then: [Category: Aggregate] = [:]
        for category in scope.categories {
            let snapshots = timelines.contributors(category, at: base)
            used.formUnion(snapshots.map(\.id))
            then[category] = try aggregate(snapshots)
        }
        let before = totals(then), after = totals(current)
        let changes = Set(before.keys).union(after.keys).compactMap { key -> TrendChange? in
            let change = TrendChange(key: key, before: before[key] ?? 0, after: after[key] ?? 0)
            return change.delta == 0 ? nil : change
        }
        let risers = changes.filter { $0.delta > 0 }.sorted { $0.delta != $1.delta ? $0.delta > $1.delta : $0.key < $1.key }
        let fallers = changes.filter { $0.delta < 0 }.sorted { $0.delta != $1.delta ? $0.delta < $1.delta : $0.key < $1.key }
        return Movers(from: base, to: last, risers: Array(risers.prefix(10)), fallers: Array(fallers.prefix(10)))
    }
}
