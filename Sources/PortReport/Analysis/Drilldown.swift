// The drill-down step of the analysis: from the stored drill-down snapshots (ListPortHost,
// ListPorts) and the current statistics, which assets are behind each port at the report's time.
// A pure computation over values; `AnalysisComputation.run()` feeds it from the store.

/// Computes `AnalysisResult.drilldown` (and, with the findings, `assetRanking`).
///
/// Rules (README, "Drill-down"):
/// - A drill-down snapshot's *query* is its key without the capture time (project, enterprise
///   project, category, kind, queried port/type/host, filters). Per query, the snapshot used is the
///   newest captured at or before the cutoff; the one before it is the *previous* one, for changes.
/// - A ListPortHost query covers the port/types of its records, its queried port/type (so an empty
///   page says "no assets"), and, without a queried type, the types the statistics list for that
///   port in that category and project.
/// - Per port/type, category and project, one ListPortHost query is used: an unfiltered one over a
///   filtered one, then the newest; on a tie a query with a type over one without. A project without
///   ListPortHost for the port uses its ListPorts snapshots (one per server asked about) that list
///   the port: such an entry has `source` `.hostPorts` and says it covers only those servers.
/// - Projects are summed: assets of every project used, `total_num` summed, complete when every
///   snapshot used is complete, `statistics_num` summed over the projects used only (projects
///   without drill-down for the port are named in a note, with their count).
/// - Changes: per project, against the previous snapshot of the same query, by asset (an asset
///   that moved to another address did not open or close the port).
struct DrilldownComputation {
    /// The drill-down snapshots in scope, in any order.
    let details: [DetailSnapshot]
    /// Snapshots captured after this are not used (`--as-of`, or `--now` when given); nil: all.
    let cutoff: Timestamp?
    let categories: [Category]
    /// Per category, each project's current statistics snapshot.
    let current: [Category: [SnapshotInfo]]
    /// Per category and project, the records of that project's current statistics snapshot.
    let statistics: [Category: [Origin: Aggregate]]

    /// One query's snapshot at the cutoff and the one before it.
    private struct QueryState {
        let snapshot: DetailSnapshot
        let previous: DetailSnapshot?
    }

    /// Where one port/type of one category in one project gets its assets from.
    private struct Use {
        let origin: Origin
        let states: [QueryState]
        let kind: DetailKind
    }

    private struct Slot: Hashable {
        let category: Category
        let key: PortKey

        /// A statistics origin that drill-down of another origin was paired with.
        struct Pairing: Hashable {
            let category: Category
            let origin: Origin
        }
    }

    /// The origin of the statistics a drill-down origin is compared with: its own when the
    /// statistics have it; else, when one of the two does not give the enterprise project (a page
    /// saved without it, a HAR URL without `enterprise_project_id`, which the API reads as `0`),
    /// the one statistics origin of the same project that can be it. Nil when none or several
    /// can: then the drill-down stands alone and its notes say the statistics do not list it.
    private func statisticsOrigin(for origin: Origin, in category: Category) -> Origin? {
        guard let known = statistics[category], !origin.projectID.isEmpty else { return nil }
        if known[origin] != nil { return origin }
        let candidates = known.keys.filter {
            $0.projectID == origin.projectID && (origin.enterpriseProjectID.isEmpty || $0.enterpriseProjectID.isEmpty)
        }
        return candidates.count == 1 ? candidates.first : nil
    }

