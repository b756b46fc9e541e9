/// When each category has complete, unfiltered snapshots, and which make up its figure at a time.
struct Timelines {
    /// Per category and project: usable snapshots, oldest first.
    private let byOrigin: [Category: [Origin: [SnapshotInfo]]]
    /// Every capture time of a usable snapshot, in any category, oldest first.
    let allTimes: [Timestamp]

    init(infos: [SnapshotInfo], categories: [Category]) {
        var byOrigin: [Category: [Origin: [SnapshotInfo]]] = [:]
        for info in infos where info.isUsable && categories.contains(info.category) {
            byOrigin[info.category, default: [:]][info.origin, default: []].append(info)
        }
        var all = Set<Timestamp>()
        for origins in byOrigin.values {
            all.formUnion(origins.values.flatMap { $0.map(\.capturedAt) })
        }
        self.byOrigin = byOrigin
        self.allTimes = all.sorted()
    }

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

    /// A warning when only one category has figures though both were asked for.
    func comparisonWarnings(_ aggregates: [Category: Aggregate]) -> [String] {
        guard aggregates.count == 1 && scope.category == nil, let only = aggregates.keys.first else { return [] }
        return ["only \(only.rawValue) snapshots are usable: the host-versus-container comparison is not possible"]
    }
}
