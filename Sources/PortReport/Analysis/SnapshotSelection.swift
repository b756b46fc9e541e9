/// When each category has complete, unfiltered snapshots, and which make up its figure at a time.
struct Timelines {
    /// Per category: its projects (origins), sorted, and each one's usable snapshots, oldest first
    /// (in the order of the store's listing), at the same index.
    private let origins: [Category: [Origin]]
    private let byOrigin: [Category: [[SnapshotInfo]]]
    /// Every capture time of a usable snapshot, in any category, oldest first.
    let allTimes: [Timestamp]

    init(infos: [SnapshotInfo], categories: [Category]) {
        var grouped: [Category: [Origin: [SnapshotInfo]]] = [:]
        for info in infos where info.isUsable && categories.contains(info.category) {
            grouped[info.category, default: [:]][info.origin, default: []].append(info)
        }
        var all = Set<Timestamp>()
        var origins: [Category: [Origin]] = [:], byOrigin: [Category: [[SnapshotInfo]]] = [:]
        for (category, histories) in grouped {
            let sorted = histories.keys.sorted()
            origins[category] = sorted
            // Copied at their length: grown by appending, the histories of 100 projects' year
            // held 11.5 MB for 8.
            byOrigin[category] = sorted.map { origin in
                let history = histories[origin] ?? []
                var exact: [SnapshotInfo] = []
                exact.reserveCapacity(history.count)
                exact.append(contentsOf: history)
                return exact
            }
            for history in histories.values { all.formUnion(history.map(\.capturedAt)) }
        }
        self.origins = origins
        self.byOrigin = byOrigin
        self.allTimes = all.sorted()
    }

    /// Each project's newest usable snapshot at or before `time`, ordered by project (a binary
    /// search in each project's history).
    func contributors(_ category: Category, at time: Timestamp) -> [SnapshotInfo] {
        (byOrigin[category] ?? []).compactMap { history in Self.newest(in: history, atOrBefore: time).map { history[$0] } }
    }

    /// The index of the last snapshot of `history` (oldest first) captured at or before `time`.
    static func newest(in history: [SnapshotInfo], atOrBefore time: Timestamp) -> Int? {
        var low = 0, high = history.count
        while low < high {
            let middle = (low + high) / 2
            if history[middle].capturedAt <= time { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? low - 1 : nil
    }

    /// Each project's usable snapshots, oldest first, ordered by project.
    func histories(_ category: Category) -> [[SnapshotInfo]] {
        byOrigin[category] ?? []
    }

    /// The current snapshots: each project's newest.
    func current(_ category: Category) -> [SnapshotInfo] {
        (byOrigin[category] ?? []).compactMap(\.last)
    }

    /// The capture times of the category's usable snapshots, oldest first.
    func times(_ category: Category) -> [Timestamp] {
        Set((byOrigin[category] ?? []).flatMap { $0.map(\.capturedAt) }).sorted()
    }
}

/// The snapshots the current figures are made of, per category, with their aggregates, and the
/// warnings about what could not be used.
struct CurrentSelection {
    var current: [Category: [SnapshotInfo]] = [:]
    var aggregates: [Category: Aggregate] = [:]
    var warnings: [String] = []
}

extension AnalysisComputation {
    /// Each category's current snapshots (each project's newest usable one) and their sum; a
    /// warning for a category with none, and for each unusable snapshot newer than what is used.
    func selectCurrent(_ timelines: Timelines, infos: [SnapshotInfo], used: inout Set<Int64>) throws -> CurrentSelection {
        var selection = CurrentSelection()
        for category in scope.categories {
            let snapshots = timelines.current(category)
            if snapshots.isEmpty {
                selection.warnings.append(
                    "no complete, unfiltered \(category.rawValue) snapshot in scope: the \(category.rawValue) figures are empty")
                continue
            }
            selection.current[category] = snapshots
            for info in snapshots where info.completenessUnknown {
                selection.warnings.append(
                    "snapshot \(info.id) (\(info.category.rawValue), \(info.capturedAt.rfc3339)): completeness unknown (its source gives no total_num); its figures are used as given"
                )
            }
            selection.aggregates[category] = try aggregate(snapshots)
            selection.warnings += Self.overlapWarnings(snapshots)
            used.formUnion(snapshots.map(\.id))
        }
        for info in infos where !info.isUsable {
            let currentTime = selection.current[info.category]?.first { $0.origin == info.origin }?.capturedAt
            let state = info.partial ? "partial (filtered: \(info.filters))" : "incomplete (\(info.note))"
            if currentTime.map({ info.capturedAt > $0 }) ?? true {
                selection.warnings.append(
                    "snapshot \(info.id) (\(info.category.rawValue), \(info.capturedAt.rfc3339)) is \(state) and was not used\(currentTime.map { "; the figures use \($0.rfc3339)" } ?? "")"
                )
            }
        }
        return selection
    }

    /// The figures add each project's newest snapshot. That is right for projects and enterprise
    /// projects that do not overlap, and counts servers twice when two of the snapshots added may
    /// be one export: an unknown project beside a known one, an unknown enterprise project beside
    /// a known one of the same project, `all_granted_eps` (every enterprise project) beside
    /// another. Said, never resolved by a guess: relabelling is the user's call.
    static func overlapWarnings(_ snapshots: [SnapshotInfo]) -> [String] {
        func describe(_ info: SnapshotInfo) -> String {
            let project = info.projectID.isEmpty ? "project unknown" : "project \(info.projectID)"
            let enterprise =
                info.enterpriseProjectID.isEmpty ? "enterprise project not given" : "enterprise project \(info.enterpriseProjectID)"
            return "snapshot \(info.id) (\(project), \(enterprise), \(info.capturedAt.rfc3339))"
        }
        var warnings: [String] = []
        let known = snapshots.filter { !$0.projectID.isEmpty }
        for unknown in snapshots where unknown.projectID.isEmpty {
            guard let other = known.first else { break }
            warnings.append(
                "the \(unknown.category.rawValue) figures add \(describe(unknown)) to \(describe(other))\(known.count > 1 ? " and \(known.count - 1) more" : ""): if it is \(known.count > 1 ? "one of those projects" : "that project"), its open ports are counted twice (name it: portreport relabel \(unknown.id) --project ID)"
            )
        }
        for (_, group) in Dictionary(grouping: known, by: \.projectID).sorted(by: { $0.key < $1.key }) where group.count > 1 {
            let sorted = group.sorted { $0.enterpriseProjectID < $1.enterpriseProjectID }
            for info in sorted where info.enterpriseProjectID.isEmpty || info.enterpriseProjectID == "all_granted_eps" {
                guard let other = sorted.first(where: { $0.id != info.id }) else { continue }
                let why =
                    info.enterpriseProjectID.isEmpty
                    ? "if it is that enterprise project, its open ports are counted twice (name it: portreport relabel \(info.id) --enterprise-project \(other.enterpriseProjectID.isEmpty ? "ID" : other.enterpriseProjectID))"
                    : "all_granted_eps holds every enterprise project, so those of the other are counted twice (scope the report with --enterprise-project, or remove one)"
                warnings.append("the \(info.category.rawValue) figures add \(describe(info)) to \(describe(other)): \(why)")
            }
        }
        return warnings
    }

    /// A warning when only one category has figures though both were asked for.
    func comparisonWarnings(_ aggregates: [Category: Aggregate]) -> [String] {
        guard aggregates.count == 1 && scope.category == nil, let only = aggregates.keys.first else { return [] }
        return ["only \(only.rawValue) snapshots are usable: the host-versus-container comparison is not possible"]
    }
}
