import Foundation
import Testing

@testable import PortReport

/// Host 11-26: 22/TCP 1 (older than the two newest: not part of the trend).
/// Host 11-27: 22/TCP 10, 80/TCP 5, 443/TCP 3, 8080/TCP 2, 53/UDP 4, 53/UDP6 1, 8443/TCP 7.
/// Host 11-28: 22/TCP 12, 80/TCP 1, 443/TCP 5, 8443/TCP 5, 53/UDP 4, 3389/TCP 6, 9000/TCP6 6,
///             9000/TCP 6, 23/TCP 1.
/// Container 11-28 only: 80/TCP 1 (no container trend).
///
/// Host trend 11-27 → 11-28, by hand:
/// - changed: 80/TCP 5→1 (−4); then |delta| 2 three times, by port: 22/TCP 10→12, 443/TCP 3→5,
///   8443/TCP 7→5.
/// - new: 3389/TCP 6, 9000/TCP 6, 9000/TCP6 6 (|6| ties: port, then TCP < TCP6), 23/TCP 1.
/// - gone: 8080/TCP 2, 53/UDP6 1.
/// - unchanged: 53/UDP.
enum TrendFixture {
    static func build() throws -> (AnalysisStore, ids: [String: Int64]) {
        let s = try AnalysisStore("trend")
        var ids: [String: Int64] = [:]
        ids["h26"] = try s.add(.host, at: "2026-11-26", [(22, "TCP", 1, nil)])
        ids["h27"] = try s.add(
            .host, at: "2026-11-27",
            [
                (22, "TCP", 10, nil), (80, "TCP", 5, nil), (443, "TCP", 3, nil), (8080, "TCP", 2, nil), (53, "UDP", 4, nil),
                (53, "UDP6", 1, nil), (8443, "TCP", 7, nil)
            ])
        ids["h28"] = try s.add(
            .host, at: "2026-11-28",
            [
                (23, "TCP", 1, nil), (9000, "TCP6", 6, nil), (22, "TCP", 12, nil), (80, "TCP", 1, nil), (443, "TCP", 5, nil),
                (8443, "TCP", 5, nil), (53, "UDP", 4, nil), (3389, "TCP", 6, nil), (9000, "TCP", 6, nil)
            ])
        ids["c28"] = try s.add(.container, at: "2026-11-28", [(80, "TCP", 1, nil)])
        return (s, ids)
    }

    static let changed = [
        TrendChange(key: key("80/TCP"), before: 5, after: 1),
        TrendChange(key: key("22/TCP"), before: 10, after: 12),
        TrendChange(key: key("443/TCP"), before: 3, after: 5),
        TrendChange(key: key("8443/TCP"), before: 7, after: 5)
    ]
    static let new = [
        TrendChange(key: key("3389/TCP"), before: 0, after: 6),
        TrendChange(key: key("9000/TCP"), before: 0, after: 6),
        TrendChange(key: key("9000/TCP6"), before: 0, after: 6),
        TrendChange(key: key("23/TCP"), before: 0, after: 1)
    ]
    static let gone = [
        TrendChange(key: key("8080/TCP"), before: 2, after: 0),
        TrendChange(key: key("53/UDP6"), before: 1, after: 0)
    ]
}

@Suite("Analysis: trends and diff")
struct AnalysisTrendTests {
    @Test("new / gone / changed between the two newest complete snapshots, with before/after/delta and order")
    func hostTrend() throws {
        let (s, _) = try TrendFixture.build()
        let result = try s.analyze()
        let trend = try #require(result.trends[.host])
        #expect(trend.from == ts("2026-11-27"))
        #expect(trend.to == ts("2026-11-28"))
        #expect(trend.changed == TrendFixture.changed)
        #expect(trend.changed.map(\.delta) == [-4, 2, 2, -2])
        #expect(trend.new == TrendFixture.new)
        #expect(trend.gone == TrendFixture.gone)
        #expect(trend.gone.map(\.delta) == [-2, -1])
        #expect(result.trends[.container] == nil, "one container snapshot: no trend")
    }

