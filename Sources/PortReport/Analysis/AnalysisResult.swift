/// Everything a report shows, computed once; every renderer reads only this.
public struct AnalysisResult: Sendable {
    /// Version of the machine-readable form (`report --format json`).
    static let schema = "portreport.report/1"

    let generatedAt: Timestamp
    let scope: AnalysisScope
    /// How many ranking rows reports show (the analysis itself covers every row).
    let top: Int
    /// Every snapshot in scope, oldest first, and whether the analysis used it.
    let snapshots: [ListedSnapshot]
    /// The snapshots the ranking is made of, per category (one per project).
    let current: [Category: [SnapshotInfo]]
    public let warnings: [String]
    let ranking: [RankingRow]
    let breakdown: Breakdown
    let perProject: [ProjectRow]
    let trends: [Category: CategoryTrend]
    let series: [PortSeries]
    let movers: Movers?
    public let findings: [Finding]
    /// Findings a valid waiver covers: shown apart, never failing a check.
    public let waived: [Finding]
    public let headline: String
    /// Where the snapshots a report lists (`reportedSnapshots`) came from: input files,
    /// SHA-256, HAR entries. (Not those that only feed the history lines.)
    var sources: [Int64: [SnapshotSummary.Source]]
    /// The policy the findings come from (a file path, or the built-in policy).
    let policySource: String
    /// True when that is the built-in baseline (`check`/`report` without `--policy`).
    var policyBaseline = false
    /// For ports a report shows in its trends but that have no series: their total over the
    /// last `sparklineLength` capture times, oldest first (for sparklines, not in the JSON).
    let sparklines: [PortKey: [Int64]]
    /// The snapshots the figures use that look like filtered exports (`Plausibility`): the
    /// current ones and the earlier side of each trend. They are used all the same; every report
    /// says so, and `check` makes each a `suspect` finding.
    public internal(set) var suspect: [SuspectSnapshot] = []
    /// What the drill-down pages say about each port/type/category that has detail at (or
    /// nearest before) the report's time, sorted by category, then port.
    var drilldown: [DrilldownEntry] = []
    /// Assets with dangerous ports or ports of findings open, most such ports first.
    var assetRanking: [AssetRisk] = []
    /// Findings that held and no longer do, resolved in the last `history.resolvedWindowDays`
    /// days, by resolution time, kind, category, port.
    var resolved: [ResolvedFinding] = []
    /// The windows the finding history was computed for.
    var history = HistoryOptions()
    /// Per asset behind a finding with drill-down data: since when, and the assets resolved in
    /// the window (`AssetHistory`).
    var assetHistory = AssetHistory()
    /// The previous export's time when no figure changed since it (`Heartbeat`); nil otherwise.
    var unchangedSince: Timestamp?
    /// How many capture times a sparkline shows at most.
    static let sparklineLength = 60

    /// The snapshots a report lists: those the figures come from (current, and both sides of
    /// each trend) and those that could not be used. The others only feed the history lines;
    /// the JSON lists every snapshot, and `historyOnlyCount` says how many are left out here.
    var reportedSnapshots: [ListedSnapshot] {
        let currentIDs = Set(current.values.flatMap { $0 }.map(\.id))
        return snapshots.filter { listed in
            let info = listed.info
            let trend = trends[info.category]
            return currentIDs.contains(info.id) || !info.isUsable
                || (listed.used && (info.capturedAt == trend?.from || info.capturedAt == trend?.to))
        }
    }

    /// How many snapshots the figures use. Counted, not filtered: each renderer asks, and the
    /// filtered copies of 73,000 snapshots (100 projects' year) were 48 MB of a report's peak.
    var usedSnapshotCount: Int {
        snapshots.reduce(0) { $0 + ($1.used ? 1 : 0) }
    }

    /// How many used snapshots `reportedSnapshots` leaves out.
    var historyOnlyCount: Int {
        usedSnapshotCount - reportedSnapshots.reduce(0) { $0 + ($1.used ? 1 : 0) }
    }

    /// The newest capture time among the current snapshots, if any.
    var newestCapture: Timestamp? { current.values.flatMap { $0 }.map(\.capturedAt).max() }
}

