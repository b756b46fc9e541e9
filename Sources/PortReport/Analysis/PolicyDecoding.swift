import Foundation
import Yams

// Reading a policy file: YAML (through Yams) into the `Policy` model, with errors that name the
// file, the line and what was expected.

extension Policy {
    /// Largest policy file read, in bytes. A policy is a few KB; the cap keeps a huge (or
    /// endless) file from taking memory.
    static let maximumFileSize = 1 << 20
    /// Most rules in one list (`forbid`, `limits`, `waivers`): a policy has tens of them.
    static let maximumRules = 1_000
    /// Most port entries (`23/tcp`, `8000-8100/udp`) in the whole policy, every list together.
    static let maximumPortEntries = 10_000

    /// Reads a policy file; errors name the file, the line and what was expected.
    public static func load(path: String) throws(PolicyError) -> Policy {
        let bytes = try readFile(path)
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw PolicyError(file: path, line: nil, message: "not UTF-8 text; expected a YAML policy file")
        }
        return try parse(text, file: path)
    }

    /// The bytes of the file at `path`, at most `maximumFileSize` of them, read without
    /// Foundation so that each failure says what the path is in words.
    private static func readFile(_ path: String) throws(PolicyError) -> [UInt8] {
        func fail(_ message: String) -> PolicyError { PolicyError(file: path, line: nil, message: message) }
        // O_NONBLOCK: a FIFO given as --policy must not hang the open; it is refused below.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            switch errno {
            case ENOENT: throw fail("no such file; expected a YAML policy file")
            case EACCES: throw fail("permission denied; cannot read the policy file")
            default: throw fail("cannot open the policy file: \(String(cString: strerror(errno)))")
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail("cannot read the policy file: \(String(cString: strerror(errno)))") }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw fail("is a directory, expected a YAML policy file")
        default: throw fail("not a regular file, expected a YAML policy file")
        }
        guard info.st_size <= maximumFileSize else {
            throw fail("the file is \(info.st_size) bytes, over the limit of \(maximumFileSize) bytes for a policy (a policy is a few KB)")
        }
        var bytes = [UInt8](repeating: 0, count: maximumFileSize + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress.map { $0 + count }, raw.count - count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw fail("cannot read the policy file: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            count += n
        }
        // The file may have grown since fstat.
        guard count <= maximumFileSize else {
            throw fail("the file is over the limit of \(maximumFileSize) bytes for a policy (a policy is a few KB)")
        }
        bytes.removeSubrange(count...)
        return bytes
    }

    static func parse(_ text: String, file: String) throws(PolicyError) -> Policy {
        let root: Node?
        do {
            // The parser keeps the anchors alive (nodes hold them weakly) until they are checked.
            let parser = try Parser(yaml: text)
            root = try parser.singleRoot()
            try withExtendedLifetime(parser) { () throws(PolicyError) in
                if let root, let anchored = firstAnchored(root) {
                    throw PolicyError(
                        file: file, line: anchored.mark.map { $0.line },
                        message:
                            "YAML anchors and aliases (&name, *name) are not accepted in a policy: write each value out (an alias can make a small file expand without bound)"
                    )
                }
            }
        } catch let error as PolicyError {
            throw error
        } catch let error as YamlError {
            var line = PolicyError.line(of: error)
            if case .duplicatedKeysInMapping(let duplicates, _) = error, let name = duplicates.first {
                // Yams marks the mapping; name the line where the setting is given again.
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
                let repeats = lines.indices.filter { lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix(name + ":") }
                if repeats.count >= 2 { line = repeats[1] + 1 }
            }
            throw PolicyError(file: file, line: line, message: "not valid YAML: \(PolicyError.reason(of: error))")
        } catch {
            throw PolicyError(file: file, line: nil, message: "not valid YAML: \(error)")
        }
        var policy = Policy(source: file)
        guard let root else { return policy }
        let reader = PolicyReader(file: file)
        guard let mapping = root.mapping else {
            throw reader.fail(root, "expected a mapping with forbid, limits, allow, new_ports, new_dangerous, vendor_danger, waivers")
        }
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw reader.fail(keyNode, "expected a name") }
            switch key {
            case "forbid":
                policy.forbid = try reader.list(value, "forbid") { (item: Node) throws(PolicyError) -> Forbid in
                    let fields = try reader.fields(
                        item, allowed: ["ports", "category", "reason", "exposure", "host_names", "container_names", "controls"],
                        required: ["ports"])
                    return Forbid(
                        ports: try reader.ports(fields["ports"]), category: try reader.category(fields["category"]),
                        reason: try reader.text(fields["reason"]), assets: try reader.assetFilter(fields),
                        controls: try reader.controls(fields["controls"]))
                }
            case "limits":
                policy.limits = try reader.list(value, "limits") { (item: Node) throws(PolicyError) -> Limit in
                    let fields = try reader.fields(
                        item, allowed: ["ports", "category", "max", "reason", "exposure", "host_names", "container_names", "controls"],
                        required: ["ports", "max"])
                    return Limit(
                        ports: try reader.ports(fields["ports"]), category: try reader.category(fields["category"]),
                        max: try reader.count(fields["max"], "max"), reason: try reader.text(fields["reason"]),
                        assets: try reader.assetFilter(fields), controls: try reader.controls(fields["controls"]))
                }
            case "allow":
                guard let allowMapping = value.mapping else { throw reader.fail(value, "expected host: [...] and/or container: [...]") }
                for (categoryNode, ports) in allowMapping {
                    guard let category = try reader.category(categoryNode) else {
                        throw reader.fail(categoryNode, "expected host or container")
                    }
                    // `host: [ports]`, or `host: {ports: [...], controls: [...]}`.
                    if ports.mapping != nil {
                        let fields = try reader.fields(ports, allowed: ["ports", "controls"], required: ["ports"])
                        policy.allow[category] = try reader.ports(fields["ports"])
                        policy.allowControls[category] = try reader.controls(fields["controls"])
                    } else {
                        policy.allow[category] = try reader.ports(ports)
                    }
                }
            case "new_ports":
                // `new_ports: 10`, or `new_ports: {min: 10, controls: [...]}`.
                if value.mapping != nil {
                    let fields = try reader.fields(value, allowed: ["min", "controls"], required: ["min"])
                    policy.newPorts = try reader.count(fields["min"], "new_ports.min")
                    policy.newPortControls = try reader.controls(fields["controls"])
                } else {
                    policy.newPorts = try reader.count(value, "new_ports")
                }
            case "new_dangerous":
                // `new_dangerous: true`, or `new_dangerous: {controls: [...]}` (on; `enabled: false` turns it off).
                if value.mapping != nil {
                    let fields = try reader.fields(value, allowed: ["enabled", "controls"], required: [])
                    if let enabled = fields["enabled"] {
                        guard let flag = enabled.bool else { throw reader.fail(enabled, "expected enabled: true or false") }
                        policy.newDangerous = flag
                    } else {
                        policy.newDangerous = true
                    }
                    policy.newDangerousControls = try reader.controls(fields["controls"])
                } else {
                    guard let flag = value.bool else { throw reader.fail(value, "expected true or false, or a mapping with controls") }
                    policy.newDangerous = flag
                }
            case "vendor_danger":
                // `vendor_danger: forbid`, or `vendor_danger: {action: forbid, controls: [...]}`.
                if value.mapping != nil {
                    let fields = try reader.fields(value, allowed: ["action", "controls"], required: ["action"])
                    guard let action = fields["action"], action.string == "forbid" else {
                        throw reader.fail(fields["action"] ?? value, "expected action: forbid")
                    }
                    policy.vendorDangerControls = try reader.controls(fields["controls"])
                } else {
                    guard value.string == "forbid" else {
                        throw reader.fail(value, "expected vendor_danger: forbid, or {action: forbid, controls: [...]} (or leave it out)")
                    }
                }
                policy.forbidVendorDanger = true
            case "waivers":
                policy.waivers = try reader.list(value, "waivers") { (item: Node) throws(PolicyError) -> Waiver in
                    let fields = try reader.fields(
                        item, allowed: ["ports", "category", "kinds", "assets", "reason", "ticket", "expires", "owner"],
                        required: ["ports", "reason", "ticket", "expires"])
                    var kinds: Set<Finding.Kind>?
                    if let kindsNode = fields["kinds"] {
                        kinds = Set(
                            try reader.list(kindsNode, "kinds") { (node: Node) throws(PolicyError) -> Finding.Kind in
                                guard let text = node.string, let kind = Finding.Kind(rawValue: text) else {
                                    throw reader.fail(
                                        node, "expected one of \(Finding.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                                }
                                return kind
                            })
                    }
                    guard let expiresNode = fields["expires"], let expiresText = expiresNode.string,
                        let day = Timestamp(date: expiresText)
                    else {
                        throw reader.fail(fields["expires"] ?? item, "expected expires as a date such as 2027-01-31")
                    }
                    guard let reason = try reader.text(fields["reason"]), let ticket = try reader.text(fields["ticket"]), !reason.isEmpty,
                        !ticket.isEmpty
                    else {
                        throw reader.fail(item, "a waiver needs a reason and a ticket")
                    }
                    var waiver = Waiver(
                        ports: try reader.ports(fields["ports"]), category: try reader.category(fields["category"]), kinds: kinds,
                        reason: reason, ticket: ticket, expiresOn: expiresText,
                        validUntil: day.endOfDay, assets: try reader.patterns(fields["assets"], "assets") ?? [])
                    if let ownerNode = fields["owner"] {
                        guard let owner = try reader.text(ownerNode), !owner.isEmpty else {
                            throw reader.fail(ownerNode, "expected owner as a name, such as a team or a person")
                        }
                        waiver.owner = owner
                    }
                    return waiver
                }
            default:
                throw reader.fail(
                    keyNode, "unknown setting '\(key)': expected forbid, limits, allow, new_ports, new_dangerous, vendor_danger or waivers")
            }
        }
        return policy
    }
}

