import Foundation
import Testing

@testable import PortReport

/// A hand-worked drill-down history of 22/TCP on hosts of project p1: one ListPortHost query
/// (`port=22&type=TCP`) a day, beside a statistics snapshot each day. `x` is listed (on
/// 0.0.0.0 unless noted), `-` is not.
///
///     host        11-24  11-25  11-26*  11-27  11-28
///     h1 web-1      x      x      -       x      x (0.0.0.0 and 127.0.0.1)
///     h2 db-1       x      x      -       -      x
///     h3 new-1      -      -      -       -      x
///     h4 old-1      -      x      x       -      -
///     h5 gone-1     x      -      -       -      -
///     h6 app-1      -      -      -       x      x (127.0.0.1 on 11-27)
///
/// `*` 11-26 is incomplete (total_num 3, 1 record): the history skips it, so h1 missing there does
/// not break its run. The report's time is the newest capture, 2026-11-28T00:00:00Z.
///
/// Under `forbid 22/tcp` the finding's assets on 11-28 are h1, h2, h3, h6:
/// - h1: listed 11-24, 11-25, (skipped), 11-27, 11-28: one run from 11-24, persisting, 4 days.
/// - h2: listed 11-24, 11-25, not 11-27, listed 11-28: reopened, first seen 11-28, 0 days.
/// - h3: first listed 11-28, never before: new, 0 days.
/// - h6: listed 11-27 and 11-28: persisting, first seen 11-27, 1 day.
/// Resolved (not listed 11-28): h4 ran 11-25 to 11-26 (its 11-26 listing is in the skipped,
/// incomplete snapshot, so only 11-25 counts) and is gone at 11-27: 2 days open; h5 ran 11-24 and
/// is gone at 11-25: 1 day open. Newest resolution first: h4, then h5.
enum AssetHistoryFixture {
    static let days = ["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"]

    static func host(_ id: String, _ name: String, _ laddr: String = "0.0.0.0") -> DetailRecord {
        DetailRecord(hostID: id, hostName: name, hostIP: "10.0.0.\(id.dropFirst())", laddr: laddr, port: 22, type: .tcp)
    }

    static let listed: [[DetailRecord]] = [
        [host("h1", "web-1"), host("h2", "db-1"), host("h5", "gone-1")],
        [host("h1", "web-1"), host("h2", "db-1"), host("h4", "old-1")],
        [host("h4", "old-1")],
        [host("h1", "web-1"), host("h6", "app-1", "127.0.0.1")],
        [host("h1", "web-1"), host("h1", "web-1", "127.0.0.1"), host("h2", "db-1"), host("h3", "new-1"), host("h6", "app-1")]
    ]

    static func build() throws -> AnalysisStore {
        let s = try AnalysisStore("assethistory")
        for (index, day) in days.enumerated() {
            let hosts = Set(listed[index].map(\.hostID)).count + (index == 2 ? 1 : 0)
            try s.add(.host, at: day, project: "p1", [(22, "TCP", hosts, nil)])
        }
        let provenance = MetadataProvenance(project: "flag --project", enterpriseProject: "not given", category: "path", capturedAt: "path")
        try s.store.importSession(importedAt: Timestamp(secondsSinceEpoch: 1_900_000_000)) { session in
            for (index, day) in days.enumerated() {
                let time = try #require(ts(day))
                let key = DetailKey(
                    projectID: "p1", enterpriseProjectID: "", category: .host, capturedAt: time, kind: .portHosts, port: 22, type: .tcp,
                    hostID: "", filters: "")
                let records = listed[index]
                let total = Int64(index == 2 ? 3 : records.count)
                let page = DetailPage(
                    key: key, provenance: provenance, path: "detail-\(index).json", entry: -1, sha256: "sha-\(index)", size: 100,
                    totalNum: total)
                try session.input { _ = try session.addDetail(page, records: records) }
            }
            _ = try session.finishDetails()
            return .commit
        }
        return s
    }

