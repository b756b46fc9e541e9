import Foundation
import Testing

@testable import PortReport

/// Seeded random stores, compared with a small model of the specification written here:
/// current = each project's newest complete, unfiltered snapshot per category, summed; trends
/// between each project's two newest usable snapshots; aggregates elsewhere: (each project's newest usable snapshot at
/// or before each), etc. Incomplete and partial snapshots are thrown in and must change nothing.
@Suite("Analysis: properties over seeded random stores")
struct AnalysisPropertyTests {
    static let universePorts = [0, 22, 53, 80, 443, 1024, 8080, 49152, 65535]
    static let statuses: [String?] = [nil, "normal", "danger", "unknown"]

    struct Snap {
        let project: String
        let category: Category
        let time: Timestamp
        let records: [PortKey: (num: Int64, status: VendorStatus?)]
    }

    /// Builds the store and returns the usable snapshots (the model's input).
    static func build(seed: UInt64) throws -> (AnalysisStore, [Snap]) {
        var rng = LCG(seed: seed)
        let s = try AnalysisStore("property")
        let projects = Array(["pa", "pb"].prefix(rng.int(1...2)))
        var usable: [Snap] = []
        for project in projects {
            for category in Category.allCases {
                for day in 0..<5 where rng.chance(55) {
                    var records: [Rec] = []
                    for port in universePorts {
                        for type in PortType.allCases where rng.chance(35) {
                            records.append((port, type.rawValue, rng.int(1...20), statuses[rng.int(0...3)]))
                        }
                    }
                    if records.isEmpty { records.append((22, "TCP", 1, nil)) }
                    let time = "2026-11-2\(day)T00:00:00Z"
                    try s.add(category, at: time, project: project, records)
                    var model: [PortKey: (num: Int64, status: VendorStatus?)] = [:]
                    for r in records {
                        model[PortKey(port: r.port, type: try #require(PortType(rawValue: r.type)))] = (
                            Int64(r.num), r.status.flatMap(VendorStatus.init(rawValue:))
                        )
                    }
                    usable.append(Snap(project: project, category: category, time: try #require(ts(time)), records: model))
                    // Sometimes an unusable snapshot half a day later: it must change nothing.
                    if rng.chance(30) {
                        let late = "2026-11-2\(day)T12:00:00Z"
                        let junk: [Rec] = [(7777, "TCP", 999, "danger"), (22, "TCP", 500, nil)]
                        if rng.chance(50) {
                            try s.add(category, at: late, project: project, totalNum: junk.count + 3, junk)
                        } else {
                            try s.add(category, at: late, project: project, filters: [("port", "22")], junk)
                        }
                    }
                }
            }
        }
        return (s, usable)
    }

    typealias Agg = [PortKey: (num: Int64, status: VendorStatus?)]

    static func worse(_ a: VendorStatus?, _ b: VendorStatus?) -> VendorStatus? {
        func rank(_ s: VendorStatus?) -> Int { s == .danger ? 3 : s == .normal ? 2 : s == .unknown ? 1 : 0 }
        return rank(a) >= rank(b) ? a : b
    }

    /// Each project's newest usable snapshot at or before `time` (nil: the newest), summed.
    static func aggregate(_ snaps: [Snap], _ category: Category, at time: Timestamp? = nil) -> Agg {
        var result: Agg = [:]
        let projects = Set(snaps.map(\.project))
        for project in projects {
            let candidates = snaps.filter { snap in
                snap.project == project && snap.category == category && (time.map { snap.time <= $0 } ?? true)
            }
            guard let newest = candidates.max(by: { $0.time < $1.time }) else { continue }
            for (key, value) in newest.records {
                let previous = result[key]
                result[key] = ((previous?.num ?? 0) + value.num, worse(previous?.status, value.status))
            }
        }
        return result
    }

    static func typeOrder(_ t: PortType) -> Int { ["TCP", "TCP6", "UDP", "UDP6"].firstIndex(of: t.rawValue) ?? Int.max }

    static func keyLess(_ a: PortKey, _ b: PortKey) -> Bool {
        a.port != b.port ? a.port < b.port : typeOrder(a.type) < typeOrder(b.type)
    }

    @Test(
        "ranking matches the model: each current record once, totals add up, ranks a permutation, order",
        arguments: [UInt64(1), 7, 42, 2026, 65535])
    func ranking(seed: UInt64) throws {
        let (s, snaps) = try Self.build(seed: seed)
        let result = try s.analyze()
        let host = Self.aggregate(snaps, .host), container = Self.aggregate(snaps, .container)
        let union = Set(host.keys).union(container.keys)

        // Every current record appears exactly once.
        #expect(result.ranking.count == union.count, "seed \(seed)")
        #expect(Set(result.ranking.map(\.key)) == union, "seed \(seed)")
        #expect(Set(result.ranking.map(\.key)).count == result.ranking.count, "seed \(seed): a key appears twice")
        // Ranks are 1...n in order.
        #expect(result.ranking.map(\.rank) == Array(1..<(result.ranking.count + 1)), "seed \(seed)")
        // Figures per row, and total == host + container.
        for row in result.ranking {
            #expect(row.host == host[row.key]?.num ?? 0, "seed \(seed) \(row.key)")
            #expect(row.container == container[row.key]?.num ?? 0, "seed \(seed) \(row.key)")
            #expect(row.total == row.host + row.container, "seed \(seed) \(row.key)")
            #expect(row.status == Self.worse(host[row.key]?.status, container[row.key]?.status), "seed \(seed) \(row.key)")
        }
        // Order: total desc, port asc, type TCP < TCP6 < UDP < UDP6.
        for (a, b) in zip(result.ranking, result.ranking.dropFirst()) {
            let ordered = a.total != b.total ? a.total > b.total : Self.keyLess(a.key, b.key)
            #expect(ordered, "seed \(seed): \(a.key) (\(a.total)) before \(b.key) (\(b.total))")
        }
        // Sum of totals == sum of nums of the current snapshots.
        let sumNums = host.values.reduce(Int64(0)) { $0 + $1.num } + container.values.reduce(Int64(0)) { $0 + $1.num }
        #expect(result.ranking.reduce(Int64(0)) { $0 + $1.total } == sumNums, "seed \(seed)")
        if !result.ranking.isEmpty {
            #expect(abs(result.ranking.reduce(0.0) { $0 + $1.share } - 1) < 1e-9, "seed \(seed)")
            #expect(abs(result.ranking.last!.cumulativeShare - 1) < 1e-9, "seed \(seed)")
        }
        // Breakdown figures.
        if !host.isEmpty {
            #expect(result.breakdown.host?.ports == host.count, "seed \(seed)")
            #expect(result.breakdown.host?.instances == host.values.reduce(0) { $0 + $1.num }, "seed \(seed)")
        }
        // Unusable snapshots are never used.
        for listed in result.snapshots where !listed.info.complete || listed.info.partial {
            #expect(!listed.used, "seed \(seed): snapshot \(listed.info.id)")
        }
    }

    @Test("trends match the model, and new/gone/changed partition the union of both sides", arguments: [UInt64(1), 7, 42, 2026, 65535])
    func trends(seed: UInt64) throws {
        let (s, snaps) = try Self.build(seed: seed)
        let result = try s.analyze()
        for category in Category.allCases {
            // The model: each project's two newest usable snapshots (a project with one counts
            // the same on both sides); from = the earliest previous snapshot, to = the newest.
            var before: Agg = [:], after: Agg = [:], previousTimes: [Timestamp] = [], newestTimes: [Timestamp] = []
            for project in Set(snaps.map(\.project)).sorted() {
                let history = snaps.filter { $0.project == project && $0.category == category }.sorted { $0.time < $1.time }
                guard let last = history.last else { continue }
                let previous = history.count >= 2 ? history[history.count - 2] : last
                if history.count >= 2 { previousTimes.append(previous.time) }
                newestTimes.append(last.time)
                for (key, value) in previous.records { before[key] = (num: (before[key]?.num ?? 0) + value.num, status: nil) }
                for (key, value) in last.records { after[key] = (num: (after[key]?.num ?? 0) + value.num, status: nil) }
            }
            guard let from = previousTimes.min(), let to = newestTimes.max() else {
                #expect(result.trends[category] == nil, "seed \(seed) \(category)")
                continue
            }
            let trend = try #require(result.trends[category], "seed \(seed) \(category)")
            #expect(trend.from == from && trend.to == to, "seed \(seed)")

            let newKeys = Set(trend.new.map(\.key)), goneKeys = Set(trend.gone.map(\.key)), changedKeys = Set(trend.changed.map(\.key))
            #expect(newKeys.count == trend.new.count && goneKeys.count == trend.gone.count && changedKeys.count == trend.changed.count)
            #expect(
                newKeys.isDisjoint(with: goneKeys) && newKeys.isDisjoint(with: changedKeys) && goneKeys.isDisjoint(with: changedKeys),
                "seed \(seed)")
            let unchanged = Set(before.keys.filter { after[$0]?.num == before[$0]?.num })
            #expect(
                newKeys.union(goneKeys).union(changedKeys).union(unchanged) == Set(before.keys).union(after.keys),
                "seed \(seed) \(category)")
            #expect(unchanged.isDisjoint(with: changedKeys))

            // Exactly the model's sets and values.
            #expect(newKeys == Set(after.keys.filter { before[$0] == nil }), "seed \(seed) \(category)")
            #expect(goneKeys == Set(before.keys.filter { after[$0] == nil }), "seed \(seed) \(category)")
            #expect(
                changedKeys == Set(after.keys.filter { before[$0] != nil && before[$0]!.num != after[$0]!.num }), "seed \(seed) \(category)"
            )
            for change in trend.new + trend.gone + trend.changed {
                #expect(
                    change.before == before[change.key]?.num ?? 0 && change.after == after[change.key]?.num ?? 0,
                    "seed \(seed) \(change.key)")
                #expect(change.delta == change.after - change.before)
            }
            // Ordered by |delta| desc, then port, then type.
            for list in [trend.new, trend.gone, trend.changed] {
                for (a, b) in zip(list, list.dropFirst()) {
                    let da = abs(a.delta), db = abs(b.delta)
                    #expect(da != db ? da > db : Self.keyLess(a.key, b.key), "seed \(seed): \(a.key) before \(b.key)")
                }
            }
        }
    }
}