    func entries() -> [DrilldownEntry] {
        var byQuery: [DetailKey: [DetailSnapshot]] = [:]
        var paired: [Slot.Pairing: Origin] = [:]
        for original in details where categories.contains(original.key.category) {
            if let cutoff, original.key.capturedAt > cutoff { continue }
            var snapshot = original
            if let origin = statisticsOrigin(for: original.key.origin, in: original.key.category), origin != original.key.origin {
                var key = original.key
                key.enterpriseProjectID = origin.enterpriseProjectID
                snapshot = DetailSnapshot(
                    id: original.id, key: key, totalNum: original.totalNum, complete: original.complete, note: original.note,
                    records: original.records)
                paired[Slot.Pairing(category: key.category, origin: origin)] = original.key.origin
            }
            var query = snapshot.key
            query.capturedAt = Timestamp(secondsSinceEpoch: 0)
            byQuery[query, default: []].append(snapshot)
        }
        var portHosts: [Slot: [Origin: QueryState]] = [:]
        // Per server, one ListPorts query: a server asked about twice (`host_id=h1`, and
        // `host_id=h1&port=22`) must not list its assets twice; the choice is `prefer`'s.
        var hostPorts: [Slot: [Origin: [String: QueryState]]] = [:]
        // Names and addresses ListPortHost gives for a host, for ListPorts records (which have none).
        var hostNames: [String: (name: String, ip: String)] = [:]
        for (_, snapshots) in byQuery.sorted(by: { Self.order($0.key, $1.key) }) {
            let ordered = snapshots.sorted { ($0.key.capturedAt, $0.id) < ($1.key.capturedAt, $1.id) }
            guard let newest = ordered.last else { continue }
            let state = QueryState(snapshot: newest, previous: ordered.count >= 2 ? ordered[ordered.count - 2] : nil)
            let key = newest.key
            let recordKeys = Set(newest.records.map(\.key)).union(state.previous.map { Set($0.records.map(\.key)) } ?? [])
            switch key.kind {
            case .portHosts:
                for record in newest.records where !record.hostName.isEmpty || !record.hostIP.isEmpty {
                    if hostNames[record.hostID] == nil { hostNames[record.hostID] = (record.hostName, record.hostIP) }
                }
                var covered = recordKeys
                if let port = key.port {
                    if let type = key.type {
                        covered.insert(PortKey(port: port, type: type))
                    } else if let listed = statistics[key.category]?[key.origin] {
                        for type in PortType.allCases where listed[PortKey(port: port, type: type)] != nil {
                            covered.insert(PortKey(port: port, type: type))
                        }
                    }
                }
                for portKey in covered {
                    let slot = Slot(category: key.category, key: portKey)
                    if let other = portHosts[slot]?[key.origin], !Self.prefer(newest, over: other.snapshot) { continue }
                    portHosts[slot, default: [:]][key.origin] = state
                }
            case .hostPorts:
                for portKey in recordKeys {
                    let slot = Slot(category: key.category, key: portKey)
                    if let other = hostPorts[slot]?[key.origin]?[key.hostID], !Self.prefer(newest, over: other.snapshot) { continue }
                    hostPorts[slot, default: [:]][key.origin, default: [:]][key.hostID] = state
                }
            }
        }
        var result: [DrilldownEntry] = []
        let slots = Set(portHosts.keys).union(hostPorts.keys)
        for slot in slots.sorted(by: { Self.slotOrder($0, $1) }) {
            var uses: [Use] = []
            let origins = Set(portHosts[slot]?.keys.map { $0 } ?? []).union(hostPorts[slot]?.keys.map { $0 } ?? [])
            for origin in origins.sorted() {
                if let state = portHosts[slot]?[origin] {
                    uses.append(Use(origin: origin, states: [state], kind: .portHosts))
                } else if let states = hostPorts[slot]?[origin] {
                    uses.append(Use(origin: origin, states: states.sorted { $0.key < $1.key }.map(\.value), kind: .hostPorts))
                }
            }
            let pairings = uses.compactMap { use in
                paired[Slot.Pairing(category: slot.category, origin: use.origin)].map { (drilldown: $0, statistics: use.origin) }
            }
            result.append(entry(slot, uses: uses, hostNames: hostNames, pairings: pairings))
        }
        return result
    }