struct ListedSnapshot: Sendable, Equatable {
    let info: SnapshotInfo
    /// Used for the ranking (current) or for trends and series.
    let used: Bool
}

struct RankingRow: Sendable, Equatable {
    // Stored widest first (Swift lays fields out in the order declared): 80 bytes a row instead
    // of 104, for the 100,000 rows of 100 projects.
    let rank: Int
    let host: Int64
    let container: Int64
    var total: Int64 { host.saturatingAdding(container) }
    /// This row's part of all open-port instances (0...1).
    let share: Double
    /// Sum of `share` down to and including this row (Pareto).
    let cumulativeShare: Double
    /// Containers' part of this row's total (0...1): high means look at images, not hosts.
    let containerShare: Double
    let service: String?
    let risk: RiskEntry?
    let key: PortKey
    /// The vendor's verdict across categories: danger over normal over unknown; nil when no
    /// export said.
    let status: VendorStatus?
    let range: PortRange

    init(
        rank: Int, key: PortKey, host: Int64, container: Int64, status: VendorStatus?, service: String?, range: PortRange, share: Double,
        cumulativeShare: Double, containerShare: Double, risk: RiskEntry?
    ) {
        self.rank = rank
        self.host = host
        self.container = container
        self.share = share
        self.cumulativeShare = cumulativeShare
        self.containerShare = containerShare
        self.service = service
        self.risk = risk
        self.key = key
        self.status = status
        self.range = range
    }
}

struct CategoryBreakdown: Sendable, Equatable {
    /// Distinct port/type records.
    let ports: Int
    /// Sum of num: open-port instances.
    let instances: Int64
    let types: [PortType: Int]
    let ranges: [PortRange: Int]
}

struct Breakdown: Sendable, Equatable {
    let host: CategoryBreakdown?
    let container: CategoryBreakdown?
    let both: [PortKey]
    let hostOnly: [PortKey]
    let containerOnly: [PortKey]
}

/// One project's part of the current figures (several projects are summed).
struct ProjectRow: Sendable, Equatable {
    let origin: Origin
    let host: SnapshotInfo?
    let container: SnapshotInfo?
    let hostInstances: Int64
    let containerInstances: Int64
}

struct TrendChange: Sendable, Equatable {
    let key: PortKey
    let before: Int64
    let after: Int64
    var delta: Int64 { after.saturatingSubtracting(before) }
}

/// What changed in one category between the two newest complete snapshots.
struct CategoryTrend: Sendable, Equatable {
    let category: Category
    let from: Timestamp
    let to: Timestamp
    /// Present now, absent before.
    let new: [TrendChange]
    /// Absent now, present before.
    let gone: [TrendChange]
    /// Present in both with a different num.
    let changed: [TrendChange]
}

struct SeriesPoint: Sendable, Equatable {
    let capturedAt: Timestamp
    /// Nil where the category had no complete snapshot yet at that time (or is out of scope).
    let host: Int64?
    let container: Int64?
    var total: Int64 { (host ?? 0).saturatingAdding(container ?? 0) }
}

struct PortSeries: Sendable, Equatable {
    let key: PortKey
    /// Why it is drawn: `top`, `danger`, `finding`.
    let reasons: [String]
    let points: [SeriesPoint]
    /// First and last capture times with the port open (total > 0).
    let firstSeen: Timestamp?
    let lastSeen: Timestamp?
    /// Change of the total over the last 7 and 30 days, where the history reaches that far.
    let change7d: Int64?
    let change30d: Int64?
}

/// The biggest risers and fallers of the total between a base time and now.
struct Movers: Sendable, Equatable {
    let from: Timestamp
    let to: Timestamp
    let risers: [TrendChange]
    let fallers: [TrendChange]
}

public struct Finding: Sendable, Equatable {
    public enum Kind: String, CaseIterable, Sendable {
        case forbidden
        case overLimit = "over-limit"
        case notAllowed = "not-allowed"
        case newPort = "new-port"
        case newDangerous = "new-dangerous"
        case expiredWaiver = "expired-waiver"
        /// A snapshot the figures use looks like a filtered export (`AnalysisResult.suspect`); not
        /// a policy finding, and no waiver covers it.
        case suspect
    }

