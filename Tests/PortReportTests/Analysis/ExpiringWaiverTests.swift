import Foundation
import Testing

@testable import PortReport

@Suite("Analysis: waivers about to expire (expiring[]) and their owner")
struct ExpiringWaiverTests {
    /// On the history fixture (report time 2026-11-25T00:00Z), 21, 23 and 2375 are forbidden and
    /// each waived: A until the end of 12-09 (14 whole days left), B until the end of 12-10 (15),
    /// C until the end of 11-25 (0: it is still valid today).
    static let policy = """
        forbid:
          - ports: [21/tcp4, 23/tcp4, 2375/tcp4]
        waivers:
          - ports: [21/tcp4]
            reason: legacy
            ticket: A
            owner: net-team
            expires: 2026-12-09
          - ports: [23/tcp4]
            reason: legacy
            ticket: B
            expires: 2026-12-10
          - ports: [2375/tcp4]
            reason: build host
            ticket: C
            owner: ops
            expires: 2026-11-25
        """

    static func expiring(_ s: AnalysisStore, within: Int64? = nil, now: String? = nil) throws -> AnalysisResult {
        var history = HistoryOptions()
        if let within { history.expiringWithinDays = within }
        return try Analyzer(store: s.store).analyze(
            scope: AnalysisScope(), policy: try s.policy(policy), now: now.flatMap(ts), history: history)
    }

    @Test("the default window of 14 days, a wider and a narrower one, soonest first")
    func windows() throws {
        let s = try HistoryFixture.build()
        func rows(_ result: AnalysisResult) -> [String] {
            result.expiring.map { "\($0.waiver.ticket) \($0.finding.key) \($0.daysLeft) \($0.waiver.owner ?? "-")" }
        }
        #expect(rows(try Self.expiring(s)) == ["C 2375/TCP 0 ops", "A 21/TCP 14 net-team"])
        #expect(rows(try Self.expiring(s, within: 15)) == ["C 2375/TCP 0 ops", "A 21/TCP 14 net-team", "B 23/TCP 15 -"])
        #expect(rows(try Self.expiring(s, within: 0)) == ["C 2375/TCP 0 ops"])
        // A day later C has expired (an expired-waiver finding, not expiring) and the others have one day less.
        let later = try Self.expiring(s, now: "2026-11-26")
        #expect(rows(later) == ["A 21/TCP 13 net-team", "B 23/TCP 14 -"])
        #expect(later.findings.contains { $0.kind == .expiredWaiver && $0.waiver?.ticket == "C" })
    }

    @Test("the JSON lists expiring[] with the owner; waivers carry it too")
    func json() throws {
        let s = try HistoryFixture.build()
        let text = String(decoding: try JSONReportRenderer().render(try Self.expiring(s)), as: UTF8.self)
        #expect(
            text.contains(
                "\"ticket\": \"A\",\n      \"owner\": \"net-team\",\n      \"expires\": \"2026-12-09\",\n      \"days_left\": 14"))
        #expect(text.contains("\"expiring_within_days\": 14"))
        #expect(
            text.contains(
                "\"ticket\": \"B\",\n        \"reason\": \"legacy\",\n        \"expires\": \"2026-12-10\",\n        \"owner\": null"))
    }

    @Test("an empty owner is refused, naming the line")
    func emptyOwner() throws {
        let s = try AnalysisStore("owner")
        #expect(throws: PolicyError.self) {
            try s.policy("waivers:\n  - ports: [23]\n    reason: r\n    ticket: T\n    owner: \"\"\n    expires: 2027-01-01\n")
        }
    }
}
