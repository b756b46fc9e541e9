import Glibc

/// Which drill-down call a page answers (see `HSS-API.md`, "Neighbouring calls").
enum DetailKind: String, CaseIterable, Sendable, Comparable {
    /// ListPortHost, `GET /v5/{project_id}/asset/ports/detail?port=P[&type=T]&category=C`: the
    /// servers or containers that have one port open.
    case portHosts = "ListPortHost"
    /// ListPorts, `GET /v5/{project_id}/asset/ports?host_id=H`: the open ports of one server.
    case hostPorts = "ListPorts"

    static func < (lhs: DetailKind, rhs: DetailKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One record of a drill-down page: one asset listening on one port at one address.
///
/// Text fields a page does not carry are empty (ListPorts records have no `host_name`,
/// `host_ip` or `container_name`; host-category records have no container).
struct DetailRecord: Hashable, Sendable {
    var hostID: String
    var hostName: String
    var hostIP: String
    var containerID: String
    var containerName: String
    /// The listen address as the page gives it (`0.0.0.0`, `::`, `10.0.0.5`).
    var laddr: String
    /// 0 when no process is known.
    var pid: Int64
    /// The process's executable; empty when not known.
    var path: String
    var port: Int
    var type: PortType
    var status: VendorStatus?
    var agentID: String

    /// The text members by their vendor names, for checks and messages.
    var texts: [(name: String, value: String)] {
        [
            ("host_id", hostID), ("host_name", hostName), ("host_ip", hostIP), ("container_id", containerID),
            ("container_name", containerName), ("laddr", laddr), ("path", path), ("agent_id", agentID)
        ]
    }

    init(
        hostID: String, hostName: String = "", hostIP: String = "", containerID: String = "", containerName: String = "",
        laddr: String, pid: Int64 = 0, path: String = "", port: Int, type: PortType, status: VendorStatus? = nil,
        agentID: String = ""
    ) {
        self.hostID = hostID
        self.hostName = hostName
        self.hostIP = hostIP
        self.containerID = containerID
        self.containerName = containerName
        self.laddr = laddr
        self.pid = pid
        self.path = path
        self.port = port
        self.type = type
        self.status = status
        self.agentID = agentID
    }

    var key: PortKey { PortKey(port: port, type: type) }

    /// The asset this record is about: a host by `host_id`, a container by `container_id`.
    func asset(in category: Category) -> AssetID {
        switch category {
        case .host: return AssetID(category: .host, id: hostID)
        case .container: return AssetID(category: .container, id: containerID)
        }
    }

    /// What makes two records the same observation; records that agree on it but differ
    /// elsewhere (pid, path, status, names) are a conflict.
    var observationKey: ObservationKey {
        ObservationKey(hostID: hostID, containerID: containerID, port: port, type: type, laddr: laddr)
    }

    var exposure: Exposure? { Exposure(laddr: laddr) }
}

/// One listening socket of one asset.
struct ObservationKey: Hashable, Sendable, Comparable {
    let hostID: String
    let containerID: String
    let port: Int
    let type: PortType
    let laddr: String

    static func < (lhs: ObservationKey, rhs: ObservationKey) -> Bool {
        (lhs.hostID, lhs.containerID, lhs.port, lhs.type.order, lhs.laddr)
            < (rhs.hostID, rhs.containerID, rhs.port, rhs.type.order, rhs.laddr)
    }
}

/// A server (by `host_id`) or a container (by `container_id`).
struct AssetID: Hashable, Sendable, Comparable {
    let category: Category
    let id: String

    static func < (lhs: AssetID, rhs: AssetID) -> Bool { (lhs.category.rawValue, lhs.id) < (rhs.category.rawValue, rhs.id) }
}

/// What makes drill-down pages belong to one drill-down snapshot: the query they answer.
struct DetailKey: Hashable, Sendable {
    /// Empty when unknown.
    var projectID: String
    /// Empty when not given.
    var enterpriseProjectID: String
    var category: Category
    var capturedAt: Timestamp
    var kind: DetailKind
    /// ListPortHost: the queried port (required by the API). Nil for ListPorts unless it was
    /// filtered by port (then it is also in `filters`).
    var port: Int?
    /// ListPortHost: the queried `type`, nil when the query had none (then the records may mix
    /// TCP and UDP).
    var type: PortType?
    /// ListPorts: the queried `host_id`; empty for ListPortHost.
    var hostID: String
    /// Any other query filters, canonical (`host_name=web-1`); a filtered query is a partial
    /// view. Empty when none.
    var filters: String

    init(
        projectID: String, enterpriseProjectID: String, category: Category, capturedAt: Timestamp, kind: DetailKind,
        port: Int?, type: PortType?, hostID: String, filters: String
    ) {
        self.projectID = projectID
        self.enterpriseProjectID = enterpriseProjectID
        self.category = category
        self.capturedAt = capturedAt
        self.kind = kind
        self.port = port
        self.type = type
        self.hostID = hostID
        self.filters = filters
    }

    var origin: Origin { Origin(projectID: projectID, enterpriseProjectID: enterpriseProjectID) }

    /// The query in words for messages: `ListPortHost port=2375&type=TCP (container)`.
    var queryDescription: String {
        var parts: [String] = []
        if let port { parts.append("port=\(port)") }
        if let type { parts.append("type=\(type.rawValue)") }
        if !hostID.isEmpty { parts.append("host_id=\(hostID)") }
        if !filters.isEmpty { parts.append(filters) }
        return "\(kind.rawValue) \(parts.joined(separator: "&")) (\(category.rawValue))"
    }
}

/// One page of drill-down data to add to a drill-down snapshot (the counterpart of
/// `SnapshotPage`).
struct DetailPage {
    let key: DetailKey
    let provenance: MetadataProvenance
    /// Path as shown to the user.
    let path: String
    /// HAR entry index or page index in a multi-page file; -1 for a whole file.
    let entry: Int
    let sha256: String
    let size: Int
    let totalNum: Int64?
    /// The query that read a foreign database; empty otherwise.
    var query: String = ""
    /// The file's canonical path; empty for standard input and merged stores.
    var realPath: String = ""
}

/// A stored drill-down snapshot, as the analysis reads it.
struct DetailSnapshot: Sendable, Equatable {
    let id: Int64
    let key: DetailKey
    let totalNum: Int64?
    let complete: Bool
    /// Why it is incomplete, in words; empty when complete.
    let note: String
    /// Sorted by `observationKey`.
    let records: [DetailRecord]
}

/// Where an asset listens: on every interface, on loopback only, or on one specific address.
enum Exposure: String, CaseIterable, Sendable, Comparable {
    /// `0.0.0.0`, `::` (and their IPv4-mapped forms): reachable on every interface.
    case allInterfaces = "all-interfaces"
    /// 127.0.0.0/8, `::1` (and `::ffff:127.x.y.z`): reachable from the machine only.
    case loopback
    /// Any other address.
    case specific

    static func < (lhs: Exposure, rhs: Exposure) -> Bool { lhs.order < rhs.order }

    var order: Int {
        switch self {
        case .allInterfaces: return 0
        case .loopback: return 1
        case .specific: return 2
        }
    }

    /// The JSON member name: `all_interfaces`, `loopback`, `specific`.
    var jsonName: String { self == .allInterfaces ? "all_interfaces" : rawValue }

    /// Classifies a listen address: IPv4 dotted quad or IPv6 text, optionally in brackets
    /// (`[::]`), an IPv6 address optionally with a zone (`fe80::1%eth0`). Nil when `laddr` is
    /// none of these (the importer refuses such a record).
    init?(laddr: String) {
        var text = Substring(laddr)
        if text.hasPrefix("[") && text.hasSuffix("]") && text.count >= 2 {
            text = text.dropFirst().dropLast()
        }
        var v4 = in_addr()
        if !text.contains(":") {
            guard inet_pton(AF_INET, String(text), &v4) == 1 else { return nil }
            self = Exposure(ipv4: UInt32(bigEndian: v4.s_addr))
            return
        }
        if let percent = text.firstIndex(of: "%") {
            guard text[text.index(after: percent)...].isEmpty == false else { return nil }
            text = text[..<percent]
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, String(text), &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        guard bytes.count == 16 else { return nil }
        if bytes.allSatisfy({ $0 == 0 }) {
            self = .allInterfaces
        } else if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 {
            self = .loopback
        } else if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            // IPv4-mapped (`::ffff:127.0.0.1`): as the IPv4 address.
            let v4 = bytes[12...15].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            self = Exposure(ipv4: v4)
        } else {
            self = .specific
        }
    }

    private init(ipv4 address: UInt32) {
        if address == 0 {
            self = .allInterfaces
        } else if address >> 24 == 127 {
            self = .loopback
        } else {
            self = .specific
        }
    }
}
