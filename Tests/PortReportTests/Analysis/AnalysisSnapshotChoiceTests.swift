import Foundation
import Testing

@testable import PortReport

@Suite("Analysis: snapshot choice, --as-of, several projects")
struct AnalysisSnapshotChoiceTests {
    @Test("newer incomplete and partial snapshots are listed unused, with a warning, and never ranked")
    func unusableNewerSnapshots() throws {
        let s = try AnalysisStore("choice")
        let h1 = try s.add(.host, at: "2026-11-27", [(22, "TCP", 5, "normal"), (80, "TCP", 2, nil)])
        // A page is missing: 1 record of total_num 3.
        let h2 = try s.add(.host, at: "2026-11-28", totalNum: 3, [(22, "TCP", 9, nil)])
        // Saved with ?port=22: says nothing about 80.
        let h3 = try s.add(.host, at: "2026-11-29", filters: [("port", "22")], [(22, "TCP", 1, nil)])
        let c1 = try s.add(.container, at: "2026-11-27", [(80, "TCP", 4, nil)])
        let result = try s.analyze()

        // Ranking from h1 + c1 only: 80/TCP 2+4 = 6, 22/TCP 5+0 = 5.
        #expect(result.ranking.map(\.key) == keys(["80/TCP", "22/TCP"]))
        #expect(result.ranking.map(\.host) == [2, 5])
        #expect(result.ranking.map(\.container) == [4, 0])
        #expect(result.current[.host]?.map(\.id) == [h1])
        #expect(result.current[.container]?.map(\.id) == [c1])

        let used = Dictionary(uniqueKeysWithValues: result.snapshots.map { ($0.info.id, $0.used) })
        #expect(used == [h1: true, h2: false, h3: false, c1: true])
        let h2Info = try #require(result.snapshots.first { $0.info.id == h2 }?.info)
        #expect(!h2Info.complete && !h2Info.partial && h2Info.totalNum == 3 && h2Info.records == 1)
        let h3Info = try #require(result.snapshots.first { $0.info.id == h3 }?.info)
        #expect(h3Info.partial)

        let h2Warning = result.warnings.first { $0.contains("snapshot \(h2) ") }
        let h3Warning = result.warnings.first { $0.contains("snapshot \(h3) ") }
        #expect(h2Warning?.contains("incomplete") == true, "\(result.warnings)")
        #expect(h3Warning?.contains("partial") == true, "\(result.warnings)")
        // Only one usable host snapshot: no host trend, so the missing page shows no gone ports.
        #expect(result.trends[.host] == nil)
        #expect(result.findings.isEmpty)
        // No series point reads an unusable snapshot.
        #expect(
            result.series.allSatisfy { series in
                series.points.allSatisfy { $0.capturedAt != ts("2026-11-28") && $0.capturedAt != ts("2026-11-29") }
            })
    }

    @Test("an incomplete snapshot between two complete ones is skipped by the trend")
    func incompleteInTheMiddle() throws {
        let s = try AnalysisStore("choice")
        try s.add(.host, at: "2026-11-26", [(22, "TCP", 5, nil), (80, "TCP", 3, nil)])
        try s.add(.host, at: "2026-11-27", totalNum: 2, [(22, "TCP", 1, nil)])
        try s.add(.host, at: "2026-11-28", [(22, "TCP", 6, nil), (80, "TCP", 3, nil), (443, "TCP", 1, nil)])
        let trend = try #require(try s.analyze().trends[.host])
        // 11-26 → 11-28: 22/TCP 5→6, 443/TCP new, 80/TCP unchanged; nothing gone.
        #expect(trend.from == ts("2026-11-26") && trend.to == ts("2026-11-28"))
        #expect(trend.changed == [TrendChange(key: key("22/TCP"), before: 5, after: 6)])
        #expect(trend.new == [TrendChange(key: key("443/TCP"), before: 0, after: 1)])
        #expect(trend.gone.isEmpty)
    }

    @Test("--as-of picks the newest snapshots at or before it")
    func asOf() throws {
        let s = try AnalysisStore("asof")
        try s.add(.host, at: "2026-11-27", [(22, "TCP", 5, nil), (23, "TCP", 1, nil)])
        try s.add(.host, at: "2026-11-28", [(22, "TCP", 7, nil)])
        try s.add(.container, at: "2026-11-27", [(80, "TCP", 2, nil)])
        try s.add(.container, at: "2026-11-28", [(80, "TCP", 4, nil), (443, "TCP", 1, nil)])

        // As of the end of 11-27: 22/TCP 5, 80/TCP 2, 23/TCP 1; nothing to compare with.
        let old = try s.analyze(AnalysisScope(asOf: ts("2026-11-27T23:59:59Z")))
        #expect(old.ranking.map(\.key) == keys(["22/TCP", "80/TCP", "23/TCP"]))
        #expect(old.ranking.map(\.total) == [5, 2, 1])
        #expect(old.snapshots.count == 2)
        #expect(old.trends.isEmpty)
        #expect(old.generatedAt == ts("2026-11-27"), "generated_at: the newest capture in scope")

        // At exactly 11-28T00:00:00Z the newer ones count ("at or before").
        let exact = try s.analyze(AnalysisScope(asOf: ts("2026-11-28")))
        #expect(exact.ranking.map(\.key) == keys(["22/TCP", "80/TCP", "443/TCP"]))
        #expect(exact.ranking.map(\.total) == [7, 4, 1])
        let hostTrend = try #require(exact.trends[.host])
        #expect(hostTrend.gone == [TrendChange(key: key("23/TCP"), before: 1, after: 0)])
        #expect(hostTrend.changed == [TrendChange(key: key("22/TCP"), before: 5, after: 7)])
        #expect(exact.generatedAt == ts("2026-11-28"))
    }

    /// p1/ep-a host 11-27: 22/TCP 5 normal, 443/TCP 1. p2/ep-b host 11-26: 22/TCP 100 (older);
    /// p2/ep-b host 11-27: 22/TCP 3 danger, 3389/TCP 2. p1/ep-a container 11-27: 22/TCP 1.
    static func projects() throws -> (AnalysisStore, p1Host: Int64, p2Host: Int64, p1Container: Int64) {
        let s = try AnalysisStore("projects")
        let p1Host = try s.add(.host, at: "2026-11-27", project: "p1", enterprise: "ep-a", [(22, "TCP", 5, "normal"), (443, "TCP", 1, nil)])
        try s.add(.host, at: "2026-11-26", project: "p2", enterprise: "ep-b", [(22, "TCP", 100, nil)])
        let p2Host = try s.add(
            .host, at: "2026-11-27", project: "p2", enterprise: "ep-b", [(22, "TCP", 3, "danger"), (3389, "TCP", 2, nil)])
        let p1Container = try s.add(.container, at: "2026-11-27", project: "p1", enterprise: "ep-a", [(22, "TCP", 1, nil)])
        return (s, p1Host, p2Host, p1Container)
    }

    @Test("several projects are summed; the per-project rows are right")
    func severalProjects() throws {
        let (s, p1Host, p2Host, p1Container) = try Self.projects()
        let result = try s.analyze()
        // 22/TCP: host 5 + 3 = 8, container 1, total 9, danger (p2) over normal (p1).
        #expect(result.ranking.map(\.key) == keys(["22/TCP", "3389/TCP", "443/TCP"]))
        #expect(result.ranking.map(\.host) == [8, 2, 1])
        #expect(result.ranking.map(\.container) == [1, 0, 0])
        #expect(result.ranking.first?.status == .danger)
        #expect(Set(result.current[.host]?.map(\.id) ?? []) == [p1Host, p2Host])
        #expect(result.breakdown.host?.instances == 11)

        let rows = Dictionary(uniqueKeysWithValues: result.perProject.map { ($0.origin.projectID, $0) })
        #expect(rows.count == 2)
        let p1 = try #require(rows["p1"]), p2 = try #require(rows["p2"])
        #expect(p1.origin.enterpriseProjectID == "ep-a")
        #expect(p1.host?.id == p1Host && p1.container?.id == p1Container)
        #expect(p1.hostInstances == 6 && p1.containerInstances == 1)
        #expect(p2.host?.id == p2Host && p2.container == nil)
        #expect(p2.hostInstances == 5 && p2.containerInstances == 0)
    }

    @Test("--project and --enterprise-project narrow the scope")
    func projectScope() throws {
        let (s, _, p2Host, _) = try Self.projects()
        let p2 = try s.analyze(AnalysisScope(projectID: "p2"))
        #expect(p2.ranking.map(\.key) == keys(["22/TCP", "3389/TCP"]))
        #expect(p2.ranking.map(\.total) == [3, 2])
        #expect(p2.current[.host]?.map(\.id) == [p2Host])
        #expect(p2.current[.container] == nil)
        #expect(p2.warnings.contains { $0.contains("container") }, "no container snapshot for p2: \(p2.warnings)")
        // 11-26 → 11-27 in p2: 22/TCP 100 → 3 (−97), 3389/TCP new.
        let trend = try #require(p2.trends[.host])
        #expect(trend.changed == [TrendChange(key: key("22/TCP"), before: 100, after: 3)])
        #expect(trend.new == [TrendChange(key: key("3389/TCP"), before: 0, after: 2)])
        #expect(trend.gone.isEmpty)
        #expect(p2.perProject.count == 1)

        let epA = try s.analyze(AnalysisScope(enterpriseProjectID: "ep-a"))
        #expect(epA.ranking.map(\.key) == keys(["22/TCP", "443/TCP"]))
        #expect(epA.ranking.map(\.host) == [5, 1])
        #expect(epA.ranking.map(\.container) == [1, 0])
        #expect(epA.ranking.first?.status == .normal)
    }

    @Test("no snapshots in scope is an error that says so")
    func emptyScope() throws {
        let (s, _, _, _) = try Self.projects()
        #expect(throws: ReportError.self) { try s.analyze(AnalysisScope(projectID: "nope")) }
    }
}

