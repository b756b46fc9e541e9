import Foundation
import Testing

@testable import PortReport

/// Host 11-27: 22/TCP 100, 23/TCP 1, 3389/TCP 2, 8080/TCP 5.
/// Host 11-28: 22/TCP 160, 22/TCP6 200, 23/TCP 2, 23/TCP6 1, 3389/TCP 2, 8080/TCP 5, 9000/TCP 12,
///             9001/TCP 3, 6379/TCP 1, 7777/TCP 4 (vendor: danger), 9000/UDP 10.
/// Container 11-27: 80/TCP 10.
/// Container 11-28: 80/TCP 10, 443/TCP 5, 2375/TCP 1, 23/UDP 1, 35000/TCP 3, 53/UDP 2.
///
/// New since 11-27 — host: 22/TCP6 200, 23/TCP6 1, 9000/TCP 12, 9001/TCP 3, 6379/TCP 1,
/// 7777/TCP 4, 9000/UDP 10; container: 443/TCP 5, 2375/TCP 1, 23/UDP 1, 35000/TCP 3, 53/UDP 2.
enum PolicyFixture {
    static func build() throws -> AnalysisStore {
        let s = try AnalysisStore("policy")
        try s.add(.host, at: "2026-11-27", [(22, "TCP", 100, nil), (23, "TCP", 1, nil), (3389, "TCP", 2, nil), (8080, "TCP", 5, nil)])
        try s.add(
            .host, at: "2026-11-28",
            [
                (22, "TCP", 160, nil), (22, "TCP6", 200, nil), (23, "TCP", 2, nil), (23, "TCP6", 1, nil), (3389, "TCP", 2, nil),
                (8080, "TCP", 5, nil), (9000, "TCP", 12, nil), (9001, "TCP", 3, nil), (6379, "TCP", 1, nil), (7777, "TCP", 4, "danger"),
                (9000, "UDP", 10, nil)
            ])
        try s.add(.container, at: "2026-11-27", [(80, "TCP", 10, nil)])
        try s.add(
            .container, at: "2026-11-28",
            [
                (80, "TCP", 10, nil), (443, "TCP", 5, nil), (2375, "TCP", 1, nil), (23, "UDP", 1, nil), (35000, "TCP", 3, nil),
                (53, "UDP", 2, nil)
            ])
        return s
    }

    /// `host 23/TCP` for compact comparisons.
    static func describe(_ findings: [Finding]) -> [String] {
        findings.map { "\($0.kind.rawValue) \($0.category.rawValue) \($0.key)" }
    }
}

struct ForbidCase: Sendable, CustomTestStringConvertible {
    let spec: String
    let category: String?
    let expected: [String]
    var testDescription: String { "forbid \(spec)\(category.map { " (\($0))" } ?? "")" }
}

@Suite("Analysis: policy")
struct AnalysisPolicyTests {
    static let forbidCases: [ForbidCase] = [
        // Every protocol, both categories; host findings first, then by port and type.
        ForbidCase(spec: "23", category: nil, expected: ["host 23/TCP", "host 23/TCP6", "container 23/UDP"]),
        ForbidCase(spec: "23", category: "container", expected: ["container 23/UDP"]),
        // tcp covers TCP and TCP6.
        ForbidCase(spec: "23/tcp", category: "host", expected: ["host 23/TCP", "host 23/TCP6"]),
        ForbidCase(spec: "23/tcp4", category: nil, expected: ["host 23/TCP"]),
        ForbidCase(spec: "23/tcp6", category: nil, expected: ["host 23/TCP6"]),
        ForbidCase(spec: "23/udp", category: nil, expected: ["container 23/UDP"]),
        ForbidCase(spec: "23/TCP", category: "host", expected: ["host 23/TCP", "host 23/TCP6"]),
        // Ranges.
        ForbidCase(spec: "9000-9001", category: nil, expected: ["host 9000/TCP", "host 9000/UDP", "host 9001/TCP"]),
        ForbidCase(spec: "9000-9001/udp", category: nil, expected: ["host 9000/UDP"]),
        ForbidCase(spec: "2000-2400/tcp", category: nil, expected: ["container 2375/TCP"]),
        ForbidCase(spec: "1-21", category: nil, expected: [])
    ]

