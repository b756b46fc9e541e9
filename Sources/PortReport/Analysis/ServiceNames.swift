/// IANA service names by port and transport, from the registry table compiled into the tool
/// (see `make-service-names.py`): never `/etc/services`, which varies from host to host.
enum ServiceNames {
    /// The registered name for a port and protocol (TCP6 as TCP, UDP6 as UDP), if any.
    ///
    /// A binary search over an index of the table's lines, made on first use in one pass over the
    /// text (building a dictionary of its 11,000 names first was a sixth of a daily report's
    /// analysis; searching the text itself cost 3,000 instructions a look-up, most of a
    /// 100-project ranking of 100,000 ports).
    static func name(port: Int, type: PortType) -> String? {
        let wanted = port << 1 | (type == .udp || type == .udp6 ? 1 : 0)
        let lines = index
        var low = 0, high = lines.count
        while low < high {
            let middle = (low + high) / 2
            let line = lines[middle]
            if line.key == wanted {
                var text = table
                return text.withUTF8 { bytes in
                    String(decoding: UnsafeBufferPointer(rebasing: bytes[Int(line.start)..<Int(line.end)]), as: UTF8.self)
                }
            }
            if line.key < wanted { low = middle + 1 } else { high = middle }
        }
        return nil
    }

    /// Per line of `table`, in its order: port << 1 | (1 for udp), and where its name is.
    private static let index: [(key: Int, start: Int32, end: Int32)] = {
        var text = table
        return text.withUTF8 { bytes in
            let space = UInt8(ascii: " "), newline = UInt8(ascii: "\n")
            var result: [(key: Int, start: Int32, end: Int32)] = []
            result.reserveCapacity(12_000)
            var index = 0
            while index < bytes.count {
                var port = 0
                while index < bytes.count, bytes[index] != space {
                    port = port &* 10 &+ Int(bytes[index] &- UInt8(ascii: "0"))
                    index += 1
                }
                let transport = index + 1
                var end = transport
                while end < bytes.count && bytes[end] != newline { end += 1 }
                if transport + 4 <= end {
                    let key = port << 1 | (bytes[transport] == UInt8(ascii: "u") ? 1 : 0)
                    result.append((key, Int32(truncatingIfNeeded: transport + 4), Int32(truncatingIfNeeded: end)))
                }
                index = end + 1
            }
            return result
        }
    }()
}