@Suite("Analysis: trends with several projects")
struct AnalysisMultiProjectTrendTests {
    /// Two projects exported an hour apart, twice:
    /// p1 11-26T06:00 22/TCP 5;          p2 11-26T07:00 22/TCP 5
    /// p1 11-27T06:00 22/TCP 5, 23/TCP 1; p2 11-27T07:00 22/TCP 5, 80/TCP 2
    /// Summed, the previous figures are {22/TCP 10} and the current {22/TCP 10, 23/TCP 1, 80/TCP 2}:
    /// 23/TCP and 80/TCP are new, and 23/TCP (Telnet) is a new dangerous port.
    static func build() throws -> AnalysisStore {
        let s = try AnalysisStore("staggered")
        try s.add(.host, at: "2026-11-26T06:00:00Z", project: "p1", [(22, "TCP", 5, nil)])
        try s.add(.host, at: "2026-11-26T07:00:00Z", project: "p2", [(22, "TCP", 5, nil)])
        try s.add(.host, at: "2026-11-27T06:00:00Z", project: "p1", [(22, "TCP", 5, nil), (23, "TCP", 1, nil)])
        try s.add(.host, at: "2026-11-27T07:00:00Z", project: "p2", [(22, "TCP", 5, nil), (80, "TCP", 2, nil)])
        return s
    }

