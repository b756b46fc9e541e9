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
    }

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
            let category: Category
            let categoryGiven: Bool
            let filters: String
            let offset: Int64
            let body: [UInt8]
        }
        var candidates: [Candidate] = []
        var contents = Contents()
        var unrelated = 0
        for (index, entry) in entries.enumerated() {
            let place = "log.entries[\(index)]"
            guard let urlText = entry["request"]?["url"]?.stringValue else {
                throw InputError(file: file, place: place + ".request.url", message: "expected the request URL as a string")
            }
            guard let components = URLComponents(string: urlText),
                components.path.hasSuffix(endpointSuffix) || components.path.hasSuffix(endpointSuffix + "/")
            else {
                unrelated += 1
                continue
            }
            let pathParts = components.path.split(separator: "/").map(String.init)
            guard pathParts.count >= 5, let v5 = pathParts.firstIndex(of: "v5"), v5 + 1 < pathParts.count,
                Array(pathParts[(v5 + 2)...]) == ["asset", "port", "statistics"]
            else {
                unrelated += 1
                continue
            }
            let method = entry["request"]?["method"]?.stringValue ?? "GET"
            guard method.uppercased() == "GET" else {
                unrelated += 1
                continue
            }
            let status = entry["response"]?["status"]?.integerValue
            let content = entry["response"]?["content"]
            let bodyText = content?["text"]?.stringValue
            guard status == 200 else {
                var note = "\(place): HTTP \(status.map(String.init) ?? "status missing") response to the statistics endpoint skipped"
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
            var items: [String: String] = [:]
            for item in components.queryItems ?? [] {
                items[item.name] = item.value ?? ""
            }
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
            let filters = SnapshotKey.canonicalFilters(
                items.filter { SnapshotKey.filterNames.contains($0.key) && !$0.value.isEmpty }.map { (name: $0.key, value: $0.value) })
            guard let offsetValue = Int64(items["offset"] ?? "0"), offsetValue >= 0 else {
                throw InputError(
                    file: file, place: place + ".request.url",
                    message: "expected offset to be a non-negative integer, found offset=\(items["offset"] ?? "")")
            }
            candidates.append(
                Candidate(
                    entry: index, started: started, startedText: startedText,
                    projectID: pathParts[v5 + 1].removingPercentEncoding ?? pathParts[v5 + 1],
                    enterpriseProjectID: items["enterprise_project_id"] ?? "", category: category, categoryGiven: categoryText != nil,
                    filters: filters, offset: offsetValue, body: body))
        }
        if unrelated > 0 {
            contents.notes.append("\(unrelated) entr\(unrelated == 1 ? "y" : "ies") for other URLs skipped")
        }

        // Pages of one export are consecutive requests of the same query with growing offsets:
        // they form one snapshot, captured when its first page was requested.
        struct RunKey: Hashable {
            let projectID: String, enterpriseProjectID: String, category: Category, filters: String
        }
        var openRuns: [RunKey: (first: Candidate, lastOffset: Int64)] = [:]
        let ordered = candidates.enumerated().sorted { ($0.element.started, $0.offset) < ($1.element.started, $1.offset) }.map(\.element)
        for candidate in ordered {
            let runKey = RunKey(
                projectID: candidate.projectID, enterpriseProjectID: candidate.enterpriseProjectID, category: candidate.category,
                filters: candidate.filters)
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
                enterpriseProject: candidate.enterpriseProjectID.isEmpty ? "not in the request URL" : "HAR request URL",
                category: candidate.categoryGiven ? "HAR request URL" : "API default (no category in the request URL)",
                capturedAt: "HAR startedDateTime of entry \(first.entry) (\(first.startedText))")
            contents.pages.append(Page(entry: candidate.entry, key: key, provenance: provenance, body: candidate.body))
        }
        contents.pages.sort { $0.entry < $1.entry }
        return contents
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
