/// The figures of some ports at every capture time in scope, per category: at each time, the sum
/// over projects of each project's newest usable snapshot at or before it (as the current figures
/// are made), and the worst verdict among them. The series, the sparklines and the finding
/// history all read it.
///
/// Made in one sweep through the history in time order: each snapshot is read once, for these
/// ports only (a binary search each in its blob, read in place), and the sums move by what each
/// newly captured snapshot changes against the one of its project it replaces. So the cost follows
/// the snapshots and the ports asked for, and the memory the times and the ports — not the number
/// of projects times their times, as summing every project's snapshot again at each time did, nor
/// their records.
struct KeyHistory {
    /// The ports followed, ascending.
    let keys: [PortKey]
    /// Every capture time of a usable snapshot in scope, oldest first (`Timelines.allTimes`).
    let times: [Timestamp]
    private let columnOf: [PortKey: Int]
    /// Per category and time: the row of `nums` and `verdicts`, or -1 when the category has no
    /// figure then (no project has a snapshot yet).
    private let rows: [Category: [Int32]]
    private let nums: [Int64]
    /// 0: no project lists the port then; otherwise 1 + `StatusOrder.rank` of the worst verdict.
    private let verdicts: [UInt8]
    /// Each snapshot the figures are made of, with the times (indices of `times`, half open) at
    /// which it is its project's newest.
    private let spans: [(snapshotID: Int64, from: Int, until: Int)]

    init(reader: AnalysisReader, timelines: Timelines, categories: [Category], keys: Set<PortKey>) throws {
        let keys = keys.sorted()
        let codes = keys.map(\.code)
        let times = timelines.allTimes
        var indexOfTime: [Timestamp: Int] = Dictionary(minimumCapacity: times.count)
        for (index, time) in times.enumerated() { indexOfTime[time] = index }
        let width = keys.count
        var rows: [Category: [Int32]] = [:], nums: [Int64] = [], verdicts: [UInt8] = []
        var spans: [(snapshotID: Int64, from: Int, until: Int)] = []
        var scratchNums = [Int64](repeating: 0, count: width), scratchVerdicts = [UInt8](repeating: 0, count: width)

        for category in categories {
            let histories = timelines.histories(category)
            // Each project's snapshots in time order; of several captured at one time, the last
            // (the one `Timelines.contributors` takes).
            // The snapshot's id only (24 bytes an event, not a copy of its row: 13 MB for the
            // 73,000 snapshots of 100 projects' year), reserved to the count.
            var events: [(time: Int, origin: Int, snapshotID: Int64)] = []
            events.reserveCapacity(histories.reduce(0) { $0 + $1.count })
            for (origin, history) in histories.enumerated() {
                for (position, snapshot) in history.enumerated() {
                    if position + 1 < history.count && history[position + 1].capturedAt == snapshot.capturedAt { continue }
                    guard let time = indexOfTime[snapshot.capturedAt] else { continue }
                    events.append((time, origin, snapshot.id))
                }
            }
            events.sort { ($0.time, $0.origin) < ($1.time, $1.origin) }

            var originNums = [Int64](repeating: 0, count: histories.count * width)
            var originVerdicts = [UInt8](repeating: 0, count: histories.count * width)
            var originSpan = [Int?](repeating: nil, count: histories.count)
            var totals = [Int64](repeating: 0, count: width)
            // Per port, how many projects list it with each verdict code (1–4).
            var counts = [Int32](repeating: 0, count: width * 5)
            var categoryRows = [Int32](repeating: -1, count: times.count)
            var next = 0
            for time in times.indices {
                while next < events.count && events[next].time == time {
                    let (_, origin, snapshotID) = events[next]
                    next += 1
                    if width > 0 {
                        try reader.values(of: codes, in: snapshotID, nums: &scratchNums, verdicts: &scratchVerdicts, at: 0)
                    }
                    let base = origin * width
                    for column in 0..<width {
                        let old = originNums[base + column], new = scratchNums[column]
                        // Exact: each num is at most `PortRecord.maximumNum` (10⁹), so no sum of
                        // the snapshots a store can hold comes near the saturation point.
                        totals[column] = totals[column].saturatingSubtracting(old).saturatingAdding(new)
                        originNums[base + column] = new
                        let oldVerdict = Int(originVerdicts[base + column]), newVerdict = Int(scratchVerdicts[column])
                        if oldVerdict > 0 { counts[column * 5 + oldVerdict] -= 1 }
                        if newVerdict > 0 { counts[column * 5 + newVerdict] += 1 }
                        originVerdicts[base + column] = scratchVerdicts[column]
                    }
                    if let replaced = originSpan[origin] { spans[replaced].until = time }
                    originSpan[origin] = spans.count
                    spans.append((snapshotID, time, times.count))
                }
                guard originSpan.contains(where: { $0 != nil }) else { continue }
                categoryRows[time] = Int32(truncatingIfNeeded: verdicts.count / max(width, 1))
                nums.append(contentsOf: totals)
                for column in 0..<width {
                    var worst: UInt8 = 0
                    for verdict in stride(from: 4, through: 1, by: -1) where counts[column * 5 + verdict] > 0 {
                        worst = UInt8(verdict)
                        break
                    }
                    verdicts.append(worst)
                }
                if width == 0 { verdicts.append(0) }
            }
            rows[category] = categoryRows
        }
        var columnOf: [PortKey: Int] = [:]
        for (column, key) in keys.enumerated() { columnOf[key] = column }
        self.keys = keys
        self.times = times
        self.columnOf = columnOf
        self.rows = rows
        self.nums = nums
        self.verdicts = verdicts
        self.spans = spans
    }