    static func analyze(
        _ s: AnalysisStore, policy: String = "forbid:\n  - ports: [22/tcp]\n", window: Int64 = 30
    ) throws
        -> AnalysisResult
    {
        var history = HistoryOptions()
        history.resolvedWindowDays = window
        return try Analyzer(store: s.store).analyze(scope: AnalysisScope(), policy: try s.policy(policy), history: history)
    }

    /// `web-1 0.0.0.0 2026-11-24 4 persisting`, one line per asset of the finding.
    static func ages(_ result: AnalysisResult, _ finding: Finding) -> [String] {
        finding.assets.map { asset in
            let age = result.assetHistory.age(of: asset, in: finding)
            return "\(asset.displayName) \(asset.laddr) "
                + (age.map { "\($0.firstSeen.dateString) \($0.ageDays) \($0.state.rawValue)" } ?? "no age")
        }.sorted()
    }

    /// `old-1 2026-11-25 → 2026-11-27 2`.
    static func resolved(_ result: AnalysisResult) -> [String] {
        result.assetHistory.resolved.map {
            "\($0.findingID) \($0.asset.displayName) \($0.firstSeen.dateString) → \($0.resolvedAt.dateString) \($0.daysOpen)"
        }
    }
}

@Suite("Analysis: finding history per asset (drill-down)")
struct AssetHistoryTests {
    typealias F = AssetHistoryFixture

    /// Without the skip, the incomplete 11-26 snapshot would end h1's run: first seen 11-27.
    @Test("first_seen, age_days and each state per asset, worked out from the table")
    func ages() throws {
        let s = try F.build()
        let result = try F.analyze(s)
        let finding = try #require(result.findings.first { $0.id == "forbidden:host:22/TCP" })
        #expect(
            F.ages(result, finding) == [
                "app-1 0.0.0.0 2026-11-27 1 persisting",
                "db-1 0.0.0.0 2026-11-28 0 reopened",
                "new-1 0.0.0.0 2026-11-28 0 new",
                "web-1 0.0.0.0 2026-11-24 4 persisting",
                "web-1 127.0.0.1 2026-11-24 4 persisting"
            ])
    }

    @Test("assets behind the finding before and not now are resolved, newest first, with days open")
    func resolvedAssets() throws {
        let s = try F.build()
        let result = try F.analyze(s)
        #expect(
            F.resolved(result) == [
                "forbidden:host:22/TCP old-1 2026-11-25 → 2026-11-27 2",
                "forbidden:host:22/TCP gone-1 2026-11-24 → 2026-11-25 1"
            ])
        // A window of 2 days reaches back to 11-26: h5, gone at 11-25, is left out.
        #expect(F.resolved(try F.analyze(s, window: 2)) == ["forbidden:host:22/TCP old-1 2026-11-25 → 2026-11-27 2"])
    }

    /// Only assets on every interface are behind the narrowed rule: h6 listened on 127.0.0.1 on
    /// 11-27 and on 0.0.0.0 on 11-28, so under it h6 is new there (under the plain rule it
    /// persists since 11-27). h1 matches through its 0.0.0.0 address on every day it is listed.
    @Test("under a rule narrowed by exposure an asset is behind the finding only while it matched")
    func narrowedRule() throws {
        let s = try F.build()
        let result = try F.analyze(s, policy: "forbid:\n  - ports: [22/tcp]\n    exposure: [all-interfaces]\n")
        let finding = try #require(result.findings.first { $0.id == "forbidden:host:22/TCP" })
        #expect(
            F.ages(result, finding) == [
                "app-1 0.0.0.0 2026-11-28 0 new",
                "db-1 0.0.0.0 2026-11-28 0 reopened",
                "new-1 0.0.0.0 2026-11-28 0 new",
                "web-1 0.0.0.0 2026-11-24 4 persisting"
            ])
    }

    /// With the query's newest snapshot alone (a report as of 11-24), every asset is new.
    @Test("a report as of an earlier time follows the history only up to its drill-down snapshot")
    func asOfEarlier() throws {
        let s = try F.build()
        var history = HistoryOptions()
        history.resolvedWindowDays = 30
        let result = try Analyzer(store: s.store).analyze(
            scope: AnalysisScope(asOf: ts("2026-11-24")), policy: try s.policy("forbid:\n  - ports: [22/tcp]\n"), history: history)
        let finding = try #require(result.findings.first)
        #expect(
            F.ages(result, finding) == [
                "db-1 0.0.0.0 2026-11-24 0 new", "gone-1 0.0.0.0 2026-11-24 0 new", "web-1 0.0.0.0 2026-11-24 0 new"
            ])
        #expect(result.assetHistory.resolved.isEmpty)
    }

    @Test("the JSON gives each finding asset first_seen, age_days and state, and lists resolved_assets")
    func json() throws {
        let s = try F.build()
        let result = try F.analyze(s)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(JSONReportRenderer().render(result))) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        let finding = try #require(findings.first { $0["id"] as? String == "forbidden:host:22/TCP" })
        let assets = try #require(finding["assets"] as? [[String: Any]])
        let db = try #require(assets.first { $0["host_id"] as? String == "h2" })
        #expect(db["first_seen"] as? String == "2026-11-28T00:00:00Z")
        #expect(db["age_days"] as? Int == 0)
        #expect(db["state"] as? String == "reopened")
        let web = try #require(assets.first { $0["host_id"] as? String == "h1" })
        #expect(web["first_seen"] as? String == "2026-11-24T00:00:00Z" && web["age_days"] as? Int == 4)
        let resolved = try #require(object["resolved_assets"] as? [[String: Any]])
        #expect(resolved.map { $0["host_id"] as? String } == ["h4", "h5"])
        let old = try #require(resolved.first)
        #expect(old["finding"] as? String == "forbidden:host:22/TCP" && old["port"] as? Int == 22 && old["type"] as? String == "TCP")
        #expect(old["first_seen"] as? String == "2026-11-25T00:00:00Z" && old["resolved_at"] as? String == "2026-11-27T00:00:00Z")
        #expect(old["days_open"] as? Int == 2 && old["host_name"] as? String == "old-1")
    }
}

