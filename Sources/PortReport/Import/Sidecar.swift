#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `portreport-export.json`: what the tool that saved an export knows about its pages (the
/// project, the region, the category, when it ran, the query and its filters), in the export's
/// directory, so that a tree of many projects imports with no flags.
///
/// ```json
/// {"format": "portreport-export/1", "project_id": "0a1b…", "region": "ap-southeast-1",
///  "category": "container", "captured_at": "2026-12-01T02:00:00Z",
///  "query": {"path": "/v5/{project_id}/asset/port/statistics", "filters": {"status": "danger"}, "limit": 200},
///  "exported_by": "portreport hss-export 0.3.0 (huaweicloudsdkhss 3.1.219)"}
/// ```
///
/// Every member but `format` is optional, and `null` is the same as leaving it out. A member of
/// the wrong type or value is an error naming the sidecar and the member; a member this version
/// does not know is a warning.
struct Sidecar: Sendable {
    static let fileName = "portreport-export.json"
    static let format = "portreport-export/1"
    /// Largest sidecar read, in bytes: a sidecar is a few hundred bytes; the cap keeps a stray
    /// large file of that name from being read whole.
    static let maximumSize = 64 << 10
    /// Longest `region` and `exported_by` texts, in characters.
    static let maximumRegionLength = 64
    static let maximumExportedByLength = 256

    /// What a sidecar says about one drill-down page: `{"kind": "ListPortHost", "port": 2375,
    /// "type": "TCP"}` or `{"kind": "ListPorts", "host_id": "…"}`.
    struct DetailSpec: Equatable, Sendable {
        let kind: DetailKind
        let port: Int?
        let type: PortType?
        let hostID: String
    }

    /// The query's filters (`status=danger`), as the snapshot key keeps them.
    struct Filter: Hashable, Sendable {
        let name: String
        let value: String
    }

    /// Where the sidecar is, as shown in provenance and messages.
    let path: String
    var projectID: String?
    var enterpriseProjectID: String?
    var region: String?
    var category: Category?
    var capturedAt: Timestamp?
    /// The `query` member's filters: nil without a `query` (or without its `filters`), empty for
    /// an unfiltered query.
    var filters: [Filter]?
    var exportedBy: String?
    /// The `details` member: drill-down pages of this directory by file name, with the query each
    /// answers (`{"port-hosts.json": {"kind": "ListPortHost", "port": 2375, "type": "TCP"}}`).
    var details: [String: DetailSpec] = [:]
    /// Warnings about members this version does not read.
    var warnings: [String] = []

