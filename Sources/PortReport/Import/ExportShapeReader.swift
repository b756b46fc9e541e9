/// Reads the shapes a saved file may have around the statistics body that `ResponseBodyReader`
/// reads: one body (the hot path: a year's import is thousands of these, read exactly as
/// before), several bodies one after another (what `print(response)` per page writes, or one per
/// line as `.jsonl`/`.ndjson`), a JSON array of bodies, an object keyed by category
/// (`{"host": {…}, "container": {…}}`), or a bare array of records.
///
/// It also names what is near statistics but is not: a Python `repr` of a dict (refused with how
/// to save JSON), and the drill-down calls' bodies (ListPortHost, ListPorts), which are named and
/// left for the importer to skip. Everything that is not the one-body shape is looked at only
/// after the one-body read failed or found more after its value, so the hot path costs nothing
/// more.
enum ExportShapeReader {
    typealias Problem = ResponseBodyReader.Problem

    /// What a file turned out to hold.
    enum Content: Sendable {
        /// One JSON value, as `ResponseBodyReader` read it: a page, an error response, a HAR capture.
        case body(ResponseBodyReader.Content)
        /// Pages of a file that holds several (or one inside an object keyed by category), in
        /// file order; `skipped` are the documents that were drill-down data.
        case pages([Page], skipped: [Skipped])
        /// A bare array of records: no `total_num`, no category, no capture time.
        case records(ResponsePage)
    }

    /// One page of a file that holds several.
    struct Page: Sendable {
        let page: ResponsePage
        let place: PagePlace
        /// From an object keyed by category: the category, and the member name as written.
        let category: Category?
        let categoryKey: String?
    }

    /// Drill-down data met where statistics were expected: where, and what it is in words
    /// (`a ListPortHost page (servers with port 22 open)`).
    struct Skipped: Sendable {
        let place: PagePlace
        let what: String
        /// Where the drill-down body (or bare array of its records) starts, to read it again as one.
        let offset: Int
        /// A bare array of records rather than a body.
        var isRecordArray = false
    }

    /// Where a page is in its file: `document 3 (line 41) host[1]`, `[2]`, `container`. The
    /// line is counted only when the text is asked for (a message).
    struct PagePlace: Sendable {
        /// 1-based number of the document in a stream of documents; nil for a file of one value.
        var document: Int?
        /// Where the document starts.
        var documentOffset: Int
        /// Index in a top-level array of bodies.
        var element: Int?
        /// Member of an object keyed by category, as written, and the index in its array.
        var key: String?
        var keyIndex: Int?

        /// The JSON path part: `[2]`, `host`, `host[1]`, `[0].container`.
        var jsonPath: String {
            var path = element.map { "[\($0)]" } ?? ""
            if let key { path += (path.isEmpty ? "" : ".") + key }
            if let keyIndex { path += "[\(keyIndex)]" }
            return path
        }

        /// `document 3 (line 41) host[1]`; empty for a file's only body.
        func text(in bytes: UnsafeBufferPointer<UInt8>) -> String {
            var parts: [String] = []
            if let document {
                parts.append("document \(document) (line \(JSONScanner(bytes).lineAndColumn(of: documentOffset).line))")
            }
            if !jsonPath.isEmpty { parts.append(jsonPath) }
            return parts.joined(separator: " ")
        }

        /// `inner` (a path inside the body, `data_list[3].port`) placed in the file.
        func path(_ inner: String, in bytes: UnsafeBufferPointer<UInt8>) -> String {
            var text = document.map { "document \($0) (line \(JSONScanner(bytes).lineAndColumn(of: documentOffset).line))" } ?? ""
            var json = jsonPath
            if !inner.isEmpty { json += (json.isEmpty ? "" : ".") + inner }
            if !json.isEmpty { text += (text.isEmpty ? "" : " ") + json }
            return text
        }
    }

    /// What one JSON document (an object) turned out to be.
    private enum Document {
        case body(ResponseBodyReader.Content)
        case several([Page], [Skipped])
    }