/// The fold alone, fed by hand: times 1..4 (days), assets a and b.
@Suite("Analysis: asset runs")
struct AssetRunsTests {
    static func asset(_ id: String) -> DrilldownAsset {
        DrilldownAsset(
            category: .host, projectID: "p", hostID: id, hostName: "", hostIP: "", containerID: "", containerName: "", laddr: "0.0.0.0",
            exposure: .allInterfaces, pid: 0, path: "", status: nil)
    }

    static func day(_ n: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: n * 86_400) }

    /// a: x - x x → persisting since day 3; b: x x - - → resolved at day 3 after 2 days; c: - - - x
    /// → new; d: x - - x → reopened.
    @Test("runs give first seen, state and resolution")
    func fold() {
        var runs = AssetRuns()
        let a = Self.asset("a"), b = Self.asset("b"), c = Self.asset("c"), d = Self.asset("d")
        runs.add(at: Self.day(1), assets: [a, b, d])
        runs.add(at: Self.day(2), assets: [b])
        runs.add(at: Self.day(3), assets: [a])
        runs.add(at: Self.day(4), assets: [a, c, d])
        let now = Self.day(10)
        #expect(runs.age(of: .init(a), now: now) == AssetAge(firstSeen: Self.day(3), ageDays: 7, state: .persisting))
        #expect(runs.age(of: .init(c), now: now) == AssetAge(firstSeen: Self.day(4), ageDays: 6, state: .new))
        #expect(runs.age(of: .init(d), now: now) == AssetAge(firstSeen: Self.day(4), ageDays: 6, state: .reopened))
        #expect(runs.age(of: .init(b), now: now) == nil)
        let gone = runs.resolved(notBefore: Int64.min)
        #expect(gone.map { "\($0.asset.hostID) \($0.firstSeen) \($0.resolvedAt)" } == ["b \(Self.day(1)) \(Self.day(3))"])
        #expect(runs.resolved(notBefore: Self.day(4).secondsSinceEpoch).isEmpty)
    }
}