    /// Reads the sidecar in `directory` (`""` for the current directory); nil when there is none.
    static func load(inDirectory directory: String) throws(InputError) -> Sidecar? {
        let path = path(inDirectory: directory)
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw InputError(file: path, message: "cannot read the export sidecar: \(errnoText())")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw InputError(file: path, message: "an export sidecar must be a regular file, found \(InputExpansion.kind(info.st_mode))")
        }
        guard info.st_size <= maximumSize else {
            throw InputError(
                file: path, message: "the export sidecar is \(info.st_size) bytes, over the limit of \(maximumSize) bytes: is it one?")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw InputError(file: path, message: "cannot open the export sidecar: \(errnoText())") }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: maximumSize + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress.map { $0 + count }, raw.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(file: path, message: "cannot read the export sidecar: \(errnoText())")
            }
            if n == 0 { break }
            count += n
        }
        guard count <= maximumSize else {
            throw InputError(file: path, message: "the export sidecar is over the limit of \(maximumSize) bytes: is it one?")
        }
        bytes.removeSubrange(count...)
        return try parse(bytes, path: path)
    }

    /// The path of the sidecar in `directory` (`""` for the current directory).
    static func path(inDirectory directory: String) -> String {
        directory.isEmpty ? fileName : (directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName)
    }

    /// Parses and checks a sidecar's text.
    static func parse(_ bytes: [UInt8], path: String) throws(InputError) -> Sidecar {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw InputError(file: path, message: "the export sidecar is not UTF-8 text; save it as UTF-8 JSON")
        }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(InputError) -> Sidecar in
            var scanner = JSONScanner(buffer)
            var members: [(name: String, value: JSONValue, line: Int)] = []
            do throws(JSONSyntaxError) {
                guard scanner.peek() == UInt8(ascii: "{") else { throw scanner.error(expected: "a JSON object ('{')") }
                var seen: Set<String> = []
                try scanner.readObject { (inner: inout JSONScanner, key: JSONKey) throws(JSONSyntaxError) in
                    let name = key.string
                    guard seen.insert(name).inserted else {
                        inner.offset = key.offset
                        throw JSONSyntaxError(offset: key.offset, expected: "each member once", found: "\"\(name)\" again")
                    }
                    let line = inner.lineAndColumn(of: key.offset).line
                    members.append((name, try inner.readValue(depth: 1), line))
                }
                try scanner.expectEnd()
            } catch {
                throw InputError(
                    file: path, line: scanner.lineAndColumn(of: error.offset).line,
                    message: "the export sidecar is not valid JSON: expected \(error.expected), found \(error.found)")
            }
            return try Sidecar(path: path, members: members)
        }
    }

    private init(path: String, members: [(name: String, value: JSONValue, line: Int)]) throws(InputError) {
        self.path = path
        func fail(_ member: (name: String, value: JSONValue, line: Int), _ expected: String) -> InputError {
            InputError(
                file: path, line: member.line, place: member.name, message: "expected \(expected), found \(Sidecar.describe(member.value))")
        }
        guard let format = members.first(where: { $0.name == "format" }) else {
            throw InputError(
                file: path,
                message:
                    "the export sidecar has no \"format\" member: expected \"format\": \"\(Sidecar.format)\" (rename the file if it is not a portreport export sidecar)"
            )
        }
        guard case .string(let formatText) = format.value else { throw fail(format, "the string \"\(Sidecar.format)\"") }
        guard formatText == Sidecar.format else {
            throw InputError(
                file: path, line: format.line, place: "format",
                message:
                    "expected \"\(Sidecar.format)\", found \(Sidecar.describe(format.value)): this portreport reads only that format (a newer export tool? upgrade portreport)"
            )
        }
        for member in members {
            if case .null = member.value { continue }
            switch member.name {
            case "format":
                continue
            case "project_id", "enterprise_project_id":
                let id = try Sidecar.text(member, maximum: SnapshotPage.maximumIDLength, fail: fail)
                if member.name == "project_id" { projectID = id } else { enterpriseProjectID = id }
            case "region":
                region = try Sidecar.text(member, maximum: Sidecar.maximumRegionLength, fail: fail)
            case "exported_by":
                exportedBy = try Sidecar.text(member, maximum: Sidecar.maximumExportedByLength, fail: fail)
            case "category":
                guard case .string(let text) = member.value, let value = Category(rawValue: text) else {
                    throw fail(member, "\"host\" or \"container\"")
                }
                category = value
            case "captured_at":
                guard case .string(let text) = member.value else { throw fail(member, "an RFC 3339 time such as \"2026-12-01T02:00:00Z\"") }
                guard let time = Timestamp(rfc3339: text) else {
                    throw fail(
                        member,
                        Timestamp.isOutOfRange(text)
                            ? "a time \(Timestamp.validRangeDescription)" : "an RFC 3339 time such as \"2026-12-01T02:00:00Z\"")
                }
                capturedAt = time
            case "query":
                try readQuery(member, fail: fail)
            case "details":
                details = try Sidecar.details(member, fail: fail)
            default:
                warnings.append(
                    "\(path): member \"\(TerminalText.value(member.name))\" is not part of \(Sidecar.format) and was ignored (it has format, project_id, enterprise_project_id, region, category, captured_at, query, details, exported_by)"
                )
            }
        }
    }

    private mutating func readQuery(
        _ member: (name: String, value: JSONValue, line: Int), fail: ((name: String, value: JSONValue, line: Int), String) -> InputError
    ) throws(InputError) {
        guard case .object(let query) = member.value else { throw fail(member, "an object {\"path\": …, \"filters\": {…}, \"limit\": …}") }
        for name in query.keys.sorted() {
            guard let value = query[name] else { continue }
            let inner = (name: "query.\(name)", value: value, line: member.line)
            if case .null = value { continue }
            switch name {
            case "path":
                guard case .string(let text) = value else { throw fail(inner, "the request path, a string") }
                let route = text.split(separator: "?", maxSplits: 1).first.map(String.init) ?? text
                guard route.hasSuffix("/asset/port/statistics") else {
                    throw InputError(
                        file: path, line: member.line, place: inner.name,
                        message:
                            "expected the path of ListPortStatistics (/v5/{project_id}/asset/port/statistics), found \(Sidecar.describe(value)): portreport imports port statistics only"
                    )
                }
            case "limit":
                guard case .number(let number) = value, let limit = number.integer, limit >= 1 else {
                    throw fail(inner, "the page size, a positive integer")
                }
            case "filters":
                filters = try Sidecar.filters(inner, path: path, fail: fail)
            default:
                warnings.append(
                    "\(path): member \"\(TerminalText.value(inner.name))\" is not part of \(Sidecar.format) and was ignored (query has path, filters, limit)"
                )
            }
        }
        if filters == nil { filters = [] }
    }

    /// The query's filters, each checked as `--filter` checks it. `sort_key` and `sort_dir` do not
    /// narrow what is listed and are passed over; anything else that is not a filter is an error,
    /// as a filter portreport does not know could make a partial export look complete.
    private static func filters(
        _ member: (name: String, value: JSONValue, line: Int), path: String,
        fail: ((name: String, value: JSONValue, line: Int), String) -> InputError
    ) throws(InputError) -> [Filter] {
        guard case .object(let members) = member.value else { throw fail(member, "an object such as {\"status\": \"danger\"}") }
        let known = ImportFilter.names.map(\.name)
        var filters: [Filter] = []
        for name in members.keys.sorted() {
            guard let value = members[name], name != "sort_key", name != "sort_dir" else { continue }
            if case .null = value { continue }
            let inner = (name: "\(member.name).\(name)", value: value, line: member.line)
            guard let entry = ImportFilter.names.first(where: { $0.name == name }) else {
                let hint =
                    ["category", "enterprise_project_id"].contains(name)
                    ? ": \(name) is a member of its own" : (["limit", "offset"].contains(name) ? ": it is not a filter" : "")
                throw InputError(
                    file: path, line: member.line, place: inner.name,
                    message: "expected a filter \(known.dropLast().joined(separator: ", ")) or \(known.last ?? "")\(hint)")
            }
            let text: String
            switch value {
            case .string(let string): text = string
            case .number(let number) where number.integer != nil: text = number.description
            default: throw fail(inner, entry.expects)
            }
            guard let normalised = SnapshotKey.normalisedFilter(name: name, value: text) else { throw fail(inner, entry.expects) }
            filters.append(Filter(name: name, value: normalised))
        }
        return filters
    }

    /// The `details` member: an object from file names (in the sidecar's directory) to what each
    /// drill-down page answers.
    private static func details(
        _ member: (name: String, value: JSONValue, line: Int),
        fail: ((name: String, value: JSONValue, line: Int), String) -> InputError
    ) throws(InputError) -> [String: DetailSpec] {
        let shape =
            "an object from file names to {\"kind\": \"ListPortHost\", \"port\": P, \"type\": T} or {\"kind\": \"ListPorts\", \"host_id\": H}"
        guard case .object(let files) = member.value else { throw fail(member, shape) }
        var result: [String: DetailSpec] = [:]
        for name in files.keys.sorted() {
            guard let value = files[name] else { continue }
            let place = (name: "details.\(name)", value: value, line: member.line)
            guard !name.isEmpty, !name.contains("/") else { throw fail(place, "a file name in the sidecar's directory (no '/')") }
            guard case .object(let spec) = value else { throw fail(place, shape) }
            func inner(_ key: String) -> (name: String, value: JSONValue, line: Int) {
                (name: "details.\(name).\(key)", value: spec[key] ?? .null, line: member.line)
            }
            guard case .string(let kindText)? = spec["kind"], let kind = DetailKind(rawValue: kindText) else {
                throw fail(inner("kind"), "\"ListPortHost\" or \"ListPorts\"")
            }
            for key in spec.keys.sorted() where !["kind", "port", "type", "host_id"].contains(key) {
                throw fail(inner(key), "only kind, port, type (ListPortHost) or host_id (ListPorts)")
            }
            switch kind {
            case .portHosts:
                guard case .number(let number)? = spec["port"], let port = number.integer, port >= 1, port <= 65_535 else {
                    throw fail(inner("port"), "the queried port, an integer 1–65535")
                }
                var type: PortType?
                switch spec["type"] {
                case .none, .null?: type = nil
                case .string(let text)?:
                    guard let value = PortType(lenient: text) else { throw fail(inner("type"), "\"TCP\", \"UDP\", \"TCP6\" or \"UDP6\"") }
                    type = value
                default: throw fail(inner("type"), "\"TCP\", \"UDP\", \"TCP6\" or \"UDP6\"")
                }
                guard spec["host_id"] == nil else { throw fail(inner("host_id"), "no host_id for ListPortHost") }
                result[name] = DetailSpec(kind: kind, port: Int(port), type: type, hostID: "")
            case .hostPorts:
                guard case .string(let host)? = spec["host_id"], !host.isEmpty, host.count <= 64 else {
                    throw fail(inner("host_id"), "the queried host_id, a string of 1–64 characters")
                }
                guard spec["port"] == nil, spec["type"] == nil else { throw fail(inner("port"), "only host_id for ListPorts") }
                result[name] = DetailSpec(kind: kind, port: nil, type: nil, hostID: host)
            }
        }
        return result
    }

    /// A text member: a non-empty string of at most `maximum` characters, without control characters.
    private static func text(
        _ member: (name: String, value: JSONValue, line: Int), maximum: Int,
        fail: ((name: String, value: JSONValue, line: Int), String) -> InputError
    ) throws(InputError) -> String {
        let expected = "a non-empty string of at most \(maximum) characters without control characters"
        guard case .string(let text) = member.value, !text.isEmpty, text.count <= maximum,
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        else { throw fail(member, expected) }
        return text
    }

    /// What a JSON value is, for "found …" in messages.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return "the number \(number.description)"
        case .string(let text):
            let shown = TerminalText.value(text.count > 60 ? String(text.prefix(60)) + "…" : text)
            return "the string \"\(shown)\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// The sidecars of one run: each directory's read once, and for each input the values that apply
