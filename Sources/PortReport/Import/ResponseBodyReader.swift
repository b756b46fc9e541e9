/// Reads the saved body of `GET /v5/{project_id}/asset/port/statistics`.
///
/// A strict decoder for this one shape: it validates every field it needs and reports the JSON
/// path of the first problem, and it skips unknown members without building them.
enum ResponseBodyReader {
    /// What a body turned out to be.
    enum Content: Sendable {
        /// A page of statistics.
        case page(ResponsePage)
        /// A saved error response (`error_code`/`error_msg` and its variants, no `data_list`).
        case errorResponse(code: String?, message: String?)
        /// Not a response body but a HAR capture (a top-level `log` member and no `data_list`).
        case harCapture
    }

    /// A problem at a place in the body.
    struct Problem: Error, Equatable, Sendable {
        /// JSON path such as `data_list[17].port`; empty for the top level.
        let path: String
        let message: String
        /// Byte offset, for the line number.
        let offset: Int
    }

    /// Where the reader is, kept cheap to update (no string is built per record): it becomes a
    /// JSON path such as `data_list[17].port` only when a problem is reported.
    enum Place {
        case top
        /// A member of the body, by where its name starts (only read back for a message: a
        /// place holds no string, so keeping it current on every field costs nothing).
        case member(keyAt: Int)
        case dataList
        case record(Int)
        case field(Int, StaticString)
        case otherField(Int, keyAt: Int)

        /// `bare`: the records are a top-level array (`[17].port`), not `data_list`.
        func path(in bytes: UnsafeBufferPointer<UInt8>, bare: Bool = false) -> String {
            let list = bare ? "" : "data_list"
            func name(at offset: Int) -> String {
                var scanner = JSONScanner(bytes)
                scanner.offset = offset
                return (try? scanner.readString()) ?? "?"
            }
            switch self {
            case .top: return ""
            case .member(let offset): return name(at: offset)
            case .dataList: return "data_list"
            case .record(let index): return "\(list)[\(index)]"
            case .field(let index, let name): return "\(list)[\(index)].\(name)"
            case .otherField(let index, let offset): return "\(list)[\(index)].\(name(at: offset))"
            }
        }
    }

    static func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(Problem) -> Content {
        var scanner = JSONScanner(bytes)
        return try readDocument(&scanner, requireEnd: true)
    }

    /// Reads the body that starts at the scanner's offset and leaves the scanner after it; with
    /// `requireEnd`, only white space may follow (checked before what the body lacks, as one
    /// body's messages always were). Offsets in problems are the scanner's, so a body inside a
    /// larger file (one of several documents) gets its own lines.
    static func readDocument(_ scanner: inout JSONScanner, requireEnd: Bool) throws(Problem) -> Content {
        let bytes = scanner.bytes
        var totalNum: Int64?
        var records: [PortRecord] = []
        var recordPaths: [Int] = []
        var sawDataList = false
        var sawLog = false
        var errorCode: String?
        var errorMessage: String?
        var seen = Set<String>()

        func syntax(_ error: JSONSyntaxError, _ path: String) -> Problem {
            Problem(path: path, message: "expected \(error.expected), found \(error.found)", offset: error.offset)
        }

        guard scanner.peek() == UInt8(ascii: "{") else {
            throw syntax(scanner.error(expected: "a JSON object (the response body)"), "")
        }
        let objectStart = scanner.offset

        var place = Place.top
        do throws(JSONSyntaxError) {
            try scanner.readObject { (scanner: inout JSONScanner, key: JSONKey) throws(JSONSyntaxError) in
                if key.equals("data_list") {
                    place = .dataList
                    try checkOnce("data_list", &seen, scanner)
                    sawDataList = true
                    guard scanner.peek() == UInt8(ascii: "[") else {
                        throw JSONSyntaxError(offset: scanner.offset, expected: "an array of port records", found: scanner.describeHere())
                    }
                    try scanner.readArray { (scanner: inout JSONScanner, index: Int) throws(JSONSyntaxError) in
                        place = .record(index)
                        let start = scanner.offset
                        let record = try readRecord(&scanner, index: index, place: &place)
                        records.append(record)
                        recordPaths.append(start)
                        place = .dataList
                    }
                } else if key.equals("total_num") {
                    place = .member(keyAt: key.offset)
                    try checkOnce("total_num", &seen, scanner)
                    totalNum = try readCount(
                        &scanner, what: "a non-negative integer (records across all pages)", maximum: PortRecord.maximumTotalNum)
                } else if key.equals("error_code") || key.equals("errorCode") || key.equals("code") {
                    place = .member(keyAt: key.offset)
                    errorCode = try readLooseText(&scanner)
                } else if key.equals("error_msg") || key.equals("errorMsg") || key.equals("message") {
                    place = .member(keyAt: key.offset)
                    errorMessage = try readLooseText(&scanner)
                } else if key.equals("log") {
                    sawLog = true
                    place = .member(keyAt: key.offset)
                    try scanner.skipValue(depth: 1)
                } else {
                    place = .member(keyAt: key.offset)
                    try scanner.skipValue(depth: 1)
                }
                // Between members (reading the next name) the place is the object itself.
                place = .top
            }
            place = .top
            if requireEnd { try scanner.expectEnd() }
        } catch {
            throw syntax(error, place.path(in: bytes))
        }

        if !sawDataList {
            if errorCode != nil || errorMessage != nil {
                return .errorResponse(code: errorCode, message: errorMessage)
            }
            if sawLog { return .harCapture }
            throw Problem(
                path: "", message: "expected a 'data_list' member (the array of port records); the object has none", offset: objectStart)
        }
        guard let totalNum else {
            throw Problem(
                path: "", message: "expected a 'total_num' member (records across all pages); the object has none", offset: objectStart)
        }
        return .page(ResponsePage(totalNum: totalNum, records: records, recordOffsets: recordPaths))
    }

