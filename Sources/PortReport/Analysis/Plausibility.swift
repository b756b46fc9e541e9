/// Implausible snapshots: a complete, unfiltered snapshot that looks like a filtered export saved
/// in the normal layout (the case that motivated it: a `status=danger` export became the current
/// host snapshot, and a report showed 32 host ports instead of 450).
///
/// Suspect is computed, never stored: from the facts of the snapshot and of the previous complete,
/// unfiltered snapshot of the same project, enterprise project and category (`previousComplete`).
/// The rules (`reasons`), each a reason in words:
///
/// 1. **Drop**: the port count (distinct port/type records) falls by more than half against the
///    previous one — `previous − records > records`, so 450 → 225 is not suspect, 450 → 224 is —
///    when the previous one had at least `minimumRecords` records (a small project's 6 → 2 is
///    ordinary).
/// 2. **All danger**: at least `minimumRecords` records and every one has status `danger`. No real
///    fleet has every open port rated danger: suspect even with no previous snapshot.
/// 3. **Uniform status**: at least `minimumRecords` records, every one has the same status
///    (`normal` or `unknown`), and the previous snapshot had records of another known status.
///    Every port `normal` is ordinary when the vendor rates nothing as danger; a change to it is not.
/// 4. **Uniform type**: at least `minimumRecords` records, every one has the same type, and the
///    previous snapshot had another type. Containers often open only TCP ports; a change from a
///    mix to one type looks like a `type=` filter.
///
/// A record with no status (the export did not say, `"status": null`) has none: a snapshot where
/// some or all records have none never has "one status". With no previous complete snapshot only
/// rule 2 applies. Partial (filtered) and incomplete snapshots are never checked (one of unknown
/// completeness is, as reports use it), and never the
/// previous one. A suspect snapshot is still used (the user decides); every report and `check`
/// say so.
enum Plausibility {
    /// The fewest records a snapshot (rules 2–4), or the previous snapshot (rule 1), must hold for
    /// a rule to apply.
    static let minimumRecords = 10

    /// Why `snapshot` is suspect, or nil when it is not: the reasons of `reasons`, joined with `; `.
    static func suspectReason(_ snapshot: SnapshotFacts, previous: SnapshotFacts?) -> String? {
        let reasons = reasons(snapshot, previous: previous)
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// Each rule `snapshot` breaks, in the order of the rules, in words. `previous` is the previous
    /// complete, unfiltered snapshot of the same key (`previousComplete`); it is ignored otherwise.
    static func reasons(_ snapshot: SnapshotFacts, previous: SnapshotFacts?) -> [String] {
        guard snapshot.isUsable else { return [] }
        let previous = previous.flatMap { comparable($0, before: snapshot) ? $0 : nil }
        var reasons: [String] = []
        if let previous, previous.records >= minimumRecords, previous.records - snapshot.records > snapshot.records {
            reasons.append(
                "possibly a filtered export: \(ports(snapshot.records)), \(previous.records) before (snapshot \(previous.id), \(previous.capturedAt.rfc3339))"
            )
        }
        guard snapshot.records >= minimumRecords else { return reasons }
        if snapshot.statuses.count == 1, let only = snapshot.statuses.first, let status = only {
            if status == .danger {
                reasons.append("every record has status danger")
            } else if let previous, previous.statuses.contains(where: { $0 != nil && $0 != status }) {
                reasons.append("every record has status \(status.rawValue), unlike snapshot \(previous.id) before")
            }
        }
        if snapshot.types.count == 1, let type = snapshot.types.first, let previous, previous.types.contains(where: { $0 != type }) {
            reasons.append("every record has type \(type.rawValue), unlike snapshot \(previous.id) before")
        }
        return reasons
    }

    /// The newest complete, unfiltered snapshot of `history` with the key of `snapshot` (project,
    /// enterprise project, category) captured before it; nil when there is none.
    static func previousComplete(of snapshot: SnapshotFacts, in history: [SnapshotFacts]) -> SnapshotFacts? {
        history.filter { comparable($0, before: snapshot) }.max { ($0.capturedAt, $0.id) < ($1.capturedAt, $1.id) }
    }

    /// Whether `candidate` can be the previous snapshot of `snapshot`.
    private static func comparable(_ candidate: SnapshotFacts, before snapshot: SnapshotFacts) -> Bool {
        candidate.isUsable && candidate.id != snapshot.id && candidate.origin == snapshot.origin
            && candidate.category == snapshot.category && candidate.capturedAt < snapshot.capturedAt
    }

    private static func ports(_ count: Int) -> String { "\(count) port\(count == 1 ? "" : "s")" }
}

/// What the plausibility rules look at in one snapshot: its metadata (the snapshot table) and the
/// distinct statuses and types of its records (its blob).
struct SnapshotFacts: Sendable, Equatable {
    let id: Int64
    let origin: Origin
    let category: Category
    let capturedAt: Timestamp
    let complete: Bool
    let partial: Bool
    /// Distinct port/type records (`record_count`).
    let records: Int
    /// The statuses its records have; nil for a record with none.
    let statuses: Set<VendorStatus?>
    let types: Set<PortType>