    static func read(_ bytes: UnsafeBufferPointer<UInt8>) throws(Problem) -> Content {
        var scanner = JSONScanner(bytes)
        switch scanner.peek() {
        case UInt8(ascii: "{"): break
        case UInt8(ascii: "["): return try readTopArray(&scanner)
        default:
            // Not JSON at all (an HTML error page, an empty file): the one-body reader says so.
            do {
                return .body(try ResponseBodyReader.read(bytes))
            } catch {
                throw pythonRepr(error, bytes) ?? error
            }
        }
        let start = scanner.offset
        let first: Document
        do {
            first = try readDocument(&scanner, place: PagePlace(documentOffset: start))
        } catch {
            // A problem in what may be the first of several documents names the document.
            guard streamFollows(bytes, start) else { throw error }
            throw Problem(
                path: PagePlace(document: 1, documentOffset: start).path(error.path, in: bytes), message: error.message,
                offset: error.offset)
        }
        scanner.skipWhitespace()
        if scanner.isAtEnd {
            switch first {
            case .body(let content): return .body(content)
            case .several(let pages, let skipped): return .pages(pages, skipped: skipped)
            }
        }
        guard scanner.peek() == UInt8(ascii: "{") else {
            throw Problem(
                path: "",
                message: "expected the end of the input after the JSON value, or another page body ('{'), found \(scanner.describeHere())",
                offset: scanner.offset)
        }
        // A stream of documents: the first, already read, is document 1.
        var pages: [Page] = []
        var skipped: [Skipped] = []
        var number = 1
        var document = first
        var documentStart = start
        while true {
            let place = PagePlace(document: number, documentOffset: documentStart)
            switch document {
            case .body(let content):
                switch content {
                case .page(let page):
                    pages.append(Page(page: page, place: place, category: nil, categoryKey: nil))
                case .errorResponse(let code, let message):
                    throw Problem(
                        path: place.text(in: bytes),
                        message:
                            "expected a page body, found \(ErrorBody.kind(code: code)) (\(ErrorBody.summary(code: code, message: message))): export it again",
                        offset: documentStart)
                case .harCapture:
                    throw Problem(path: place.text(in: bytes), message: "expected a page body, found a HAR document", offset: documentStart)
                }
            case .several(let more, let moreSkipped):
                for page in more {
                    var place = page.place
                    place.document = number
                    pages.append(Page(page: page.page, place: place, category: page.category, categoryKey: page.categoryKey))
                }
                for item in moreSkipped {
                    var place = item.place
                    place.document = number
                    skipped.append(Skipped(place: place, what: item.what, offset: item.offset, isRecordArray: item.isRecordArray))
                }
            }
            scanner.skipWhitespace()
            if scanner.isAtEnd { break }
            number += 1
            documentStart = scanner.offset
            let next = PagePlace(document: number, documentOffset: documentStart)
            guard scanner.peek() == UInt8(ascii: "{") else {
                throw Problem(
                    path: next.text(in: bytes),
                    message: "expected another page body ('{') or the end of the input, found \(scanner.describeHere())",
                    offset: documentStart)
            }
            do {
                document = try readDocument(&scanner, place: PagePlace(documentOffset: documentStart))
            } catch {
                throw Problem(path: next.path(error.path, in: bytes), message: error.message, offset: error.offset)
            }
        }
        return .pages(pages, skipped: skipped)
    }

    /// Reads the object that starts here: a body (tried first, as the hot path), else an object
    /// keyed by category, else drill-down data. `place` says where it is, for its pages.
    private static func readDocument(_ scanner: inout JSONScanner, place: PagePlace) throws(Problem) -> Document {
        let start = scanner.offset
        var attempt = scanner
        let failure: Problem
        do {
            let content = try ResponseBodyReader.readDocument(&attempt, requireEnd: false)
            scanner = attempt
            return .body(content)
        } catch {
            failure = error
        }
        if categoryKeyFirst(scanner) {
            return try readKeyed(&scanner, place: place)
        }
        if let survey = DrillDownSurvey.ofBody(scanner.bytes, at: start), let what = survey.description(array: false) {
            scanner.offset = survey.end
            return .several([], [Skipped(place: place, what: what, offset: start)])
        }
        throw pythonRepr(failure, scanner.bytes) ?? failure
    }