/// The first node, in document order, that carries an anchor (`&name`). An alias can only
/// refer to an anchor given before it, so the walk stops before it meets any alias's copy:
/// it visits at most the nodes the text spells out.
private func firstAnchored(_ node: Node) -> Node? {
    if node.anchor != nil { return node }
    switch node {
    case .scalar, .alias:
        return nil
    case .sequence(let sequence):
        for item in sequence {
            if let found = firstAnchored(item) { return found }
        }
        return nil
    case .mapping(let mapping):
        for (key, value) in mapping {
            if let found = firstAnchored(key) ?? firstAnchored(value) { return found }
        }
        return nil
    }
}

/// A policy file that cannot be used.
public struct PolicyError: PortReportError {
    public let file: String
    public let line: Int?
    public let message: String

    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(message)" }
    public var location: String? { file }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return nil
        }
    }

    static func reason(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            // libyaml's own words name its C API: say what is wrong with the file instead.
            if problem.lowercased().contains("nesting level") {
                return "lists and mappings nest deeper than YAML is read here (a policy needs three or four levels): flatten them"
            }
            return problem
        case .duplicatedKeysInMapping(let duplicates, _): return "a setting is given twice (\(duplicates.joined(separator: ", ")))"
        default: return "\(error)"
        }
    }
}