/// to it, merged from its directory up to the path named on the command line and on above it to
/// `/` (nearer wins per member).
final class SidecarIndex {
    /// What applies to one input: each value with the sidecar it came from.
    struct Values {
        struct Sourced<Value> {
            let value: Value
            let sidecar: String
        }
        var projectID: Sourced<String>?
        var enterpriseProjectID: Sourced<String>?
        var region: Sourced<String>?
        var category: Sourced<Category>?
        var capturedAt: Sourced<Timestamp>?
        var filters: Sourced<[Sidecar.Filter]>?
        var exportedBy: Sourced<String>?
    }

    /// What the index keeps of a sidecar that applies to some input: what it says, without its
    /// `details` (kept apart, by directory) or its path, which is its directory's (the text of
    /// the directory cache's key, so not kept twice). The texts and filters it repeats from
    /// the sidecars before it are shared with theirs.
    private struct Said {
        let directory: String
        var projectID: String?
        var enterpriseProjectID: String?
        var region: String?
        var category: Category?
        var capturedAt: Timestamp?
        var filters: [Sidecar.Filter]?
        var exportedBy: String?

        var path: String { Sidecar.path(inDirectory: directory) }
    }

    /// Which sidecar gives each of a chain's values, as indices into `said` (-1: none):
    /// 56 bytes a chain, where the values with their sources were 280 (26 MB of the heap for
    /// 100 projects' year with a sidecar per export, a chain per export and category).
    private struct Sources: Equatable {
        var projectID: Int = -1
        var enterpriseProjectID: Int = -1
        var region: Int = -1
        var category: Int = -1
        var capturedAt: Int = -1
        var filters: Int = -1
        var exportedBy: Int = -1