    /// The category a member name spells (`host`, `container`, any case), or nil.
    static func category(ofKey name: String) -> Category? {
        switch name.lowercased() {
        case "host": return .host
        case "container": return .container
        default: return nil
        }
    }

    /// Whether the object that starts here begins with a member named by a category.
    private static func categoryKeyFirst(_ scanner: JSONScanner) -> Bool {
        var probe = scanner
        guard probe.consume(UInt8(ascii: "{")), probe.peek() == UInt8(ascii: "\""), let key = try? probe.readKey() else { return false }
        return category(ofKey: key.string) != nil
    }

    /// `{"host": BODY or [BODY, …], "container": …}`: each body's page with its category.
    private static func readKeyed(_ scanner: inout JSONScanner, place: PagePlace) throws(Problem) -> Document {
        let bytes = scanner.bytes
        func syntax(_ error: JSONSyntaxError, _ inner: String) -> Problem {
            Problem(path: place.path(inner, in: bytes), message: "expected \(error.expected), found \(error.found)", offset: error.offset)
        }
        var pages: [Page] = []
        var skipped: [Skipped] = []
        var seen: [Category: String] = [:]
        do {
            try scanner.expect(UInt8(ascii: "{"), "an object ('{')")
        } catch {
            throw syntax(error, "")
        }
        while true {
            let key: JSONKey
            do throws(JSONSyntaxError) {
                guard scanner.peek() == UInt8(ascii: "\"") else { throw scanner.error(expected: "a member name in double quotes") }
                key = try scanner.readKey()
                try scanner.expect(UInt8(ascii: ":"), "':' after a member name")
            } catch {
                throw syntax(error, "")
            }
            let name = key.string
            guard let category = category(ofKey: name) else {
                throw Problem(
                    path: place.path("", in: bytes),
                    message:
                        "expected only 'host' and 'container' members in an object keyed by category, found \(JSONScanner.quoteForMessage(bytes, key.offset, key.offset + name.utf8.count + 2, quoted: false))",
                    offset: key.offset)
            }
            if let other = seen[category] {
                throw Problem(
                    path: place.path(name, in: bytes),
                    message: "expected '\(category.rawValue)' once in an object keyed by category, found '\(other)' and '\(name)'",
                    offset: key.offset)
            }
            seen[category] = name
            var memberPlace = place
            memberPlace.key = name
            func add(_ document: Document, _ at: PagePlace, offset: Int) throws(Problem) {
                switch document {
                case .body(.page(let page)):
                    pages.append(Page(page: page, place: at, category: category, categoryKey: name))
                case .body(.errorResponse(let code, let message)):
                    throw Problem(
                        path: at.path("", in: bytes),
                        message:
                            "expected a page body, found \(ErrorBody.kind(code: code)) (\(ErrorBody.summary(code: code, message: message))): export it again",
                        offset: offset)
                case .body(.harCapture):
                    throw Problem(path: at.path("", in: bytes), message: "expected a page body, found a HAR document", offset: offset)
                case .several:
                    // Drill-down data, already noted in `skipped`.
                    break
                }
            }
            switch scanner.peek() {
            case UInt8(ascii: "{"):
                let offset = scanner.offset
                try add(try readBodyOrDrillDown(&scanner, place: memberPlace, skipped: &skipped), memberPlace, offset: offset)
            case UInt8(ascii: "["):
                let arrayStart = scanner.offset
                scanner.offset += 1
                if scanner.consume(UInt8(ascii: "]")) {
                    throw Problem(
                        path: memberPlace.path("", in: bytes),
                        message:
                            "expected page bodies, found an empty array (a category with nothing open is a body with total_num 0)",
                        offset: arrayStart)
                }
                var index = 0
                while true {
                    var elementPlace = memberPlace
                    elementPlace.keyIndex = index
                    guard scanner.peek() == UInt8(ascii: "{") else {
                        throw Problem(
                            path: elementPlace.path("", in: bytes),
                            message: "expected a page body (an object), found \(scanner.describeHere())",
                            offset: scanner.offset)
                    }
                    let offset = scanner.offset
                    try add(try readBodyOrDrillDown(&scanner, place: elementPlace, skipped: &skipped), elementPlace, offset: offset)
                    index += 1
                    if scanner.consume(UInt8(ascii: ",")) { continue }
                    do {
                        try scanner.expect(UInt8(ascii: "]"), "',' or ']' in an array")
                    } catch {
                        throw syntax(error, name)
                    }
                    break
                }
            default:
                throw Problem(
                    path: memberPlace.path("", in: bytes),
                    message: "expected a page body or an array of page bodies, found \(scanner.describeHere())", offset: scanner.offset)
            }
            if scanner.consume(UInt8(ascii: ",")) { continue }
            do {
                try scanner.expect(UInt8(ascii: "}"), "',' or '}' in an object")
            } catch {
                throw syntax(error, "")
            }
            return .several(pages, skipped)
        }
    }

