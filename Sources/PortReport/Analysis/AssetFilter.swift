// How a policy names assets: glob patterns on host and container names and ids, and exposure
// classes. Used by `forbid`/`limits` rules that narrow what they count, and by waivers that cover
// only some assets.

/// A name pattern: `*` matches any run of characters (none included), `?` exactly one, every
/// other character itself; ASCII letters match in either case (host names are case-insensitive),
/// other characters exactly. There is no escape and no `[...]` class: a name with `*` or `?` in it
/// is matched by the same character as a wildcard.
struct GlobPattern: Sendable, Equatable, CustomStringConvertible {
    /// The longest pattern taken (a name is at most 256 characters).
    static let maximumLength = 256

    let description: String
    private let scalars: [Unicode.Scalar]

    /// Nil when `text` is empty or longer than `maximumLength` characters.
    init?(_ text: String) {
        guard !text.isEmpty, text.unicodeScalars.count <= GlobPattern.maximumLength else { return nil }
        description = text
        scalars = text.unicodeScalars.map(GlobPattern.folded)
    }

    private static func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32) ?? scalar : scalar
    }

    /// Whether the whole of `text` matches. Time at most pattern length × text length (the
    /// classic single-backtrack walk: only the last `*` is ever resumed).
    func matches(_ text: String) -> Bool {
        let name = text.unicodeScalars.map(GlobPattern.folded)
        var p = 0, n = 0
        var star: Int?, resume = 0
        while n < name.count {
            if p < scalars.count && (scalars[p] == "?" || (scalars[p] != "*" && scalars[p] == name[n])) {
                p += 1
                n += 1
            } else if p < scalars.count && scalars[p] == "*" {
                star = p
                resume = n
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                n = resume
            } else {
                return false
            }
        }
        while p < scalars.count && scalars[p] == "*" { p += 1 }
        return p == scalars.count
    }
}

/// What a `forbid` or `limits` rule counts when it narrows by `exposure`, `host_names` or
/// `container_names`: an asset matches when it passes every part given.
struct AssetFilter: Sendable, Equatable {
    /// The exposure classes counted; nil: any.
    var exposures: Set<Exposure>?
    /// Patterns on the host's name or id (for a container: the host it runs on); empty: any.
    var hostNames: [GlobPattern] = []
    /// Patterns on the container's name or id; empty: any. A server (no container) never matches.
    var containerNames: [GlobPattern] = []

    func matches(_ asset: DrilldownAsset) -> Bool {
        if let exposures, !exposures.contains(asset.exposure) { return false }
        if !hostNames.isEmpty && !hostNames.contains(where: { Self.matches($0, asset.hostName, asset.hostID) }) { return false }
        if !containerNames.isEmpty {
            guard !asset.containerID.isEmpty || !asset.containerName.isEmpty else { return false }
            if !containerNames.contains(where: { Self.matches($0, asset.containerName, asset.containerID) }) { return false }
        }
        return true
    }

    /// Whether an asset of `category` the drill-down does not list could match: a server never
    /// matches `container_names`; anything else might.
    func couldMatchUnlisted(in category: Category) -> Bool {
        category == .container || containerNames.isEmpty
    }

    private static func matches(_ pattern: GlobPattern, _ name: String, _ id: String) -> Bool {
        (!name.isEmpty && pattern.matches(name)) || (!id.isEmpty && pattern.matches(id))
    }

    /// In words, for a finding's message: `listening on all interfaces, host names web-*`.
    var description: String {
        var parts: [String] = []
        if let exposures {
            let names = exposures.sorted().map { exposure -> String in
                switch exposure {
                case .allInterfaces: return "all interfaces"
                case .loopback: return "loopback"
                case .specific: return "a specific address"
                }
            }
            parts.append("listening on " + names.joined(separator: " or "))
        }
        if !hostNames.isEmpty { parts.append("host names " + hostNames.map(\.description).joined(separator: ", ")) }
        if !containerNames.isEmpty { parts.append("container names " + containerNames.map(\.description).joined(separator: ", ")) }
        return parts.joined(separator: ", ")
    }
}

extension Waiver {
    /// Whether this waiver's `assets` patterns name the asset (its host id or name, its container
    /// id or name). A waiver without `assets` covers every asset of a finding it covers.
    func names(_ asset: DrilldownAsset) -> Bool {
        assets.contains { pattern in
            [asset.hostID, asset.hostName, asset.containerID, asset.containerName].contains { !$0.isEmpty && pattern.matches($0) }
        }
    }
}
