/// What may be open where, written by hand as YAML (see `samples/policy.yaml`).
///
/// ```yaml
/// forbid:
///   - ports: [23/tcp, 2375/tcp]
///     category: host            # host or container; both when absent
///     reason: clear-text remote shells
/// limits:
///   - ports: [22/tcp]
///     category: host
///     max: 150
/// allow:                        # anything else open in that category is a finding
///   container: [80/tcp, 443/tcp, 32768-60999/tcp]
/// new_ports: 10                 # a port new since the previous export, open on at least 10
/// new_dangerous: true           # a dangerous port new since the previous export
/// # With control ids, the same rules as mappings: allow: {host: {ports: [...], controls: [...]}},
/// # new_ports: {min: 10, controls: [...]}, new_dangerous: {controls: [...]},
/// # vendor_danger: {action: forbid, controls: [...]}.
/// waivers:
///   - ports: [3389/tcp]
///     category: host
///     kinds: [forbidden]        # which findings it covers; all when absent
///     assets: [jump-*]          # only these assets' part (host or container id or name)
///     reason: Windows jump hosts
///     ticket: SEC-1234
///     expires: 2027-01-31       # valid through that day (UTC)
/// ```
///
/// Ports are `23` (every protocol), `23/tcp` (TCP and TCP6), `23/tcp4` (TCP only), `23/tcp6`,
/// likewise `udp`, `udp4`, `udp6`, and ranges such as `8000-8100/tcp`.
///
/// A `forbid` or `limits` rule may narrow what it counts to the drill-down assets (ListPortHost
/// pages) that match: `exposure: [all-interfaces, loopback, specific]`, `host_names: [web-*]`
/// (the host's name or id; for a container, its host's), `container_names: [redis-?]` (the
/// container's name or id). Patterns are `GlobPattern`s: `*` any run of characters, `?` one,
/// ASCII letters in any case. Such a finding counts only the matching assets and is not raised
/// when none match. When the port has no drill-down data at all, the rule cannot be narrowed: it
/// counts the statistics' `num` as an unnarrowed rule would (a gate fails closed), and the
/// finding's message says that the narrowing could not be applied. A waiver with `assets:` covers
/// only the part of a finding made of the assets it names (the rest stays a finding, or goes to
/// the next waiver that names them); without drill-down data for the port it cannot apply.
public struct Policy: Sendable {
    struct PortSpec: Sendable, Equatable, CustomStringConvertible {
        let ports: ClosedRange<Int>
        let types: Set<PortType>
        let description: String

        func matches(_ key: PortKey) -> Bool { ports.contains(key.port) && types.contains(key.type) }
    }

    struct Forbid: Sendable {
        let ports: [PortSpec]
        let category: Category?
        let reason: String?
        /// Counts only the drill-down assets that match; nil: every asset (the statistics' num).
        var assets: AssetFilter? = nil
        /// The user's own control ids (`controls: [...]`), as written; its findings carry them.
        var controls: [String] = []
    }

    struct Limit: Sendable {
        let ports: [PortSpec]
        let category: Category?
        let max: Int64
        let reason: String?
        /// Counts only the drill-down assets that match; nil: every asset (the statistics' num).
        var assets: AssetFilter? = nil
        /// The user's own control ids (`controls: [...]`), as written; its findings carry them.
        var controls: [String] = []
    }

    var forbid: [Forbid] = []
    var limits: [Limit] = []
    var allow: [Category: [PortSpec]] = [:]
    /// Minimum num for a new port to be a finding; nil: new ports are not findings.
    var newPorts: Int64?
    var newDangerous = false
    /// `vendor_danger: forbid`: every port the vendor rates `danger` is a forbidden finding (the
    /// forbid rules, when one names the port, give its reason instead).
    var forbidVendorDanger = false
    var waivers: [Waiver] = []
    /// The control ids (`controls: [...]`, as written) of the rules without a list of their own
    /// entries: each category's allow-list, `new_ports`, `new_dangerous` and `vendor_danger`
    /// (written in their mapping forms); their findings carry them.
    var allowControls: [Category: [String]] = [:]
    var newPortControls: [String] = []
    var newDangerousControls: [String] = []
    var vendorDangerControls: [String] = []
    /// Where it came from, for reports.
    var source: String
    /// True for `baseline`, the policy `check` and `report` use when given no `--policy`.
    public internal(set) var isBaseline = false