    /// A body inside an object keyed by category or an array: a page, else drill-down data (added
    /// to `skipped`, returned as no pages), else the body's problem, placed.
    private static func readBodyOrDrillDown(
        _ scanner: inout JSONScanner, place: PagePlace, skipped: inout [Skipped]
    ) throws(Problem) -> Document {
        let start = scanner.offset
        var attempt = scanner
        do {
            let content = try ResponseBodyReader.readDocument(&attempt, requireEnd: false)
            scanner = attempt
            return .body(content)
        } catch {
            if let survey = DrillDownSurvey.ofBody(scanner.bytes, at: start), let what = survey.description(array: false) {
                scanner.offset = survey.end
                skipped.append(Skipped(place: place, what: what, offset: start))
                return .several([], [])
            }
            let problem = pythonRepr(error, scanner.bytes) ?? error
            throw Problem(path: place.path(problem.path, in: scanner.bytes), message: problem.message, offset: problem.offset)
        }
    }

    // MARK: Arrays

    /// A top-level array: of page bodies (its first element has `data_list` or `total_num`), or
    /// of records.
    private static func readTopArray(_ scanner: inout JSONScanner) throws(Problem) -> Content {
        let bytes = scanner.bytes
        let start = scanner.offset
        var probe = scanner
        probe.offset += 1
        if probe.consume(UInt8(ascii: "]")) {
            throw Problem(path: "", message: "expected page bodies or port records in the array, found an empty array", offset: start)
        }
        guard probe.peek() == UInt8(ascii: "{") else {
            let problem = Problem(
                path: "[0]", message: "expected a page body or a port record (an object), found \(probe.describeHere())",
                offset: probe.offset)
            throw pythonRepr(problem, bytes) ?? problem
        }
        let content: Content
        if firstElementIsBody(probe) {
            var pages: [Page] = []
            var skipped: [Skipped] = []
            scanner.offset += 1
            var index = 0
            while true {
                let place = PagePlace(documentOffset: start, element: index)
                guard scanner.peek() == UInt8(ascii: "{") else {
                    throw Problem(
                        path: place.path("", in: bytes), message: "expected a page body (an object), found \(scanner.describeHere())",
                        offset: scanner.offset)
                }
                let offset = scanner.offset
                switch try readBodyOrDrillDown(&scanner, place: place, skipped: &skipped) {
                case .body(.page(let page)):
                    pages.append(Page(page: page, place: place, category: nil, categoryKey: nil))
                case .body(.errorResponse(let code, let message)):
                    throw Problem(
                        path: place.path("", in: bytes),
                        message:
                            "expected a page body, found \(ErrorBody.kind(code: code)) (\(ErrorBody.summary(code: code, message: message))): export it again",
                        offset: offset)
                case .body(.harCapture):
                    throw Problem(path: place.path("", in: bytes), message: "expected a page body, found a HAR document", offset: offset)
                case .several(let more, _):
                    pages.append(contentsOf: more)
                }
                index += 1
                if scanner.consume(UInt8(ascii: ",")) { continue }
                do {
                    try scanner.expect(UInt8(ascii: "]"), "',' or ']' in an array")
                } catch {
                    throw Problem(path: "", message: "expected \(error.expected), found \(error.found)", offset: error.offset)
                }
                break
            }
            content = .pages(pages, skipped: skipped)
        } else {
            var attempt = scanner
            do {
                content = .records(try ResponseBodyReader.readRecords(&attempt))
                scanner = attempt
            } catch {
                if let survey = DrillDownSurvey.ofRecords(bytes, at: start), let what = survey.description(array: true) {
                    scanner.offset = survey.end
                    content = .pages(
                        [], skipped: [Skipped(place: PagePlace(documentOffset: start), what: what, offset: start, isRecordArray: true)])
                } else {
                    throw pythonRepr(error, bytes) ?? error
                }
            }
        }
        do {
            try scanner.expectEnd()
        } catch {
            throw Problem(
                path: "", message: "expected the end of the input after the JSON array, found \(error.found)", offset: error.offset)
        }
        return content
    }