    /// Reads a bare array of records (`[{"port": 22, "type": "TCP", "num": 3}, …]`) that starts
    /// at the scanner's offset; its problems' paths are `[17].port`. It has no `total_num`.
    static func readRecords(_ scanner: inout JSONScanner) throws(Problem) -> ResponsePage {
        let bytes = scanner.bytes
        var records: [PortRecord] = []
        var offsets: [Int] = []
        var place = Place.top
        do throws(JSONSyntaxError) {
            try scanner.readArray { (scanner: inout JSONScanner, index: Int) throws(JSONSyntaxError) in
                place = .record(index)
                let start = scanner.offset
                records.append(try readRecord(&scanner, index: index, place: &place))
                offsets.append(start)
                place = .top
            }
        } catch {
            throw Problem(
                path: place.path(in: bytes, bare: true), message: "expected \(error.expected), found \(error.found)", offset: error.offset)
        }
        return ResponsePage(totalNum: nil, records: records, recordOffsets: offsets)
    }

    private static func checkOnce(_ name: String, _ seen: inout Set<String>, _ scanner: JSONScanner) throws(JSONSyntaxError) {
        guard seen.insert(name).inserted else {
            throw JSONSyntaxError(
                offset: scanner.offset, expected: "'\(name)' only once (it appears twice, which is ambiguous)", found: "a second '\(name)'")
        }
    }

    /// Error codes are strings, but some gateways send numbers: keep them as text.
    private static func readLooseText(_ scanner: inout JSONScanner) throws(JSONSyntaxError) -> String? {
        switch scanner.peek() {
        case UInt8(ascii: "\""): return try scanner.readString()
        case .some(UInt8(ascii: "-")), .some(0x30...0x39): return try scanner.readNumber().description
        default:
            try scanner.skipValue(depth: 1)
            return nil
        }
    }