    /// Whether the category has a figure at time `index` (some project has a snapshot by then).
    func hasFigure(_ category: Category, at index: Int) -> Bool {
        guard let categoryRows = rows[category], categoryRows.indices.contains(index) else { return false }
        return categoryRows[index] >= 0
    }

    /// The port's total at time `index`: nil when the category has no figure then, 0 when no
    /// project lists it (or it is not followed).
    func total(_ category: Category, at index: Int, of key: PortKey) -> Int64? {
        guard let categoryRows = rows[category] else { return nil }
        return total(in: categoryRows, at: index, column: columnOf[key])
    }

    /// The port's totals at the times of `range`, as `total` gives each: the category's rows and
    /// the port's column looked up once, not per point (a series has a point per export).
    func totals(_ category: Category, in range: Range<Int>, of key: PortKey) -> [Int64?] {
        guard let categoryRows = rows[category] else { return Array(repeating: nil, count: range.count) }
        let column = columnOf[key]
        return range.map { total(in: categoryRows, at: $0, column: column) }
    }

    /// The total at time `index` of the category whose rows are `categoryRows`, in the port's
    /// `column` (nil: not followed): what `total` and `totals` give.
    private func total(in categoryRows: [Int32], at index: Int, column: Int?) -> Int64? {
        guard categoryRows.indices.contains(index) else { return nil }
        let row = categoryRows[index]
        guard row >= 0 else { return nil }
        guard let column else { return 0 }
        return nums[Int(row) * keys.count + column]
    }

    /// The port's figure at time `index` as an aggregate holds it: nil when no project lists it
    /// then (or the category has no figure, or the port is not followed).
    func value(_ category: Category, at index: Int, of key: PortKey) -> RecordValue? {
        guard hasFigure(category, at: index), let row = rows[category]?[index], let column = columnOf[key] else { return nil }
        let cell = Int(row) * keys.count + column
        let verdict = verdicts[cell]
        guard verdict > 0 else { return nil }
        return RecordValue(num: nums[cell], status: StatusOrder.status(ofRank: Int(verdict) - 1))
    }

    /// The snapshots the figures at times `index` and later are made of.
    func snapshotIDs(from index: Int) -> [Int64] {
        spans.filter { $0.until > index && $0.from < $0.until }.map(\.snapshotID)
    }
}