    /// Whether the object that starts here has a member only a body has (`data_list`,
    /// `total_num`, an error code); a record has none of them.
    private static func firstElementIsBody(_ scanner: JSONScanner) -> Bool {
        var probe = scanner
        var isBody = false
        try? probe.readObject { (scanner: inout JSONScanner, key: JSONKey) throws(JSONSyntaxError) in
            if key.equals("data_list") || key.equals("total_num") || key.equals("error_code") || key.equals("error_msg") {
                isBody = true
            }
            try scanner.skipValue(depth: 1)
        }
        return isBody
    }

    /// Whether another JSON value follows the one that starts at `start` (checked only after a
    /// problem, to name the document it is in).
    private static func streamFollows(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        var scanner = JSONScanner(bytes)
        scanner.offset = start
        guard (try? scanner.skipValue()) != nil else { return false }
        return scanner.peek() == UInt8(ascii: "{")
    }

    // MARK: Python

    /// The problem, said as a Python `repr` when that is what stands where JSON was expected: a
    /// single-quoted string, or `None`, `True`, `False`.
    static func pythonRepr(_ problem: Problem, _ bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        var scanner = JSONScanner(bytes)
        scanner.offset = problem.offset
        scanner.skipWhitespace()
        let at = scanner.offset
        guard at < bytes.count else { return nil }
        var found: String?
        if bytes[at] == UInt8(ascii: "'") {
            found = "a single-quoted string"
        } else {
            for word in ["None", "True", "False"] {
                let utf8 = Array(word.utf8)
                guard at + utf8.count <= bytes.count, Array(bytes[at..<(at + utf8.count)]) == utf8 else { continue }
                let after = at + utf8.count < bytes.count ? bytes[at + utf8.count] : 0x20
                let isWordByte = (after >= 0x30 && after <= 0x39) || (after | 0x20 >= 0x61 && after | 0x20 <= 0x7A) || after == 0x5F
                if !isWordByte { found = word }
            }
        }
        guard let found else { return nil }
        return Problem(
            path: problem.path,
            message:
                "expected JSON, found \(found): this is a Python repr of a dict (what str(resp.to_dict()) or print(a_dict) writes), not JSON; save JSON instead: json.dump(resp.to_json_object(), f), or f.write(json.dumps(resp.to_dict()))",
            offset: at)
    }
}

