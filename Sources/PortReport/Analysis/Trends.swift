extension AnalysisComputation {
    /// Per category, what changed between each project's two newest complete snapshots (a project
    /// with one snapshot counts the same on both sides), so that exports made at different times
    /// still show every project's change since its own previous export.
    /// `current` is the current figures (the sum of `after`), not read again.
    func makeTrends(_ timelines: Timelines, current: [Category: Aggregate], used: inout Set<Int64>) throws -> [Category: CategoryTrend] {
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
            used.formUnion(before.map(\.id))
            used.formUnion(after.map(\.id))
            var afterFigures = DenseFigures()
            if let figures = current[category] { afterFigures.add(figures) } else { afterFigures = try sum(after) }
            let changes = Changes(before: try sum(before), after: afterFigures)
            trends[category] = CategoryTrend(
                category: category, from: from, to: to, new: changes.new, gone: changes.gone, changed: changes.changed)
        }
        return trends
    }
}

/// new / gone / changed between two aggregates, each ordered by absolute delta descending,
/// then port, then protocol.
struct Changes {
    let new: [TrendChange]
    let gone: [TrendChange]
    let changed: [TrendChange]

    init(before: DenseFigures, after: DenseFigures) {
        var new: [TrendChange] = [], gone: [TrendChange] = [], changed: [TrendChange] = []
        for code in after.listed {
            let value = after.num(code)
            if before.value(code) != nil {
                let previous = before.num(code)
                if previous != value { changed.append(TrendChange(key: PortKey(code: code), before: previous, after: value)) }
            } else {
                new.append(TrendChange(key: PortKey(code: code), before: 0, after: value))
            }
        }
        for code in before.listed where after.value(code) == nil {
            gone.append(TrendChange(key: PortKey(code: code), before: before.num(code), after: 0))
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