    /// The analysis's default (library callers and tests): only new dangerous ports are findings.
    public static let builtIn: Policy = {
        var policy = Policy(source: "built-in (new dangerous ports only)")
        policy.newDangerous = true
        return policy
    }()

    /// The catalogue's clear-text or unauthenticated remote-access services, forbidden by the
    /// baseline (the README lists them): each is a `RiskCatalogue` entry.
    static let baselineRemoteAccess: [String] = [
        "21/tcp", "23/tcp", "69/udp", "512-514/tcp", "2375/tcp", "5900/tcp", "10250/tcp"
    ]

    /// What `check` and `report` use without `--policy`: the ports the vendor rates danger and the
    /// catalogue's remote-access services are forbidden, and a catalogue port new since the
    /// previous export is a new-dangerous finding. A policy file replaces all of it.
    public static let baseline: Policy = {
        var policy = Policy(source: "built-in baseline (vendor danger; clear-text or unauthenticated remote access)")
        policy.isBaseline = true
        policy.forbid = [
            Forbid(
                ports: baselineRemoteAccess.compactMap(portSpec), category: nil,
                reason: "clear-text or unauthenticated remote access (built-in baseline)")
        ]
        policy.forbidVendorDanger = true
        policy.newDangerous = true
        return policy
    }()

    /// The warning `check` and `report` give when they use the baseline: a default is never silent.
    static let baselineNotice =
        "no --policy given: the built-in baseline was used (ports the vendor rates danger, and FTP, Telnet, TFTP, "
        + "rexec/rlogin/rsh, the Docker API, VNC and the kubelet API, are forbidden); a policy file replaces it"

    init(source: String) {
        self.source = source
    }

    /// Parses `23`, `23/tcp`, `23/tcp4`, `8000-8100/udp6`; nil when it is none of these.
    static func portSpec(_ text: String) -> PortSpec? {
        let parts = text.lowercased().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || (parts.count == 2 && !parts[1].isEmpty) else { return nil }
        let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 1 || bounds.count == 2, let low = Int(bounds[0]), let high = Int(bounds.last ?? ""),
            (0...65_535).contains(low), (0...65_535).contains(high), low <= high
        else { return nil }
        let types: Set<PortType>
        switch parts.count == 2 ? String(parts[1]) : "" {
        case "": types = Set(PortType.allCases)
        case "tcp": types = [.tcp, .tcp6]
        case "udp": types = [.udp, .udp6]
        case "tcp4": types = [.tcp]
        case "udp4": types = [.udp]
        case "tcp6": types = [.tcp6]
        case "udp6": types = [.udp6]
        default: return nil
        }
        return PortSpec(ports: low...high, types: types, description: text)
    }
}

/// A documented exception: a finding it covers is shown apart and does not fail a check,
/// until it expires — then the finding counts again, and the expiry is a finding of its own.
public struct Waiver: Sendable, Equatable {
    let ports: [Policy.PortSpec]
    let category: Category?
    let kinds: Set<Finding.Kind>?
    public let reason: String
    public let ticket: String
    /// As written: `2027-01-31`.
    public let expiresOn: String
    /// The last second it is valid (end of the expiry day, UTC).
    let validUntil: Timestamp
    /// Patterns on host and container ids and names: the waiver covers only those assets' part of
    /// a finding. Empty: the whole finding.
    var assets: [GlobPattern] = []
    /// Who answers for it (`owner:`), as written; nil when the file names nobody.
    public internal(set) var owner: String?

    func covers(_ finding: Finding) -> Bool {
        (category == nil || category == finding.category) && (kinds?.contains(finding.kind) ?? true)
            && ports.contains { $0.matches(finding.key) }
    }
}
