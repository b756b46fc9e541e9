import Foundation
import Testing

@testable import PortReport

/// One host and one container snapshot, both at 2026-11-27T00:00:00Z, worked by hand:
///
/// | key        | host         | container   | total | status  | container share |
/// |------------|--------------|-------------|-------|---------|-----------------|
/// | 443/TCP    | 3 danger     | 7 normal    | 10    | danger  | 7/10            |
/// | 22/TCP     | 5 normal     | 3 unknown   | 8     | normal  | 3/8             |
/// | 53/UDP     | 4 unknown    | 4 (none)    | 8     | unknown | 1/2             |
/// | 22/TCP6    | 5 (none)     | —           | 5     | nil     | 0               |
/// | 80/TCP     | 3 unknown    | —           | 3     | unknown | 0               |
/// | 80/TCP6    | —            | 3 (none)    | 3     | nil     | 1               |
/// | 80/UDP     | 1 danger     | 2 unknown   | 3     | danger  | 2/3             |
/// | 80/UDP6    | 3 normal     | —           | 3     | normal  | 0               |
/// | 4/TCP      | 2 (none)     | —           | 2     | nil     | 0               |
/// | 1024/TCP   | —            | 2 (none)    | 2     | nil     | 1               |
/// | 0/TCP      | 1 normal     | —           | 1     | normal  | 0               |
/// | 1023/UDP6  | 1 (none)     | —           | 1     | nil     | 0               |
/// | 49151/UDP  | —            | 1 (none)    | 1     | nil     | 1               |
/// | 49152/TCP6 | —            | 1 danger    | 1     | danger  | 1               |
/// | 65535/UDP6 | —            | 1 (none)    | 1     | nil     | 1               |
///
/// The rows are already in the expected order: total desc; ties 22/TCP–53/UDP by port; the four
/// 80/* rows by type TCP < TCP6 < UDP < UDP6; 4/TCP before 1024/TCP; the five 1s by port.
/// Host: 10 records, 28 instances. Container: 9 records, 24 instances. Grand total 52.
/// Cumulative totals: 10 18 26 31 34 37 40 43 45 47 48 49 50 51 52.
enum RankingFixture {
    struct Row {
        let key: PortKey
        let host: Int64
        let container: Int64
        let status: VendorStatus?
    }

    static let expected: [Row] = [
        Row(key: key("443/TCP"), host: 3, container: 7, status: .danger),
        Row(key: key("22/TCP"), host: 5, container: 3, status: .normal),
        Row(key: key("53/UDP"), host: 4, container: 4, status: .unknown),
        Row(key: key("22/TCP6"), host: 5, container: 0, status: nil),
        Row(key: key("80/TCP"), host: 3, container: 0, status: .unknown),
        Row(key: key("80/TCP6"), host: 0, container: 3, status: nil),
        Row(key: key("80/UDP"), host: 1, container: 2, status: .danger),
        Row(key: key("80/UDP6"), host: 3, container: 0, status: .normal),
        Row(key: key("4/TCP"), host: 2, container: 0, status: nil),
        Row(key: key("1024/TCP"), host: 0, container: 2, status: nil),
        Row(key: key("0/TCP"), host: 1, container: 0, status: .normal),
        Row(key: key("1023/UDP6"), host: 1, container: 0, status: nil),
        Row(key: key("49151/UDP"), host: 0, container: 1, status: nil),
        Row(key: key("49152/TCP6"), host: 0, container: 1, status: .danger),
        Row(key: key("65535/UDP6"), host: 0, container: 1, status: nil)
    ]
    static let cumulative: [Int64] = [10, 18, 26, 31, 34, 37, 40, 43, 45, 47, 48, 49, 50, 51, 52]
    static let grand: Double = 52

    /// The pages, in a scrambled order so that nothing depends on the file's order.
    static func build() throws -> AnalysisStore {
        let s = try AnalysisStore("ranking")
        try s.add(
            .host, at: "2026-11-27",
            [
                (80, "UDP6", 3, "normal"), (1023, "UDP6", 1, nil), (22, "TCP", 5, "normal"), (0, "TCP", 1, "normal"),
                (443, "TCP", 3, "danger"), (4, "TCP", 2, nil), (22, "TCP6", 5, nil), (80, "UDP", 1, "danger"),
                (53, "UDP", 4, "unknown"), (80, "TCP", 3, "unknown")
            ])
        try s.add(
            .container, at: "2026-11-27",
            [
                (65535, "UDP6", 1, nil), (49152, "TCP6", 1, "danger"), (80, "UDP", 2, "unknown"), (443, "TCP", 7, "normal"),
                (1024, "TCP", 2, nil), (80, "TCP6", 3, nil), (49151, "UDP", 1, nil), (22, "TCP", 3, "unknown"), (53, "UDP", 4, nil)
            ])
        return s
    }
}

