/// A port and protocol: the unit every figure is about. Ordered by port, then protocol
/// (TCP < TCP6 < UDP < UDP6).
public struct PortKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let port: Int
    public let type: PortType

    public init(port: Int, type: PortType) {
        self.port = port
        self.type = type
    }

    public static func < (lhs: PortKey, rhs: PortKey) -> Bool {
        lhs.port != rhs.port ? lhs.port < rhs.port : lhs.type < rhs.type
    }

    /// `443/TCP`.
    public var description: String { "\(port)/\(type.rawValue)" }

    /// A stable anchor for links across reports: `tcp-443`.
    public var anchor: String {
        let prefix: String = switch type {
        case .tcp: "tcp-"
        case .tcp6: "tcp6-"
        case .udp: "udp-"
        case .udp6: "udp6-"
        }
        return prefix + String(port)
    }
}

/// The IANA port range a port falls in.
public enum PortRange: String, CaseIterable, Sendable {
    case wellKnown = "well-known"
    case registered
    case dynamic

    public init(port: Int) {
        switch port {
        case ...1023: self = .wellKnown
        case 1024...49_151: self = .registered
        default: self = .dynamic
        }
    }
}

/// A snapshot's metadata, as the analysis sees it.
public struct SnapshotInfo: Sendable, Equatable {
    public let id: Int64
    public let projectID: String
    public let enterpriseProjectID: String
    public let category: Category
    public let capturedAt: Timestamp
    public let records: Int
    public let totalNum: Int64?
    public let complete: Bool
    public let partial: Bool
    public let filters: String
    public let note: String

    /// Complete and unfiltered: the only snapshots ranking and trends may use.
    public var isUsable: Bool { complete && !partial }

    /// Project and enterprise project: the unit that exports separately.
    var origin: Origin { Origin(projectID: projectID, enterpriseProjectID: enterpriseProjectID) }
}

/// A project and enterprise project pair (empty strings when unknown).
public struct Origin: Hashable, Comparable, Sendable {
    public let projectID: String
    public let enterpriseProjectID: String

    public static func < (lhs: Origin, rhs: Origin) -> Bool {
        (lhs.projectID, lhs.enterpriseProjectID) < (rhs.projectID, rhs.enterpriseProjectID)
    }
}

/// One port/type's figures in one snapshot.
public struct RecordValue: Sendable, Equatable {
    public let num: Int64
    public let status: VendorStatus?
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

    public var categories: [Category] { category.map { [$0] } ?? Category.allCases }
}