    private func entry(
        _ slot: Slot, uses: [Use], hostNames: [String: (name: String, ip: String)], pairings: [(drilldown: Origin, statistics: Origin)]
    ) -> DrilldownEntry {
        let category = slot.category, key = slot.key
        var assets: [DrilldownAsset] = []
        var notes: [String] = pairings.map { pairing in
            func words(_ enterprise: String) -> String { enterprise.isEmpty ? "not given" : enterprise }
            return
                "the drill-down\(Self.project(pairing.drilldown)) has enterprise project \(words(pairing.drilldown.enterpriseProjectID)), the statistics \(words(pairing.statistics.enterpriseProjectID)) (the project's only statistics; the API reads a query without one as 0): compared as one"
        }
        var totalNum: Int64? = 0
        var complete = true
        var statisticsNum: Int64?
        var opened: [DrilldownAsset] = [], closed: [DrilldownAsset] = []
        var exposureChanged: [ExposureChange] = []
        var since: [Timestamp] = []
        var unreadable: [String] = []
        var capturedAt = Timestamp(secondsSinceEpoch: 0)
        var olderThanStatistics = false
        func assetsOf(_ snapshot: DetailSnapshot) -> [DrilldownAsset] {
            snapshot.records.filter { $0.key == key }.map { record in
                let known = hostNames[record.hostID]
                if record.exposure == nil { unreadable.append(record.laddr) }
                return DrilldownAsset(
                    category: category, projectID: snapshot.key.projectID, hostID: record.hostID,
                    hostName: record.hostName.isEmpty ? known?.name ?? "" : record.hostName,
                    hostIP: record.hostIP.isEmpty ? known?.ip ?? "" : record.hostIP, containerID: record.containerID,
                    containerName: record.containerName, laddr: record.laddr, exposure: record.exposure ?? .specific, pid: record.pid,
                    path: record.path, status: record.status)
            }
        }
        for use in uses {
            for state in use.states {
                let snapshot = state.snapshot
                let now = assetsOf(snapshot)
                assets += now
                capturedAt = max(capturedAt, snapshot.key.capturedAt)
                if let total = snapshot.totalNum, let sum = totalNum { totalNum = sum.saturatingAdding(total) } else { totalNum = nil }
                let name = Self.describe(snapshot)
                if !snapshot.complete {
                    complete = false
                    notes.append("\(name) is incomplete\(snapshot.note.isEmpty ? "" : " (\(snapshot.note))"): assets may be missing")
                }
                if !snapshot.key.filters.isEmpty {
                    notes.append("\(name) is filtered (\(snapshot.key.filters)): it lists only the assets that match")
                }
                if let statistics = current[category]?.first(where: { $0.origin == use.origin }) {
                    if snapshot.key.capturedAt < statistics.capturedAt {
                        olderThanStatistics = true
                        notes.append(
                            "\(name) is older than the statistics beside it (snapshot \(statistics.id), \(statistics.capturedAt.rfc3339)): assets may have opened or closed the port since"
                        )
                    } else if snapshot.key.capturedAt > statistics.capturedAt {
                        notes.append(
                            "\(name) is newer than the statistics beside it (snapshot \(statistics.id), \(statistics.capturedAt.rfc3339)): assets may have opened or closed the port in between"
                        )
                    }
                }
                guard let previous = state.previous else { continue }
                since.append(previous.key.capturedAt)
                let before = assetsOf(previous)
                let beforeIDs = Set(before.map(\.asset)), nowIDs = Set(now.map(\.asset))
                // Per asset, not per listen address: a server on 0.0.0.0 and :: opened the port once.
                opened += Self.onePerAsset(now.filter { !beforeIDs.contains($0.asset) })
                closed += Self.onePerAsset(before.filter { !nowIDs.contains($0.asset) })
                let classesBefore = Dictionary(grouping: before, by: \.asset).mapValues { Set($0.map(\.exposure)) }
                for asset in Self.onePerAsset(now) {
                    let after = Set(now.filter { $0.asset == asset.asset }.map(\.exposure))
                    if let earlier = classesBefore[asset.asset], earlier != after {
                        exposureChanged.append(ExposureChange(asset: asset, before: earlier.sorted(), after: after.sorted()))
                    }
                }
                if !snapshot.complete || !previous.complete {
                    notes.append(
                        "\(name) or the one before it (snapshot \(previous.id), \(previous.key.capturedAt.rfc3339)) is incomplete: the opened and closed assets may include assets on missing pages"
                    )
                }
            }
            if let num = statistics[category]?[use.origin]?[key]?.num {
                statisticsNum = (statisticsNum ?? 0).saturatingAdding(num)
            }
            if use.kind == .hostPorts {
                let servers = use.states.map { $0.snapshot.key.hostID }.sorted()
                notes.append(
                    "from ListPorts of \(Wording.plural(servers.count, "server")) asked about\(Self.project(use.origin)) (\(servers.joined(separator: ", "))): other servers with \(key) open are not listed"
                )
            }
        }
        let usedOrigins = Set(uses.map(\.origin))
        let missing = (statistics[category] ?? [:]).filter { !usedOrigins.contains($0.key) && ($0.value[key]?.num ?? 0) > 0 }
        if !missing.isEmpty {
            let num = missing.values.compactMap { $0[key]?.num }.saturatingSum()
            let names = missing.keys.sorted().map {
                ($0.projectID.isEmpty ? "unknown" : $0.projectID)
                    + ($0.enterpriseProjectID.isEmpty ? "" : " enterprise project \($0.enterpriseProjectID)")
            }
            notes.append(
                "\(Wording.plural(names.count, "project")) without drill-down for \(key) (\(names.joined(separator: ", "))): their \(num) in the statistics are not listed"
            )
        }
        if !unreadable.isEmpty {
            notes.append(
                "listen address\(unreadable.count == 1 ? "" : "es") \(Set(unreadable).sorted().joined(separator: ", ")) not an IP address: counted as specific"
            )
        }
        assets.sort(by: Self.assetOrder)
        var exposure = ExposureCounts()
        // Distinct assets per class: an asset on 0.0.0.0 and 127.0.0.1 counts in both.
        for observations in Dictionary(grouping: assets, by: \.asset).values {
            for kind in Set(observations.map(\.exposure)) { exposure[kind] += 1 }
        }
        let count = Set(assets.map(\.asset)).count
        if let statisticsNum {
            if statisticsNum != Int64(count) {
                notes.append("the statistics say \(key) is open \(Wording.on(statisticsNum, category)); the drill-down lists \(count)")
            }
        } else {
            notes.append("the current \(category.rawValue) statistics do not list \(key)")
        }
        let changes =
            since.min().map {
                AssetChanges(
                    since: $0, opened: opened.sorted(by: Self.assetOrder), closed: closed.sorted(by: Self.assetOrder),
                    exposureChanged: exposureChanged.sorted { Self.assetOrder($0.asset, $1.asset) })
            }
        if Set(since).count > 1, let earliest = since.min() {
            notes.append(
                "the projects' previous drill-down snapshots differ in time: changes are since \(earliest.rfc3339) at the earliest")
        }
        var entry = DrilldownEntry(
            key: key, category: category, source: uses.contains { $0.kind == .hostPorts } ? .hostPorts : .portHosts,
            capturedAt: capturedAt, totalNum: totalNum, complete: complete, statisticsNum: statisticsNum, exposure: exposure,
            assets: assets, changes: changes, notes: notes, olderThanStatistics: olderThanStatistics)
        entry.snapshotIDs = uses.flatMap { $0.states.map(\.snapshot.id) }.sorted()
        return entry
    }