        var isEmpty: Bool {
            projectID < 0 && enterpriseProjectID < 0 && region < 0 && category < 0 && capturedAt < 0 && filters < 0 && exportedBy < 0
        }

        /// Fills in what is still missing from a sidecar farther from the page, the one at
        /// `index` in `said`.
        mutating func inherit(from sidecar: Said, at index: Int) {
            func take<Value>(_ value: Value?, _ slot: inout Int) {
                if slot < 0, value != nil { slot = index }
            }
            take(sidecar.projectID, &projectID)
            take(sidecar.enterpriseProjectID, &enterpriseProjectID)
            take(sidecar.region, &region)
            take(sidecar.category, &category)
            take(sidecar.capturedAt, &capturedAt)
            take(sidecar.filters, &filters)
            take(sidecar.exportedBy, &exportedBy)
        }
    }

    /// A directory's sidecar as read: the sidecar, or why it could not be read (a directory
    /// without one is in `withoutSidecar`). A directory costs a word: a `Result` of the sidecar
    /// and its error inline made this table 15 MB of the 100-project import's 61 MB heap peak.
    private enum Read {
        /// The sidecar's index in `said`.
        case sidecar(Int)
        indirect case failed(InputError)
    }

    /// The sidecars read, in the order read, in chunks of `saidChunk`: one array of them grew
    /// by doubling to twice its size (8 MB for 36,500 sidecars, at the import's peak).
    private var said: [[Said]] = []
    private static let saidChunk = 1024
    private var saidCount = 0
    /// Texts and filters the sidecars repeat (the project, the region, the tool), kept once: a
    /// sidecar per export repeats them all.
    private var texts: Set<String> = []
    private var filterLists: Set<[Sidecar.Filter]> = []
    /// Directories that have a sidecar, or one that could not be read, by path: a bounded cache,
    /// as `withoutSidecar` is (a directory met again once it was emptied is read again, with
    /// the same result).
    private var directories: [String: Read] = [:]
    /// The `details` member of each sidecar that has one, by its directory, with its path: what
    /// `detail(for:)` reads.
    private var detailDirectories: [String: (path: String, details: [String: Sidecar.DetailSpec])] = [:]
    /// The warnings already given (a sidecar read again gives its warnings again).
    private var warned: Set<String> = []
    /// Directories found without a sidecar: a bounded cache, emptied when it is full (the inputs
    /// come in path order, so a directory's files and its neighbours come together). Kept for every
    /// directory, it held a path for each snapshot's directory through the whole `load`: 36 MB of
    /// the heap for 100 projects' year.
    private var withoutSidecar: Set<String> = []
    /// How many entries `directories`, `withoutSidecar` and `chains` each hold at most.
    let cacheLimit: Int
    /// The most directories `load`'s caches held at once in the last `load` (for the tests of
    /// their bound).
    private(set) var largestCache = 0

