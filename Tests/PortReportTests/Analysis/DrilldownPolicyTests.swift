// Policy rules narrowed by exposure and names, and waivers that name assets, over hand-built
// drill-down entries. Expected findings are worked out by hand in the comments.

import Testing

@testable import PortReport

@Suite("Analysis: policy over drill-down assets")
struct DrilldownPolicyTests {
    typealias F = DetailFixture

    /// Host statistics: 22/TCP on `ssh` hosts (3 unless given), 23/TCP on 2 (no drill-down).
    /// Drill-down of 22/TCP, captured at `detailAt`: web-1 on 0.0.0.0 and 127.0.0.1, db-1 on
    /// 10.0.0.5 (2 hosts: with 3 in the statistics, one host is not listed).
    static func evaluate(
        _ yaml: String, now: String = "2026-11-28", ssh: Int64 = 3, detailAt: String = "2026-11-28"
    ) throws
        -> PolicyEvaluation
    {
        let detail = F.snapshot(
            1, at: detailAt,
            [F.host("h1", "web-1", "0.0.0.0"), F.host("h1", "web-1", "127.0.0.1"), F.host("h2", "db-1", "10.0.0.5")])
        let statistics = F.records([(k(22, .tcp), ssh), (k(23, .tcp), 2)])
        let entries = F.entries(
            [detail], current: [.host: [F.info(10, at: "2026-11-28")]], statistics: [.host: [F.origin("p1"): statistics]])
        let policy = try Policy.parse(yaml, file: "policy.yaml")
        return PolicyEvaluation(policy: policy, aggregates: [.host: statistics], trends: [:], generatedAt: F.time(now), drilldown: entries)
    }

    static func names(_ finding: Finding?) -> [String] {
        Array(Set(finding?.assets.map(\.displayName) ?? [])).sorted()
    }

