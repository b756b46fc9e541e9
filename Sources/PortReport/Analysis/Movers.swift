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
        // The ten biggest each way, kept as they come: every port of 100 projects changes
        // (80,000 here), and sorting them all was 10 MB for twenty rows.
        var risers = TopRows<TrendChange>(limit: 10) { $0.delta != $1.delta ? $0.delta > $1.delta : $0.key < $1.key }
        var fallers = TopRows<TrendChange>(limit: 10) { $0.delta != $1.delta ? $0.delta < $1.delta : $0.key < $1.key }
        for code in after.listed + before.listed.filter({ after.value($0) == nil }) {
            let change = TrendChange(key: PortKey(code: code), before: before.num(code), after: after.num(code))
            if change.delta > 0 {
                risers.offer(change)
            } else if change.delta < 0 {
                fallers.offer(change)
            }
        }
        return Movers(from: base, to: last, risers: risers.rows, fallers: fallers.rows)
    }
}

/// The first `limit` of a sequence in the order `ordered` gives, kept while it is read: what
/// `sorted(by:).prefix(limit)` returns, in memory for `limit` rows only. `ordered` must be a
/// strict total order on the rows offered (ties broken by a key), so the result is the same
/// whatever order the rows come in.
struct TopRows<Row> {
    let limit: Int
    let ordered: (Row, Row) -> Bool
    private(set) var rows: [Row] = []

    init(limit: Int, by ordered: @escaping (Row, Row) -> Bool) {
        self.limit = limit
        self.ordered = ordered
        rows.reserveCapacity(limit + 1)
    }

    mutating func offer(_ row: Row) {
        guard limit > 0 else { return }
        if rows.count == limit, let last = rows.last, !ordered(row, last) { return }
        // The first kept row that `row` goes before (binary search: `rows` is in order).
        var low = 0, high = rows.count
        while low < high {
            let middle = (low + high) / 2
            if ordered(rows[middle], row) { low = middle + 1 } else { high = middle }
        }
        rows.insert(row, at: low)
        if rows.count > limit { rows.removeLast() }
    }
}