    @Test("the built-in policy makes new catalogue ports findings: 23/TCP (Telnet), 3389/TCP (RDP)")
    func builtInFindings() throws {
        let (s, _) = try TrendFixture.build()
        let result = try s.analyze()
        #expect(result.findings.map(\.kind) == [.newDangerous, .newDangerous])
        #expect(result.findings.map(\.key) == keys(["23/TCP", "3389/TCP"]))
        #expect(result.findings.map(\.num) == [1, 6])
        #expect(result.findings.allSatisfy { $0.category == .host })
        #expect(result.headline.hasPrefix("2 new dangerous TCP ports since 2026-11-27"), "\(result.headline)")
        // Ports with a finding get a series even outside the top N.
        let small = try s.analyze(top: 1)
        let reasons = Dictionary(uniqueKeysWithValues: small.series.map { ($0.key, $0.reasons) })
        #expect(reasons[key("23/TCP")]?.contains("finding") == true)
        #expect(reasons[key("3389/TCP")]?.contains("finding") == true)
    }

    @Test("diff by id uses the trend definitions")
    func diffByID() throws {
        let (s, ids) = try TrendFixture.build()
        let diff = try Analyzer(store: s.store).diff(String(ids["h27"]!), String(ids["h28"]!), scope: AnalysisScope())
        #expect(diff.before.id == ids["h27"] && diff.after.id == ids["h28"])
        #expect(diff.changed == TrendFixture.changed)
        #expect(diff.new == TrendFixture.new)
        #expect(diff.gone == TrendFixture.gone)
        #expect(diff.warnings.isEmpty)
        // Reversed: new and gone swap, deltas change sign.
        let back = try Analyzer(store: s.store).diff(String(ids["h28"]!), String(ids["h27"]!), scope: AnalysisScope())
        #expect(Set(back.new.map(\.key)) == Set(TrendFixture.gone.map(\.key)))
        #expect(Set(back.gone.map(\.key)) == Set(TrendFixture.new.map(\.key)))
        #expect(back.changed.map(\.delta) == [4, -2, -2, 2])
    }

    @Test("diff by capture time; a time that matches several snapshots is an error listing them")
    func diffByTime() throws {
        let (s, ids) = try TrendFixture.build()
        let analyzer = Analyzer(store: s.store)
        // 11-26 → 11-27 by full time: 22/TCP 1→10, six new.
        let early = try analyzer.diff("2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z", scope: AnalysisScope())
        #expect(early.before.id == ids["h26"] && early.after.id == ids["h27"])
        #expect(early.changed == [TrendChange(key: key("22/TCP"), before: 1, after: 10)])
        #expect(early.new.map(\.key) == keys(["8443/TCP", "80/TCP", "53/UDP", "443/TCP", "8080/TCP", "53/UDP6"]))
        // By date alone.
        let byDate = try analyzer.diff("2026-11-26", "2026-11-27", scope: AnalysisScope())
        #expect(byDate.before.id == ids["h26"] && byDate.after.id == ids["h27"])

        // 11-28 holds a host and a container snapshot: ambiguous.
        do {
            _ = try analyzer.diff("2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z", scope: AnalysisScope())
            Issue.record("an ambiguous time must be an error")
        } catch {
            let text = "\(error)"
            #expect(text.contains("\(ids["h28"]!) (host"), "\(text)")
            #expect(text.contains("\(ids["c28"]!) (container"), "\(text)")
        }
        // --category disambiguates.
        let narrowed = try analyzer.diff("2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z", scope: AnalysisScope(category: .host))
        #expect(narrowed.after.id == ids["h28"])
        #expect(narrowed.new == TrendFixture.new)
        // Unknown references are errors too.
        #expect(throws: (any Error).self) { try analyzer.diff("2026-12-01", "2026-11-27", scope: AnalysisScope(category: .host)) }
        #expect(throws: (any Error).self) { try analyzer.diff("yesterday", "2026-11-27", scope: AnalysisScope(category: .host)) }
    }

    @Test("diff of an incomplete snapshot warns that missing ports may not be closed")
    func diffIncomplete() throws {
        let s = try AnalysisStore("diff")
        let a = try s.add(.host, at: "2026-11-27", [(22, "TCP", 5, nil), (80, "TCP", 1, nil)])
        let b = try s.add(.host, at: "2026-11-28", totalNum: 2, [(22, "TCP", 5, nil)])
        let diff = try Analyzer(store: s.store).diff(String(a), String(b), scope: AnalysisScope())
        #expect(diff.gone == [TrendChange(key: key("80/TCP"), before: 1, after: 0)])
        #expect(diff.warnings.contains { $0.contains("snapshot \(b)") && $0.contains("incomplete") }, "\(diff.warnings)")
    }
}