    @Test("the ranking sums both projects' current snapshots")
    func ranking() throws {
        let s = try Self.build()
        let result = try s.analyze()
        #expect(result.ranking.map(\.key) == keys(["22/TCP", "80/TCP", "23/TCP"]))
        #expect(result.ranking.map(\.total) == [10, 2, 1])
    }

    @Test("each project's previous export is compared with its current one, however far apart the projects' capture times")
    func staggeredTrend() throws {
        let s = try Self.build()
        let result = try s.analyze()
        let trend = try #require(result.trends[.host])
        #expect(trend.new == [TrendChange(key: key("80/TCP"), before: 0, after: 2), TrendChange(key: key("23/TCP"), before: 0, after: 1)])
        #expect(result.findings.map(\.key) == [key("23/TCP")], "the built-in policy must flag the new Telnet port")
        // Exported at the same second, the same data is judged right.
        let same = try AnalysisStore("aligned")
        try same.add(.host, at: "2026-11-26T06:00:00Z", project: "p1", [(22, "TCP", 5, nil)])
        try same.add(.host, at: "2026-11-26T06:00:00Z", project: "p2", [(22, "TCP", 5, nil)])
        try same.add(.host, at: "2026-11-27T06:00:00Z", project: "p1", [(22, "TCP", 5, nil), (23, "TCP", 1, nil)])
        try same.add(.host, at: "2026-11-27T06:00:00Z", project: "p2", [(22, "TCP", 5, nil), (80, "TCP", 2, nil)])
        let aligned = try same.analyze()
        #expect(
            aligned.trends[.host]?.new == [
                TrendChange(key: key("80/TCP"), before: 0, after: 2), TrendChange(key: key("23/TCP"), before: 0, after: 1)
            ])
        #expect(aligned.findings.map(\.key) == [key("23/TCP")])
    }
}
