import Foundation
import Testing

@testable import PortReport

@Suite("Analysis: the built-in baseline")
struct BaselinePolicyTests {
    @Test("baseline on the policy fixture: remote-access ports and vendor danger forbidden, new catalogue ports new-dangerous")
    func baselineFindings() throws {
        let s = try PolicyFixture.build()
        let result = try s.analyze(policy: .baseline)
        // Forbidden: host 23/TCP and 23/TCP6 (Telnet, 23/tcp covers TCP6), host 7777/TCP (the vendor
        // says danger), container 2375/TCP (Docker API). 23/UDP is not Telnet's transport; 3389 and
        // 6379 are in the catalogue but not remote-access services of the baseline.
        // New-dangerous since 11-27: host 23/TCP6, 6379/TCP (Redis), 7777/TCP; container 2375/TCP.
        #expect(
            PolicyFixture.describe(result.findings) == [
                "forbidden host 23/TCP", "forbidden host 23/TCP6", "forbidden host 7777/TCP", "forbidden container 2375/TCP",
                "new-dangerous host 23/TCP6", "new-dangerous host 6379/TCP", "new-dangerous host 7777/TCP",
                "new-dangerous container 2375/TCP"
            ])
        #expect(result.policyBaseline)
        #expect(
            result.findings.first { $0.kind == .forbidden && $0.key == key("7777/TCP") }?.message.contains("vendor rates it danger") == true
        )
        #expect(result.findings.first { $0.key == key("2375/TCP") }?.message.contains("built-in baseline") == true)
    }

    @Test("every remote-access port of the baseline is a catalogue entry (the README lists them from it)")
    func remoteAccessFromCatalogue() throws {
        let ports = Policy.baselineRemoteAccess.compactMap(Policy.portSpec)
        #expect(ports.count == Policy.baselineRemoteAccess.count)
        // 21 FTP, 23 Telnet, 69 TFTP, 512 rexec, 513 rlogin, 514 rsh, 2375 Docker API, 5900 VNC, 10250 kubelet.
        let numbers = ports.flatMap { Array($0.ports) }
        #expect(numbers == [21, 23, 69, 512, 513, 514, 2375, 5900, 10250])
        for spec in ports {
            for port in spec.ports {
                let type: PortType = spec.types.contains(.tcp) ? .tcp : .udp
                #expect(RiskCatalogue.entry(port: port, type: type) != nil, "\(port)/\(type)")
            }
        }
    }

    @Test("vendor_danger: forbid in a policy file; the forbid rule's own reason wins where it names the port")
    func vendorDangerSetting() throws {
        let s = try PolicyFixture.build()
        let result = try s.analyze(policy: try s.policy("forbid:\n  - ports: [7777/tcp]\n    reason: ours\nvendor_danger: forbid\n"))
        #expect(PolicyFixture.describe(result.findings) == ["forbidden host 7777/TCP"])
        #expect(result.findings.first?.message.contains("ours") == true)
        #expect(!result.policyBaseline)
        #expect(throws: PolicyError.self) { try s.policy("vendor_danger: true\n", name: "bad.yaml") }
    }
}