@Suite("Analysis: series")
struct AnalysisSeriesTests {
    /// Host snapshots every day 2026-10-01 … 2026-11-01 (32 days, index i = 0…31):
    /// 22/TCP num i+1; 9090/TCP num 1 on days i = 2…5 and i = 31 only.
    /// Container: one snapshot 2026-10-01: 22/TCP 100 (so the container figure is known throughout).
    ///
    /// Last point (11-01, i=31): 22/TCP total 32 + 100 = 132; 9090/TCP 1.
    /// 7 days back: 10-25 (i=24): 22/TCP 25 + 100 = 125 → change_7d = 7; 9090/TCP 0 → 1.
    /// 30 days back: 10-02 (i=1): 22/TCP 2 + 100 = 102 → change_30d = 30; 9090/TCP 0 → 1.
    /// 9090/TCP first seen 10-03 (i=2), last seen 11-01.
    static func build() throws -> AnalysisStore {
        let s = try AnalysisStore("series")
        let start = try #require(ts("2026-10-01")).secondsSinceEpoch
        for i in 0..<32 {
            let day = Timestamp(secondsSinceEpoch: start + Int64(i) * 86_400).dateString
            var records: [Rec] = [(22, "TCP", i + 1, nil)]
            if (2...5).contains(i) || i == 31 { records.append((9090, "TCP", 1, nil)) }
            try s.add(.host, at: day, records)
        }
        try s.add(.container, at: "2026-10-01", [(22, "TCP", 100, nil)])
        return s
    }

    @Test("points per capture time, first/last seen, change over 7 and 30 days")
    func longHistory() throws {
        let s = try Self.build()
        let result = try s.analyze()
        let ssh = try #require(result.series.first { $0.key == key("22/TCP") })
        #expect(ssh.points.count == 32)
        #expect(ssh.points.first?.capturedAt == ts("2026-10-01"))
        #expect(ssh.points.last?.capturedAt == ts("2026-11-01"))
        #expect(ssh.points.map(\.host) == (1...32).map { Int64($0) })
        #expect(ssh.points.allSatisfy { $0.container == 100 })
        #expect(ssh.points.map(\.total) == (1...32).map { Int64($0) + 100 })
        #expect(ssh.firstSeen == ts("2026-10-01"))
        #expect(ssh.lastSeen == ts("2026-11-01"))
        #expect(ssh.change7d == 7)
        #expect(ssh.change30d == 30)
        #expect(ssh.reasons.first == "top")

        let other = try #require(result.series.first { $0.key == key("9090/TCP") })
        let expectedHost: [Int64] = (0..<32).map { (2...5).contains($0) || $0 == 31 ? 1 : 0 }
        #expect(other.points.map(\.host) == expectedHost)
        #expect(other.points.allSatisfy { $0.container == 0 })
        #expect(other.firstSeen == ts("2026-10-03"))
        #expect(other.lastSeen == ts("2026-11-01"))
        #expect(other.change7d == 1)
        #expect(other.change30d == 1)
    }

    @Test("a short history has no windowed change; points before a category's first snapshot are nil")
    func shortHistory() throws {
        let s = try AnalysisStore("series")
        try s.add(.host, at: "2026-11-20", [(22, "TCP", 3, nil)])
        try s.add(.host, at: "2026-11-25", [(22, "TCP", 5, nil)])
        try s.add(.container, at: "2026-11-25", [(22, "TCP", 1, nil)])
        let result = try s.analyze()
        let ssh = try #require(result.series.first { $0.key == key("22/TCP") })
        #expect(
            ssh.points == [
                SeriesPoint(capturedAt: ts("2026-11-20")!, host: 3, container: nil),
                SeriesPoint(capturedAt: ts("2026-11-25")!, host: 5, container: 1)
            ])
        #expect(ssh.firstSeen == ts("2026-11-20"))
        #expect(ssh.lastSeen == ts("2026-11-25"))
        #expect(ssh.change7d == nil)
        #expect(ssh.change30d == nil)
    }

    @Test("exactly 7 days of history reaches the 7-day window, not the 30-day one")
    func sevenDayBoundary() throws {
        let s = try AnalysisStore("series")
        try s.add(.host, at: "2026-11-18", [(22, "TCP", 3, nil)])
        try s.add(.host, at: "2026-11-25", [(22, "TCP", 8, nil)])
        let ssh = try #require(try s.analyze(AnalysisScope(category: .host)).series.first { $0.key == key("22/TCP") })
        #expect(ssh.change7d == 5)
        #expect(ssh.change30d == nil)
    }
}
