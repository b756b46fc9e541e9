/// Reads the saved body of a drill-down call, ListPortHost (`GET …/asset/ports/detail`) or
/// ListPorts (`GET …/asset/ports`): `{"total_num": N, "data_list": [{"host_id", "laddr", …}]}`.
///
/// Like `ResponseBodyReader`, strict on the members it uses (each problem names its JSON path:
/// `data_list[3].laddr: expected an IPv4 or IPv6 listen address, found "x"`) and blind to the
/// others. Which call a page answers and the query it belongs to are the importer's to work out
/// (from the URL, the file name or a sidecar); this reader only says whether the records look
/// like ListPortHost ones (they name the host: `host_name` or `host_ip`).
enum DetailBodyReader {
    typealias Problem = ResponseBodyReader.Problem

    /// One drill-down page as saved.
    struct Body: Sendable {
        let totalNum: Int64?
        let records: [DetailRecord]
        /// Byte offset of each record, for line numbers in messages.
        let recordOffsets: [Int]
        /// Some record has `host_name`, `host_ip` or `container_name`: what ListPortHost gives and
        /// ListPorts does not.
        let namesHosts: Bool
    }

    /// Reads the body that starts at the scanner's offset and leaves the scanner after it.
    static func readDocument(_ scanner: inout JSONScanner) throws(Problem) -> Body {
        var totalNum: Int64?
        var records: [DetailRecord] = []
        var offsets: [Int] = []
        var sawList = false
        var namesHosts = false
        var path = ""
        guard scanner.peek() == UInt8(ascii: "{") else {
            throw Problem(
                path: "", message: "expected a JSON object (the response body), found \(scanner.describeHere())", offset: scanner.offset)
        }
        let objectStart = scanner.offset
        do throws(JSONSyntaxError) {
            try scanner.readObject { (scanner: inout JSONScanner, key: JSONKey) throws(JSONSyntaxError) in
                if key.equals("data_list") {
                    path = "data_list"
                    guard !sawList else {
                        throw JSONSyntaxError(offset: scanner.offset, expected: "'data_list' only once", found: "a second 'data_list'")
                    }
                    sawList = true
                    guard scanner.peek() == UInt8(ascii: "[") else {
                        throw JSONSyntaxError(offset: scanner.offset, expected: "an array of records", found: scanner.describeHere())
                    }
                    try scanner.readArray { (scanner: inout JSONScanner, index: Int) throws(JSONSyntaxError) in
                        path = "data_list[\(index)]"
                        offsets.append(scanner.offset)
                        let read = try readRecord(&scanner, index: index, path: &path)
                        records.append(read.record)
                        namesHosts = namesHosts || read.namesHost
                        path = "data_list"
                    }
                } else if key.equals("total_num") {
                    path = "total_num"
                    guard totalNum == nil else {
                        throw JSONSyntaxError(offset: scanner.offset, expected: "'total_num' only once", found: "a second 'total_num'")
                    }
                    let start = scanner.offset
                    let number = try scanner.readInteger()
                    guard let value = number.integer, value >= 0, value <= PortRecord.maximumTotalNum else {
                        throw JSONSyntaxError(
                            offset: start, expected: "a non-negative integer (records across all pages)", found: number.description)
                    }
                    totalNum = value
                } else {
                    path = key.string
                    try scanner.skipValue(depth: 1)
                }
                path = ""
            }
        } catch {
            throw Problem(path: path, message: "expected \(error.expected), found \(error.found)", offset: error.offset)
        }
        guard sawList else {
            throw Problem(
                path: "", message: "expected a 'data_list' member (the array of records); the object has none", offset: objectStart)
        }
        return Body(totalNum: totalNum, records: records, recordOffsets: offsets, namesHosts: namesHosts)
    }

    /// Reads the body that starts at `offset` (one of several documents in a file).
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws(Problem) -> Body {
        var scanner = JSONScanner(bytes)
        scanner.offset = offset
        return try readDocument(&scanner)
    }

