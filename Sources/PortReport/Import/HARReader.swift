import Foundation

/// Reads HAR captures (HTTP Archive 1.2, as saved by a browser or an API client) and picks out
/// the responses of the statistics call.
enum HARReader {
    /// One response of the statistics endpoint, with what its request said.
    struct Page {
        /// Index in `log.entries`, for messages and provenance.
        let entry: Int
        let key: SnapshotKey
        let provenance: MetadataProvenance
        let body: [UInt8]
        /// A drill-down call's response (ListPortHost, ListPorts): the query its URL gives. The
        /// key's filters are then the drill-down query's other filters.
        var detail: DetailQuery? = nil
    }

    /// What a drill-down request's URL says beyond project, category and enterprise project.
    struct DetailQuery: Hashable, Sendable {
        let kind: DetailKind
        let port: Int?
        let type: PortType?
        let hostID: String
    }

    /// `/asset/ports/detail` (ListPortHost) and `/asset/ports` (ListPorts).
    static let detailEndpoints: [(tail: [String], kind: DetailKind)] = [
        (["asset", "ports", "detail"], .portHosts), (["asset", "ports"], .hostPorts)
    ]

    /// The query parameters of a drill-down call that are filters (a partial view); `port`,
    /// `type` (ListPortHost) and `host_id` (ListPorts) are the query itself.
    static let detailFilterNames: [DetailKind: Set<String>] = [
        .portHosts: ["host_name", "host_ip"], .hostPorts: ["host_name", "host_ip", "port", "type", "status"]
    ]

    struct Contents {
        var pages: [Page] = []
        /// Entries reported and skipped: other URLs, non-200 responses.
        var notes: [String] = []
    }

    static let endpointSuffix = "/asset/port/statistics"