    @Test("forbid, with every port spec form", arguments: AnalysisPolicyTests.forbidCases)
    func forbid(_ c: ForbidCase) throws {
        let s = try PolicyFixture.build()
        let policy = try s.policy(
            """
            forbid:
              - ports: [\(c.spec)]
            \(c.category.map { "    category: \($0)\n" } ?? "")    reason: not here
            """)
        let result = try s.analyze(policy: policy)
        #expect(PolicyFixture.describe(result.findings) == c.expected.map { "forbidden " + $0 })
        #expect(result.waived.isEmpty)
    }

    @Test("forbid reports the num; message names the reason")
    func forbidNum() throws {
        let s = try PolicyFixture.build()
        let policy = try s.policy("forbid:\n  - ports: [23/tcp4]\n    reason: clear-text remote shells\n")
        let finding = try #require(try s.analyze(policy: policy).findings.first)
        #expect(finding.num == 2)
        #expect(finding.message.contains("clear-text remote shells"))
    }

    @Test("limits: over max is a finding, equal to max is not")
    func limits() throws {
        let s = try PolicyFixture.build()
        // 22/TCP 160 > 150; 22/TCP6 is not named by tcp4.
        let a = try s.analyze(policy: try s.policy("limits:\n  - ports: [22/tcp4]\n    category: host\n    max: 150\n"))
        #expect(PolicyFixture.describe(a.findings) == ["over-limit host 22/TCP"])
        #expect(a.findings.first?.num == 160)
        // max 160: 22/TCP (160) is at the limit, 22/TCP6 (200) over it.
        let b = try s.analyze(policy: try s.policy("limits:\n  - ports: [22/tcp]\n    max: 160\n"))
        #expect(PolicyFixture.describe(b.findings) == ["over-limit host 22/TCP6"])
        // A container limit does not apply to hosts.
        let c = try s.analyze(policy: try s.policy("limits:\n  - ports: [22, 80]\n    category: container\n    max: 9\n"))
        #expect(PolicyFixture.describe(c.findings) == ["over-limit container 80/TCP"])
    }

    @Test("allow-list: anything else open in that category is a finding")
    func allowList() throws {
        let s = try PolicyFixture.build()
        let containers = try s.analyze(policy: try s.policy("allow:\n  container: [80/tcp, 443/tcp, 32768-60999/tcp]\n"))
        // 35000/TCP is in the range; 23/UDP, 53/UDP and 2375/TCP are not named. Hosts: no list.
        #expect(
            PolicyFixture.describe(containers.findings) == [
                "not-allowed container 23/UDP", "not-allowed container 53/UDP", "not-allowed container 2375/TCP"
            ])

