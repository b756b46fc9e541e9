import Foundation
import Testing

@testable import PortReport

/// The port index behind policy evaluation (issue 12, F3): the first rule naming a port wins,
/// overlapping and nested ranges included; expected rule numbers worked out by hand.
@Suite("Analysis: the policy's port index")
struct PortRuleIndexTests {
    func spec(_ text: String) throws -> Policy.PortSpec {
        try #require(Policy.portSpec(text), "not a port spec: \(text)")
    }

    @Test("the first rule that names a port, per protocol")
    func firstRuleWins() throws {
        // Rule 0: 22/tcp (TCP and TCP6); rule 1: 0-100 on every protocol; rule 2: 50-60/udp4; rule 3: 65535.
        let rules = [[try spec("22/tcp")], [try spec("0-100")], [try spec("50-60/udp4")], [try spec("65535")]]
        let index = try #require(PortRuleIndex(rules))
        #expect(index.firstRule(PortKey(port: 22, type: .tcp)) == 0)
        #expect(index.firstRule(PortKey(port: 22, type: .tcp6)) == 0)
        #expect(index.firstRule(PortKey(port: 22, type: .udp)) == 1)
        #expect(index.firstRule(PortKey(port: 55, type: .udp)) == 1)
        #expect(index.firstRule(PortKey(port: 101, type: .udp)) == nil)
        #expect(index.firstRule(PortKey(port: 65535, type: .udp6)) == 3)
        #expect(index.firstRule(PortKey(port: 65534, type: .tcp)) == nil)
    }

    @Test("a later rule still takes the ports an earlier one left, inside and around it")
    func gapsAreFilled() throws {
        let rules = [[try spec("10-20"), try spec("30-40")], [try spec("0-50")]]
        let index = try #require(PortRuleIndex(rules))
        let owners = [0, 9, 10, 20, 21, 29, 30, 40, 41, 50, 51].map { index.firstRule(PortKey(port: $0, type: .tcp)) }
        #expect(owners == [1, 1, 0, 0, 1, 1, 0, 0, 1, 1, nil])
    }

    @Test("no rule naming a port: no index")
    func empty() {
        #expect(PortRuleIndex([]) == nil)
        #expect(PortRuleIndex([[], []]) == nil)
    }

    @Test("2,000 rules over every port build in well under a second")
    func wideRulesAreFast() throws {
        let all = try spec("0-65535")
        let start = ContinuousClock.now
        let index = try #require(PortRuleIndex(Array(repeating: [all], count: 2000)))
        #expect(index.firstRule(PortKey(port: 443, type: .udp6)) == 0)
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}
