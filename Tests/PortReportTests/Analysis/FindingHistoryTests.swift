import Foundation
import Testing

@testable import PortReport

/// A hand-worked host history (TCP only, one project), under this policy:
/// forbid 21, 23, 2375, 5900; 22 at most 10; 8080 at most 3.
///
///     time        21  22  23  2375  5900  8080
///     2026-11-01   2   5   1     -     -     5   22 ok, 8080 over
///     2026-11-05   2  12   2     -     -     2   22 over (from here), 8080 within: resolved
///     2026-11-10   1  15   -     -     -     -   23 closed
///     2026-11-20   1   8   -     1     -     -   22 within: resolved; 2375 opens
///     2026-11-25   1   9   1     1     1     -   23 again; 5900 opens
enum HistoryFixture {
    static let policy = """
        forbid:
          - ports: [21/tcp4, 23/tcp4, 2375/tcp4, 5900/tcp4]
        limits:
          - ports: [22/tcp4]
            max: 10
          - ports: [8080/tcp4]
            max: 3
        """

    static func build() throws -> AnalysisStore {
        let s = try AnalysisStore("history")
        try s.add(.host, at: "2026-11-01", [(21, "TCP", 2, nil), (22, "TCP", 5, nil), (23, "TCP", 1, nil), (8080, "TCP", 5, nil)])
        try s.add(.host, at: "2026-11-05", [(21, "TCP", 2, nil), (22, "TCP", 12, nil), (23, "TCP", 2, nil), (8080, "TCP", 2, nil)])
        try s.add(.host, at: "2026-11-10", [(21, "TCP", 1, nil), (22, "TCP", 15, nil)])
        try s.add(.host, at: "2026-11-20", [(21, "TCP", 1, nil), (22, "TCP", 8, nil), (2375, "TCP", 1, nil)])
        try s.add(
            .host, at: "2026-11-25",
            [(21, "TCP", 1, nil), (22, "TCP", 9, nil), (23, "TCP", 1, nil), (2375, "TCP", 1, nil), (5900, "TCP", 1, nil)])
        return s
    }

    static func analyze(_ s: AnalysisStore, now: String? = nil, window: Int64 = 30) throws -> AnalysisResult {
        var history = HistoryOptions()
        history.resolvedWindowDays = window
        return try Analyzer(store: s.store).analyze(
            scope: AnalysisScope(), policy: try s.policy(policy), now: now.flatMap(ts), history: history)
    }

    /// `forbidden:host:21/TCP 2026-11-01 24 persisting`.
    static func describe(_ findings: [Finding]) -> [String] {
        findings.map { f in
            "\(f.id) \(f.age.map { "\($0.firstSeen.dateString) \($0.ageDays) \($0.state.rawValue)" } ?? "no age")"
        }
    }

    static func describe(_ resolved: [ResolvedFinding]) -> [String] {
        resolved.map { "\($0.id) \($0.firstSeen.dateString) → \($0.resolvedAt.dateString) \($0.daysOpen)" }
    }
}

@Suite("Analysis: finding history (first seen, age, state, resolved)")
struct FindingHistoryTests {
    @Test("first_seen, age_days and each state, worked out from the table")
    func ages() throws {
        let s = try HistoryFixture.build()
        let result = try HistoryFixture.analyze(s)
        // 21 held at every time: since 11-01, 24 days to 11-25. 23 held 11-01..11-05, not 11-10 or
        // 11-20, again 11-25: reopened today. 2375 since 11-20 (5 days). 5900 only today: new.
        #expect(
            HistoryFixture.describe(result.findings) == [
                "forbidden:host:21/TCP 2026-11-01 24 persisting", "forbidden:host:23/TCP 2026-11-25 0 reopened",
                "forbidden:host:2375/TCP 2026-11-20 5 persisting", "forbidden:host:5900/TCP 2026-11-25 0 new"
            ])
        // A later report time ages them; first_seen and state stay.
        let later = try HistoryFixture.analyze(s, now: "2026-12-01")
        #expect(later.findings.map { $0.age?.ageDays } == [30, 6, 11, 6])
    }

    @Test("resolved[]: runs that ended, with days_open and the mean time to close; a reopened finding is not resolved")
    func resolved() throws {
        let s = try HistoryFixture.build()
        let result = try HistoryFixture.analyze(s)
        // 22 over 10 from 11-05 to 11-10, within on 11-20: 15 days. 8080 over on 11-01, within on
        // 11-05: 4 days. 23 closed on 11-10 but holds again: not resolved. Newest first.
        #expect(
            HistoryFixture.describe(result.resolved) == [
                "over-limit:host:22/TCP 2026-11-05 → 2026-11-20 15", "over-limit:host:8080/TCP 2026-11-01 → 2026-11-05 4"
            ])
        #expect(result.timeToClose.count == 1)
        #expect(result.timeToClose.first?.kind == .overLimit && result.timeToClose.first?.resolved == 2)
        #expect(result.timeToClose.first?.meanDaysOpen == 9.5)
    }

    @Test("the window: a resolution exactly window days before the report's time is in, one day more is out")
    func window() throws {
        let s = try HistoryFixture.build()
        // From 11-25: 22 resolved 11-20 (5 days back), 8080 on 11-05 (20 days back).
        #expect(try HistoryFixture.analyze(s, window: 5).resolved.map(\.key) == [key("22/TCP")])
        #expect(try HistoryFixture.analyze(s, window: 4).resolved.isEmpty)
        #expect(try HistoryFixture.analyze(s, window: 20).resolved.count == 2)
        #expect(try HistoryFixture.analyze(s, window: 19).resolved.count == 1)
        // --now 2026-12-25, 30 days: back to 11-25, both earlier.
        #expect(try HistoryFixture.analyze(s, now: "2026-12-25").resolved.isEmpty)
    }

    @Test("the JSON carries id, first_seen, age_days, state, resolved[] and time_to_close[]")
    func json() throws {
        let s = try HistoryFixture.build()
        let text = String(decoding: try JSONReportRenderer().render(try HistoryFixture.analyze(s)), as: UTF8.self)
        #expect(
            text.contains(
                "\"id\": \"forbidden:host:23/TCP\",\n      \"first_seen\": \"2026-11-25T00:00:00Z\",\n      \"age_days\": 0,\n      \"state\": \"reopened\""
            ))
        #expect(text.contains("\"resolved_at\": \"2026-11-20T00:00:00Z\",\n      \"days_open\": 15"))
        #expect(text.contains("\"mean_days_open\": 9.500000"))
    }
}