@Suite("Analysis: ranking")
struct AnalysisRankingTests {
    @Test("rows, order, ranks, host/container/total and status combination match the hand-worked table")
    func rowsAndOrder() throws {
        let s = try RankingFixture.build()
        let result = try s.analyze()
        let expected = RankingFixture.expected
        #expect(result.ranking.map(\.key) == expected.map(\.key))
        try #require(result.ranking.count == expected.count)
        for (index, (row, want)) in zip(result.ranking, expected).enumerated() {
            #expect(row.rank == index + 1, "\(want.key)")
            #expect(row.host == want.host, "\(want.key)")
            #expect(row.container == want.container, "\(want.key)")
            #expect(row.total == want.host + want.container, "\(want.key)")
            #expect(row.status == want.status, "\(want.key)")
        }
    }

    @Test("share, cumulative share and container share; shares sum to 1 and the last cumulative share is 1")
    func shares() throws {
        let s = try RankingFixture.build()
        let result = try s.analyze()
        try #require(result.ranking.count == RankingFixture.expected.count)
        for (index, (row, want)) in zip(result.ranking, RankingFixture.expected).enumerated() {
            let total = Double(want.host + want.container)
            #expect(abs(row.share - total / RankingFixture.grand) < 1e-12, "\(want.key)")
            #expect(abs(row.cumulativeShare - Double(RankingFixture.cumulative[index]) / RankingFixture.grand) < 1e-12, "\(want.key)")
            #expect(abs(row.containerShare - Double(want.container) / total) < 1e-12, "\(want.key)")
        }
        // Spot checks written out: 443/TCP 10/52, 7/10 in containers; 80/UDP 2/3 in containers.
        #expect(abs(result.ranking[0].share - 0.19230769230769232) < 1e-12)
        #expect(abs(result.ranking[0].containerShare - 0.7) < 1e-12)
        #expect(abs(result.ranking[6].containerShare - 2.0 / 3.0) < 1e-12)
        let sum = result.ranking.reduce(0.0) { $0 + $1.share }
        #expect(abs(sum - 1) < 1e-9)
        #expect(abs((result.ranking.last?.cumulativeShare ?? 0) - 1) < 1e-9)
        // Cumulative share never decreases.
        for (a, b) in zip(result.ranking, result.ranking.dropFirst()) { #expect(a.cumulativeShare <= b.cumulativeShare) }
    }

    @Test("range classes at the boundaries 0, 1023, 1024, 49151, 49152, 65535")
    func ranges() throws {
        let s = try RankingFixture.build()
        let byKey = Dictionary(uniqueKeysWithValues: try s.analyze().ranking.map { ($0.key, $0.range) })
        #expect(byKey[key("0/TCP")] == .wellKnown)
        #expect(byKey[key("1023/UDP6")] == .wellKnown)
        #expect(byKey[key("1024/TCP")] == .registered)
        #expect(byKey[key("49151/UDP")] == .registered)
        #expect(byKey[key("49152/TCP6")] == .dynamic)
        #expect(byKey[key("65535/UDP6")] == .dynamic)
        #expect(byKey[key("443/TCP")] == .wellKnown)
        #expect(PortRange.wellKnown.rawValue == "well-known")
    }

    @Test("IANA service names: 22/TCP ssh (TCP6 too), 53/UDP domain, 443/TCP https, 80/TCP http; nil for unassigned 4/TCP")
    func serviceNames() throws {
        let s = try RankingFixture.build()
        let byKey = Dictionary(uniqueKeysWithValues: try s.analyze().ranking.map { ($0.key, $0.service) })
        #expect(byKey[key("22/TCP")] == "ssh")
        #expect(byKey[key("22/TCP6")] == "ssh")
        #expect(byKey[key("53/UDP")] == "domain")
        #expect(byKey[key("443/TCP")] == "https")
        #expect(byKey[key("80/TCP")] == "http")
        #expect(byKey[key("4/TCP")] == .some(nil), "port 4 is unassigned in the IANA registry")
    }

    @Test("risk catalogue entries ride on the rows (443 none; Telnet covers TCP6, not UDP)")
    func riskOnRows() throws {
        #expect(RiskCatalogue.entry(port: 23, type: .tcp)?.service == "Telnet")
        #expect(RiskCatalogue.entry(port: 23, type: .tcp6)?.service == "Telnet")
        #expect(RiskCatalogue.entry(port: 23, type: .udp) == nil)
        #expect(RiskCatalogue.entry(port: 11211, type: .udp6) != nil)
        let s = try RankingFixture.build()
        #expect(try s.analyze().ranking.allSatisfy { $0.risk == nil }, "no port of the fixture is in the catalogue")
    }

    @Test("only one snapshot per category: no trends, no movers")
    func noTrendWithOneSnapshot() throws {
        let s = try RankingFixture.build()
        let result = try s.analyze()
        #expect(result.trends.isEmpty)
        #expect(result.movers == nil)
        #expect(result.findings.isEmpty)
    }

    @Test("--top limits the series drawn, never the ranking; danger rows get a series too")
    func topAndSeriesReasons() throws {
        let s = try RankingFixture.build()
        let result = try s.analyze(top: 2)
        #expect(result.top == 2)
        #expect(result.ranking.count == 15)
        // Series: the top 2 (443/TCP, 22/TCP) and every danger row (443/TCP, 80/UDP, 49152/TCP6).
        let reasons = Dictionary(uniqueKeysWithValues: result.series.map { ($0.key, $0.reasons) })
        #expect(Set(reasons.keys) == Set(keys(["443/TCP", "22/TCP", "80/UDP", "49152/TCP6"])))
        #expect(reasons[key("443/TCP")] == ["top", "danger"])
        #expect(reasons[key("22/TCP")] == ["top"])
        #expect(reasons[key("80/UDP")] == ["danger"])
    }

    @Test("a single category in scope: rows carry 0 for the other")
    func categoryScope() throws {
        let s = try RankingFixture.build()
        let result = try s.analyze(AnalysisScope(category: .container))
        // Container only: 443/TCP 7, 53/UDP 4, 22/TCP 3, 80/TCP6 3, 80/UDP 2, 1024/TCP 2, then the 1s by port.
        #expect(
            result.ranking.map(\.key)
                == keys(["443/TCP", "53/UDP", "22/TCP", "80/TCP6", "80/UDP", "1024/TCP", "49151/UDP", "49152/TCP6", "65535/UDP6"]))
        #expect(result.ranking.allSatisfy { $0.host == 0 && $0.total == $0.container && $0.containerShare == 1 })
        #expect(result.breakdown.host == nil)
        #expect(result.ranking.first?.status == .normal, "443/TCP: normal in containers; the host's danger is out of scope")
    }
}