    static func read(_ bytes: UnsafeBufferPointer<UInt8>, file: String) throws(InputError) -> Contents {
        var scanner = JSONScanner(bytes)
        let root: JSONValue
        do {
            root = try scanner.readValue()
            try scanner.expectEnd()
        } catch {
            let line = scanner.lineAndColumn(of: error.offset).line
            throw InputError(file: file, line: line, message: "not valid JSON: expected \(error.expected), found \(error.found)")
        }
        guard let entries = root["log"]?["entries"]?.arrayValue else {
            throw InputError(file: file, place: "log.entries", message: "expected the HAR array of entries; this HAR has none")
        }

        struct Candidate {
            let entry: Int
            let started: Timestamp
            let startedText: String
            let projectID: String
            let enterpriseProjectID: String
            let enterpriseProjectGiven: Bool
            let category: Category
            let categoryGiven: Bool
            let filters: String
            let offset: Int64
            let body: [UInt8]
            let detail: DetailQuery?
        }
        var candidates: [Candidate] = []
        var contents = Contents()
        var unrelated = 0
        for (index, entry) in entries.enumerated() {
            let place = "log.entries[\(index)]"
            guard let urlText = entry["request"]?["url"]?.stringValue else {
                throw InputError(file: file, place: place + ".request.url", message: "expected the request URL as a string")
            }
            let urlPlace = place + ".request.url"
            // A URL that names the endpoint is checked before it is parsed: parsing would skip
            // it as "another URL" in silence, or keep a NUL that cuts the project id short.
            let namesEndpoint = urlText.contains(endpointSuffix) || urlText.contains("/asset/ports")
            if namesEndpoint { try checkURLText(urlText, file: file, place: urlPlace) }
            let detailKind = URLComponents(string: urlText).flatMap { components -> DetailKind? in
                let parts = components.percentEncodedPath.split(separator: "/").map(String.init)
                guard let v5 = parts.firstIndex(of: "v5"), v5 + 1 < parts.count else { return nil }
                let tail = Array(parts[(v5 + 2)...])
                return detailEndpoints.first { $0.tail == tail }?.kind
            }
            guard let components = URLComponents(string: urlText),
                components.percentEncodedPath.hasSuffix(endpointSuffix) || components.percentEncodedPath.hasSuffix(endpointSuffix + "/")
                    || detailKind != nil
            else {
                if namesEndpoint, URLComponents(string: urlText) == nil {
                    throw InputError(
                        file: file, place: urlPlace,
                        message:
                            "expected a URL (https://hss.REGION.myhuaweicloud.com/v5/PROJECT/asset/port/statistics?…), found \"\(TerminalText.value(urlText, width: 80))\""
                    )
                }
                unrelated += 1
                continue
            }
            let pathParts = components.percentEncodedPath.split(separator: "/").map(String.init)
            guard pathParts.count >= 4, let v5 = pathParts.firstIndex(of: "v5"), v5 + 1 < pathParts.count,
                Array(pathParts[(v5 + 2)...]) == ["asset", "port", "statistics"] || detailKind != nil
            else {
                unrelated += 1
                continue
            }
            let method = entry["request"]?["method"]?.stringValue ?? "GET"
            guard method.uppercased() == "GET" else {
                unrelated += 1
                continue
            }
            let statusValue = entry["response"]?["status"]
            let status = statusValue?.integerValue
            if let statusValue, status == nil {
                throw InputError(
                    file: file, place: place + ".response.status",
                    message: "expected the HTTP status as a number (200), found \(describe(statusValue)): fix the HAR entry")
            }
            let content = entry["response"]?["content"]
            let bodyText = content?["text"]?.stringValue
            guard status == 200 else {
                let endpoint = detailKind.map { "the \($0.rawValue) endpoint" } ?? "the statistics endpoint"
                var note = "\(place): HTTP \(status.map(String.init) ?? "status missing") response to \(endpoint) skipped"
                if let bodyText, let reason = errorSummary(Array(bodyText.utf8)) { note += " (\(reason))" }
                contents.notes.append(note)
                continue
            }
            guard let bodyText else {
                throw InputError(
                    file: file, place: place + ".response.content.text",
                    message: "expected the response body as text; the capture did not save it (re-export the HAR with content)")
            }
            let body: [UInt8]
            if content?["encoding"]?.stringValue?.lowercased() == "base64" {
                guard let data = Data(base64Encoded: bodyText, options: .ignoreUnknownCharacters) else {
                    throw InputError(
                        file: file, place: place + ".response.content.text",
                        message: "expected base64 text (the entry says encoding base64)")
                }
                body = [UInt8](data)
            } else {
                body = Array(bodyText.utf8)
            }
            guard let startedText = entry["startedDateTime"]?.stringValue else {
                throw InputError(file: file, place: place + ".startedDateTime", message: "expected the entry's start time (ISO 8601)")
            }
            guard let started = Timestamp(rfc3339: startedText) else {
                if Timestamp.isOutOfRange(startedText) {
                    throw InputError(
                        file: file, place: place + ".startedDateTime",
                        message: "expected a date-time \(Timestamp.validRangeDescription), found \"\(startedText.prefix(60))\"")
                }
                throw InputError(
                    file: file, place: place + ".startedDateTime",
                    message: "expected an ISO 8601 date-time such as 2026-11-28T02:00:00.123+08:00, found \"\(startedText.prefix(60))\"")
            }
            let items = try queryItems(components, file: file, place: urlPlace)
            let categoryText = items["category"]
            let category: Category
            if let categoryText {
                guard let value = Category(rawValue: categoryText) else {
                    throw InputError(
                        file: file, place: place + ".request.url",
                        message: "expected category=host or category=container, found category=\(categoryText)")
                }
                category = value
            } else {
                category = .host
            }
            let filterNames = detailKind.flatMap { detailFilterNames[$0] } ?? SnapshotKey.filterNames
            let filters = SnapshotKey.canonicalFilters(
                items.filter { filterNames.contains($0.key) && !$0.value.isEmpty }.map { (name: $0.key, value: $0.value) })
            let detail = try detailKind.map { kind throws(InputError) in try detailQuery(kind, items, file: file, place: urlPlace) }
            guard let offsetValue = Int64(items["offset"] ?? "0"), offsetValue >= 0 else {
                throw InputError(
                    file: file, place: place + ".request.url",
                    message: "expected offset to be a non-negative integer, found offset=\(items["offset"] ?? "")")
            }
            candidates.append(
                Candidate(
                    entry: index, started: started, startedText: startedText,
                    projectID: try decodedComponent(pathParts[v5 + 1], what: "the project id in the path", file: file, place: urlPlace),
                    // Without enterprise_project_id the API answers for the default enterprise
                    // project, "0" (HSS-API.md): the same origin as a query that names it.
                    enterpriseProjectID: items["enterprise_project_id"] ?? "0",
                    enterpriseProjectGiven: items["enterprise_project_id"] != nil, category: category, categoryGiven: categoryText != nil,
                    filters: filters, offset: offsetValue, body: body, detail: detail))
        }
        if unrelated > 0 {
            contents.notes.append("\(unrelated) entr\(unrelated == 1 ? "y" : "ies") for other URLs skipped")
        }

        // Pages of one export are consecutive requests of the same query with growing offsets:
        // they form one snapshot, captured when its first page was requested.
        struct RunKey: Hashable {
            let projectID: String, enterpriseProjectID: String, category: Category, filters: String
            let detail: DetailQuery?
        }
        var openRuns: [RunKey: (first: Candidate, lastOffset: Int64)] = [:]
        let ordered = candidates.enumerated().sorted { ($0.element.started, $0.offset) < ($1.element.started, $1.offset) }.map(\.element)
        for candidate in ordered {
            let runKey = RunKey(
                projectID: candidate.projectID, enterpriseProjectID: candidate.enterpriseProjectID, category: candidate.category,
                filters: candidate.filters, detail: candidate.detail)
            var first = candidate
            if let run = openRuns[runKey], candidate.offset > run.lastOffset {
                first = run.first
            }
            openRuns[runKey] = (first, candidate.offset)
            let key = SnapshotKey(
                projectID: candidate.projectID, enterpriseProjectID: candidate.enterpriseProjectID, category: candidate.category,
                capturedAt: first.started, filters: candidate.filters)
            let provenance = MetadataProvenance(
                project: "HAR request URL",
                enterpriseProject: candidate.enterpriseProjectGiven
                    ? "HAR request URL" : "API default (0; no enterprise_project_id in the request URL)",
                category: candidate.categoryGiven ? "HAR request URL" : "API default (no category in the request URL)",
                capturedAt: "HAR startedDateTime of entry \(first.entry) (\(first.startedText))")
            contents.pages.append(
                Page(entry: candidate.entry, key: key, provenance: provenance, body: candidate.body, detail: candidate.detail))
        }
        contents.pages.sort { $0.entry < $1.entry }
        return contents
    }

