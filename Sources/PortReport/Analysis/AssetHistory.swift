// Findings over time per asset (issue 14, "with drill-down, asset"): for a finding whose port has
// drill-down data, since when each asset behind it has had the port open, and which assets were
// behind it in an earlier drill-down snapshot and no longer are. Each drill-down query the
// finding's assets come from is followed back through its own snapshots (the store reads them one
// at a time, only for the findings' ports); the statistics-level age is `FindingHistory`'s.

/// Since when one asset has been behind a finding: the first drill-down snapshot time of the
/// unbroken run of its query's snapshots that listed it with the port (and matching the rule's
/// narrowing), up to the newest.
struct AssetAge: Sendable, Equatable {
    let firstSeen: Timestamp
    /// Whole days from `firstSeen` to the report's time.
    let ageDays: Int64
    /// `new`: listed first in the newest drill-down snapshot and never before; `persisting`:
    /// listed in the one before it too; `reopened`: listed before, then not, now again.
    let state: FindingAge.State
}

/// An asset that was behind a current finding in an earlier drill-down snapshot of its query and
/// is not in the newest, resolved within the report's `--resolved-window`.
struct ResolvedAsset: Sendable, Equatable {
    let findingID: String
    let kind: Finding.Kind
    let key: PortKey
    let category: Category
    /// The asset as the last snapshot that listed it did (its widest observation there).
    let asset: DrilldownAsset
    /// The first time of its last run.
    let firstSeen: Timestamp
    /// The first drill-down snapshot of the query after that run: it was no longer listed.
    let resolvedAt: Timestamp
    /// Whole days from `firstSeen` to `resolvedAt`.
    var daysOpen: Int64 { Timestamp.wholeDays(from: firstSeen, to: resolvedAt) }
}

/// The per-asset history of the report's findings (`AnalysisResult.assetHistory`).
struct AssetHistory: Sendable, Equatable {
    /// An asset as the history tells assets apart: its project and `DrilldownAsset.asset` (a
    /// server by `host_id`, a container by `container_id`).
    struct Holder: Hashable, Sendable {
        let projectID: String
        let asset: AssetID

        init(_ asset: DrilldownAsset) {
            projectID = asset.projectID
            self.asset = asset.asset
        }
    }

    /// Per finding id, the age of each asset behind it now. A waived part and the rest of a
    /// finding share an id (and a rule): their assets' histories are the same walk.
    var ages: [String: [Holder: AssetAge]] = [:]
    /// Newest resolution first, then by kind, category, port and asset.
    var resolved: [ResolvedAsset] = []

    /// Since when `asset` has been behind `finding`; nil when the drill-down history cannot tell
    /// (no drill-down for the port, or the asset does not match the narrowing on its record).
    func age(of asset: DrilldownAsset, in finding: Finding) -> AssetAge? {
        ages[finding.id]?[Holder(asset)]
    }

    /// How many assets of `finding`'s id were resolved in the window.
    func resolvedCount(of finding: Finding) -> Int {
        resolved.lazy.filter { $0.findingID == finding.id }.count
    }
}

/// One query's drill-down snapshots, oldest first, and for each asset its runs: a fold fed one
/// snapshot at a time, keeping per asset only where its last run began and ended.
struct AssetRuns: Sendable {
    private struct Run: Sendable {
        var start: Int
        var last: Int
        /// Listed in a run before the last one.
        var heldBefore: Bool
        /// Its widest observation in the last snapshot that listed it.
        var asset: DrilldownAsset
    }

    private(set) var times: [Timestamp] = []
    private var runs: [AssetHistory.Holder: Run] = [:]

    /// The next snapshot (later than every one before): the assets behind the finding then.
    mutating func add(at time: Timestamp, assets: [DrilldownAsset]) {
        let index = times.count
        times.append(time)
        for asset in assets {
            let holder = AssetHistory.Holder(asset)
            guard var run = runs[holder] else {
                runs[holder] = Run(start: index, last: index, heldBefore: false, asset: asset)
                continue
            }
            // A second observation (another listen address) in the same snapshot: the widest is kept.
            if run.last == index {
                if DrilldownComputation.assetOrder(asset, run.asset) {
                    run.asset = asset
                    runs[holder] = run
                }
                continue
            }
            if run.last < index - 1 {
                run.heldBefore = true
                run.start = index
            }
            run.last = index
            run.asset = asset
            runs[holder] = run
        }
    }

    /// The age of an asset listed in the newest snapshot; nil when it is not listed there.
    func age(of holder: AssetHistory.Holder, now: Timestamp) -> AssetAge? {
        guard let run = runs[holder], let newest = times.indices.last, run.last == newest else { return nil }
        let state: FindingAge.State = run.start < newest ? .persisting : (run.heldBefore ? .reopened : .new)
        return AssetAge(firstSeen: times[run.start], ageDays: Timestamp.wholeDays(from: times[run.start], to: now), state: state)
    }

    /// The assets listed before and not in the newest snapshot, resolved at or after `earliest`
    /// (seconds since the epoch): the asset, the first time of its last run, and the first time
    /// after that run.
    func resolved(notBefore earliest: Int64) -> [(asset: DrilldownAsset, firstSeen: Timestamp, resolvedAt: Timestamp)] {
        guard let newest = times.indices.last else { return [] }
        return runs.values.compactMap { run in
            guard run.last < newest else { return nil }
            let resolvedAt = times[run.last + 1]
            guard resolvedAt.secondsSinceEpoch >= earliest else { return nil }
            return (run.asset, times[run.start], resolvedAt)
        }
    }
}

