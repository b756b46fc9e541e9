import Foundation
import Testing

@testable import PortReport

@Suite("Analysis: the heartbeat (no change since the previous export)")
struct HeartbeatTests {
    static let policy = "forbid:\n  - ports: [23/tcp4]\n"

    @Test("the same figures as the previous export: the headline, the email's headline and its subject say so, with the time")
    func unchanged() throws {
        let s = try AnalysisStore("heartbeat")
        try s.add(.host, at: "2026-11-01T06:00:00Z", [(22, "TCP", 5, nil), (80, "TCP", 2, nil)])
        try s.add(.host, at: "2026-11-02T06:00:00Z", [(22, "TCP", 5, nil), (80, "TCP", 2, nil)])
        let result = try s.analyze(policy: try s.policy(Self.policy))
        #expect(result.unchangedSince == ts("2026-11-01T06:00:00Z"))
        // 2 ports, 5 + 2 = 7 instances.
        #expect(
            result.headline
                == "No change since 2026-11-01T06:00:00Z: As of 2026-11-02: 2 ports open on hosts (7 instances), 0 new and 0 gone since 2026-11-01; no policy findings"
        )
        #expect(MIMEMessage.defaultSubject(for: result) == "Open ports: " + result.headline)
        let email = String(decoding: try EmailHTMLRenderer().render(result), as: UTF8.self)
        #expect(email.contains("No change since 2026-11-01T06:00:00Z: As of 2026-11-02"))
        let json = String(decoding: try JSONReportRenderer().render(result), as: UTF8.self)
        #expect(json.contains("\"unchanged_since\": \"2026-11-01T06:00:00Z\""))
    }

    @Test("a changed count, a new port, one export only, or a category with no previous export: no heartbeat")
    func changed() throws {
        let count = try AnalysisStore("heartbeat")
        try count.add(.host, at: "2026-11-01", [(22, "TCP", 5, nil)])
        try count.add(.host, at: "2026-11-02", [(22, "TCP", 6, nil)])
        #expect(try count.analyze().unchangedSince == nil)

        let port = try AnalysisStore("heartbeat")
        try port.add(.host, at: "2026-11-01", [(22, "TCP", 5, nil)])
        try port.add(.host, at: "2026-11-02", [(22, "TCP", 5, nil), (23, "TCP", 1, nil)])
        let withPort = try port.analyze()
        #expect(withPort.unchangedSince == nil && !withPort.headline.contains("No change"))

        let one = try AnalysisStore("heartbeat")
        try one.add(.host, at: "2026-11-01", [(22, "TCP", 5, nil)])
        #expect(try one.analyze().unchangedSince == nil)

        // Hosts unchanged, but the containers have one export only: nothing to compare them with.
        let mixed = try AnalysisStore("heartbeat")
        try mixed.add(.host, at: "2026-11-01", [(22, "TCP", 5, nil)])
        try mixed.add(.host, at: "2026-11-02", [(22, "TCP", 5, nil)])
        try mixed.add(.container, at: "2026-11-02", [(80, "TCP", 3, nil)])
        #expect(try mixed.analyze().unchangedSince == nil)
    }

    @Test("unchanged figures with a finding: the headline keeps the finding after the heartbeat")
    func unchangedWithFinding() throws {
        let s = try AnalysisStore("heartbeat")
        try s.add(.host, at: "2026-11-01", [(23, "TCP", 1, nil)])
        try s.add(.host, at: "2026-11-02", [(23, "TCP", 1, nil)])
        let result = try s.analyze(policy: try s.policy(Self.policy))
        #expect(result.headline == "No change since 2026-11-01T00:00:00Z: 1 forbidden TCP port open: 23/TCP on 1 host")
    }
}
