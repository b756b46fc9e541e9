/// One asset behind a port in a report: who listens, where, with what process.
struct DrilldownAsset: Sendable, Equatable {
    let category: Category
    let projectID: String
    let hostID: String
    let hostName: String
    let hostIP: String
    /// Empty for a server.
    let containerID: String
    let containerName: String
    let laddr: String
    let exposure: Exposure
    let pid: Int64
    let path: String
    let status: VendorStatus?

    /// The asset's identity: a host by `host_id`, a container by `container_id`.
    var asset: AssetID { AssetID(category: category, id: category == .host ? hostID : containerID) }

    /// The name a reader knows it by: the container's name, else the host's, else its id.
    var displayName: String {
        if category == .container { return containerName.isEmpty ? containerID : containerName }
        return hostName.isEmpty ? hostID : hostName
    }

    /// A stable anchor for links (`asset-host-<id>`), the same in every report of the store: the
    /// id with every byte outside `[A-Za-z0-9_-]` written as `.XX` (hex).
    var anchor: String { DrilldownAsset.anchor(for: asset) }

    static func anchor(for asset: AssetID) -> String {
        var text = "asset-\(asset.category.rawValue)-"
        for byte in asset.id.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"):
                text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                text += "." + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return text
    }
}

/// How many of a port's assets listen on each kind of address.
struct ExposureCounts: Sendable, Equatable {
    var allInterfaces = 0
    var loopback = 0
    var specific = 0

    subscript(exposure: Exposure) -> Int {
        get {
            switch exposure {
            case .allInterfaces: return allInterfaces
            case .loopback: return loopback
            case .specific: return specific
            }
        }
        set {
            switch exposure {
            case .allInterfaces: allInterfaces = newValue
            case .loopback: loopback = newValue
            case .specific: specific = newValue
            }
        }
    }
}

/// Which assets opened or closed a port between two drill-down snapshots.
struct AssetChanges: Sendable, Equatable {
    /// The earlier drill-down snapshot's capture time.
    let since: Timestamp
    let opened: [DrilldownAsset]
    let closed: [DrilldownAsset]
    /// Assets in both snapshots whose exposure classes differ (a server that moved from
    /// `127.0.0.1` to `0.0.0.0` opened nothing, yet is now reachable from everywhere).
    var exposureChanged: [ExposureChange] = []
}

/// One asset's listen-address classes before and after.
struct ExposureChange: Sendable, Equatable {
    /// The asset as it is now (its widest observation).
    let asset: DrilldownAsset
    let before: [Exposure]
    let after: [Exposure]
}

/// What the drill-down pages say about one port/type in one category at the report's time.
struct DrilldownEntry: Sendable, Equatable {
    let key: PortKey
    let category: Category
    /// Which call the assets come from (ListPortHost answers "all assets with this port";
    /// ListPorts only covers the servers it was asked about).
    let source: DetailKind
    /// The newest capture time of the drill-down snapshots used (at or before the report's time).
    let capturedAt: Timestamp
    /// Sum over the snapshots used; nil when a page had none.
    let totalNum: Int64?
    /// Every snapshot used is complete (its pages' records add up to `total_num`).
    let complete: Bool
    /// The statistics' `num` for this port in the current snapshots; nil when they do not list it.
    let statisticsNum: Int64?
    let exposure: ExposureCounts
    /// Sorted by exposure (all-interfaces first), then name, then id.
    let assets: [DrilldownAsset]
    /// Against the previous drill-down snapshot of the same query, when there is one.
    let changes: AssetChanges?
    /// Why a figure may be wrong, in words: incomplete pages, detail older than the statistics,
    /// a count that disagrees with `statisticsNum`. Empty when nothing is in doubt.
    let notes: [String]
    /// A drill-down snapshot used was captured before the statistics beside it: its assets may
    /// have opened, closed or moved to another address since, so a rule narrowed by exposure or
    /// name cannot be applied to it.
    var olderThanStatistics = false
    /// The ids of the drill-down snapshots the assets come from (the newest of each query used),
    /// for following each query's history (`AssetHistory`).
    var snapshotIDs: [Int64] = []

    /// The number of distinct assets (an asset listening on two addresses counts once).
    var assetCount: Int { Set(assets.map(\.asset)).count }

    /// `entries` by category and port, for looking up a finding's or a port's entry.
    static func index(_ entries: [DrilldownEntry]) -> [Category: [PortKey: DrilldownEntry]] {
        var index: [Category: [PortKey: DrilldownEntry]] = [:]
        for entry in entries { index[entry.category, default: [:]][entry.key] = entry }
        return index
    }

    /// The statistics and the drill-down disagree on how many assets have the port open.
    var mismatch: Bool { statisticsNum.map { $0 != Int64(assetCount) } ?? false }
}

/// An asset and the risky ports it has open (for the report's "assets by risky ports" section).
struct AssetRisk: Sendable, Equatable {
    let asset: AssetID
    let displayName: String
    let hostID: String
    let hostIP: String
    let projectID: String
    /// Dangerous ports (vendor danger or in the risk catalogue) and ports of findings it has open,
    /// sorted.
    let ports: [PortKey]
    /// How many of those listen on every interface.
    let allInterfaces: Int
    var anchor: String { DrilldownAsset.anchor(for: asset) }
}
