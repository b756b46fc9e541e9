extension AnalysisComputation {
    /// Per category: ports and instances by protocol and port range; and, when both categories
    /// have figures, which ports are open in both, on hosts only and in containers only.
    func makeBreakdown(_ aggregates: [Category: Aggregate], bothPresent: Bool) -> Breakdown {
        func summary(_ aggregate: Aggregate?) -> CategoryBreakdown? {
            guard let aggregate else { return nil }
            // Counted by position, then made into the dictionaries: two look-ups per port were
            // most of this step for the 100,000 ports of 100 projects.
            var typeCounts = [Int](repeating: 0, count: PortType.allCases.count)
            var rangeCounts = [Int](repeating: 0, count: PortRange.allCases.count)
            var instances: Int64 = 0
            for (key, value) in aggregate {
                typeCounts[key.type.order] += 1
                rangeCounts[PortRange(port: key.port).order] += 1
                instances = instances.saturatingAdding(value.num)
            }
            let types = Dictionary(uniqueKeysWithValues: PortType.allCases.map { ($0, typeCounts[$0.order]) })
            let ranges = Dictionary(uniqueKeysWithValues: PortRange.allCases.map { ($0, rangeCounts[$0.order]) })
            return CategoryBreakdown(ports: aggregate.count, instances: instances, types: types, ranges: ranges)
        }
        let host = aggregates[.host] ?? [:], container = aggregates[.container] ?? [:]
        var both: [PortKey] = [], hostOnly: [PortKey] = [], containerOnly: [PortKey] = []
        if bothPresent {
            // In port order by the codes' bitmap, then split: no comparison sort of each list.
            for entry in PortOrder.entries(of: host) {
                if container[entry.key] != nil { both.append(entry.key) } else { hostOnly.append(entry.key) }
            }
            containerOnly = PortOrder.entries(of: container).map(\.key).filter { host[$0] == nil }
        }
        return Breakdown(
            host: summary(aggregates[.host]), container: summary(aggregates[.container]), both: both, hostOnly: hostOnly,
            containerOnly: containerOnly)
    }

    /// One row per project with a current snapshot: its host and container snapshots and instances.
    func makePerProject(_ current: [Category: [SnapshotInfo]]) throws -> [ProjectRow] {
        var origins = Set<Origin>()
        for snapshots in current.values { origins.formUnion(snapshots.map(\.origin)) }
        // Summed in place from each blob: a dictionary per project (kept by the reader's cache)
        // was 13 MB for 100 projects.
        func instances(_ snapshot: SnapshotInfo?) throws -> Int64 {
            guard let snapshot else { return 0 }
            var total: Int64 = 0
            try reader.forEachFigure(of: snapshot.id) { _, num, _ in total = total.saturatingAdding(num) }
            return total
        }
        return try origins.sorted().map { origin in
            let host = current[.host]?.first { $0.origin == origin }
            let container = current[.container]?.first { $0.origin == origin }
            return ProjectRow(
                origin: origin, host: host, container: container,
                hostInstances: try instances(host), containerInstances: try instances(container))
        }
    }
}