    /// Whether `candidate` should be used instead of `other` for one port and project: unfiltered
    /// (a filtered query lists only the assets that match, so a newer one must not hide the whole
    /// list), then newer, then with a queried type, then by filters and id.
    private static func prefer(_ candidate: DetailSnapshot, over other: DetailSnapshot) -> Bool {
        let a = candidate.key, b = other.key
        if a.filters.isEmpty != b.filters.isEmpty { return a.filters.isEmpty }
        if a.capturedAt != b.capturedAt { return a.capturedAt > b.capturedAt }
        if (a.type != nil) != (b.type != nil) { return a.type != nil }
        if a.filters != b.filters { return a.filters < b.filters }
        return candidate.id < other.id
    }

    /// A deterministic order of queries (their snapshots' order only matters for ties, but the
    /// output must not depend on a dictionary's order).
    private static func order(_ a: DetailKey, _ b: DetailKey) -> Bool {
        let left = [a.projectID, a.enterpriseProjectID, a.category.rawValue, a.kind.rawValue, String(a.port ?? -1)]
        let right = [b.projectID, b.enterpriseProjectID, b.category.rawValue, b.kind.rawValue, String(b.port ?? -1)]
        if left != right { return left.lexicographicallyPrecedes(right) }
        return (a.type?.order ?? -1, a.hostID, a.filters) < (b.type?.order ?? -1, b.hostID, b.filters)
    }