        let hosts = try s.analyze(policy: try s.policy("allow:\n  host: [22/tcp, 8080/tcp4]\n"))
        #expect(
            PolicyFixture.describe(hosts.findings)
                == [
                    "23/TCP", "23/TCP6", "3389/TCP", "6379/TCP", "7777/TCP", "9000/TCP", "9000/UDP", "9001/TCP"
                ].map { "not-allowed host " + $0 })
    }

    @Test("new_ports: a port new since the previous export open on at least N (inclusive)")
    func newPorts() throws {
        let s = try PolicyFixture.build()
        let ten = try s.analyze(policy: try s.policy("new_ports: 10\n"))
        // 22/TCP6 200, 9000/TCP 12, 9000/UDP 10 (exactly 10 counts).
        #expect(PolicyFixture.describe(ten.findings) == ["new-port host 22/TCP6", "new-port host 9000/TCP", "new-port host 9000/UDP"])
        #expect(ten.findings.map(\.num) == [200, 12, 10])
        #expect(ten.headline == "3 new ports open on ≥ 10 hosts since 2026-11-27", "mixed types: no type word")

        let three = try s.analyze(policy: try s.policy("new_ports: 3\n"))
        #expect(
            PolicyFixture.describe(three.findings) == [
                "new-port host 22/TCP6", "new-port host 7777/TCP", "new-port host 9000/TCP", "new-port host 9000/UDP",
                "new-port host 9001/TCP",
                "new-port container 443/TCP", "new-port container 35000/TCP"
            ])
    }

    @Test("new_dangerous: catalogue ports (23/TCP6 via Telnet's tcp, 6379 Redis, 2375 Docker) and a vendor-danger port (7777)")
    func newDangerous() throws {
        let s = try PolicyFixture.build()
        let result = try s.analyze(policy: try s.policy("new_dangerous: true\n"))
        // Not 23/UDP (Telnet is TCP), not 3389/TCP (open before), not 53/UDP.
        #expect(
            PolicyFixture.describe(result.findings) == [
                "new-dangerous host 23/TCP6", "new-dangerous host 6379/TCP", "new-dangerous host 7777/TCP",
                "new-dangerous container 2375/TCP"
            ])
        #expect(result.findings.first { $0.key == key("7777/TCP") }?.message.contains("danger") == true)
    }

    static let waiverPolicy = """
        forbid:
          - ports: [23/tcp]
            category: host
        waivers:
          - ports: [23/tcp4]
            category: host
            kinds: [forbidden]
            reason: legacy switch console
            ticket: SEC-1
            expires: 2026-11-28
        """

    @Test("a valid waiver moves the finding to waived (the expiry date is inclusive)")
    func validWaiver() throws {
        let s = try PolicyFixture.build()
        let policy = try s.policy(Self.waiverPolicy)
        // Default now = newest capture, 2026-11-28T00:00:00Z; and the last second of the day.
        for now in [nil, ts("2026-11-28T23:59:59Z")] {
            let result = try s.analyze(policy: policy, now: now)
            #expect(PolicyFixture.describe(result.findings) == ["forbidden host 23/TCP6"], "now \(String(describing: now))")
            #expect(PolicyFixture.describe(result.waived) == ["forbidden host 23/TCP"])
            #expect(result.waived.first?.waiver?.ticket == "SEC-1")
            #expect(result.waived.first?.waiver?.expiresOn == "2026-11-28")
        }
    }

    @Test("an expired waiver: the finding counts again and the expiry is a finding of its own")
    func expiredWaiver() throws {
        let s = try PolicyFixture.build()
        let result = try s.analyze(policy: try s.policy(Self.waiverPolicy), now: ts("2026-11-29T00:00:00Z"))
        #expect(
            PolicyFixture.describe(result.findings) == ["forbidden host 23/TCP", "forbidden host 23/TCP6", "expired-waiver host 23/TCP"])
        #expect(result.waived.isEmpty)
        let expired = try #require(result.findings.last)
        #expect(expired.waiver?.ticket == "SEC-1")
        #expect(result.headline.contains("forbidden"), "\(result.headline)")
        #expect(result.headline.contains("and 1 more finding"), "\(result.headline)")
    }

    @Test("a waiver covers only its ports, category and kinds")
    func waiverScope() throws {
        let s = try PolicyFixture.build()
        func run(_ waiver: String) throws -> AnalysisResult {
            try s.analyze(
                policy: try s.policy(
                    "forbid:\n  - ports: [23]\n    category: host\nwaivers:\n  - reason: r\n    ticket: T-9\n    expires: 2030-01-01\n"
                        + waiver))
        }
        // Other kinds only: nothing waived.
        let kinds = try run("    ports: [23]\n    kinds: [over-limit, new-port]\n")
        #expect(PolicyFixture.describe(kinds.findings) == ["forbidden host 23/TCP", "forbidden host 23/TCP6"])
        #expect(kinds.waived.isEmpty)
        // Containers only: nothing waived.
        let category = try run("    ports: [23]\n    category: container\n")
        #expect(category.waived.isEmpty)
        // All kinds, every protocol: both waived.
        let all = try run("    ports: [23]\n")
        #expect(all.findings.isEmpty)
        #expect(PolicyFixture.describe(all.waived) == ["forbidden host 23/TCP", "forbidden host 23/TCP6"])
    }

    @Test(
        "port spec forms",
        arguments: [
            ("23", 23...23, Set(PortType.allCases)),
            ("23/tcp", 23...23, Set([PortType.tcp, .tcp6])),
            ("23/tcp4", 23...23, Set([PortType.tcp])),
            ("23/tcp6", 23...23, Set([PortType.tcp6])),
            ("53/udp", 53...53, Set([PortType.udp, .udp6])),
            ("53/udp4", 53...53, Set([PortType.udp])),
            ("53/UDP6", 53...53, Set([PortType.udp6])),
            ("8000-8100/tcp", 8000...8100, Set([PortType.tcp, .tcp6])),
            ("0-65535", 0...65535, Set(PortType.allCases))
        ])
    func portSpecs(text: String, ports: ClosedRange<Int>, types: Set<PortType>) throws {
        let spec = try #require(Policy.portSpec(text))
        #expect(spec.ports == ports)
        #expect(spec.types == types)
    }

    @Test("bad port specs are refused", arguments: ["23/icmp", "70000", "100-50", "", "/tcp", "a-b", "1-2-3", "-5", "23/tcp/udp"])
    func badPortSpecs(text: String) {
        #expect(Policy.portSpec(text) == nil)
    }

    @Test("a port with a slash but no protocol (23/) is refused, not read as every protocol")
    func trailingSlash() throws {
        #expect(Policy.portSpec("23/") == nil)
        // The same through a policy file: forbid [23/] should be an error naming line 2.
        let s = try PolicyFixture.build()
        let path = try s.policyPath("forbid:\n  - ports: [23/]\n")
        #expect(throws: PolicyError.self) { try Policy.load(path: path) }
    }
}