    init(cacheLimit: Int = 4096) {
        self.cacheLimit = max(1, cacheLimit)
    }
    private var ancestorsAbove: [String: [String]] = [:]
    /// Each chain of directories searched, as an index into `chainSources` (nil when no sidecar
    /// on it says anything), by root and directory.
    private var chains: [String: Int?] = [:]
    /// The sources of each distinct chain, and the chain of each input by its index among the
    /// run's inputs (-1: none): an input costs 8 bytes, where a table by path cost 13 MB for
    /// 100 projects' year (73,000 inputs).
    private var chainSources: [Sources] = []
    private var inputChains: [Int] = []
    /// Warnings from the sidecars read (members not known), each once.
    private(set) var warnings: [String] = []

    /// Reads the sidecars that apply to `files` (found under `roots`, one per file: the path named
    /// on the command line). Returns the error of a bad sidecar that applies to a file, by the
    /// file's index in `files`; a file without one is not in it.
    func load(files: InputPaths, roots: [String], flagFilters: [(name: String, value: String)]) -> [Int: InputError] {
        said = []
        saidCount = 0
        texts = []
        filterLists = []
        directories = [:]
        detailDirectories = [:]
        warned = []
        withoutSidecar = []
        largestCache = 0
        chains = [:]
        chainSources = []
        inputChains = Array(repeating: -1, count: files.count)
        warnings = []
        var overridden: [String] = []
        var failed: [Int: InputError] = [:]
        // A chain that failed, by the same key as `chains`.
        var failedChains: [String: InputError] = [:]
        for (index, (file, root)) in zip(files, roots).enumerated() {
            guard file != "-" else { continue }
            let key = root + "\u{0}" + SidecarIndex.directoryName(of: file)
            if let error = failedChains[key] {
                failed[index] = error
                continue
            }
            let chain: Int?
            if let known = chains[key] {
                chain = known
            } else {
                let named = SidecarIndex.directories(of: file, root: root)
                // Then the directories above what was named: importing one category folder of an
                // export must not miss the export's sidecar (its filters say whether it is partial).
                let top = named.last ?? ""
                let above = ancestorsAbove[top] ?? SidecarIndex.ancestors(above: top)
                ancestorsAbove[top] = above
                var sources = Sources()
                do {
                    for directory in named + above {
                        if let found = try sidecar(in: directory) { sources.inherit(from: saidAt(found), at: found) }
                    }
                } catch {
                    failedChains[key] = error
                    failed[index] = error
                    continue
                }
                if sources.isEmpty {
                    chain = nil
                } else if let last = chainSources.last, last == sources {
                    // The inputs come in path order: an export's category folders follow one
                    // another and have the same sidecars.
                    chain = chainSources.count - 1
                } else {
                    chain = chainSources.count
                    chainSources.append(sources)
                }
                // Bounded as `withoutSidecar` is: a directory met again after the cache was
                // emptied is searched again, with the same result.
                if chains.count >= cacheLimit { chains.removeAll(keepingCapacity: true) }
                chains[key] = chain
                largestCache = max(largestCache, cachedDirectoryCount)
            }
            guard let chain else { continue }
            inputChains[index] = chain
            if !flagFilters.isEmpty, let filters = values(of: chainSources[chain]).filters, !overridden.contains(filters.sidecar),
                SnapshotKey.canonicalFilters(filters.value.map { ($0.name, $0.value) }) != SnapshotKey.canonicalFilters(flagFilters)
            {
                overridden.append(filters.sidecar)
                let said =
                    filters.value.isEmpty
                    ? "no filters" : "the filters \(SnapshotKey.canonicalFilters(filters.value.map { ($0.name, $0.value) }))"
                warnings.append(
                    "\(filters.sidecar): says \(said); --filter \(SnapshotKey.canonicalFilters(flagFilters)) is used instead for the pages below it"
                )
            }
        }
        // Only `load` looks chains up, and only `detail(for:)` the directories after it, for a
        // sidecar: the rest would be kept for nothing through the whole import (a directory per
        // snapshot, 18,000 for 100 projects' 90 days, 6 MB of paths).
        chains = [:]
        ancestorsAbove = [:]
        withoutSidecar = []
        directories = [:]
        texts = []
        filterLists = []
        warned = []
        return failed
    }