    var isUsable: Bool { complete && !partial }

    init(
        id: Int64, origin: Origin, category: Category, capturedAt: Timestamp, complete: Bool, partial: Bool, records: Int,
        statuses: Set<VendorStatus?>, types: Set<PortType>
    ) {
        self.id = id
        self.origin = origin
        self.category = category
        self.capturedAt = capturedAt
        self.complete = complete
        self.partial = partial
        self.records = records
        self.statuses = statuses
        self.types = types
    }

    init(_ info: SnapshotInfo, statuses: Set<VendorStatus?>, types: Set<PortType>) {
        self.init(
            // A snapshot of unknown completeness (no total_num) is used by reports like a complete
            // one, so it is checked like one: a bare array of a filtered export is as misleading.
            id: info.id, origin: info.origin, category: info.category, capturedAt: info.capturedAt,
            complete: info.complete || info.completenessUnknown, partial: info.partial, records: info.records, statuses: statuses,
            types: types)
    }
}

/// A snapshot the plausibility rules flag: one a report uses, or one just imported.
public struct SuspectSnapshot: Sendable, Equatable {
    /// What the snapshot is to the report (or the import) that flags it.
    enum Role: Sendable, Equatable {
        /// Just stored by `import`.
        case imported
        /// One of the snapshots the current figures are made of.
        case current
        /// The earlier side of a trend.
        case trendStart
    }

    public let snapshotID: Int64
    public let category: Category
    let origin: Origin
    let capturedAt: Timestamp
    /// The reasons in words, joined with `; `.
    public let reason: String
    let role: Role

    /// `snapshot 2 (host, 2026-12-01T00:00:00Z, project p) is suspect: … — the current host
    /// figures use it; check the export`.
    public var message: String {
        let project = origin.projectID.isEmpty ? "project unknown" : "project \(origin.projectID)"
        let consequence: String
        switch role {
        case .imported: consequence = "reports flag it while they use it"
        case .current: consequence = "the current \(category.rawValue) figures use it"
        case .trendStart: consequence = "the \(category.rawValue) changes are counted from it"
        }
        return
            "snapshot \(snapshotID) (\(category.rawValue), \(capturedAt.rfc3339), \(project)) is suspect: \(reason) — \(consequence); check the export"
    }
}

extension AnalysisComputation {
    /// The suspect snapshots among those the figures use: per category and project, the current
    /// snapshot and the earlier side of its trend, each against the complete one before it (at
    /// most three blobs read per project and category, however long the history).
    func findSuspects(_ timelines: Timelines) throws -> [SuspectSnapshot] {
        var suspects: [SuspectSnapshot] = []
        // The snapshot before the current one is checked as a trend start and compared with as a
        // previous one: read once.
        var known: [Int64: SnapshotFacts] = [:]
        func facts(_ info: SnapshotInfo) throws -> SnapshotFacts {
            if let facts = known[info.id] { return facts }
            let facts = try reader.facts(of: info)
            known[info.id] = facts
            return facts
        }
        for category in scope.categories {
            for history in timelines.histories(category) {
                let count = history.count
                var checked: [(Int, SuspectSnapshot.Role)] = []
                if count >= 2 { checked.append((count - 2, .trendStart)) }
                if count >= 1 { checked.append((count - 1, .current)) }
                for (index, role) in checked {
                    let info = history[index]
                    let previous = index > 0 ? try facts(history[index - 1]) : nil
                    guard let reason = Plausibility.suspectReason(try facts(info), previous: previous) else { continue }
                    suspects.append(
                        SuspectSnapshot(
                            snapshotID: info.id, category: category, origin: info.origin, capturedAt: info.capturedAt, reason: reason,
                            role: role))
                }
            }
        }
        return suspects
    }
}

extension Plausibility {
    /// What the headline of every report and of `check` starts with when a snapshot the figures
    /// use is suspect: `SUSPECT DATA: snapshot 12 (host) possibly a filtered export: …; ` (the
    /// first one, and how many more); empty otherwise.
    static func headlinePrefix(_ suspects: [SuspectSnapshot]) -> String {
        guard let first = suspects.first else { return "" }
        let more = suspects.count > 1 ? " (and \(Wording.plural(suspects.count - 1, "more suspect snapshot")))" : ""
        return "SUSPECT DATA: snapshot \(first.snapshotID) (\(first.category.rawValue)) \(first.reason)\(more); "
    }
}
