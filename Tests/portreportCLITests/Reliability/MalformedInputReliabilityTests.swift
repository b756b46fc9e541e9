// Issue 6, part 1: the malformed-input corpus.
//
// Every case is generated here (nothing is checked in), written into a scratch directory under a
// dated `host` folder (so that the path gives the capture time and no warning is printed), and
// imported into a store seeded with one sample export (samples/exports/2026-11-24). For each case:
//
// - the documented exit status (1, or 0 where the README says the input is accepted: UTF-8 BOM,
//   extra members in a record), within the deadline (ReliabilitySettings.timeout) and not
//   ended by a signal;
// - exactly one `error:` line on standard error (besides the documented closing line
//   `nothing was imported: …`) that names the file, with `FILE:LINE:` where a line applies, and
//   the JSON path or reason where one applies; printable (no raw control characters) and not
//   saying the same thing twice;
// - the store unchanged: StoreInspection.dump before and after (or, for stores the test cannot
//   open itself, byte for byte).
//
// Store-level cases (a store from a newer schema, a read-only store, a full disk, a store path
// that is a /proc file) use their own store and name it instead of the input.
//
// Figures (this machine, 2 cores, debug build, `swift test --filter MalformedInputReliability`):
// 116 cases, 41 of them truncation points of samples/exports/2026-11-24/host/page-0003.json; the
// slowest are the gzip bomb (≈ 0.5 s in portreport, ≈ 1.5 s to make it with head | gzip -1) and
// the full disk (≈ 0.3 s); the suite takes ≈ 7 s alone. Cuts inside a string crashed portreport
// (SIGSEGV, unbounded recursion in JSONScanner) when this corpus was first run; fixed since
// (commit ece2ae5, found by the fuzzer at the same time).

import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One entry of the corpus.
struct ReliabilityCorpusCase: Sendable, CustomTestStringConvertible {
    enum Expectation: Sendable {
        /// Exit 1: one error line naming the file (at `line` when given) and saying each of `mentions`.
        case rejected(line: Int?, mentions: [String])
        /// Exit 0 (documented as accepted): one new snapshot with this many records.
        case accepted(records: Int)
    }

    /// Which store the import goes into.
    enum StoreKind: Sendable {
        /// The scratch store seeded with one sample export (the default).
        case seeded
        /// The seeded store with `PRAGMA user_version = 99`: a store from a newer portreport.
        case newerSchema
        /// The seeded store, seen through a read-only bind mount.
        case readOnlyMount
        /// The seeded store with the immutable attribute (chattr +i), which binds root too.
        case immutableFile
        /// `--store /proc/version`: a file nobody may write.
        case procFile
        /// The seeded store on a 600 KiB tmpfs, given more than fits.
        case fullDisk

        /// What the test must be allowed to do to make this store; nil for every process.
        var privilege: ReliabilityPrivilege? {
            switch self {
            case .seeded, .newerSchema, .procFile: return nil
            case .readOnlyMount: return .readOnlyBindMount
            case .immutableFile: return .immutableFile
            case .fullDisk: return .tmpfsMount
            }
        }
    }

    let name: String
    let expectation: Expectation
    var store: StoreKind = .seeded
    /// Known bugs: the expectation of this kind is wrapped in withKnownIssue with this description.
    var knownIssues: [ReliabilityLineCheck: String] = [:]
    /// Writes the inputs into the scratch directory; returns the paths to import.
    let inputs: @Sendable (Scratch) async throws -> [String]

    var testDescription: String { name }
}

/// The corpus, generated.
enum ReliabilityCorpus {
    static let samplePagePath = "samples/exports/2026-11-24/host/page-0003.json"

    /// Where an input goes: a dated host folder, so that the path says the capture time and category.
    static func inputPath(_ name: String) -> String { "in/2026-12-01/host/\(name)" }

    static func file(_ name: String, _ bytes: @escaping @Sendable () throws -> Data) -> @Sendable (Scratch) async throws -> [String] {
        { scratch in [try scratch.write(inputPath(name), try bytes())] }
    }

    static func text(_ name: String, _ body: String) -> @Sendable (Scratch) async throws -> [String] {
        file(name) { Data(body.utf8) }
    }

    /// A seven-line body whose second record (line 5, `data_list[1]`) is `record`.
    static func page(secondRecord record: String, totalNum: String = "2") -> String {
        """
        {
          "total_num": \(totalNum),
          "data_list": [
            {"port": 22, "type": "TCP", "num": 3, "status": "normal"},
            \(record)
          ]
        }

        """
    }

    /// A rejected record at line 5, `data_list[1]…`.
    static func badRecord(_ name: String, _ record: String, place: String, mentions: [String] = []) -> ReliabilityCorpusCase {
        ReliabilityCorpusCase(
            name: name, expectation: .rejected(line: 5, mentions: [place] + mentions),
            inputs: text(slug(name) + ".json", page(secondRecord: record)))
    }