    /// The drill-down query a request URL gives: ListPortHost needs `port` (1–65535) and may give
    /// `type`; ListPorts gives `host_id` (or only filters such as `host_name`).
    private static func detailQuery(
        _ kind: DetailKind, _ items: [String: String], file: String, place: String
    ) throws(InputError) -> DetailQuery {
        switch kind {
        case .portHosts:
            guard let text = items["port"], let port = Int(text), port >= 1, port <= 65_535 else {
                throw InputError(
                    file: file, place: place,
                    message:
                        "expected port=1–65535 in a ListPortHost request URL (/asset/ports/detail), found \(items["port"].map { "port=\($0)" } ?? "none")"
                )
            }
            var type: PortType?
            if let text = items["type"], !text.isEmpty {
                guard let value = PortType(lenient: text) else {
                    throw InputError(file: file, place: place, message: "expected type=TCP, UDP, TCP6 or UDP6, found type=\(text)")
                }
                type = value
            }
            return DetailQuery(kind: kind, port: port, type: type, hostID: "")
        case .hostPorts:
            return DetailQuery(kind: kind, port: nil, type: nil, hostID: items["host_id"] ?? "")
        }
    }

    /// The query parameters that make a snapshot's key (or order its pages): given twice with
    /// different values, which one the export meant cannot be known.
    static let keyParameters: Set<String> = SnapshotKey.filterNames.union([
        "category", "enterprise_project_id", "offset", "host_id", "host_name", "host_ip"
    ])