    private static func slotOrder(_ a: Slot, _ b: Slot) -> Bool {
        if a.category != b.category { return a.category == .host }
        return a.key < b.key
    }

    /// The first observation of each asset, in `assetOrder` (so the widest exposure).
    private static func onePerAsset(_ assets: [DrilldownAsset]) -> [DrilldownAsset] {
        var seen = Set<AssetID>()
        return assets.sorted(by: assetOrder).filter { seen.insert($0.asset).inserted }
    }

    /// All-interfaces first, then by name, id, address and project.
    static func assetOrder(_ a: DrilldownAsset, _ b: DrilldownAsset) -> Bool {
        if a.exposure != b.exposure { return a.exposure < b.exposure }
        return (a.displayName, a.asset.id, a.laddr, a.projectID, a.hostID) < (b.displayName, b.asset.id, b.laddr, b.projectID, b.hostID)
    }

    /// `drill-down snapshot 4 (ListPortHost port=22&type=TCP (host), project P, 2026-11-28T00:00:00Z)`.
    static func describe(_ snapshot: DetailSnapshot) -> String {
        "drill-down snapshot \(snapshot.id) (\(snapshot.key.queryDescription)\(project(snapshot.key.origin)), \(snapshot.key.capturedAt.rfc3339))"
    }

    private static func project(_ origin: Origin) -> String {
        ", project \(origin.projectID.isEmpty ? "unknown" : origin.projectID)"
    }
}

/// The assets with dangerous ports or ports of findings open, most such ports first.
enum AssetRanking {
    /// A port of an entry counts for its assets when the vendor rates it danger (in the statistics
    /// or on the asset's own record), when the risk catalogue names it, or when a finding names it
    /// (then only for the finding's assets: a rule narrowed by exposure or names counts only those).
    static func make(entries: [DrilldownEntry], findings: [Finding], statistics: [Category: Aggregate]) -> [AssetRisk] {
        struct Holder: Hashable {
            let asset: AssetID
            let projectID: String
        }
        var first: [Holder: DrilldownAsset] = [:]
        var ports: [Holder: Set<PortKey>] = [:]
        var wide: [Holder: Set<PortKey>] = [:]
        func add(_ asset: DrilldownAsset, _ key: PortKey) {
            let holder = Holder(asset: asset.asset, projectID: asset.projectID)
            if first[holder] == nil { first[holder] = asset }
            ports[holder, default: []].insert(key)
            if asset.exposure == .allInterfaces { wide[holder, default: []].insert(key) }
        }
        // A port the current statistics do not list (closed since the drill-down, or of projects
        // whose statistics are not in scope) is no risk the assets have open now.
        for entry in entries where (entry.statisticsNum ?? 0) > 0 {
            let rated =
                statistics[entry.category]?[entry.key]?.status == .danger
                || RiskCatalogue.entry(port: entry.key.port, type: entry.key.type) != nil
            for asset in entry.assets where rated || asset.status == .danger { add(asset, entry.key) }
        }
        for finding in findings where finding.kind != .suspect {
            for asset in finding.assets { add(asset, finding.key) }
        }
        let rows = first.map { holder, asset in
            AssetRisk(
                asset: holder.asset, displayName: asset.displayName, hostID: asset.hostID, hostIP: asset.hostIP,
                projectID: holder.projectID, ports: (ports[holder] ?? []).sorted(), allInterfaces: wide[holder]?.count ?? 0)
        }
        return rows.sorted { a, b in
            if a.ports.count != b.ports.count { return a.ports.count > b.ports.count }
            if a.allInterfaces != b.allInterfaces { return a.allInterfaces > b.allInterfaces }
            return (a.displayName, a.asset.category.rawValue, a.asset.id, a.projectID)
                < (b.displayName, b.asset.category.rawValue, b.asset.id, b.projectID)
        }
    }
}
