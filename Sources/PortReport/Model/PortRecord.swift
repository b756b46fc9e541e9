/// The protocol of an open port, as HSS reports it. Raw values are the stored, upper-case names;
/// their order (TCP < TCP6 < UDP < UDP6) is the order used wherever ports are sorted.
enum PortType: String, CaseIterable, Comparable, Sendable, Codable {
    case tcp = "TCP"
    case tcp6 = "TCP6"
    case udp = "UDP"
    case udp6 = "UDP6"

    /// Accepts any letter case, nothing else (no surrounding spaces).
    init?(lenient text: String) {
        self.init(rawValue: text.uppercased())
    }

    /// Matches raw bytes, any letter case, without building a string (the import's hot path).
    init?(asciiCaseInsensitive bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 3 || bytes.count == 4 else { return nil }
        let a = bytes[0] | 0x20, b = bytes[1] | 0x20, c = bytes[2] | 0x20
        let udp: Bool
        if a == UInt8(ascii: "t") && b == UInt8(ascii: "c") && c == UInt8(ascii: "p") {
            udp = false
        } else if a == UInt8(ascii: "u") && b == UInt8(ascii: "d") && c == UInt8(ascii: "p") {
            udp = true
        } else {
            return nil
        }
        if bytes.count == 3 {
            self = udp ? .udp : .tcp
        } else if bytes[3] == UInt8(ascii: "6") {
            self = udp ? .udp6 : .tcp6
        } else {
            return nil
        }
    }

    static func < (lhs: PortType, rhs: PortType) -> Bool { lhs.order < rhs.order }

    // By the case, not by the raw value (a `String`-backed enum's default compares its text).
    static func == (lhs: PortType, rhs: PortType) -> Bool { lhs.order == rhs.order }

    func hash(into hasher: inout Hasher) { hasher.combine(order) }

    var order: Int {
        switch self {
        case .tcp: return 0
        case .tcp6: return 1
        case .udp: return 2
        case .udp6: return 3
        }
    }

    /// The stored name as static storage, for binding to SQLite without a copy.
    var staticName: StaticString {
        switch self {
        case .tcp: return "TCP"
        case .tcp6: return "TCP6"
        case .udp: return "UDP"
        case .udp6: return "UDP6"
        }
    }
}

/// The vendor's own risk verdict on a port.
enum VendorStatus: String, CaseIterable, Sendable, Codable {
    case danger
    case normal
    case unknown

    // By the case, not by the raw value (a `String`-backed enum's default compares its text).
    private var ordinal: Int {
        switch self {
        case .danger: return 0
        case .normal: return 1
        case .unknown: return 2
        }
    }

    static func == (lhs: VendorStatus, rhs: VendorStatus) -> Bool { lhs.ordinal == rhs.ordinal }

    func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }

    /// Accepts the documented values and the vendor's misspelling `unknow` (read as `unknown`).
    init?(vendor text: String) {
        if text == "unknow" {
            self = .unknown
        } else {
            self.init(rawValue: text)
        }
    }

    /// Matches raw bytes without building a string (the import's hot path).
    init?(vendorBytes bytes: UnsafeBufferPointer<UInt8>) {
        func equals(_ word: StaticString) -> Bool {
            bytes.count == word.utf8CodeUnitCount
                && zip(bytes, UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)).allSatisfy { $0 == $1 }
        }
        if equals("normal") {
            self = .normal
        } else if equals("danger") {
            self = .danger
        } else if equals("unknown") || equals("unknow") {
            self = .unknown
        } else {
            return nil
        }
    }

    var staticName: StaticString {
        switch self {
        case .danger: return "danger"
        case .normal: return "normal"
        case .unknown: return "unknown"
        }
    }
}

/// Which population a snapshot counts: servers or containers.
public enum Category: String, CaseIterable, Sendable, Codable {
    case host
    case container

    // By the case, not by the raw value (a `String`-backed enum hashes its text by default):
    // every figure of a report is looked up by category.
    public static func == (lhs: Category, rhs: Category) -> Bool { lhs.order == rhs.order }

    public func hash(into hasher: inout Hasher) { hasher.combine(order) }

    var order: Int {
        switch self {
        case .host: return 0
        case .container: return 1
        }
    }
}

/// One row of the statistics: how many servers or containers have `port`/`type` open.
struct PortRecord: Hashable, Sendable {
    /// The largest `num` portreport takes for one record. The vendor documents 0–65535; this
    /// leaves a wide margin for larger fleets, and keeps every sum the analysis makes (over all
    /// 262,144 port/type keys, both categories and up to 35,000 projects) far below Int64's limit.
    static let maximumNum: Int64 = 1_000_000_000

    /// The largest `total_num` (records across all pages of an export) portreport takes.
    static let maximumTotalNum: Int64 = 1_000_000_000

    var port: Int
    var type: PortType
    var num: Int64
    var status: VendorStatus?

    init(port: Int, type: PortType, num: Int64, status: VendorStatus? = nil) {
        self.port = port
        self.type = type
        self.num = num
        self.status = status
    }
}