    /// A statistics URL's text: no control character (a NUL would cut an id short where it is
    /// stored) and no U+FFFD (what the JSON reader makes of bytes that are not UTF-8; a URL is
    /// ASCII, so it never holds one of its own).
    private static func checkURLText(_ text: String, file: String, place: String) throws(InputError) {
        if let control = text.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw InputError(
                file: file, place: place,
                message:
                    "expected a URL without control characters, found \(TerminalText.value(String(control), width: 12)): fix the HAR entry")
        }
        if text.unicodeScalars.contains("\u{FFFD}") {
            throw InputError(
                file: file, place: place,
                message:
                    "expected a URL of ASCII characters, found U+FFFD (bytes that are not UTF-8 in the file?): fix the HAR entry or save it again as UTF-8"
            )
        }
    }

    /// A component of a URL with its %XX escapes decoded, checked: valid escapes, UTF-8 once
    /// decoded, no control character (`%00` would cut an id short where it is stored).
    static func decodedComponent(_ raw: String, what: String, file: String, place: String) throws(InputError) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.utf8.count)
        let utf8 = Array(raw.utf8)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: return byte - 0x30
            case 0x41...0x46: return byte - 0x41 + 10
            case 0x61...0x66: return byte - 0x61 + 10
            default: return nil
            }
        }
        while index < utf8.count {
            guard utf8[index] == UInt8(ascii: "%") else {
                bytes.append(utf8[index])
                index += 1
                continue
            }
            guard index + 2 < utf8.count, let high = hex(utf8[index + 1]), let low = hex(utf8[index + 2]) else {
                throw InputError(
                    file: file, place: place,
                    message:
                        "expected %XX escapes (two hexadecimal digits) in \(what), found \"\(TerminalText.value(String(decoding: utf8[index..<min(index + 3, utf8.count)], as: UTF8.self), width: 12))\""
                )
            }
            bytes.append(high << 4 | low)
            index += 3
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw InputError(
                file: file, place: place, message: "expected \(what) to be UTF-8 once its %XX escapes are decoded; it is not: fix the URL")
        }
        if let control = text.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw InputError(
                file: file, place: place,
                message:
                    "expected \(what) without control characters, found \(TerminalText.value(String(control), width: 12))\(control == "\0" ? " (%00, a NUL)" : ""): fix the URL"
            )
        }
        return text
    }

    /// The URL's query parameters, decoded; a parameter of the key given twice with different
    /// values is an error (`category=host&category=container`), and so is one that does not
    /// decode. Other parameters (`limit`) are taken as they come, the last one winning.
    private static func queryItems(_ components: URLComponents, file: String, place: String) throws(InputError) -> [String: String] {
        var items: [String: String] = [:]
        for item in components.percentEncodedQueryItems ?? [] {
            let name = item.name.removingPercentEncoding ?? item.name
            guard keyParameters.contains(name) else {
                items[name] = item.value.flatMap { $0.removingPercentEncoding ?? $0 } ?? ""
                continue
            }
            let value = try decodedComponent(item.value ?? "", what: "the \(name) parameter", file: file, place: place)
            if let previous = items[name], previous != value {
                throw InputError(
                    file: file, place: place,
                    message:
                        "expected \(name) once, found \(name)=\(TerminalText.value(previous, width: 40)) and \(name)=\(TerminalText.value(value, width: 40)): which one the export used cannot be known; fix the URL"
                )
            }
            items[name] = value
        }
        return items
    }

    /// What a JSON value is, for messages: `the string "200"`, `null`, `an object`.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return "\(flag)"
        case .number(let number): return TerminalText.number(number.description)
        case .string(let text): return "the string \"\(TerminalText.value(text, width: 40))\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// "HSS.0001: Invalid parameter" for an error body, nil for anything else.
    static func errorSummary(_ body: [UInt8]) -> String? {
        let content: ResponseBodyReader.Content? = body.withUnsafeBufferPointer { try? ResponseBodyReader.read($0) }
        guard case .errorResponse(let code, let message) = content else { return nil }
        return ErrorBody.summary(code: code, message: message)
    }
}

enum ErrorBody {
    /// "an HSS error response", or "an API gateway error response" for the gateway's codes.
    static func kind(code: String?) -> String {
        code?.uppercased().hasPrefix("APIGW") == true ? "an API gateway error response" : "an HSS error response"
    }

    static func summary(code: String?, message: String?) -> String {
        switch (code, message) {
        case let (code?, message?): return "\(code): \(message)"
        case let (code?, nil): return code
        case let (nil, message?): return message
        case (nil, nil): return "no code"
        }
    }
}
