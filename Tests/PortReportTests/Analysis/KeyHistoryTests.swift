import Foundation
import Testing

@testable import PortReport

/// The history sweep that series, sparklines and the finding history read: at each capture time,
/// per category, the sum over projects of each project's newest snapshot at or before it.
@Suite("Analysis: the figures of the followed ports at every capture time")
struct KeyHistoryTests {
    // Project a: host at t1 (22/TCP 5 normal, 23/TCP 2 danger) and t3 (22/TCP 7 normal; 23 gone);
    // container at t2 (80/TCP 4). Project b: host at t2 (22/TCP 1 unknown, 23/TCP 1 normal).
    static let t1 = "2026-11-01T00:00:00Z", t2 = "2026-11-02T00:00:00Z", t3 = "2026-11-03T00:00:00Z"

    static func history(keys: Set<PortKey>) throws -> (KeyHistory, ids: [String: Int64]) {
        let s = try AnalysisStore("keyhistory")
        var ids: [String: Int64] = [:]
        ids["a-host-1"] = try s.add(.host, at: t1, project: "a", [(22, "TCP", 5, "normal"), (23, "TCP", 2, "danger")])
        ids["a-container-2"] = try s.add(.container, at: t2, project: "a", [(80, "TCP", 4, "normal")])
        ids["b-host-2"] = try s.add(.host, at: t2, project: "b", [(22, "TCP", 1, "unknown"), (23, "TCP", 1, "normal")])
        ids["a-host-3"] = try s.add(.host, at: t3, project: "a", [(22, "TCP", 7, "normal")])
        let history = try s.store.withAnalysisReader { reader in
            let timelines = Timelines(infos: try reader.snapshots(in: AnalysisScope()), categories: Category.allCases)
            return try KeyHistory(reader: reader, timelines: timelines, categories: Category.allCases, keys: keys)
        }
        return (history, ids)
    }

    static let ssh = PortKey(port: 22, type: .tcp), telnet = PortKey(port: 23, type: .tcp), http = PortKey(port: 80, type: .tcp)

    @Test("sums each project's newest snapshot at each time; a project that has not exported yet adds nothing")
    func totals() throws {
        let (history, _) = try Self.history(keys: [Self.ssh, Self.telnet, Self.http])
        #expect(history.times.map(\.rfc3339) == [Self.t1, Self.t2, Self.t3])
        // 22/TCP: t1 a 5; t2 a 5 + b 1; t3 a 7 + b 1.
        #expect((0..<3).map { history.total(.host, at: $0, of: Self.ssh) } == [5, 6, 8])
        // 23/TCP: t1 a 2; t2 a 2 + b 1; t3 a no longer lists it, b 1.
        #expect((0..<3).map { history.total(.host, at: $0, of: Self.telnet) } == [2, 3, 1])
        // Containers: no figure before a's first container export at t2.
        #expect((0..<3).map { history.total(.container, at: $0, of: Self.http) } == [nil, 4, 4])
        #expect(history.total(.container, at: 1, of: Self.ssh) == 0)
    }

    @Test("the verdict is the worst among the projects listing the port, and nil where none lists it")
    func verdicts() throws {
        let (history, _) = try Self.history(keys: [Self.ssh, Self.telnet, Self.http])
        #expect(history.value(.host, at: 1, of: Self.telnet) == RecordValue(num: 3, status: .danger))
        #expect(history.value(.host, at: 2, of: Self.telnet) == RecordValue(num: 1, status: .normal))
        // normal (a) over unknown (b).
        #expect(history.value(.host, at: 1, of: Self.ssh) == RecordValue(num: 6, status: .normal))
        #expect(history.value(.host, at: 0, of: Self.http) == nil)
        #expect(history.value(.container, at: 0, of: Self.http) == nil)
        // A port not followed has no value, whatever the snapshots hold.
        let (narrow, _) = try Self.history(keys: [Self.http])
        #expect(narrow.value(.host, at: 0, of: Self.ssh) == nil)
        #expect(narrow.total(.host, at: 0, of: Self.ssh) == 0)
    }

    @Test("the snapshots the figures from a time on are made of")
    func snapshots() throws {
        let (history, ids) = try Self.history(keys: [Self.ssh])
        let all = Set(ids.values)
        #expect(Set(history.snapshotIDs(from: 0)) == all)
        // From t3: a's host at t3, b's host at t2, a's container at t2 (a's host at t1 was replaced).
        #expect(Set(history.snapshotIDs(from: 2)) == all.subtracting([ids["a-host-1"] ?? -1]))
    }
}

@Suite("JSON: --series keeps each series' last points")
struct SeriesPointsTests {
    @Test("--series 2 on three capture times: the last two points, first_seen of the whole history, series_points said")
    func lastPoints() throws {
        let s = try AnalysisStore("seriespoints")
        try s.add(.host, at: "2026-11-01T00:00:00Z", [(22, "TCP", 5, "normal")])
        try s.add(.host, at: "2026-11-02T00:00:00Z", [(22, "TCP", 6, "normal")])
        try s.add(.host, at: "2026-11-03T00:00:00Z", [(22, "TCP", 7, "normal")])
        var history = HistoryOptions()
        history.seriesPoints = 2
        let result = try Analyzer(store: s.store).analyze(scope: AnalysisScope(), history: history)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(try JSONReportRenderer().render(result))) as? [String: Any])
        #expect(json["series_points"] as? Int == 2)
        let series = try #require((json["series"] as? [[String: Any]])?.first)
        #expect(series["first_seen"] as? String == "2026-11-01T00:00:00Z")
        let points = try #require(series["points"] as? [[String: Any]])
        #expect(points.map { $0["captured_at"] as? String } == ["2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"])
        #expect(points.map { $0["host"] as? Int } == [6, 7])
        // Without it: every capture time, and null.
        let whole = try #require(
            try JSONSerialization.jsonObject(with: Data(try JSONReportRenderer().render(try s.analyze()))) as? [String: Any])
        #expect(whole["series_points"] is NSNull)
        #expect(((whole["series"] as? [[String: Any]])?.first?["points"] as? [Any])?.count == 3)
    }
}