@Suite("Analysis: finding history per asset, waivers and ListPorts")
struct AssetHistoryMoreTests {
    typealias F = AssetHistoryFixture

    /// The waiver names db-* (h2 db-1): the waived part holds db-1, reopened on 11-28 as in the
    /// table; the rest keeps web-1, new-1 and app-1 with their ages. db-1 is behind the finding's
    /// id (in its waived part), so it is not resolved; h4 and h5 still are.
    @Test("a waiver's part and the rest of a finding share its assets' history")
    func waivedPart() throws {
        let s = try F.build()
        let result = try F.analyze(
            s,
            policy: """
                forbid:
                  - ports: [22/tcp]
                waivers:
                  - ports: [22/tcp]
                    assets: [db-*]
                    reason: database tunnel
                    ticket: W-9
                    expires: 2027-12-31
                """)
        let waived = try #require(result.waived.first)
        #expect(F.ages(result, waived) == ["db-1 0.0.0.0 2026-11-28 0 reopened"])
        let rest = try #require(result.findings.first { $0.id == "forbidden:host:22/TCP" })
        #expect(
            F.ages(result, rest) == [
                "app-1 0.0.0.0 2026-11-27 1 persisting", "new-1 0.0.0.0 2026-11-28 0 new", "web-1 0.0.0.0 2026-11-24 4 persisting",
                "web-1 127.0.0.1 2026-11-24 4 persisting"
            ])
        #expect(result.assetHistory.resolved.map(\.asset.hostID) == ["h4", "h5"])
    }

    /// ListPorts of server h9 on three days: 3389/TCP listed on 12-01, not on 12-02, again on
    /// 12-03 (22/TCP on every day, which no rule forbids). So on 12-03 h9 is behind the 3389
    /// finding again: reopened, first seen 12-03, 0 days; nothing is resolved.
    @Test("a finding whose assets come from ListPorts follows that server's query")
    func listPorts() throws {
        let s = try AnalysisStore("assethistorylistports")
        let days = ["2026-12-01", "2026-12-02", "2026-12-03"]
        let rdp = [true, false, true]
        for (index, day) in days.enumerated() {
            try s.add(.host, at: day, project: "p1", [(22, "TCP", 1, nil)] + (rdp[index] ? [(3389, "TCP", 1, nil)] : []))
        }
        let provenance = MetadataProvenance(project: "flag --project", enterpriseProject: "not given", category: "path", capturedAt: "path")
        try s.store.importSession(importedAt: Timestamp(secondsSinceEpoch: 1_900_000_000)) { session in
            for (index, day) in days.enumerated() {
                let key = DetailKey(
                    projectID: "p1", enterpriseProjectID: "", category: .host, capturedAt: try #require(ts(day)), kind: .hostPorts,
                    port: nil, type: nil, hostID: "h9", filters: "")
                var records = [DetailRecord(hostID: "h9", laddr: "0.0.0.0", port: 22, type: .tcp)]
                if rdp[index] { records.append(DetailRecord(hostID: "h9", laddr: "0.0.0.0", port: 3389, type: .tcp)) }
                let page = DetailPage(
                    key: key, provenance: provenance, path: "h9-\(index).json", entry: -1, sha256: "h9-\(index)", size: 10,
                    totalNum: Int64(records.count))
                try session.input { _ = try session.addDetail(page, records: records) }
            }
            _ = try session.finishDetails()
            return .commit
        }
        let result = try F.analyze(s, policy: "forbid:\n  - ports: [3389/tcp]\n")
        let finding = try #require(result.findings.first)
        #expect(finding.id == "forbidden:host:3389/TCP")
        #expect(F.ages(result, finding) == ["h9 0.0.0.0 2026-12-03 0 reopened"])
        #expect(result.assetHistory.resolved.isEmpty)
    }
}
