import Foundation
import Testing

@testable import PortReport

@Suite("Analysis: compliance references (controls)")
struct ControlTests {
    /// On the history fixture at 2026-11-25: 21 and 23 are open (forbidden), 22 is on 9 hosts
    /// (over a limit of 5); 23 is waived.
    static let policy = """
        forbid:
          - ports: [21/tcp4]
            controls: ["PCI DSS 4.0 1.2.1", "ISO 27001 A.8.20", "PCI DSS 4.0 1.2.1"]
          - ports: [23/tcp4]
            controls: ["PCI DSS 4.0 1.2.1"]
        limits:
          - ports: [22/tcp4]
            max: 5
            controls: [CIS 9.2]
        waivers:
          - ports: [23/tcp4]
            reason: legacy
            ticket: W-1
            expires: 2027-01-01
        """

    @Test("findings carry their rule's controls; the table by control lists findings and waived findings")
    func byControl() throws {
        let s = try HistoryFixture.build()
        let result = try Analyzer(store: s.store).analyze(scope: AnalysisScope(), policy: try s.policy(Self.policy))
        #expect(
            result.findings.map { "\($0.id) \($0.controls)" } == [
                "forbidden:host:21/TCP [\"PCI DSS 4.0 1.2.1\", \"ISO 27001 A.8.20\"]",
                // 2375 and 5900 are open but no rule here forbids them.
                "over-limit:host:22/TCP [\"CIS 9.2\"]"
            ])
        #expect(result.waived.map(\.controls) == [["PCI DSS 4.0 1.2.1"]])
        let table = result.byControl.map { "\($0.control): \($0.findings) / \($0.waived)" }
        #expect(
            table == [
                "CIS 9.2: [\"over-limit:host:22/TCP\"] / []", "ISO 27001 A.8.20: [\"forbidden:host:21/TCP\"] / []",
                "PCI DSS 4.0 1.2.1: [\"forbidden:host:21/TCP\"] / [\"forbidden:host:23/TCP\"]"
            ])
        let text = String(decoding: try JSONReportRenderer().render(result), as: UTF8.self)
        #expect(text.contains("\"controls\": [\n        \"CIS 9.2\"\n      ]"))
        #expect(
            text.contains(
                "\"control\": \"PCI DSS 4.0 1.2.1\",\n      \"findings\": [\n        \"forbidden:host:21/TCP\"\n      ],\n      \"waived\": [\n        \"forbidden:host:23/TCP\"\n      ]"
            ))
        // The HTML report reads them by control too, in the same order.
        let html = String(decoding: try HTMLReportRenderer().render(result), as: UTF8.self)
        #expect(html.contains("<h3>By control</h3>"))
        #expect(
            html.contains(
                "<td>CIS 9.2</td>\n<td>over-limit:host:22/TCP</td>\n<td></td>\n</tr>\n<tr>\n<td>ISO 27001 A.8.20</td>\n<td>forbidden:host:21/TCP</td>\n<td></td>\n</tr>\n<tr>\n<td>PCI DSS 4.0 1.2.1</td>\n<td>forbidden:host:21/TCP</td>\n<td>forbidden:host:23/TCP</td>"
            ), "\(html)")
    }

    @Test("a control that is no text, or empty, is refused")
    func badControls() throws {
        let s = try AnalysisStore("controls")
        #expect(throws: PolicyError.self) { try s.policy("forbid:\n  - ports: [23]\n    controls: [\"\"]\n") }
        #expect(throws: PolicyError.self) { try s.policy("forbid:\n  - ports: [23]\n    controls: PCI\n") }
        #expect(throws: PolicyError.self) { try s.policy("forbid:\n  - ports: [23]\n    controls: [[a]]\n") }
    }
}
