import Testing

@testable import PortReport

@Suite("Service names (IANA registry)")
struct ServiceNamesTests {
    @Test("well-known ports by transport, as the IANA registry lists them")
    func knownPorts() {
        #expect(ServiceNames.name(port: 22, type: .tcp) == "ssh")
        #expect(ServiceNames.name(port: 22, type: .tcp6) == "ssh")
        #expect(ServiceNames.name(port: 53, type: .udp) == "domain")
        #expect(ServiceNames.name(port: 443, type: .tcp) == "https")
        #expect(ServiceNames.name(port: 3389, type: .tcp) == "ms-wbt-server")
        // The first and last lines of the table, and a port whose names differ by transport.
        #expect(ServiceNames.name(port: 1, type: .tcp) == "tcpmux")
        #expect(ServiceNames.name(port: 49150, type: .tcp) == "inspider")
        #expect(ServiceNames.name(port: 49001, type: .tcp) == "nusrp")
        #expect(ServiceNames.name(port: 49001, type: .udp6) == "nusdp-disc")
    }

    @Test("unregistered ports have no name")
    func unregistered() {
        #expect(ServiceNames.name(port: 0, type: .tcp) == nil)
        #expect(ServiceNames.name(port: 4, type: .tcp) == nil)
        #expect(ServiceNames.name(port: 49150, type: .udp) == nil)
        #expect(ServiceNames.name(port: 65535, type: .udp) == nil)
    }

    @Test("every port and transport agrees with a plain reading of the table")
    func agreesWithThePlainTable() {
        var expected: [Int: String] = [:]
        for line in ServiceNames.table.split(separator: "\n") {
            let fields = line.split(separator: " ")
            #expect(fields.count == 3, "\(line)")
            guard fields.count == 3, let port = Int(fields[0]) else { continue }
            expected[port << 1 | (fields[1] == "udp" ? 1 : 0)] = String(fields[2])
        }
        #expect(expected.count > 11_000)
        var mismatches: [String] = []
        for port in 0...65_535 {
            for type in [PortType.tcp, .udp] {
                let want = expected[port << 1 | (type == .udp ? 1 : 0)]
                let got = ServiceNames.name(port: port, type: type)
                if got != want { mismatches.append("\(port)/\(type.rawValue): \(got ?? "nil") ≠ \(want ?? "nil")") }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }
}