@Suite("Analysis: breakdown")
struct AnalysisBreakdownTests {
    @Test("per category: records, instances, types, ranges (hand-worked from the ranking fixture)")
    func perCategory() throws {
        let s = try RankingFixture.build()
        let breakdown = try s.analyze().breakdown
        let host = try #require(breakdown.host)
        let container = try #require(breakdown.container)
        // Host: 443/TCP 3, 22/TCP 5, 53/UDP 4, 22/TCP6 5, 80/TCP 3, 80/UDP 1, 80/UDP6 3, 4/TCP 2, 0/TCP 1, 1023/UDP6 1.
        #expect(host.ports == 10)
        #expect(host.instances == 28)
        #expect(host.types == [.tcp: 5, .tcp6: 1, .udp: 2, .udp6: 2])
        #expect(host.ranges == [.wellKnown: 10, .registered: 0, .dynamic: 0])
        // Container: 443/TCP 7, 22/TCP 3, 53/UDP 4, 80/TCP6 3, 80/UDP 2, 1024/TCP 2, 49151/UDP 1, 49152/TCP6 1, 65535/UDP6 1.
        #expect(container.ports == 9)
        #expect(container.instances == 24)
        #expect(container.types == [.tcp: 3, .tcp6: 2, .udp: 3, .udp6: 1])
        #expect(container.ranges == [.wellKnown: 5, .registered: 2, .dynamic: 2])
    }

    @Test("both / host only / container only lists")
    func lists() throws {
        let s = try RankingFixture.build()
        let breakdown = try s.analyze().breakdown
        #expect(Set(breakdown.both) == Set(keys(["22/TCP", "53/UDP", "80/UDP", "443/TCP"])))
        #expect(Set(breakdown.hostOnly) == Set(keys(["0/TCP", "4/TCP", "22/TCP6", "80/TCP", "80/UDP6", "1023/UDP6"])))
        #expect(Set(breakdown.containerOnly) == Set(keys(["80/TCP6", "1024/TCP", "49151/UDP", "49152/TCP6", "65535/UDP6"])))
        #expect(breakdown.both.count + breakdown.hostOnly.count == 10)
        #expect(breakdown.both.count + breakdown.containerOnly.count == 9)
    }
}
