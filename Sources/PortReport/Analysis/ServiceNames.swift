/// IANA service names by port and transport, from the registry table compiled into the tool
/// (see `make-service-names.py`): never `/etc/services`, which varies from host to host.
enum ServiceNames {
    /// The registered name for a port and protocol (TCP6 as TCP, UDP6 as UDP), if any.
    ///
    /// A binary search over the table's lines (sorted by port, then `tcp` before `udp`): building
    /// a dictionary of its 11,000 lines first was a sixth of a daily report's analysis.
    static func name(port: Int, type: PortType) -> String? {
        let wanted = port << 1 | (type == .udp || type == .udp6 ? 1 : 0)
        var text = table
        return text.withUTF8 { bytes in find(wanted, in: bytes) }
    }

    /// Lines are `PORT TRANSPORT NAME`, each ending in a line feed except perhaps the last.
    private static func find(_ wanted: Int, in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let space = UInt8(ascii: " "), newline = UInt8(ascii: "\n")
        var low = 0, high = bytes.count
        while low < high {
            var start = (low + high) / 2
            while start > low && bytes[start - 1] != newline { start -= 1 }
            var index = start, port = 0
            while index < high, bytes[index] != space {
                port = port * 10 + Int(bytes[index] &- UInt8(ascii: "0"))
                index += 1
            }
            let transport = index + 1
            var end = transport
            while end < high && bytes[end] != newline { end += 1 }
            guard transport + 4 <= end else { return nil }
            let key = port << 1 | (bytes[transport] == UInt8(ascii: "u") ? 1 : 0)
            if key == wanted {
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[(transport + 4)..<end]), as: UTF8.self)
            }
            if key < wanted { low = end + 1 } else { high = start }
        }
        return nil
    }
}