    /// Keeps the inputs for which `isIncluded` (given the input's index) is true, as the run's
    /// inputs are filtered after `load`: their indices are the ones the files read carry.
    func retain(indices isIncluded: (Int) -> Bool) {
        inputChains = inputChains.indices.filter(isIncluded).map { inputChains[$0] }
    }

    /// Drops what `load` read, once every input has been read: nothing looks it up after.
    func forget() {
        said = []
        saidCount = 0
        detailDirectories = [:]
        chainSources = []
        inputChains = []
    }

    /// The sidecar values that apply to `file`, by its place among the run's inputs; nil when
    /// none does (or when it was not read as one of them).
    func values(for file: InputFile) -> Values? {
        guard let index = file.runIndex, inputChains.indices.contains(index), inputChains[index] >= 0 else { return nil }
        return values(of: chainSources[inputChains[index]])
    }

    /// A chain's values, each with the path of the sidecar that gives it.
    private func values(of sources: Sources) -> Values {
        // The path of each sidecar that gives something, worked out once (they are often one).
        var paths: [Int: String] = [:]
        func sourced<Value>(_ index: Int, _ member: KeyPath<Said, Value?>) -> Values.Sourced<Value>? {
            guard index >= 0 else { return nil }
            let sidecar = saidAt(index)
            guard let value = sidecar[keyPath: member] else { return nil }
            let path = paths[index] ?? sidecar.path
            paths[index] = path
            return Values.Sourced(value: value, sidecar: path)
        }
        return Values(
            projectID: sourced(sources.projectID, \.projectID),
            enterpriseProjectID: sourced(sources.enterpriseProjectID, \.enterpriseProjectID),
            region: sourced(sources.region, \.region), category: sourced(sources.category, \.category),
            capturedAt: sourced(sources.capturedAt, \.capturedAt), filters: sourced(sources.filters, \.filters),
            exportedBy: sourced(sources.exportedBy, \.exportedBy))
    }