    public let kind: Kind
    let key: PortKey
    public let category: Category
    let num: Int64
    public let message: String
    /// The waiver that covers (or, for an expired waiver, covered) this finding.
    public let waiver: Waiver?
    /// The assets behind it, when drill-down data exists for its port (under a rule narrowed by
    /// exposure or names: only the matching ones); empty otherwise.
    var assets: [DrilldownAsset] = []
    /// It holds at a time while its port's statistics figure there is above this: 0 for most
    /// kinds, the limit for `over-limit`, the minimum less one for `new-port`
    /// (`FindingHistory` follows it back through the snapshots).
    var threshold: Int64 = 0
    /// Raised because the vendor rates the port danger (`vendor_danger: forbid`): it holds only
    /// while the vendor does.
    var heldWhileDanger = false
    /// The control ids of the policy rule that raised it (`controls:`), as written.
    var controls: [String] = []
    /// Since when it holds; nil when the history cannot tell (a suspect snapshot).
    var age: FindingAge?
    /// The narrowing of the rule that raised it, when it was applied to `assets` (`exposure`,
    /// `host_names`, `container_names`): an asset is behind it at a drill-down time only when it
    /// matched then (`AssetHistory`). Nil: every asset listing the port.
    var assetFilter: AssetFilter?

    /// Stable across imports and reports: kind, category, port and type (`forbidden:host:23/TCP`).
    var id: String { Finding.id(kind, category, key) }

    static func id(_ kind: Kind, _ category: Category, _ key: PortKey) -> String {
        "\(kind.rawValue):\(category.rawValue):\(key.port)/\(key.type.rawValue)"
    }
}

/// Since when a finding holds: the first snapshot time of the unbroken run of its category's
/// snapshot times in which it held, up to the newest.
struct FindingAge: Sendable, Equatable {
    enum State: String, Sendable {
        /// It began at the newest time and never held before.
        case new
        /// It held at the time before the newest too.
        case persisting
        /// It began at the newest time, and held before, then stopped.
        case reopened
    }

    let firstSeen: Timestamp
    /// Whole days from `firstSeen` to the report's time (0 or more).
    let ageDays: Int64
    let state: State
}

/// A waived finding whose waiver expires within `--expiring-within` days of the report's time.
struct ExpiringWaiver: Sendable, Equatable {
    let finding: Finding
    let waiver: Waiver
    /// Whole days from the report's time to the end of the expiry day.
    let daysLeft: Int64
}

/// A finding that held and no longer does, resolved within the report's window.
struct ResolvedFinding: Sendable, Equatable {
    let kind: Finding.Kind
    let key: PortKey
    let category: Category
    /// The first time of the last run of snapshot times in which it held.
    let firstSeen: Timestamp
    /// The first snapshot time after that run: it no longer held.
    let resolvedAt: Timestamp
    var id: String { Finding.id(kind, category, key) }
    /// Whole days from `firstSeen` to `resolvedAt`.
    var daysOpen: Int64 { Timestamp.wholeDays(from: firstSeen, to: resolvedAt) }
}

extension Timestamp {
    /// Whole days from one time to a later one; 0 when `to` is not later.
    static func wholeDays(from: Timestamp, to: Timestamp) -> Int64 {
        max(0, to.secondsSinceEpoch.saturatingSubtracting(from.secondsSinceEpoch) / 86_400)
    }
}

/// The windows of the finding history, in days: `--resolved-window` (how far back `resolved[]`
/// reaches) and `--expiring-within` (which waivers `expiring[]` lists).
public struct HistoryOptions: Sendable, Equatable {
    public var resolvedWindowDays: Int64 = 30
    public var expiringWithinDays: Int64 = 14
    /// `--series`: the JSON's series keep only their last this many points (nil: every capture
    /// time in scope). Their first and last seen and changes are still of the whole history.
    public var seriesPoints: Int?

    public init() {}
}