    static func slug(_ name: String) -> String {
        String(name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }.prefix(60))
    }

    static var samplePage: Data {
        (try? Data(contentsOf: PackageLayout.url(samplePagePath))) ?? Data()
    }

    static var samplePageRecords: Int {
        guard let object = try? JSONSerialization.jsonObject(with: samplePage) as? [String: Any],
            let list = object["data_list"] as? [Any]
        else { return -1 }
        return list.count
    }

    /// The cases whose store needs `privilege` (nil: the cases any process can run).
    static func cases(needing privilege: ReliabilityPrivilege?) -> [ReliabilityCorpusCase] {
        cases.filter { $0.store.privilege == privilege }
    }

    static var cases: [ReliabilityCorpusCase] {
        var cases: [ReliabilityCorpusCase] = []
        cases += [
            ReliabilityCorpusCase(
                name: "empty file", expectation: .rejected(line: nil, mentions: ["empty"]), inputs: text("empty.json", "")),
            ReliabilityCorpusCase(
                name: "whitespace only", expectation: .rejected(line: nil, mentions: ["empty"]),
                inputs: text("blank.json", "  \n\t\r\n   \n"))
        ]
        cases += truncationCases()
        cases += encodingCases()
        cases += notStatisticsCases()
        cases += recordCases()
        cases += nestingCases()
        cases += harCases()
        cases += compressionAndSizeCases()
        cases += sqliteCases()
        cases += storeCases()
        return cases
    }

    // MARK: Truncations

    /// Offsets in the sample page at every kind of structural point: after each kind of
    /// punctuation, inside strings and numbers, after a value, before the final brace. A few of
    /// each kind, spread evenly over the file (about 40 in all).
    static func truncationPoints(_ bytes: [UInt8]) -> [(label: String, offset: Int)] {
        var after: [UInt8: [Int]] = [:]
        var stringMiddles: [Int] = []
        var afterOpenQuote: [Int] = []
        var numberMiddles: [Int] = []
        var afterNumber: [Int] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                var end = index + 1
                while end < bytes.count && bytes[end] != UInt8(ascii: "\"") {
                    end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                afterOpenQuote.append(index + 1)
                if end - index >= 3 { stringMiddles.append(index + (end - index + 1) / 2) }
                index = end + 1
                continue
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                var end = index
                while end < bytes.count
                    && (bytes[end] == UInt8(ascii: "-") || bytes[end] == UInt8(ascii: ".")
                        || (bytes[end] >= 0x30 && bytes[end] <= 0x39))
                { end += 1 }
                if end - index >= 2 { numberMiddles.append(index + (end - index) / 2) }
                afterNumber.append(end)
                index = end
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"):
                after[byte, default: []].append(index + 1)
            default:
                break
            }
            index += 1
        }
        func spread(_ offsets: [Int], _ count: Int) -> [Int] {
            guard offsets.count > count else { return offsets }
            return (0..<count).map { offsets[$0 * (offsets.count - 1) / max(count - 1, 1)] }
        }
        let lastBrace = bytes.lastIndex(of: UInt8(ascii: "}")) ?? bytes.count
        var points: [(String, Int)] = []
        points += spread(after[UInt8(ascii: "{")] ?? [], 6).map { ("after '{'", $0) }
        points += spread(after[UInt8(ascii: "[")] ?? [], 2).map { ("after '['", $0) }
        points += spread(after[UInt8(ascii: ":")] ?? [], 6).map { ("after ':'", $0) }
        points += spread(after[UInt8(ascii: ",")] ?? [], 6).map { ("after ','", $0) }
        points += spread((after[UInt8(ascii: "}")] ?? []).filter { $0 <= lastBrace }, 4).map { ("after '}'", $0) }
        points += spread(after[UInt8(ascii: "]")] ?? [], 1).map { ("after ']'", $0) }
        points += spread(afterOpenQuote, 3).map { ("after an opening quote", $0) }
        points += spread(stringMiddles, 6).map { ("inside a string", $0) }
        points += spread(numberMiddles, 6).map { ("inside a number", $0) }
        points += spread(afterNumber, 1).map { ("right after a number", $0) }
        points.append(("before the final '}'", lastBrace))
        // Every cut must leave an invalid document: never the whole object.
        return points.filter { $0.1 > 0 && $0.1 <= lastBrace }
    }

    static func truncationCases() -> [ReliabilityCorpusCase] {
        let bytes = [UInt8](samplePage)
        guard !bytes.isEmpty else {
            return [
                ReliabilityCorpusCase(
                    name: "truncations (sample page missing)", expectation: .rejected(line: nil, mentions: []),
                    inputs: { _ in throw TestSetupError("\(samplePagePath) could not be read") })
            ]
        }
        return truncationPoints(bytes).map { label, offset in
            let prefix = Array(bytes[..<offset])
            let line = prefix.filter { $0 == 0x0A }.count + 1
            let name = "page-0003 cut \(label) at byte \(offset) (line \(line))"
            // Cuts inside a string found a crash (SIGSEGV: JSONScanner.scanString() and
            // describeHere() recursed until the stack overflowed), fixed in JSONScanner.swift.
            return ReliabilityCorpusCase(
                name: name, expectation: .rejected(line: line, mentions: ["expected"]),
                inputs: file("cut-\(offset).json") { Data(prefix) })
        }
    }

    // MARK: Encodings

    static func encodingCases() -> [ReliabilityCorpusCase] {
        let utf16 = { @Sendable (littleEndian: Bool) throws -> Data in
            let text = String(decoding: samplePage, as: UTF8.self)
            guard let encoded = text.data(using: littleEndian ? .utf16LittleEndian : .utf16BigEndian) else {
                throw TestSetupError("UTF-16")
            }
            return Data(littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]) + encoded
        }
        var invalidUTF8 = Data(page(secondRecord: #"{"port": 23, "type": "TC@@P", "num": 1}"#).utf8)
        if let range = invalidUTF8.range(of: Data("@@".utf8)) { invalidUTF8.replaceSubrange(range, with: [0xFF, 0xC3]) }
        let invalid = invalidUTF8
        var overlong = Data(page(secondRecord: #"{"port": 23, "type": "@@", "num": 1}"#).utf8)
        if let range = overlong.range(of: Data("@@".utf8)) { overlong.replaceSubrange(range, with: [0xC0, 0xAF, 0xED, 0xA0, 0x80]) }
        let overlongBytes = overlong
        return [
            ReliabilityCorpusCase(
                name: "UTF-8 BOM before the sample page (accepted, documented)",
                expectation: .accepted(records: samplePageRecords),
                inputs: file("bom.json") { Data([0xEF, 0xBB, 0xBF]) + samplePage }),
            ReliabilityCorpusCase(
                name: "UTF-16 LE with BOM", expectation: .rejected(line: nil, mentions: ["UTF-16"]),
                inputs: file("utf16le.json") { try utf16(true) }),
            ReliabilityCorpusCase(
                name: "UTF-16 BE with BOM", expectation: .rejected(line: nil, mentions: ["UTF-16"]),
                inputs: file("utf16be.json") { try utf16(false) }),
            ReliabilityCorpusCase(
                name: "invalid UTF-8 bytes inside the string value of type",
                expectation: .rejected(line: 5, mentions: ["data_list[1].type"]),
                inputs: file("invalid-utf8.json") { invalid }),
            ReliabilityCorpusCase(
                name: "overlong and surrogate UTF-8 encodings as the value of type",
                expectation: .rejected(line: 5, mentions: ["data_list[1].type"]),
                inputs: file("overlong-utf8.json") { overlongBytes }),
            ReliabilityCorpusCase(
                name: "NUL byte inside a string",
                expectation: .rejected(line: 5, mentions: ["data_list[1].type"]),
                inputs: file("nul.json") { Data(page(secondRecord: "{\"port\": 23, \"type\": \"TCP\u{0}\", \"num\": 1}").utf8) })
        ]
    }

    // MARK: Not port statistics

    static func notStatisticsCases() -> [ReliabilityCorpusCase] {
        let html = """
            <!DOCTYPE html>
            <html>
            <head><title>502 Bad Gateway</title></head>
            <body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body>
            </html>

            """
        return [
            ReliabilityCorpusCase(
                name: "HTML error page saved as .json", expectation: .rejected(line: 1, mentions: []),
                inputs: text("gateway-page.json", html)),
            ReliabilityCorpusCase(
                name: "HSS error body (HSS.0001)", expectation: .rejected(line: nil, mentions: ["HSS.0001", "Invalid parameter"]),
                inputs: text("hss-error.json", #"{"error_code": "HSS.0001", "error_msg": "Invalid parameter"}"#)),
            ReliabilityCorpusCase(
                name: "API gateway error body (APIGW.0301, with request_id)",
                expectation: .rejected(line: nil, mentions: ["APIGW.0301"]),
                inputs: text(
                    "apigw-error.json",
                    """
                    {"error_msg": "Incorrect IAM authentication information: the token has expired",
                     "error_code": "APIGW.0301", "request_id": "3f9d0c2e2c1a4f0b9b8a7e6d5c4b3a29"}
                    """)),
            ReliabilityCorpusCase(
                name: "API gateway error body, camel-case members and a numeric code",
                expectation: .rejected(line: nil, mentions: ["429"]),
                inputs: text("apigw-camel.json", #"{"errorCode": 429, "errorMsg": "Too Many Requests"}"#)),
            ReliabilityCorpusCase(
                name: "error body with terminal escape sequences in error_code and error_msg",
                expectation: .rejected(line: nil, mentions: ["HSS.0001"]),
                inputs: text(
                    "escapes-error.json",
                    #"{"error_code": "HSS.0001\u001b[2J", "error_msg": "Invalid \u001b]0;owned\u0007parameter\u001b[31m"}"#)),
            ReliabilityCorpusCase(
                name: "a JSON array instead of the body", expectation: .rejected(line: 1, mentions: []),
                inputs: text("array.json", "[1, 2, 3]\n")),
            ReliabilityCorpusCase(
                name: "an object with neither data_list nor an error", expectation: .rejected(line: 1, mentions: ["data_list"]),
                inputs: text("other-object.json", #"{"servers": [], "count": 0}"#)),
            ReliabilityCorpusCase(
                name: "data_list is an object", expectation: .rejected(line: 3, mentions: ["data_list"]),
                inputs: text(
                    "dl-object.json", "{\n  \"total_num\": 1,\n  \"data_list\": {\"port\": 22, \"type\": \"TCP\", \"num\": 1}\n}\n")),
            ReliabilityCorpusCase(
                name: "data_list is a string", expectation: .rejected(line: 3, mentions: ["data_list"]),
                inputs: text("dl-string.json", "{\n  \"total_num\": 1,\n  \"data_list\": \"[]\"\n}\n")),
            ReliabilityCorpusCase(
                name: "data_list is null", expectation: .rejected(line: 3, mentions: ["data_list"]),
                inputs: text("dl-null.json", "{\n  \"total_num\": 1,\n  \"data_list\": null\n}\n")),
            ReliabilityCorpusCase(
                name: "data_list given twice", expectation: .rejected(line: 3, mentions: ["data_list"]),
                inputs: text("dl-twice.json", "{\n  \"total_num\": 0, \"data_list\": [],\n  \"data_list\": []\n}\n")),
            ReliabilityCorpusCase(
                name: "total_num missing", expectation: .rejected(line: 1, mentions: ["total_num"]),
                inputs: text("no-total.json", "{\n  \"data_list\": []\n}\n")),
            ReliabilityCorpusCase(
                name: "total_num -1", expectation: .rejected(line: 2, mentions: ["total_num"]),
                inputs: text("total-negative.json", "{\n  \"total_num\": -1,\n  \"data_list\": []\n}\n")),
            ReliabilityCorpusCase(
                name: "trailing garbage after the body", expectation: .rejected(line: 8, mentions: []),
                inputs: text("trailing.json", page(secondRecord: #"{"port": 23, "type": "TCP", "num": 1}"#) + "<html>\n"))
        ]
    }

    // MARK: Records

    static func recordCases() -> [ReliabilityCorpusCase] {
        [
            badRecord("record is a number", "17", place: "data_list[1]"),
            badRecord("record without type", #"{"port": 23, "num": 1}"#, place: "data_list[1]", mentions: ["type"]),
            badRecord("record without port, type and num", "{}", place: "data_list[1]", mentions: ["port", "type", "num"]),
            ReliabilityCorpusCase(
                name: "record with extra members (accepted, documented: other members are ignored)",
                expectation: .accepted(records: 2),
                inputs: text(
                    "extra-members.json",
                    page(
                        secondRecord:
                            #"{"port": 23, "type": "UDP", "num": 1, "colour": "blue", "pid": [1, {"a": null}], "first_seen": "2026-11-01"}"#
                    ))),
            badRecord("port -1", #"{"port": -1, "type": "TCP", "num": 1}"#, place: "data_list[1].port", mentions: ["-1"]),
            badRecord("port 65536", #"{"port": 65536, "type": "TCP", "num": 1}"#, place: "data_list[1].port", mentions: ["65536"]),
            badRecord("port 1e3", #"{"port": 1e3, "type": "TCP", "num": 1}"#, place: "data_list[1].port", mentions: ["1e3"]),
            badRecord(
                "port \"22\" (a string)", #"{"port": "22", "type": "TCP", "num": 1}"#, place: "data_list[1].port", mentions: ["\"22\""]),
            badRecord("port 22.0", #"{"port": 22.0, "type": "TCP", "num": 1}"#, place: "data_list[1].port"),
            badRecord("port true", #"{"port": true, "type": "TCP", "num": 1}"#, place: "data_list[1].port"),
            badRecord("port null", #"{"port": null, "type": "TCP", "num": 1}"#, place: "data_list[1].port"),
            badRecord(
                "port 99999999999999999999999 (beyond 64 bits)", #"{"port": 99999999999999999999999, "type": "TCP", "num": 1}"#,
                place: "data_list[1].port"),
            badRecord(
                "port given twice", #"{"port": 23, "port": 24, "type": "TCP", "num": 1}"#, place: "data_list[1].port", mentions: ["twice"]),
            badRecord("num -1", #"{"port": 23, "type": "TCP", "num": -1}"#, place: "data_list[1].num", mentions: ["-1"]),
            badRecord(
                "num 2^63 (9223372036854775808)", #"{"port": 23, "type": "TCP", "num": 9223372036854775808}"#, place: "data_list[1].num",
                mentions: ["9223372036854775808"]),
            badRecord("num 1.5", #"{"port": 23, "type": "TCP", "num": 1.5}"#, place: "data_list[1].num", mentions: ["1.5"]),
            badRecord("num \"3\" (a string)", #"{"port": 23, "type": "TCP", "num": "3"}"#, place: "data_list[1].num"),
            badRecord("num -0", #"{"port": 23, "type": "TCP", "num": -0.0}"#, place: "data_list[1].num"),
            badRecord(
                "type \"tcp \" (trailing space)", #"{"port": 23, "type": "tcp ", "num": 1}"#, place: "data_list[1].type",
                mentions: ["\"tcp \""]),
            badRecord("type \"ICMP\"", #"{"port": 23, "type": "ICMP", "num": 1}"#, place: "data_list[1].type", mentions: ["ICMP"]),
            badRecord("type null", #"{"port": 23, "type": null, "num": 1}"#, place: "data_list[1].type", mentions: ["null"]),
            badRecord("type 6 (a number)", #"{"port": 23, "type": 6, "num": 1}"#, place: "data_list[1].type"),
            badRecord(
                "type with an escaped terminal sequence", #"{"port": 23, "type": "\u001b[31mTCP", "num": 1}"#, place: "data_list[1].type"),
            badRecord(
                "status \"DANGER\"", #"{"port": 23, "type": "TCP", "num": 1, "status": "DANGER"}"#, place: "data_list[1].status",
                mentions: ["DANGER"]),
            badRecord("status 7", #"{"port": 23, "type": "TCP", "num": 1, "status": 7}"#, place: "data_list[1].status", mentions: ["7"]),
            badRecord(
                "status given twice", #"{"port": 23, "type": "TCP", "num": 1, "status": "normal", "status": "danger"}"#,
                place: "data_list[1].status"),
            ReliabilityCorpusCase(
                name: "the same port/type twice with different values", expectation: .rejected(line: nil, mentions: ["22"]),
                inputs: text("conflict.json", page(secondRecord: #"{"port": 22, "type": "TCP", "num": 4}"#)))
        ]
    }

    // MARK: Nesting

    static func nestingCases() -> [ReliabilityCorpusCase] {
        let depth = 100_000
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let objects = String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)
        return [
            ReliabilityCorpusCase(
                name: "100,000 nested arrays as the whole document", expectation: .rejected(line: 1, mentions: []),
                inputs: text("nest-top.json", arrays)),
            ReliabilityCorpusCase(
                name: "100,000 nested objects as the whole document", expectation: .rejected(line: 1, mentions: ["512"]),
                inputs: text("nest-objects.json", objects)),
            ReliabilityCorpusCase(
                name: "100,000 nested arrays in an unknown top-level member", expectation: .rejected(line: 1, mentions: ["512"]),
                inputs: text("nest-member.json", "{\"total_num\": 0, \"x\": \(arrays), \"data_list\": []}")),
            ReliabilityCorpusCase(
                name: "100,000 nested objects in an extra member of a record",
                expectation: .rejected(line: 1, mentions: ["512", "data_list[0]"]),
                inputs: text(
                    "nest-record.json",
                    "{\"total_num\": 1, \"data_list\": [{\"port\": 22, \"type\": \"TCP\", \"num\": 1, \"x\": \(objects)}]}")),
            ReliabilityCorpusCase(
                name: "100,000 unclosed brackets", expectation: .rejected(line: 1, mentions: []),
                inputs: text("nest-open.json", "{\"total_num\": 0, \"x\": " + String(repeating: "[", count: depth))),
            ReliabilityCorpusCase(
                name: "100,000 nested arrays in a HAR", expectation: .rejected(line: 1, mentions: ["512"]),
                inputs: text("nest.har", "{\"log\": {\"entries\": \(arrays)}}"))
        ]
    }

    // MARK: HAR

    /// samples/capture.har with entry 2 (the first successful statistics response) changed.
    static func harWithEntry2(_ change: @escaping @Sendable (inout [String: Any]) -> Void) -> @Sendable () throws -> Data {
        {
            let data = try Data(contentsOf: PackageLayout.url("samples/capture.har"))
            guard var root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                var log = root["log"] as? [String: Any], var entries = log["entries"] as? [[String: Any]], entries.count > 4,
                var response = entries[2]["response"] as? [String: Any], var content = response["content"] as? [String: Any]
            else {
                throw TestSetupError("samples/capture.har does not have the expected shape")
            }
            content["ports-endpoint-body"] = (entries[4]["response"] as? [String: Any])?["content"].flatMap {
                ($0 as? [String: Any])?["text"]
            }
            change(&content)
            content["ports-endpoint-body"] = nil
            response["content"] = content
            entries[2]["response"] = response
            log["entries"] = entries
            root["log"] = log
            return try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
        }
    }

    /// samples/capture.har cut `skip` bytes into the first occurrence of `marker` after its middle.
    static func harCut(after marker: String, skip: Int) throws -> Data {
        let data = try Data(contentsOf: PackageLayout.url("samples/capture.har"))
        guard let range = data.range(of: Data(marker.utf8), in: (data.startIndex + data.count / 2)..<data.endIndex) else {
            throw TestSetupError("no \(marker.debugDescription) in the second half of samples/capture.har")
        }
        return data.prefix(upTo: range.lowerBound + skip)
    }

    static func harCases() -> [ReliabilityCorpusCase] {
        [
            ReliabilityCorpusCase(
                name: "HAR whose statistics body is the body of another endpoint (asset/ports)",
                expectation: .rejected(line: nil, mentions: ["log.entries[2]"]),
                inputs: file("other-endpoint-body.har", harWithEntry2 { content in content["text"] = content["ports-endpoint-body"] })),
            ReliabilityCorpusCase(
                name: "HAR whose statistics body is a JSON array",
                expectation: .rejected(line: nil, mentions: ["log.entries[2]"]),
                inputs: file("array-body.har", harWithEntry2 { content in content["text"] = "[1, 2, 3]" })),
            ReliabilityCorpusCase(
                name: "HAR whose statistics body is an HTML page",
                expectation: .rejected(line: nil, mentions: ["log.entries[2]"]),
                inputs: file("html-body.har", harWithEntry2 { content in content["text"] = "<html><body>502 Bad Gateway</body></html>" })),
            ReliabilityCorpusCase(
                name: "HAR whose statistics body says base64 but is not",
                expectation: .rejected(line: nil, mentions: ["log.entries[2]", "base64"]),
                inputs: file(
                    "bad-base64.har",
                    harWithEntry2 { content in
                        content["text"] = "!!! not base64 ***"; content["encoding"] = "base64"
                    })),
            ReliabilityCorpusCase(
                name: "HAR whose statistics body is an HSS error with HTTP 200",
                expectation: .rejected(line: nil, mentions: ["log.entries[2]", "HSS.0004"]),
                inputs: file(
                    "error-200.har",
                    harWithEntry2 { content in content["text"] = #"{"error_code": "HSS.0004", "error_msg": "System busy"}"# })),
            ReliabilityCorpusCase(
                name: "HAR whose statistics body is missing",
                expectation: .rejected(line: nil, mentions: ["log.entries[2]"]),
                inputs: file("no-body.har", harWithEntry2 { content in content["text"] = nil })),
            ReliabilityCorpusCase(
                name: "HAR truncated after a comma", expectation: .rejected(line: nil, mentions: ["JSON"]),
                inputs: file("truncated-comma.har") { try harCut(after: ",\n", skip: 1) }),
            ReliabilityCorpusCase(
                name: "HAR truncated inside a string value", expectation: .rejected(line: nil, mentions: ["JSON"]),
                inputs: file("truncated-string.har") { try harCut(after: "\": \"", skip: 4) })
        ]
    }

    // MARK: Compression and size

    static func compressionAndSizeCases() -> [ReliabilityCorpusCase] {
        [
            ReliabilityCorpusCase(
                name: "gzip bomb: 300 MB of zeros in a 1.3 MB .json.gz (over the 256 MiB inflate limit)",
                expectation: .rejected(line: nil, mentions: ["limit"]),
                inputs: { scratch in
                    let target = scratch.path(inputPath("bomb.json.gz"))
                    try FileManager.default.createDirectory(
                        atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    let made = try await Subprocess.run(
                        URL(fileURLWithPath: "/bin/sh"),
                        ["-c", "head -c 300000000 /dev/zero | gzip -1 > '\(target)'"], timeout: 120)
                    guard made.status == 0 else { throw TestSetupError("making the gzip bomb failed:\n\(made)") }
                    return [target]
                }),
            ReliabilityCorpusCase(
                name: "truncated .json.gz", expectation: .rejected(line: nil, mentions: ["gzip"]),
                inputs: { scratch in
                    let source = scratch.path("whole.json.gz")
                    let made = try await Subprocess.run(
                        URL(fileURLWithPath: "/bin/sh"),
                        ["-c", "gzip -c '\(PackageLayout.url("samples/exports/2026-11-24/host/page-0001.json").path)' > '\(source)'"])
                    guard made.status == 0 else { throw TestSetupError("gzip failed:\n\(made)") }
                    let whole = try Data(contentsOf: URL(fileURLWithPath: source))
                    return [try scratch.write(inputPath("truncated.json.gz"), whole.prefix(whole.count / 2))]
                }),
            ReliabilityCorpusCase(
                name: ".json.gz of a body with port 65536 (line in the inflated text)",
                expectation: .rejected(line: 5, mentions: ["data_list[1].port"]),
                inputs: { scratch in
                    let plain = try scratch.write("plain.json", page(secondRecord: #"{"port": 65536, "type": "TCP", "num": 1}"#))
                    let target = scratch.path(inputPath("bad-port.json.gz"))
                    try FileManager.default.createDirectory(
                        atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    let made = try await Subprocess.run(URL(fileURLWithPath: "/bin/sh"), ["-c", "gzip -c '\(plain)' > '\(target)'"])
                    guard made.status == 0 else { throw TestSetupError("gzip failed:\n\(made)") }
                    return [target]
                }),
            ReliabilityCorpusCase(
                name: "a .json.gz that is not gzip after its magic", expectation: .rejected(line: nil, mentions: ["gzip"]),
                inputs: file("fake.json.gz") { Data([0x1F, 0x8B, 0x08, 0x00]) + Data(repeating: 0xA5, count: 4096) }),
            ReliabilityCorpusCase(
                name: "a 500 MB single line (sparse file: over the 256 MiB input limit)",
                expectation: .rejected(line: nil, mentions: ["limit"]),
                inputs: { scratch in
                    let path = try scratch.write(inputPath("huge.json"), #"{"total_num": 1, "data_list": [], "padding": ""#)
                    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                    try handle.truncate(atOffset: 500_000_000)
                    try handle.close()
                    return [path]
                })
        ]
    }

    // MARK: SQLite inputs

    static func sqliteCases() -> [ReliabilityCorpusCase] {
        [
            ReliabilityCorpusCase(
                name: "a file with the SQLite magic followed by garbage", expectation: .rejected(line: nil, mentions: ["SQLite"]),
                inputs: { scratch in
                    var rng = ReliabilityRNG(seed: 6)
                    let garbage = Data((0..<8192).map { _ in UInt8.random(in: 0...255, using: &rng) })
                    return [try scratch.write("in/garbage.sqlite", Data("SQLite format 3\0".utf8) + garbage)]
                }),
            ReliabilityCorpusCase(
                name: "a portreport store with PRAGMA user_version = 99, as an input",
                expectation: .rejected(line: nil, mentions: ["99"]),
                inputs: { scratch in
                    let other = scratch.path("in/newer-portreport.sqlite")
                    try FileManager.default.createDirectory(atPath: scratch.path("in"), withIntermediateDirectories: true)
                    try await ReliabilityCLI.seed(other)
                    try setUserVersion(other, 99)
                    return [other]
                })
        ]
    }

    static func setUserVersion(_ path: String, _ version: Int) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA user_version = \(version)") }
        try queue.close()
    }

    // MARK: The store itself

    static func storeCases() -> [ReliabilityCorpusCase] {
        let goodInput: @Sendable (Scratch) async throws -> [String] = { _ in [PackageLayout.url("samples/exports/2026-11-25").path] }
        return [
            ReliabilityCorpusCase(
                name: "--store is a portreport store with PRAGMA user_version = 99",
                expectation: .rejected(line: nil, mentions: ["99"]), store: .newerSchema, inputs: goodInput),
            ReliabilityCorpusCase(
                name: "--store on a read-only bind mount", expectation: .rejected(line: nil, mentions: []),
                store: .readOnlyMount, inputs: goodInput),
            ReliabilityCorpusCase(
                name: "--store file is immutable (chattr +i binds root too)", expectation: .rejected(line: nil, mentions: ["read-only"]),
                store: .immutableFile, inputs: goodInput),
            ReliabilityCorpusCase(
                name: "--store /proc/version", expectation: .rejected(line: nil, mentions: []),
                store: .procFile, inputs: goodInput),
            ReliabilityCorpusCase(
                name: "full disk: the store on a 600 KiB tmpfs, 40,000 records imported",
                expectation: .rejected(line: nil, mentions: ["full"]), store: .fullDisk,
                inputs: { scratch in [try writeBulkPages(scratch, days: 10, records: 2000)] })
        ]
    }

    /// `days` × (host, container) pages of `records` distinct records each, under `bulk/DAY/CATEGORY/`
    /// (capture days in January 2028, so nothing merges with the seed or a generated workload, which
    /// starts on 2027-01-01); returns the directory.
    static func writeBulkPages(_ scratch: Scratch, days: Int, records: Int) throws -> String {
        let types = ["TCP", "UDP", "TCP6", "UDP6"]
        for day in 1...days {
            for category in ["host", "container"] {
                var body = "{\"total_num\": \(records), \"data_list\": [\n"
                body += (0..<records).map { index in
                    "{\"port\": \(1 + index / 4), \"type\": \"\(types[index % 4])\", \"num\": \((index * 7 + day) % 50 + 1), \"status\": \"normal\"}"
                }.joined(separator: ",\n")
                body += "\n]}\n"
                try scratch.write(String(format: "bulk/2028-01-%02d/%@/page-0001.json", day, category), body)
            }
        }
        return scratch.path("bulk")
    }
}

@Suite("Reliability: malformed-input corpus")
struct MalformedInputReliabilityTests {
    @Test(
        "import of a malformed input: documented exit status, one clear line naming the file, no crash, no hang, store unchanged",
        arguments: ReliabilityCorpus.cases(needing: nil))
    func corpusCase(_ corpusCase: ReliabilityCorpusCase) async throws {
        try await Self.check(corpusCase)
    }

    // The store-level cases that need privileges, one test per privilege, so that where it is
    // missing the test is reported as skipped (a trait cannot skip one case of a test).

    @Test(
        "import into a store on a read-only bind mount: refused cleanly, store unchanged",
        .requires(.readOnlyBindMount), arguments: ReliabilityCorpus.cases(needing: .readOnlyBindMount))
    func readOnlyMountCase(_ corpusCase: ReliabilityCorpusCase) async throws {
        try await Self.check(corpusCase)
    }

    @Test(
        "import into an immutable store file: refused cleanly, store unchanged",
        .requires(.immutableFile), arguments: ReliabilityCorpus.cases(needing: .immutableFile))
    func immutableFileCase(_ corpusCase: ReliabilityCorpusCase) async throws {
        try await Self.check(corpusCase)
    }

    @Test(
        "import into a store on a full disk: refused cleanly, store unchanged and consistent",
        .requires(.tmpfsMount), arguments: ReliabilityCorpus.cases(needing: .tmpfsMount))
    func fullDiskCase(_ corpusCase: ReliabilityCorpusCase) async throws {
        try await Self.check(corpusCase)
    }

    /// Imports the case's inputs into its store and checks the outcome it documents.
    static func check(_ corpusCase: ReliabilityCorpusCase) async throws {
        try await withScratch("corpus") { scratch in
            try await ReliabilityCLI.seed(scratch.store)
            let seedDump = try StoreInspection.dump(scratch.store)
            let seedBytes = try Data(contentsOf: URL(fileURLWithPath: scratch.store))
            let seedProjection = try await ReliabilityListing.projection(store: scratch.store)
            let inputs = try await corpusCase.inputs(scratch)

            // The store the run writes to, how to check it afterwards, and what to undo.
            var store = scratch.store
            var cleanups: [@Sendable () async -> Void] = []
            let seededPath = scratch.store
            var unchanged: @Sendable () throws -> (Bool, String) = {
                let after = try StoreInspection.dump(seededPath)
                return (
                    after == seedDump,
                    "StoreInspection.dump changed:\n--- before\n\(seedDump.prefix(3000))\n--- after\n\(after.prefix(3000))"
                )
            }
            do {
                switch corpusCase.store {
                case .seeded:
                    break
                case .newerSchema:
                    try ReliabilityCorpus.setUserVersion(scratch.store, 99)
                    let before = try StoreInspection.dump(scratch.store)
                    let path = scratch.store
                    unchanged = {
                        let after = try StoreInspection.dump(path); return (after == before, "the newer store's dump changed")
                    }
                case .readOnlyMount:
                    let source = scratch.path("rw"), target = scratch.path("ro")
                    try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
                    // Only the main file: the dumps above left an empty -wal and a -shm beside the seed.
                    try FileManager.default.copyItem(atPath: scratch.store, toPath: source + "/store.sqlite")
                    if let reason = try await ReliabilityMounts.readOnlyBind(source, at: target) {
                        try endAsSkipped("read-only bind mount: \(reason)")
                    }
                    cleanups.append { await ReliabilityMounts.unmount(target) }
                    store = target + "/store.sqlite"
                    let path = store
                    unchanged = {
                        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                        let names = reliabilityDirectoryNames(source)
                        return (
                            bytes == seedBytes && names == ["store.sqlite"], "the read-only store changed: \(names), \(bytes.count) bytes"
                        )
                    }
                case .immutableFile:
                    guard let chattr = ReliabilityMounts.tool("chattr") else {
                        try endAsSkipped("no chattr executable")
                    }
                    let set = try await ReliabilityMounts.command(chattr, ["+i", scratch.store])
                    guard set.status == 0 else {
                        try endAsSkipped("chattr +i is not supported here: \(set.err)")
                    }
                    let path = scratch.store
                    cleanups.append { _ = try? await ReliabilityMounts.command(chattr, ["-i", path]) }
                    unchanged = {
                        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                        let after = try StoreInspection.dump(path)
                        return (bytes == seedBytes && after == seedDump, "the immutable store changed")
                    }
                case .procFile:
                    store = "/proc/version"
                    let before = try Data(contentsOf: URL(fileURLWithPath: store))
                    unchanged = {
                        let after = try Data(contentsOf: URL(fileURLWithPath: "/proc/version"))
                        return (after == before && !FileManager.default.fileExists(atPath: "/proc/version-wal"), "/proc/version changed")
                    }
                case .fullDisk:
                    let mountPoint = scratch.path("small")
                    if let reason = try await ReliabilityMounts.tmpfs(at: mountPoint, sizeKiB: 600) {
                        try endAsSkipped("full disk: \(reason)")
                    }
                    cleanups.append { await ReliabilityMounts.unmount(mountPoint) }
                    store = mountPoint + "/store.sqlite"
                    try FileManager.default.copyItem(atPath: scratch.store, toPath: store)
                    let path = store
                    unchanged = {
                        let after = try StoreInspection.dump(path)
                        let health = try ReliabilityStoreHealth.read(path)
                        return (
                            after == seedDump && health.problems.isEmpty,
                            "the store on the full disk changed or is inconsistent: \(health.problems)"
                        )
                    }
                }

                let result = try await CLI.run(
                    ["import", "--store", store] + inputs,
                    environment: ReliabilitySettings.epoch, timeout: ReliabilitySettings.timeout)
                ReliabilityMessages.expect(
                    .noCrash, !result.signalled,
                    "ended by a signal (a crash, or killed at the \(ReliabilitySettings.timeout) s deadline):\n\(result)",
                    knownIssues: corpusCase.knownIssues, sourceLocation: #_sourceLocation)
                #expect(result.seconds < ReliabilitySettings.timeout, "took \(result.seconds) s")

                switch corpusCase.expectation {
                case .rejected(let line, let mentions):
                    let named = corpusCase.store == .seeded ? inputs[0] : store
                    ReliabilityMessages.expectCleanFailure(
                        result, file: named, line: line, mentions: mentions,
                        knownIssues: corpusCase.knownIssues)
                    let (same, why) = try unchanged()
                    ReliabilityMessages.expect(
                        .storeUnchanged, same, why, knownIssues: corpusCase.knownIssues,
                        sourceLocation: #_sourceLocation)
                case .accepted(let records):
                    #expect(result.status == 0 && !result.signalled, "documented as accepted:\n\(result)")
                    #expect(!result.err.contains("error:"), "\(result)")
                    let after = try await ReliabilityListing.projection(store: store)
                    #expect(
                        Set(seedProjection).isSubset(of: Set(after)),
                        "the seeded snapshots changed:\n\(ReliabilityListing.difference(seedProjection, after))")
                    let added = Set(after).subtracting(seedProjection)
                    #expect(
                        added.count == 1 && added.allSatisfy { $0.contains("records=\(records) ") },
                        "expected one new snapshot of \(records) records: \(added.sorted())")
                    #expect(try ReliabilityStoreHealth.read(store).problems.isEmpty)
                }
            } catch {
                for cleanup in cleanups.reversed() { await cleanup() }
                throw error
            }
            for cleanup in cleanups.reversed() { await cleanup() }
        }
    }

    /// BUG: text taken from an input reaches standard error raw. Repro: a HAR whose 401 entry has
    /// "error_msg": "x\u001b]0;owned\u0007" → `warning: …: HTTP 401 … skipped (APIGW.0301: x^[]0;owned^G)`;
    /// a file named $'p\e[2J.json' in an imported directory → `error: …/p^[[2J.json:1: …`.
    @Test(
        "text from an input (a HAR error body, a file name found in a directory) reaches the terminal without control characters",
        arguments: ["HAR 401 error body", "file name in a walked directory"])
    func noRawControlCharacters(source: String) async throws {
        try await withScratch("escapes") { scratch in
            let hostile = "x\u{1B}]0;owned\u{07}\u{1B}[2J"
            let arguments: [String]
            if source == "HAR 401 error body" {
                let data = try Data(contentsOf: PackageLayout.url("samples/capture.har"))
                var root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                var log = try #require(root["log"] as? [String: Any])
                var entries = try #require(log["entries"] as? [[String: Any]])
                var response = try #require(entries[1]["response"] as? [String: Any])
                try #require(response["status"] as? Int == 401)
                var content = try #require(response["content"] as? [String: Any])
                content["text"] = String(
                    decoding: try JSONSerialization.data(withJSONObject: ["error_code": "APIGW.0301", "error_msg": hostile]), as: UTF8.self)
                response["content"] = content
                entries[1]["response"] = response
                log["entries"] = entries
                root["log"] = log
                arguments = [try scratch.write("hostile.har", try JSONSerialization.data(withJSONObject: root))]
            } else {
                try scratch.write(
                    "in/2026-12-01/host/p\(hostile).json", #"{"total_num": 1, "data_list": [{"port": -1, "type": "TCP", "num": 1}]}"#)
                arguments = [scratch.path("in")]
            }
            let result = try await CLI.run(
                ["import", "--store", scratch.store] + arguments, environment: ReliabilitySettings.epoch,
                timeout: ReliabilitySettings.timeout)
            #expect(!result.signalled, "\(result)")
            #expect(result.status == (source == "HAR 401 error body" ? 0 : 1), "\(result)")
            let raw = result.err.lines.filter { !ReliabilityMessages.isPrintable($0) }
            #expect(raw.isEmpty, "lines with control characters: \(raw.map(\.debugDescription))")
        }
    }

    @Test("the corpus is as large as the issue asks: ~40 truncation points and every named case")
    func corpusSize() {
        let cases = ReliabilityCorpus.cases
        let truncations = cases.filter { $0.name.hasPrefix("page-0003 cut") }.count
        ReliabilitySettings.log(
            "malformed-input corpus: \(cases.count) cases, \(truncations) of them truncations of \(ReliabilityCorpus.samplePagePath)")
        #expect(truncations >= 35 && truncations <= 45, "\(truncations) truncation points")
        #expect(Set(cases.map(\.name)).count == cases.count, "case names are unique")
    }
}
