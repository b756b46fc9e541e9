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

    /// 11-01: 22/TCP on 5, 80/TCP on 2. 11-02: the same, plus 3389/TCP on 4 (rated danger) and
    /// 8080/TCP on 12. So on 11-02: 3389 is forbidden by vendor_danger, 3389 and 8080 are not in
    /// the allow-list, 8080 is new on at least 10 (3389 on only 4), and 3389 is a new dangerous
    /// port (RDP is in the catalogue, and rated danger). Each kind carries its own rule's ids.
    static let everyKind = """
        allow:
          host: {ports: [22/tcp, 80/tcp], controls: [ALLOW-1]}
        new_ports: {min: 10, controls: [NEW-1, NEW-2]}
        new_dangerous: {controls: [DANGER-1]}
        vendor_danger: {action: forbid, controls: [VENDOR-1]}
        """

    @Test("controls on allow, new_ports, new_dangerous and vendor_danger: every finding kind a rule raises carries them")
    func everyRuleKind() throws {
        let s = try AnalysisStore("controlkinds")
        try s.add(.host, at: "2026-11-01", [(22, "TCP", 5, "normal"), (80, "TCP", 2, "normal")])
        try s.add(
            .host, at: "2026-11-02",
            [(22, "TCP", 5, "normal"), (80, "TCP", 2, "normal"), (3389, "TCP", 4, "danger"), (8080, "TCP", 12, "normal")])
        let result = try Analyzer(store: s.store).analyze(scope: AnalysisScope(), policy: try s.policy(Self.everyKind))
        #expect(
            result.findings.map { "\($0.id) \($0.controls.joined(separator: ","))" } == [
                "forbidden:host:3389/TCP VENDOR-1",
                "not-allowed:host:3389/TCP ALLOW-1",
                "not-allowed:host:8080/TCP ALLOW-1",
                "new-port:host:8080/TCP NEW-1,NEW-2",
                "new-dangerous:host:3389/TCP DANGER-1"
            ])
        #expect(
            result.byControl.map { "\($0.control): \($0.findings.joined(separator: " "))" } == [
                "ALLOW-1: not-allowed:host:3389/TCP not-allowed:host:8080/TCP", "DANGER-1: new-dangerous:host:3389/TCP",
                "NEW-1: new-port:host:8080/TCP", "NEW-2: new-port:host:8080/TCP", "VENDOR-1: forbidden:host:3389/TCP"
            ])
        // The short forms still read, without controls; `enabled: false` turns new_dangerous off.
        let short = try s.policy("allow:\n  host: [22/tcp]\nnew_ports: 10\nnew_dangerous: true\nvendor_danger: forbid\n")
        #expect(short.allow[.host]?.count == 1 && short.allowControls.isEmpty && short.newPorts == 10)
        #expect(short.newDangerous && short.forbidVendorDanger && short.newPortControls.isEmpty && short.vendorDangerControls.isEmpty)
        let off = try s.policy("new_dangerous: {enabled: false, controls: [X]}\n")
        #expect(!off.newDangerous)
    }

    @Test(
        "the mapping forms refuse what they do not take",
        arguments: [
            "new_ports: {controls: [A]}\n",  // no min
            "new_ports: {min: -1}\n",
            "vendor_danger: {controls: [A]}\n",  // no action
            "vendor_danger: {action: allow}\n",
            "vendor_danger: allow\n",
            "new_dangerous: {enabled: maybe}\n",
            "new_dangerous: {controls: [A], reason: x}\n",
            "allow:\n  host: {controls: [A]}\n",  // no ports
            "allow:\n  host: {ports: [22], controls: A}\n",
            "allow:\n  host: {ports: [22], controls: [\"\"]}\n"
        ])
    func badMappingForms(_ yaml: String) throws {
        let s = try AnalysisStore("controlforms")
        #expect(throws: PolicyError.self) { try s.policy(yaml) }
    }

    @Test("a control that is no text, or empty, is refused")
    func badControls() throws {
        let s = try AnalysisStore("controls")
        #expect(throws: PolicyError.self) { try s.policy("forbid:\n  - ports: [23]\n    controls: [\"\"]\n") }
        #expect(throws: PolicyError.self) { try s.policy("forbid:\n  - ports: [23]\n    controls: PCI\n") }
        #expect(throws: PolicyError.self) { try s.policy("forbid:\n  - ports: [23]\n    controls: [[a]]\n") }
    }
}
