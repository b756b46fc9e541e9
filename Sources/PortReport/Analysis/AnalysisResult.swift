/// Everything a report shows, computed once; every renderer reads only this.
public struct AnalysisResult: Sendable {
    /// Version of the machine-readable form (`report --format json`).
    public static let schema = "portreport.report/1"

    public let generatedAt: Timestamp
    public let scope: AnalysisScope
    /// How many ranking rows reports show (the analysis itself covers every row).
    public let top: Int
    /// Every snapshot in scope, oldest first, and whether the analysis used it.
    public let snapshots: [ListedSnapshot]
    /// The snapshots the ranking is made of, per category (one per project).
    public let current: [Category: [SnapshotInfo]]
    public let warnings: [String]
    public let ranking: [RankingRow]
    public let breakdown: Breakdown
    public let perProject: [ProjectRow]
    public let trends: [Category: CategoryTrend]
    public let series: [PortSeries]
    public let movers: Movers?
    public let findings: [Finding]
    /// Findings a valid waiver covers: shown apart, never failing a check.
    public let waived: [Finding]
    public let headline: String
    /// Where the snapshots a report lists (`reportedSnapshots`) came from: input files,
    /// SHA-256, HAR entries. (Not those that only feed the history lines.)
    public internal(set) var sources: [Int64: [SnapshotSummary.Source]]
    /// The policy the findings come from (a file path, or the built-in policy).
    public let policySource: String
    /// For ports a report shows in its trends but that have no series: their total over the
    /// last `sparklineLength` capture times, oldest first (for sparklines, not in the JSON).
    public let sparklines: [PortKey: [Int64]]
    /// How many capture times a sparkline shows at most.
    public static let sparklineLength = 60

    /// The snapshots a report lists: those the figures come from (current, and both sides of
    /// each trend) and those that could not be used. The others only feed the history lines;
    /// the JSON lists every snapshot, and `historyOnlyCount` says how many are left out here.
    public var reportedSnapshots: [ListedSnapshot] {
        let currentIDs = Set(current.values.flatMap { $0 }.map(\.id))
        return snapshots.filter { listed in
            let info = listed.info
            let trend = trends[info.category]
            return currentIDs.contains(info.id) || !info.isUsable
                || (listed.used && (info.capturedAt == trend?.from || info.capturedAt == trend?.to))
        }
    }

    /// How many used snapshots `reportedSnapshots` leaves out.
    public var historyOnlyCount: Int {
        snapshots.filter(\.used).count - reportedSnapshots.filter(\.used).count
    }

    /// The newest capture time among the current snapshots, if any.
    public var newestCapture: Timestamp? { current.values.flatMap { $0 }.map(\.capturedAt).max() }
}

public struct ListedSnapshot: Sendable, Equatable {
    public let info: SnapshotInfo
    /// Used for the ranking (current) or for trends and series.
    public let used: Bool
}

public struct RankingRow: Sendable, Equatable {
    public let rank: Int
    public let key: PortKey
    public let host: Int64
    public let container: Int64
    public var total: Int64 { host + container }
    /// The vendor's verdict across categories: danger over normal over unknown; nil when no
    /// export said.
    public let status: VendorStatus?
    public let service: String?
    public let range: PortRange
    /// This row's part of all open-port instances (0...1).
    public let share: Double
    /// Sum of `share` down to and including this row (Pareto).
    public let cumulativeShare: Double
    /// Containers' part of this row's total (0...1): high means look at images, not hosts.
    public let containerShare: Double
    public let risk: RiskEntry?
}

public struct CategoryBreakdown: Sendable, Equatable {
    /// Distinct port/type records.
    public let ports: Int
    /// Sum of num: open-port instances.
    public let instances: Int64
    public let types: [PortType: Int]
    public let ranges: [PortRange: Int]
}

public struct Breakdown: Sendable, Equatable {
    public let host: CategoryBreakdown?
    public let container: CategoryBreakdown?
    public let both: [PortKey]
    public let hostOnly: [PortKey]
    public let containerOnly: [PortKey]
}

/// One project's part of the current figures (several projects are summed).
public struct ProjectRow: Sendable, Equatable {
    public let origin: Origin
    public let host: SnapshotInfo?
    public let container: SnapshotInfo?
    public let hostInstances: Int64
    public let containerInstances: Int64
}

public struct TrendChange: Sendable, Equatable {
    public let key: PortKey
    public let before: Int64
    public let after: Int64
    public var delta: Int64 { after - before }
}

/// What changed in one category between the two newest complete snapshots.
public struct CategoryTrend: Sendable, Equatable {
    public let category: Category
    public let from: Timestamp
    public let to: Timestamp
    /// Present now, absent before.
    public let new: [TrendChange]
    /// Absent now, present before.
    public let gone: [TrendChange]
    /// Present in both with a different num.
    public let changed: [TrendChange]
}

public struct SeriesPoint: Sendable, Equatable {
    public let capturedAt: Timestamp
    /// Nil where the category had no complete snapshot yet at that time (or is out of scope).
    public let host: Int64?
    public let container: Int64?
    public var total: Int64 { (host ?? 0) + (container ?? 0) }
}

public struct PortSeries: Sendable, Equatable {
    public let key: PortKey
    /// Why it is drawn: `top`, `danger`, `finding`.
    public let reasons: [String]
    public let points: [SeriesPoint]
    /// First and last capture times with the port open (total > 0).
    public let firstSeen: Timestamp?
    public let lastSeen: Timestamp?
    /// Change of the total over the last 7 and 30 days, where the history reaches that far.
    public let change7d: Int64?
    public let change30d: Int64?
}

/// The biggest risers and fallers of the total between a base time and now.
public struct Movers: Sendable, Equatable {
    public let from: Timestamp
    public let to: Timestamp
    public let risers: [TrendChange]
    public let fallers: [TrendChange]
}

public struct Finding: Sendable, Equatable {
    public enum Kind: String, CaseIterable, Sendable {
        case forbidden
        case overLimit = "over-limit"
        case notAllowed = "not-allowed"
        case newPort = "new-port"
        case newDangerous = "new-dangerous"
        case expiredWaiver = "expired-waiver"
    }

    public let kind: Kind
    public let key: PortKey
    public let category: Category
    public let num: Int64
    public let message: String
    /// The waiver that covers (or, for an expired waiver, covered) this finding.
    public let waiver: Waiver?
}