    /// Reads a whole input that is one body.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(Problem) -> Body {
        var scanner = JSONScanner(bytes)
        let body = try readDocument(&scanner)
        do {
            try scanner.expectEnd()
        } catch {
            throw Problem(
                path: "", message: "expected the end of the input after the JSON value, found \(error.found)", offset: error.offset)
        }
        return body
    }

    private static func readRecord(
        _ scanner: inout JSONScanner, index: Int, path: inout String
    ) throws(JSONSyntaxError) -> (record: DetailRecord, namesHost: Bool) {
        guard scanner.peek() == UInt8(ascii: "{") else {
            throw JSONSyntaxError(offset: scanner.offset, expected: "a record object", found: scanner.describeHere())
        }
        let objectStart = scanner.offset
        var text: [String: String] = [:]
        var laddr: String?
        var pid: Int64 = 0
        var port: Int?
        var type: PortType?
        var status: VendorStatus?
        var namesHost = false
        var hasNum = false
        var seen = Set<String>()
        try scanner.readObject { (scanner: inout JSONScanner, key: JSONKey) throws(JSONSyntaxError) in
            let name = key.string
            path = "data_list[\(index)].\(name)"
            let known = [
                "host_id", "host_name", "host_ip", "container_id", "container_name", "path", "agent_id", "laddr", "pid", "port", "type",
                "status"
            ]
            if known.contains(name) {
                guard seen.insert(name).inserted else {
                    throw JSONSyntaxError(offset: scanner.offset, expected: "'\(name)' only once in a record", found: "it twice")
                }
            }
            let start = scanner.offset
            switch name {
            case "host_id", "host_name", "host_ip", "container_id", "container_name", "path", "agent_id":
                if scanner.peek() == UInt8(ascii: "n") {
                    try scanner.readLiteral("null")
                    return
                }
                guard scanner.peek() == UInt8(ascii: "\"") else {
                    throw JSONSyntaxError(offset: start, expected: "a string", found: scanner.describeHere())
                }
                let value = try scanner.readString()
                let limit = name == "path" ? 512 : 256
                guard value.utf8.count <= limit * 4 else {
                    throw JSONSyntaxError(offset: start, expected: "at most \(limit) characters", found: "\(value.count) characters")
                }
                text[name] = value
                if name == "host_name" || name == "host_ip" || name == "container_name" { namesHost = true }
            case "laddr":
                guard scanner.peek() == UInt8(ascii: "\"") else {
                    throw JSONSyntaxError(offset: start, expected: "an IPv4 or IPv6 listen address", found: scanner.describeHere())
                }
                let value = try scanner.readString()
                guard Exposure(laddr: value) != nil else {
                    scanner.offset = start
                    throw JSONSyntaxError(offset: start, expected: "an IPv4 or IPv6 listen address", found: scanner.describeHere())
                }
                laddr = value
            case "pid":
                if scanner.peek() == UInt8(ascii: "n") {
                    try scanner.readLiteral("null")
                    return
                }
                guard let c = scanner.peek(), c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) else {
                    throw JSONSyntaxError(offset: start, expected: "a process id (an integer 0–4294967295)", found: scanner.describeHere())
                }
                let number = try scanner.readInteger()
                guard let value = number.integer, value >= 0, value <= 4_294_967_295 else {
                    throw JSONSyntaxError(offset: start, expected: "a process id (an integer 0–4294967295)", found: number.description)
                }
                pid = value
            case "port":
                guard let c = scanner.peek(), c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) else {
                    throw JSONSyntaxError(offset: start, expected: "an integer 1–65535", found: scanner.describeHere())
                }
                let number = try scanner.readInteger()
                guard let value = number.integer, value >= 1, value <= 65_535 else {
                    throw JSONSyntaxError(offset: start, expected: "an integer 1–65535", found: number.description)
                }
                port = Int(value)
            case "type":
                let expected = "\"TCP\", \"UDP\", \"TCP6\" or \"UDP6\""
                guard scanner.peek() == UInt8(ascii: "\"") else {
                    throw JSONSyntaxError(offset: start, expected: expected, found: scanner.describeHere())
                }
                guard let value = PortType(lenient: try scanner.readString()) else {
                    scanner.offset = start
                    throw JSONSyntaxError(offset: start, expected: expected, found: scanner.describeHere())
                }
                type = value
            case "status":
                if scanner.peek() == UInt8(ascii: "n") {
                    try scanner.readLiteral("null")
                    return
                }
                let expected = "\"danger\", \"normal\" or \"unknown\""
                guard scanner.peek() == UInt8(ascii: "\"") else {
                    throw JSONSyntaxError(offset: start, expected: expected, found: scanner.describeHere())
                }
                guard let value = VendorStatus(vendor: try scanner.readString()) else {
                    scanner.offset = start
                    throw JSONSyntaxError(offset: start, expected: expected, found: scanner.describeHere())
                }
                status = value
            default:
                if name == "num" { hasNum = true }
                try scanner.skipValue(depth: 3)
            }
        }
        path = "data_list[\(index)]"
        let missing = [laddr == nil ? "laddr" : nil, port == nil ? "port" : nil, type == nil ? "type" : nil].compactMap { $0 }
        guard !hasNum else {
            throw JSONSyntaxError(
                offset: objectStart, expected: "a drill-down record (host_id, laddr and no 'num')",
                found: "a statistics record (it has 'num')")
        }
        guard let laddr, let port, let type else {
            throw JSONSyntaxError(
                offset: objectStart,
                expected: "the required member\(missing.count > 1 ? "s" : "") \(missing.map { "'\($0)'" }.joined(separator: ", "))",
                found: "a record without \(missing.count > 1 ? "them" : "it")")
        }
        let record = DetailRecord(
            hostID: text["host_id"] ?? "", hostName: text["host_name"] ?? "", hostIP: text["host_ip"] ?? "",
            containerID: text["container_id"] ?? "", containerName: text["container_name"] ?? "", laddr: laddr, pid: pid,
            path: text["path"] ?? "", port: port, type: type, status: status, agentID: text["agent_id"] ?? "")
        return (record, namesHost)
    }
}
