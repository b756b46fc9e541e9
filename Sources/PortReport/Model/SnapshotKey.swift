/// What makes pages belong to one snapshot: they agree on all of these.
public struct SnapshotKey: Hashable, Sendable {
    /// Empty when unknown.
    public var projectID: String
    /// Empty when not given.
    public var enterpriseProjectID: String
    public var category: Category
    public var capturedAt: Timestamp
    /// Query filters the export was saved with, canonical (`port=22&type=TCP`); empty when none.
    /// A filtered export is a partial view.
    public var filters: String

    public init(projectID: String, enterpriseProjectID: String, category: Category, capturedAt: Timestamp, filters: String) {
        self.projectID = projectID
        self.enterpriseProjectID = enterpriseProjectID
        self.category = category
        self.capturedAt = capturedAt
        self.filters = filters
    }

    public var isPartial: Bool { !filters.isEmpty }

    /// Canonical form of filters: names sorted, values kept as given.
    static func canonicalFilters(_ filters: [(name: String, value: String)]) -> String {
        filters.sorted { ($0.name, $0.value) < ($1.name, $1.value) }.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// The query parameters of the statistics call that narrow it to a partial view.
    static let filterNames: Set<String> = ["port", "port_string", "type", "status"]

    /// A filter's value as the API accepts it (`type` upper case), or nil when the API would
    /// refuse it: `port` 1–65535, `type` TCP/UDP/TCP6/UDP6, `status` danger/normal/unknown,
    /// `port_string` any non-empty text.
    public static func normalisedFilter(name: String, value: String) -> String? {
        switch name {
        case "port":
            guard let port = Int(value), (1...65_535).contains(port) else { return nil }
            return String(port)
        case "port_string":
            return value.isEmpty ? nil : value
        case "type":
            return PortType(lenient: value)?.rawValue
        case "status":
            return VendorStatus(vendor: value)?.rawValue
        default:
            return nil
        }
    }
}

/// Where each value of a snapshot's key came from, in words a reader of a report understands.
struct MetadataProvenance: Hashable, Sendable {
    var project: String
    var enterpriseProject: String
    var category: String
    var capturedAt: String
}