    /// A count 0–`maximum`; `what` names it for a value that is not a non-negative integer.
    private static func readCount(_ scanner: inout JSONScanner, what: String, maximum: Int64) throws(JSONSyntaxError) -> Int64 {
        scanner.skipWhitespace()
        let start = scanner.offset
        if let value = scanner.readPlainInteger() {
            guard value <= maximum else { throw JSONSyntaxError(offset: start, expected: "an integer 0–\(maximum)", found: "\(value)") }
            return value
        }
        guard let c = scanner.peek(), c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) else {
            throw JSONSyntaxError(offset: scanner.offset, expected: what, found: scanner.describeHere())
        }
        let number = try scanner.readInteger()
        guard let value = number.integer, value >= 0 else {
            throw JSONSyntaxError(offset: start, expected: what, found: number.description)
        }
        guard value <= maximum else { throw JSONSyntaxError(offset: start, expected: "an integer 0–\(maximum)", found: number.description) }
        return value
    }

    private static func readRecord(_ scanner: inout JSONScanner, index: Int, place: inout Place) throws(JSONSyntaxError) -> PortRecord {
        guard scanner.peek() == UInt8(ascii: "{") else {
            throw JSONSyntaxError(offset: scanner.offset, expected: "a port record object", found: scanner.describeHere())
        }
        let objectStart = scanner.offset
        var port: Int?
        var type: PortType?
        var num: Int64?
        var status: VendorStatus?
        var sawStatus = false
        try scanner.readObject { (scanner: inout JSONScanner, key: JSONKey) throws(JSONSyntaxError) in
            if key.equals("port") {
                place = .field(index, "port")
                guard port == nil else { throw duplicate("port", scanner) }
                let before = scanner.offset
                if let value = scanner.readPlainInteger() {
                    if value <= 65_535 {
                        port = Int(value)
                        return
                    }
                    scanner.offset = before
                }
                let start = scanner.offset
                let expected = "an integer 0–65535"
                guard let c = scanner.peek(), c == UInt8(ascii: "-") || (c >= 0x30 && c <= 0x39) else {
                    throw JSONSyntaxError(offset: start, expected: expected, found: scanner.describeHere())
                }
                let number = try scanner.readInteger()
                guard let value = number.integer, value >= 0, value <= 65_535 else {
                    throw JSONSyntaxError(offset: start, expected: expected, found: number.description)
                }
                port = Int(value)
            } else if key.equals("type") {
                place = .field(index, "type")
                guard type == nil else { throw duplicate("type", scanner) }
                type = try readWord(
                    &scanner, expected: "\"TCP\", \"UDP\", \"TCP6\" or \"UDP6\"",
                    bytes: PortType.init(asciiCaseInsensitive:), text: PortType.init(lenient:))
            } else if key.equals("num") {
                place = .field(index, "num")
                guard num == nil else { throw duplicate("num", scanner) }
                num = try readCount(
                    &scanner, what: "a non-negative integer (how many servers or containers)", maximum: PortRecord.maximumNum)
            } else if key.equals("status") {
                place = .field(index, "status")
                guard !sawStatus else { throw duplicate("status", scanner) }
                sawStatus = true
                if scanner.peek() == UInt8(ascii: "n") {
                    try scanner.readLiteral("null")
                    return
                }
                status = try readWord(
                    &scanner, expected: "\"danger\", \"normal\" or \"unknown\"",
                    bytes: VendorStatus.init(vendorBytes:), text: VendorStatus.init(vendor:))
            } else {
                place = .otherField(index, keyAt: key.offset)
                try scanner.skipValue(depth: 3)
            }
        }
        place = .record(index)
        guard let port, let type, let num else {
            let missing = [port == nil ? "port" : nil, type == nil ? "type" : nil, num == nil ? "num" : nil].compactMap { $0 }
            throw JSONSyntaxError(
                offset: objectStart,
                expected: "the required member\(missing.count > 1 ? "s" : "") \(missing.map { "'\($0)'" }.joined(separator: ", "))",
                found: "a record without \(missing.count > 1 ? "them" : "it")")
        }
        return PortRecord(port: port, type: type, num: num, status: status)
    }

    /// A string from a small vocabulary, matched on its raw bytes when it has no escapes (the
    /// import's hot path), else on its decoded text.
    private static func readWord<T>(
        _ scanner: inout JSONScanner, expected: String, bytes: (UnsafeBufferPointer<UInt8>) -> T?,
        text: (String) -> T?
    ) throws(JSONSyntaxError) -> T {
        guard scanner.peek() == UInt8(ascii: "\"") else {
            throw JSONSyntaxError(offset: scanner.offset, expected: expected, found: scanner.describeHere())
        }
        let start = scanner.offset
        let hasEscapes = try scanner.scanString()
        let raw = UnsafeBufferPointer(rebasing: scanner.bytes[(start + 1)..<(scanner.offset - 1)])
        guard let value = hasEscapes ? text(String(decoding: raw, as: UTF8.self)) : bytes(raw) else {
            scanner.offset = start
            throw JSONSyntaxError(offset: start, expected: expected, found: scanner.describeHere())
        }
        return value
    }

    private static func duplicate(_ name: String, _ scanner: JSONScanner) -> JSONSyntaxError {
        JSONSyntaxError(offset: scanner.offset, expected: "'\(name)' only once in a record", found: "it twice")
    }
}

/// One page of statistics as saved.
struct ResponsePage: Sendable {
    /// Records matching the query across all pages, as the API reported with this page; nil for
    /// a bare array of records, which does not say.
    let totalNum: Int64?
    let records: [PortRecord]
    /// Byte offset of each record, for line numbers in messages.
    let recordOffsets: [Int]
}
