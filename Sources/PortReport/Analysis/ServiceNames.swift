/// IANA service names by port and transport, from the registry table compiled into the tool
/// (see `make-service-names.py`): never `/etc/services`, which varies from host to host.
enum ServiceNames {
    private static let lookup: [Int: String] = {
        var result: [Int: String] = [:]
        result.reserveCapacity(12_000)
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count == 3, let port = Int(fields[0]) else { continue }
            result[port << 1 | (fields[1] == "udp" ? 1 : 0)] = String(fields[2])
        }
        return result
    }()

    /// The registered name for a port and protocol (TCP6 as TCP, UDP6 as UDP), if any.
    static func name(port: Int, type: PortType) -> String? {
        lookup[port << 1 | (type == .udp || type == .udp6 ? 1 : 0)]
    }
}