struct PolicyErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let line: Int
    let mentions: String
    var testDescription: String { name }
}

@Suite("Analysis: policy file errors")
struct AnalysisPolicyFileErrorTests {
    static let cases: [PolicyErrorCase] = [
        PolicyErrorCase(name: "unknown setting", yaml: "new_ports: 10\nfrobnicate: true\n", line: 2, mentions: "frobnicate"),
        PolicyErrorCase(
            name: "bad port 23/icmp", yaml: "forbid:\n  - ports: [22/tcp, 23/icmp]\n    reason: x\n", line: 2, mentions: "23/icmp"),
        PolicyErrorCase(name: "unknown field in a rule", yaml: "forbid:\n  - ports: [23]\n    colour: red\n", line: 3, mentions: "colour"),
        PolicyErrorCase(
            name: "bad category", yaml: "limits:\n  - ports: [22]\n    max: 3\n    category: vm\n", line: 4, mentions: "host or container"),
        PolicyErrorCase(name: "negative max", yaml: "limits:\n  - ports: [22]\n    max: -1\n", line: 3, mentions: "max"),
        PolicyErrorCase(
            name: "bad expiry", yaml: "waivers:\n  - ports: [23]\n    reason: r\n    ticket: T-1\n    expires: soon\n", line: 5,
            mentions: "expires"),
        PolicyErrorCase(
            name: "bad finding kind",
            yaml: "waivers:\n  - ports: [23]\n    kinds: [forbiden]\n    reason: r\n    ticket: T-1\n    expires: 2027-01-31\n", line: 3,
            mentions: "expected one of forbidden, over-limit"),
        PolicyErrorCase(name: "new_dangerous not a flag", yaml: "new_dangerous: maybe\n", line: 1, mentions: "true or false"),
        PolicyErrorCase(name: "not YAML", yaml: "forbid:\n  - ports: [23\n", line: 3, mentions: "YAML")
    ]

    @Test("errors name the file and the line", arguments: AnalysisPolicyFileErrorTests.cases)
    func errors(_ c: PolicyErrorCase) throws {
        let directory = try Fixtures.temporaryDirectory("policyerror")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.write(c.yaml, to: "policy.yaml", in: directory)
        do {
            _ = try Policy.load(path: path)
            Issue.record("\(c.name): the policy was accepted")
        } catch {
            #expect(error.file == path)
            #expect(error.description.contains(c.mentions), "\(error)")
            if c.name == "not YAML" {
                #expect(error.line != nil, "\(error)")
            } else {
                #expect(error.line == c.line, "\(error)")
                #expect(error.description.hasPrefix("\(path):\(c.line): "), "\(error)")
            }
        }
    }

    @Test("a setting given twice is refused, naming the line of the second")
    func duplicateSetting() throws {
        let directory = try Fixtures.temporaryDirectory("policyerror")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.write("forbid:\n  - ports: [23]\nforbid:\n  - ports: [24]\n", to: "policy.yaml", in: directory)
        do {
            _ = try Policy.load(path: path)
            Issue.record("a duplicated setting was accepted")
        } catch {
            #expect(error.description.contains("forbid"), "\(error)")
            #expect(error.line == 3, "\(error)")
        }
    }

    @Test("a waiver without a ticket is refused")
    func waiverWithoutTicket() throws {
        let directory = try Fixtures.temporaryDirectory("policyerror")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try Fixtures.write(
            "waivers:\n  - ports: [23]\n    reason: r\n    expires: 2027-01-31\n", to: "policy.yaml", in: directory)
        #expect(throws: PolicyError.self) { try Policy.load(path: path) }
    }

    @Test("a missing policy file is an error naming it")
    func missingFile() {
        do {
            _ = try Policy.load(path: "/nonexistent/policy.yaml")
            Issue.record("accepted a missing file")
        } catch {
            #expect(error.description.contains("/nonexistent/policy.yaml"))
        }
    }
}
