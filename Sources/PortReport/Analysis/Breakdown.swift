extension AnalysisComputation {
    /// Per category: ports and instances by protocol and port range; and, when both categories
    /// have figures, which ports are open in both, on hosts only and in containers only.
    func makeBreakdown(_ aggregates: [Category: Aggregate], bothPresent: Bool) -> Breakdown {
        func summary(_ aggregate: Aggregate?) -> CategoryBreakdown? {
            guard let aggregate else { return nil }
            var types: [PortType: Int] = [:]
            var ranges: [PortRange: Int] = [:]
            for type in PortType.allCases { types[type] = 0 }
            for range in PortRange.allCases { ranges[range] = 0 }
            var instances: Int64 = 0
            for (key, value) in aggregate {
                types[key.type, default: 0] += 1
                ranges[PortRange(port: key.port), default: 0] += 1
                instances = instances.saturatingAdding(value.num)
            }
            return CategoryBreakdown(ports: aggregate.count, instances: instances, types: types, ranges: ranges)
        }
        let host = aggregates[.host] ?? [:], container = aggregates[.container] ?? [:]
        var both: [PortKey] = [], hostOnly: [PortKey] = [], containerOnly: [PortKey] = []
        if bothPresent {
            both = host.keys.filter { container[$0] != nil }.sorted()
            hostOnly = host.keys.filter { container[$0] == nil }.sorted()
            containerOnly = container.keys.filter { host[$0] == nil }.sorted()
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