extension AnalysisComputation {
    /// The per-asset history of `result`'s findings and waived findings (its drill-down entries
    /// name the queries): each query's history is read once for every port and narrowing its
    /// findings need. Earlier snapshots that are incomplete are skipped (an asset on a missing
    /// page would read as having closed the port); the newest is the one the report uses.
    func makeAssetHistory(_ result: AnalysisResult) throws -> AssetHistory {
        struct Track: Hashable {
            let key: PortKey
            /// An index into `filters`; nil: the rule is not narrowed.
            let filter: Int?
        }
        let entries = DrilldownEntry.index(result.drilldown)
        let all = (result.findings + result.waived).filter { $0.kind != .suspect }
        var filters: [AssetFilter] = []
        func track(_ finding: Finding) -> Track {
            guard let filter = finding.assetFilter else { return Track(key: finding.key, filter: nil) }
            if let index = filters.firstIndex(of: filter) { return Track(key: finding.key, filter: index) }
            filters.append(filter)
            return Track(key: finding.key, filter: filters.count - 1)
        }
        var needs: [Int64: Set<Track>] = [:]
        var tracks: [String: Track] = [:]
        for finding in all {
            guard let entry = entries[finding.category]?[finding.key], !entry.snapshotIDs.isEmpty else { continue }
            let wanted = track(finding)
            tracks[finding.id] = wanted
            for id in entry.snapshotIDs { needs[id, default: []].insert(wanted) }
        }
        guard !needs.isEmpty else { return AssetHistory() }
        // ListPorts records carry no host name or address: as the drill-down does, take them from
        // the assets that have them (a `host_names` rule matches names).
        var hostNames: [String: (name: String, ip: String)] = [:]
        for entry in result.drilldown {
            for asset in entry.assets where hostNames[asset.hostID] == nil && !asset.hostName.isEmpty {
                hostNames[asset.hostID] = (asset.hostName, asset.hostIP)
            }
        }
        var walked: [Int64: [Track: AssetRuns]] = [:]
        for (newest, wanted) in needs.sorted(by: { $0.key < $1.key }) {
            var runs: [Track: AssetRuns] = [:]
            try reader.forEachDetailHistoryStep(ofQueryOf: newest, ports: Set(wanted.map(\.key))) { step in
                guard step.complete || step.id == newest else { return }
                for track in wanted {
                    var behind: [DrilldownAsset] = []
                    for record in step.records where record.key == track.key {
                        let known = record.hostName.isEmpty || record.hostIP.isEmpty ? hostNames[record.hostID] : nil
                        let asset = DrilldownAsset(
                            category: step.category, projectID: step.projectID, hostID: record.hostID,
                            hostName: record.hostName.isEmpty ? known?.name ?? "" : record.hostName,
                            hostIP: record.hostIP.isEmpty ? known?.ip ?? "" : record.hostIP, containerID: record.containerID,
                            containerName: record.containerName, laddr: record.laddr, exposure: record.exposure ?? .specific,
                            pid: record.pid, path: record.path, status: record.status)
                        if track.filter.map({ filters[$0].matches(asset) }) ?? true { behind.append(asset) }
                    }
                    runs[track, default: AssetRuns()].add(at: step.capturedAt, assets: behind)
                }
            }
            walked[newest] = runs
        }
        let now = result.generatedAt
        let (span, overflow) = max(0, result.history.resolvedWindowDays).multipliedReportingOverflow(by: 86_400)
        let earliest = overflow ? Int64.min : now.secondsSinceEpoch.saturatingSubtracting(span)
        var history = AssetHistory()
        var current: [String: Set<AssetHistory.Holder>] = [:]
        var representative: [String: Finding] = [:]
        for finding in all {
            guard let wanted = tracks[finding.id], let entry = entries[finding.category]?[finding.key] else { continue }
            if representative[finding.id] == nil { representative[finding.id] = finding }
            for asset in finding.assets {
                let holder = AssetHistory.Holder(asset)
                current[finding.id, default: []].insert(holder)
                guard history.ages[finding.id]?[holder] == nil else { continue }
                for id in entry.snapshotIDs {
                    if let age = walked[id]?[wanted]?.age(of: holder, now: now) {
                        history.ages[finding.id, default: [:]][holder] = age
                        break
                    }
                }
            }
        }
        for (findingID, finding) in representative {
            guard let wanted = tracks[findingID], let entry = entries[finding.category]?[finding.key] else { continue }
            var gone: [AssetHistory.Holder: ResolvedAsset] = [:]
            for id in entry.snapshotIDs {
                for item in walked[id]?[wanted]?.resolved(notBefore: earliest) ?? [] {
                    let holder = AssetHistory.Holder(item.asset)
                    guard !(current[findingID]?.contains(holder) ?? false) else { continue }
                    if let known = gone[holder], known.resolvedAt >= item.resolvedAt { continue }
                    gone[holder] = ResolvedAsset(
                        findingID: findingID, kind: finding.kind, key: finding.key, category: finding.category, asset: item.asset,
                        firstSeen: item.firstSeen, resolvedAt: item.resolvedAt)
                }
            }
            history.resolved += gone.values
        }
        let kinds = Finding.Kind.allCases
        history.resolved.sort { a, b in
            if a.resolvedAt != b.resolvedAt { return a.resolvedAt > b.resolvedAt }
            let ka = kinds.firstIndex(of: a.kind) ?? 0, kb = kinds.firstIndex(of: b.kind) ?? 0
            if ka != kb { return ka < kb }
            if a.category != b.category { return a.category == .host }
            if a.key != b.key { return a.key < b.key }
            return (a.asset.displayName, a.asset.asset.id, a.asset.projectID) < (b.asset.displayName, b.asset.asset.id, b.asset.projectID)
        }
        return history
    }
}