/// What the records of a body (or a bare array) hold, to tell drill-down data from statistics:
/// ListPortHost and ListPorts records have `host_id` and `laddr` and no `num`.
struct DrillDownSurvey {
    var records = 0
    var withNum = 0
    var withHost = 0
    var withHostName = 0
    var withContainer = 0
    var ports: [Int64] = []
    var firstHost: String?
    /// Where the surveyed value ends.
    var end = 0

    /// The object that starts at `start`, when its `data_list` can be surveyed.
    static func ofBody(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> DrillDownSurvey? {
        var scanner = JSONScanner(bytes)
        scanner.offset = start
        var survey = DrillDownSurvey()
        var sawList = false
        do {
            try scanner.readObject { (scanner: inout JSONScanner, key: JSONKey) throws(JSONSyntaxError) in
                if key.equals("data_list"), scanner.peek() == UInt8(ascii: "[") {
                    sawList = true
                    try survey.list(&scanner)
                } else {
                    try scanner.skipValue(depth: 1)
                }
            }
        } catch {
            return nil
        }
        guard sawList else { return nil }
        survey.end = scanner.offset
        return survey
    }

    /// The array of records that starts at `start`.
    static func ofRecords(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> DrillDownSurvey? {
        var scanner = JSONScanner(bytes)
        scanner.offset = start
        var survey = DrillDownSurvey()
        do {
            try survey.list(&scanner)
        } catch {
            return nil
        }
        survey.end = scanner.offset
        return survey
    }

    private mutating func list(_ scanner: inout JSONScanner) throws(JSONSyntaxError) {
        try scanner.readArray { (scanner: inout JSONScanner, _: Int) throws(JSONSyntaxError) in
            guard scanner.peek() == UInt8(ascii: "{") else {
                try scanner.skipValue(depth: 2)
                return
            }
            records += 1
            var hasHost = false, hasName = false, hasContainer = false, hasNum = false
            try scanner.readObject { (scanner: inout JSONScanner, key: JSONKey) throws(JSONSyntaxError) in
                if key.equals("num") {
                    hasNum = true
                } else if key.equals("host_id") || key.equals("laddr") {
                    hasHost = true
                    if key.equals("host_id"), firstHost == nil, scanner.peek() == UInt8(ascii: "\"") {
                        firstHost = try scanner.readString()
                        return
                    }
                } else if key.equals("host_name") || key.equals("host_ip") {
                    hasName = true
                } else if key.equals("container_id") || key.equals("container_name") {
                    hasContainer = true
                } else if key.equals("port"), let port = scanner.readPlainInteger() {
                    if !ports.contains(port), ports.count < 6 { ports.append(port) }
                    return
                }
                try scanner.skipValue(depth: 3)
            }
            if hasNum { withNum += 1 }
            if hasHost { withHost += 1 }
            if hasName { withHostName += 1 }
            if hasContainer { withContainer += 1 }
        }
    }

    /// `a ListPortHost page (servers with port 22 open)`, `a ListPorts page (the open ports of
    /// server H)`; nil when the records are not drill-down data (some have `num`, none has
    /// `host_id` or `laddr`, or there are none).
    func description(array: Bool) -> String? {
        guard records > 0, withNum == 0, withHost > 0 else { return nil }
        func what(_ call: String) -> String { array ? "an array of \(call) records" : "a \(call) page" }
        if withHostName > 0 {
            let sorted = ports.prefix(5).map(String.init)
            let portText =
                sorted.isEmpty
                ? "one port"
                : sorted.count == 1 ? "port \(sorted[0])" : "ports \(sorted.joined(separator: ", "))\(ports.count > 5 ? ", …" : "")"
            let who = withContainer > 0 ? "containers" : "servers"
            return what("ListPortHost") + " (\(who) with \(portText) open)"
        }
        let host = firstHost.map { " \(String($0.prefix(64)))" } ?? ""
        return what("ListPorts") + " (the open ports of server\(host))"
    }
}