/// Small helpers that turn YAML nodes into policy values with line numbers in errors.
private final class PolicyReader {
    let file: String
    /// Port entries read so far, against `Policy.maximumPortEntries`.
    private var portEntries = 0

    init(file: String) {
        self.file = file
    }

    func fail(_ node: Node, _ message: String) -> PolicyError {
        PolicyError(file: file, line: node.mark.map { $0.line }, message: message)
    }

    func list<T>(_ node: Node, _ name: String, _ element: (Node) throws(PolicyError) -> T) throws(PolicyError) -> [T] {
        guard let sequence = node.sequence else { throw fail(node, "expected \(name) to be a list") }
        guard sequence.count <= Policy.maximumRules else {
            throw fail(
                node,
                "\(name) has \(sequence.count) entries, over the limit of \(Policy.maximumRules) (a policy has tens): give one entry several ports or a range (8000-8100/tcp) instead"
            )
        }
        var result: [T] = []
        for item in sequence { result.append(try element(item)) }
        return result
    }

    func fields(_ node: Node, allowed: Set<String>, required: [String]) throws(PolicyError) -> [String: Node] {
        guard let mapping = node.mapping else { throw fail(node, "expected a mapping with \(allowed.sorted().joined(separator: ", "))") }
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string, allowed.contains(key) else {
                throw fail(keyNode, "unknown field '\(keyNode.string ?? "?")': expected \(allowed.sorted().joined(separator: ", "))")
            }
            result[key] = value
        }
        for name in required where result[name] == nil {
            throw fail(node, "missing '\(name)'")
        }
        return result
    }

    func ports(_ node: Node?) throws(PolicyError) -> [Policy.PortSpec] {
        guard let node else { return [] }
        let items = node.sequence.map(Array.init) ?? [node]
        portEntries += items.count
        guard portEntries <= Policy.maximumPortEntries else {
            throw fail(
                node,
                "the policy names more than \(Policy.maximumPortEntries) ports, the limit for a policy: use ranges (8000-8100/tcp) instead of single ports"
            )
        }
        var result: [Policy.PortSpec] = []
        for item in items {
            guard let text = item.string, let spec = Policy.portSpec(text) else {
                throw fail(item, "expected a port such as 23, 23/tcp, 23/udp6 or 8000-8100/tcp, found '\(item.string ?? "?")'")
            }
            result.append(spec)
        }
        return result
    }

    /// `exposure`, `host_names` and `container_names` of a rule; nil when it gives none of them.
    func assetFilter(_ fields: [String: Node]) throws(PolicyError) -> AssetFilter? {
        var filter = AssetFilter()
        var narrowed = false
        if let node = fields["exposure"] {
            let classes = try list(node, "exposure") { (item: Node) throws(PolicyError) -> Exposure in
                guard let text = item.string, let exposure = Exposure(rawValue: text) else {
                    throw fail(item, "expected one of \(Exposure.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return exposure
            }
            guard !classes.isEmpty else { throw fail(node, "expected at least one of all-interfaces, loopback, specific") }
            filter.exposures = Set(classes)
            narrowed = true
        }
        if let patterns = try patterns(fields["host_names"], "host_names") {
            filter.hostNames = patterns
            narrowed = true
        }
        if let patterns = try patterns(fields["container_names"], "container_names") {
            filter.containerNames = patterns
            narrowed = true
        }
        return narrowed ? filter : nil
    }

    /// A list of name patterns (`[web-*, db-?]`, or one pattern alone); nil when absent. An empty
    /// list is an error: it would match nothing, which is never what a rule means.
    func patterns(_ node: Node?, _ name: String) throws(PolicyError) -> [GlobPattern]? {
        guard let node else { return nil }
        let items = node.sequence.map(Array.init) ?? [node]
        guard !items.isEmpty else { throw fail(node, "expected \(name) to name at least one pattern, such as web-*") }
        portEntries += items.count
        guard portEntries <= Policy.maximumPortEntries else {
            throw fail(node, "the policy names more than \(Policy.maximumPortEntries) ports and patterns, the limit for a policy")
        }
        var result: [GlobPattern] = []
        for item in items {
            guard let text = item.string, let pattern = GlobPattern(text) else {
                throw fail(
                    item,
                    "expected a name pattern such as web-* (1 to \(GlobPattern.maximumLength) characters; * any run, ? one character), found '\(item.string ?? "?")'"
                )
            }
            result.append(pattern)
        }
        return result
    }

    func category(_ node: Node?) throws(PolicyError) -> Category? {
        guard let node else { return nil }
        guard let text = node.string, let category = Category(rawValue: text) else { throw fail(node, "expected host or container") }
        return category
    }

    /// `controls: [...]`: the user's control ids, each a non-empty text, in the order written
    /// (one written twice counts once); empty when the rule has none.
    func controls(_ node: Node?) throws(PolicyError) -> [String] {
        guard let node else { return [] }
        let ids = try list(node, "controls") { (item: Node) throws(PolicyError) -> String in
            guard let text = item.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw fail(item, "expected a control id, such as \"PCI DSS 4.0 1.2.1\"")
            }
            return text
        }
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }

    func text(_ node: Node?) throws(PolicyError) -> String? {
        guard let node else { return nil }
        guard let text = node.string else { throw fail(node, "expected text") }
        return text
    }

    func count(_ node: Node?, _ name: String) throws(PolicyError) -> Int64 {
        guard let node, let text = node.string, let value = Int64(text), value >= 0 else {
            throw fail(node ?? Node(""), "expected \(name) to be a non-negative whole number")
        }
        return value
    }
}