    /// What the sidecar in `file`'s own directory says about it as a drill-down page (its
    /// `details` member); nil when it says nothing. Read after `load`.
    func detail(for file: String) -> Values.Sourced<Sidecar.DetailSpec>? {
        let directory = SidecarIndex.directoryName(of: file)
        guard let sidecar = detailDirectories[directory] ?? detailDirectories[directory + "/"] else { return nil }
        let name = String(file.split(separator: "/").last ?? "")
        return sidecar.details[name].map { Values.Sourced(value: $0, sidecar: sidecar.path) }
    }

    private var cachedDirectoryCount: Int { directories.count + withoutSidecar.count + chains.count }

    /// The sidecar in `directory`, as its index in `said`; nil when there is none.
    private func sidecar(in directory: String) throws(InputError) -> Int? {
        switch directories[directory] {
        case .sidecar(let index)?: return index
        case .failed(let error)?: throw error
        case nil: break
        }
        if withoutSidecar.contains(directory) { return nil }
        if directories.count >= cacheLimit { directories.removeAll(keepingCapacity: true) }
        do {
            guard let sidecar = try Sidecar.load(inDirectory: directory) else {
                if withoutSidecar.count >= cacheLimit { withoutSidecar.removeAll(keepingCapacity: true) }
                withoutSidecar.insert(directory)
                return nil
            }
            for warning in sidecar.warnings where warned.insert(warning).inserted { warnings.append(warning) }
            if !sidecar.details.isEmpty { detailDirectories[directory] = (sidecar.path, sidecar.details) }
            func shared(_ text: String?) -> String? { text.map { texts.insert($0).memberAfterInsert } }
            let kept = Said(
                directory: directory, projectID: shared(sidecar.projectID), enterpriseProjectID: shared(sidecar.enterpriseProjectID),
                region: shared(sidecar.region), category: sidecar.category, capturedAt: sidecar.capturedAt,
                filters: sidecar.filters.map { filterLists.insert($0).memberAfterInsert }, exportedBy: shared(sidecar.exportedBy))
            if saidCount % SidecarIndex.saidChunk == 0 {
                said.append([])
                said[said.count - 1].reserveCapacity(SidecarIndex.saidChunk)
            }
            said[said.count - 1].append(kept)
            let index = saidCount
            saidCount += 1
            directories[directory] = .sidecar(index)
            return index
        } catch {
            directories[directory] = .failed(error)
            throw error
        }
    }

    private func saidAt(_ index: Int) -> Said {
        said[index / SidecarIndex.saidChunk][index % SidecarIndex.saidChunk]
    }

    /// The directories under the command line's path searched for `file`'s sidecars, nearest
    /// first: from its directory up to `root` when the walk of `root` found it, its own directory
    /// when it was named itself (`ancestors(above:)` gives the rest).
    static func directories(of file: String, root: String) -> [String] {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        guard file != root, file.hasPrefix(prefix) else { return [directoryName(of: file)] }
        var searched = [root]
        var current = root
        let relative = file.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        for component in relative.dropLast() {
            current = (current.hasSuffix("/") ? current : current + "/") + component
            searched.append(current)
        }
        return searched.reversed()
    }

    /// The directories above `directory` (`""`: the current one), nearest first, as absolute
    /// canonical paths up to `/`; empty when it cannot be resolved.
    static func ancestors(above directory: String) -> [String] {
        guard let resolved = realpath(directory.isEmpty ? "." : directory, nil) else { return [] }
        var current = String(cString: resolved)
        free(resolved)
        var found: [String] = []
        while current != "/" {
            current = directoryName(of: current)
            if current.isEmpty { break }
            found.append(current)
        }
        return found
    }

    /// The directory part of a path: `""` for a bare file name, `/` for a file at the root.
    static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }
}
