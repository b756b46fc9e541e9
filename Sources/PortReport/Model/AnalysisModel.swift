/// A port and protocol: the unit every figure is about. Ordered by port, then protocol
/// (TCP < TCP6 < UDP < UDP6).
struct PortKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Port and type in one integer, ordered as `<` orders keys (the records blob's sort key):
    /// the port times four plus the type's order. Stored so that a key is 4 bytes, not 16: the
    /// ranking, the aggregates and the changes of 100 projects hold 100,000 keys each.
    let code: UInt32

    /// Ports are 0...65535 (checked where records are read); one outside 0...2^30 would be
    /// clamped, never wrapped onto another.
    init(port: Int, type: PortType) {
        code = UInt32(clamping: min(max(port, 0), 1 << 30 - 1)) << 2 | UInt32(type.order)
    }

    /// The key of a `code`.
    init(code: UInt32) {
        self.code = code
    }

    var port: Int { Int(code >> 2) }

    var type: PortType {
        switch code & 3 {
        case 0: return .tcp
        case 1: return .tcp6
        case 2: return .udp
        default: return .udp6
        }
    }

    static func < (lhs: PortKey, rhs: PortKey) -> Bool { lhs.code < rhs.code }

    // By the code, not by the type's raw value: a `String`-backed enum hashes and compares its
    // text by default, which was a sixth of a 100-project report (every dictionary look-up by port).
    static func == (lhs: PortKey, rhs: PortKey) -> Bool { lhs.code == rhs.code }

    func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    /// `443/TCP`.
    var description: String { "\(port)/\(type.rawValue)" }

    /// A stable anchor for links across reports: `tcp-443`.
    var anchor: String {
        let prefix: String =
            switch type {
            case .tcp: "tcp-"
            case .tcp6: "tcp6-"
            case .udp: "udp-"
            case .udp6: "udp6-"
            }
        return prefix + String(port)
    }
}

/// The IANA port range a port falls in.
enum PortRange: String, CaseIterable, Sendable {
    case wellKnown = "well-known"
    case registered
    case dynamic

    init(port: Int) {
        switch port {
        case ...1023: self = .wellKnown
        case 1024...49_151: self = .registered
        default: self = .dynamic
        }
    }

    // By the case, not by the raw value, as `PortType` and `Category` are.
    static func == (lhs: PortRange, rhs: PortRange) -> Bool { lhs.order == rhs.order }

    func hash(into hasher: inout Hasher) { hasher.combine(order) }

    /// The position in `allCases`.
    var order: Int {
        switch self {
        case .wellKnown: return 0
        case .registered: return 1
        case .dynamic: return 2
        }
    }
}

/// A snapshot's metadata, as the analysis sees it.
struct SnapshotInfo: Sendable, Equatable {
    let id: Int64
    let projectID: String
    let enterpriseProjectID: String
    let category: Category
    let capturedAt: Timestamp
    let records: Int
    let totalNum: Int64?
    let complete: Bool
    let partial: Bool
    let filters: String
    let note: String

    /// Complete (or of unknown completeness: nothing says it is short) and unfiltered: the only
    /// snapshots ranking and trends may use.
    var isUsable: Bool { (complete || completenessUnknown) && !partial }

    /// Stored from pages that give no `total_num`: whether records are missing cannot be told.
    var completenessUnknown: Bool { Completeness.isUnknown(complete: complete, totalNum: totalNum, note: note) }

    /// Project and enterprise project: the unit that exports separately.
    var origin: Origin { Origin(projectID: projectID, enterpriseProjectID: enterpriseProjectID) }
}

/// A project and enterprise project pair (empty strings when unknown).
struct Origin: Hashable, Comparable, Sendable {
    let projectID: String
    let enterpriseProjectID: String

    static func < (lhs: Origin, rhs: Origin) -> Bool {
        (lhs.projectID, lhs.enterpriseProjectID) < (rhs.projectID, rhs.enterpriseProjectID)
    }
}

/// One port/type's figures in one snapshot.
struct RecordValue: Sendable, Equatable {
    let num: Int64
    let status: VendorStatus?
}

/// What a report covers.
public struct AnalysisScope: Sendable, Equatable {
    public var projectID: String?
    public var enterpriseProjectID: String?
    public var category: Category?
    /// Only snapshots captured at or before this time.
    public var asOf: Timestamp?

    public init(projectID: String? = nil, enterpriseProjectID: String? = nil, category: Category? = nil, asOf: Timestamp? = nil) {
        self.projectID = projectID
        self.enterpriseProjectID = enterpriseProjectID
        self.category = category
        self.asOf = asOf
    }

    var categories: [Category] { category.map { [$0] } ?? Category.allCases }
}