    @Test("an unnarrowed finding carries every asset of its port")
    func unnarrowedCarriesAssets() throws {
        let result = try Self.evaluate("forbid:\n  - ports: [22/tcp]\n")
        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1)
        #expect(finding.num == 3)  // the statistics' num, as before
        #expect(F.describe(finding.assets) == ["web-1 0.0.0.0 all-interfaces", "web-1 127.0.0.1 loopback", "db-1 10.0.0.5 specific"])
    }

    /// The statistics' 2 hosts are the drill-down's 2: only web-1 listens on every interface, so 1
    /// host, and only that observation.
    @Test("a rule narrowed by exposure counts only the matching assets")
    func narrowedByExposure() throws {
        let result = try Self.evaluate(
            "forbid:\n  - ports: [22/tcp]\n    exposure: [all-interfaces]\n    reason: no wide SSH\n", ssh: 2)
        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1)
        #expect(finding.num == 1)
        #expect(F.describe(finding.assets) == ["web-1 0.0.0.0 all-interfaces"])
        #expect(finding.message == "22/TCP is open on 1 host listening on all interfaces (2 in the statistics): no wide SSH (forbidden)")
    }

    /// 3 in the statistics, 2 listed: the third host might listen on every interface, so it
    /// counts as matching: web-1 + 1 = 2. Failing closed: a rule must not pass on what the
    /// drill-down does not show.
    @Test("the assets the drill-down does not list count as matching a narrowed rule, and the message says how many")
    func unlistedCountAsMatching() throws {
        let result = try Self.evaluate("forbid:\n  - ports: [22/tcp]\n    exposure: [all-interfaces]\n    reason: no wide SSH\n")
        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1 && finding.num == 2)
        #expect(F.describe(finding.assets) == ["web-1 0.0.0.0 all-interfaces"])
        #expect(
            finding.message
                == "22/TCP is open on 2 hosts listening on all interfaces (3 in the statistics; 1 not in the drill-down, counted as matching): no wide SSH (forbidden)"
        )
        // A rule no listed host matches still fires on the unlisted one: db-?0 matches nobody listed.
        let none = try Self.evaluate("forbid:\n  - ports: [22/tcp]\n    host_names: ['db-?0']\n")
        #expect(none.findings.map(\.num) == [1] && none.findings.first?.assets == [])
    }

    /// The drill-down is of 2026-11-27, the statistics of 11-28: web-1 may have moved to another
    /// address since, so the rule cannot be narrowed and counts the statistics' 2.
    @Test("a drill-down older than the statistics does not narrow a rule: every one is counted, and the message says why")
    func olderDrilldownDoesNotNarrow() throws {
        let result = try Self.evaluate("forbid:\n  - ports: [22/tcp]\n    exposure: [loopback]\n", ssh: 2, detailAt: "2026-11-27")
        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1 && finding.num == 2)
        #expect(
            finding.message
                == "22/TCP is open on 2 hosts (forbidden) (the rule counts only assets listening on loopback, but the drill-down is older than the statistics (assets may have opened, closed or moved since): the narrowing could not be applied and every one is counted)"
        )
    }

    /// `WEB-?` matches web-1 in any letter case; `db-?0` matches nothing; `d?-*` matches db-1.
    @Test(
        "a rule narrowed by host names counts only the matching hosts",
        arguments: [("WEB-?", ["web-1"]), ("db-?0", []), ("d?-*", ["db-1"]), ("h2", ["db-1"]), ("*", ["db-1", "web-1"])])
    func narrowedByHostNames(_ pattern: String, _ expected: [String]) throws {
        let result = try Self.evaluate("forbid:\n  - ports: [22/tcp]\n    host_names: ['\(pattern)']\n", ssh: 2)
        #expect(Self.names(result.findings.first) == expected)
        #expect(result.findings.count == (expected.isEmpty ? 0 : 1))
        #expect(result.findings.first.map { $0.num } == (expected.isEmpty ? nil : Int64(expected.count)))
    }

    /// The first rule (loopback on db-*) matches nothing, so it is not raised and the second,
    /// unnarrowed rule gives the finding with all 2.
    @Test("a narrowed rule that matches no asset gives way to the next rule naming the port")
    func narrowedRuleGivesWay() throws {
        let result = try Self.evaluate(
            """
            forbid:
              - ports: [22/tcp]
                exposure: [loopback]
                host_names: [db-*]
              - ports: [22]
                reason: second rule
            """, ssh: 2)
        let finding = try #require(result.findings.first)
        #expect(result.findings.count == 1)
        #expect(finding.num == 2)
        #expect(finding.message == "22/TCP is open on 2 hosts: second rule (forbidden)")
    }

    /// Hosts carry no container: a container_names rule matches none of them, not even the host
    /// the drill-down does not list.
    @Test("container_names never matches a server")
    func containerNamesOnHosts() throws {
        let result = try Self.evaluate("forbid:\n  - ports: [22/tcp]\n    container_names: ['*']\n")
        #expect(result.findings.isEmpty)
    }

    /// 23/TCP has no drill-down: the rule counts the statistics' 2 and says so.
    @Test("without drill-down data the narrowed rule fires on the statistics and says the narrowing could not be applied")
    func narrowingWithoutDetail() throws {
        let result = try Self.evaluate("forbid:\n  - ports: [23/tcp]\n    exposure: [all-interfaces]\n")
        let finding = try #require(result.findings.first)
        #expect(finding.num == 2 && finding.assets.isEmpty)
        #expect(
            finding.message
                == "23/TCP is open on 2 hosts (forbidden) (the rule counts only assets listening on all interfaces, but there is no drill-down data for this port: the narrowing could not be applied and every one is counted)"
        )
    }

    /// With 2 in the statistics: limit 1 over all-interfaces and specific: web-1 (0.0.0.0) and
    /// db-1 (10.0.0.5) = 2 > 1; limit 2: 2 is not over 2, so no finding. With 3 in the statistics
    /// the unlisted host counts as matching: 3 > 2.
    @Test(
        "a narrowed limit compares the matching assets with its max",
        arguments: [(Int64(2), 1, Int64?(2)), (2, 2, nil), (3, 2, 3)])
    func narrowedLimit(_ ssh: Int64, _ max: Int, _ expected: Int64?) throws {
        let result = try Self.evaluate(
            "limits:\n  - ports: [22/tcp]\n    max: \(max)\n    exposure: [all-interfaces, specific]\n", ssh: ssh)
        #expect(result.findings.first.map { $0.num } == expected)
        #expect(result.findings.allSatisfy { $0.kind == .overLimit })
    }

    /// The waiver names web-*: web-1's part (1 host) is waived; db-1 and the host the drill-down
    /// does not list remain: 3 − 1 = 2.
    @Test("a waiver naming assets covers only their part")
    func assetWaiverPart() throws {
        let result = try Self.evaluate(
            """
            forbid:
              - ports: [22/tcp]
            waivers:
              - ports: [22/tcp]
                assets: [web-*]
                reason: jump hosts
                ticket: SEC-1
                expires: 2027-01-31
            """)
        let waived = try #require(result.waived.first)
        #expect(result.waived.count == 1 && waived.num == 1 && Self.names(waived) == ["web-1"] && waived.waiver?.ticket == "SEC-1")
        let rest = try #require(result.findings.first)
        #expect(result.findings.count == 1 && rest.num == 2 && Self.names(rest) == ["db-1"] && rest.waiver == nil)
        #expect(rest.message == "22/TCP is open on 3 hosts (forbidden); 2 not covered by waiver SEC-1, which names only some assets")
    }

    /// Two asset waivers: web-1 by SEC-1, db-1 (by its id h2) by SEC-2; the host no drill-down
    /// lists is left: 3 − 1 − 1 = 1, with no listed asset.
    @Test("several asset waivers each take their part; what no waiver names stays a finding")
    func twoAssetWaivers() throws {
        let result = try Self.evaluate(
            """
            forbid:
              - ports: [22/tcp]
            waivers:
              - ports: [22/tcp]
                assets: [web-*]
                reason: jump hosts
                ticket: SEC-1
                expires: 2027-01-31
              - ports: [22]
                assets: [h2]
                reason: database admin
                ticket: SEC-2
                expires: 2027-01-31
            """)
        #expect(result.waived.map { $0.waiver?.ticket ?? "" }.sorted() == ["SEC-1", "SEC-2"])
        #expect(result.waived.map(\.num) == [1, 1])
        let rest = try #require(result.findings.first)
        #expect(result.findings.count == 1 && rest.num == 1 && rest.assets.isEmpty)
    }

    /// Over the limit of 2 with 3; waiving web-1 leaves 2, within the limit: nothing remains.
    @Test("an asset waiver that brings an over-limit finding within its limit leaves no finding")
    func assetWaiverWithinLimit() throws {
        let result = try Self.evaluate(
            """
            limits:
              - ports: [22/tcp]
                max: 2
            waivers:
              - ports: [22/tcp]
                assets: [web-1]
                reason: jump hosts
                ticket: SEC-1
                expires: 2027-01-31
            """)
        #expect(result.findings.isEmpty)
        #expect(result.waived.map(\.num) == [1])
    }

    @Test("an asset waiver that names none of the assets does not apply")
    func assetWaiverNoMatch() throws {
        let result = try Self.evaluate(
            "forbid:\n  - ports: [22/tcp]\nwaivers:\n  - ports: [22/tcp]\n    assets: [mail-*]\n    reason: r\n    ticket: T-1\n    expires: 2027-01-31\n"
        )
        #expect(result.waived.isEmpty)
        #expect(result.findings.map(\.num) == [3])
    }

    /// 23/TCP has no drill-down: the asset waiver cannot apply, and the finding says so.
    @Test("an asset waiver on a port without drill-down cannot apply, and the finding says so")
    func assetWaiverWithoutDetail() throws {
        let result = try Self.evaluate(
            "forbid:\n  - ports: [23/tcp]\nwaivers:\n  - ports: [23/tcp]\n    assets: [web-*]\n    reason: r\n    ticket: T-9\n    expires: 2027-01-31\n"
        )
        #expect(result.waived.isEmpty)
        let finding = try #require(result.findings.first)
        #expect(
            finding.message
                == "23/TCP is open on 2 hosts (forbidden) (waiver T-9 names assets, but there is no drill-down data for this port: it could not be applied)"
        )
    }

    /// Expired on 2026-11-01, the report on 11-28: web-1's part counts again, beside an
    /// expired-waiver finding for it.
    @Test("an expired asset waiver: its part counts again and the expiry is a finding")
    func expiredAssetWaiver() throws {
        let result = try Self.evaluate(
            "forbid:\n  - ports: [22/tcp]\nwaivers:\n  - ports: [22/tcp]\n    assets: [web-*]\n    reason: r\n    ticket: T-2\n    expires: 2026-11-01\n"
        )
        #expect(result.waived.isEmpty)
        #expect(result.findings.map(\.kind) == [.forbidden, .forbidden, .expiredWaiver])
        #expect(result.findings.map(\.num) == [2, 1, 1])
    }

    struct BadPolicy: Sendable {
        let yaml: String
        let message: String
    }

    @Test(
        "bad narrowing and asset patterns are errors naming the line",
        arguments: [
            BadPolicy(
                yaml: "forbid:\n  - ports: [22]\n    exposure: [everywhere]\n",
                message: "policy.yaml:3: expected one of all-interfaces, loopback, specific"),
            BadPolicy(
                yaml: "forbid:\n  - ports: [22]\n    exposure: []\n",
                message: "policy.yaml:3: expected at least one of all-interfaces, loopback, specific"),
            BadPolicy(
                yaml: "limits:\n  - ports: [22]\n    max: 1\n    host_names: []\n",
                message: "policy.yaml:4: expected host_names to name at least one pattern, such as web-*"),
            BadPolicy(
                yaml: "waivers:\n  - ports: [22]\n    assets: ['']\n    reason: r\n    ticket: t\n    expires: 2027-01-01\n",
                message:
                    "policy.yaml:3: expected a name pattern such as web-* (1 to 256 characters; * any run, ? one character), found ''"),
            BadPolicy(
                yaml: "allow:\n  host: [22]\nnew_ports: 1\nforbid:\n  - ports: [22]\n    hosts: [a]\n",
                message:
                    "policy.yaml:6: unknown field 'hosts': expected category, container_names, controls, exposure, host_names, ports, reason"
            )
        ])
    func badPolicies(_ example: BadPolicy) {
        #expect(throws: PolicyError.self) { try Policy.parse(example.yaml, file: "policy.yaml") }
        do {
            _ = try Policy.parse(example.yaml, file: "policy.yaml")
        } catch {
            #expect(error.description == example.message)
        }
    }

    @Test(
        "glob patterns",
        arguments: [
            ("web-*", "web-1", true), ("web-*", "WEB-12", true), ("web-*", "xweb-1", false), ("*", "", true),
            ("a*b*c", "axxbyyc", true), ("a*b*c", "axxbyy", false), ("db-?", "db-1", true), ("db-?", "db-10", false),
            ("*-prod", "api-prod", true), ("*-prod", "api-prod-2", false), ("é*", "É1", false), ("é*", "é1", true)
        ])
    func globPatterns(_ pattern: String, _ name: String, _ expected: Bool) throws {
        let glob = try #require(GlobPattern(pattern))
        #expect(glob.matches(name) == expected)
    }
}
