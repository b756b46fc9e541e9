/// Follows findings back through each category's snapshot times (every capture time of a usable
/// snapshot; at each, the sum over projects of each project's newest snapshot at or before it, as
/// the current figures are made): since when each current finding holds (`Finding.age`), and
/// which findings held and no longer do (`resolved[]`). Only the statistics are followed: a rule
/// narrowed to some assets is followed by its port's statistics figure.
struct FindingHistory {
    /// Per category: the snapshot times, oldest first.
    let times: [Category: [Timestamp]]
    /// The figures of the findings' ports at every time in scope.
    let history: KeyHistory
    /// Per category: the index in `history.times` of each of `times`.
    private let indices: [Category: [Int]]

    init(history: KeyHistory, timelines: Timelines, categories: [Category]) {
        var indexOfTime: [Timestamp: Int] = [:]
        for (index, time) in history.times.enumerated() { indexOfTime[time] = index }
        var times: [Category: [Timestamp]] = [:], indices: [Category: [Int]] = [:]
        for category in categories {
            let categoryTimes = timelines.times(category)
            guard !categoryTimes.isEmpty else { continue }
            times[category] = categoryTimes
            indices[category] = categoryTimes.compactMap { indexOfTime[$0] }
        }
        self.times = times
        self.history = history
        self.indices = indices
    }

    /// Whether `finding` holds where its port's figure is `value`: listed above its threshold
    /// (and, when it was raised by the vendor's verdict, rated danger there).
    static func holds(_ finding: Finding, value: RecordValue?) -> Bool {
        guard let value, value.num > finding.threshold else { return false }
        return !finding.heldWhileDanger || value.status == .danger
    }

    /// For each time of its category, whether `finding` held then.
    func held(_ finding: Finding) -> [Bool] {
        (indices[finding.category] ?? []).map { Self.holds(finding, value: history.value(finding.category, at: $0, of: finding.key)) }
    }

    /// Since when `finding`, which holds now, has held; nil when its category has no history or
    /// it is a suspect snapshot (not a port).
    func age(of finding: Finding, now: Timestamp) -> FindingAge? {
        guard finding.kind != .suspect, let times = times[finding.category], let last = times.indices.last else { return nil }
        let held = held(finding)
        var start = last
        while start > 0 && held[start - 1] { start -= 1 }
        let state: FindingAge.State =
            start < last ? .persisting : (held[..<start].contains(true) ? .reopened : .new)
        return FindingAge(firstSeen: times[start], ageDays: Timestamp.wholeDays(from: times[start], to: now), state: state)
    }

    /// The findings of `candidates` that held at some time and no longer hold at the newest, whose
    /// last run ended no more than `windowDays` days before `now`, newest first.
    func resolved(_ candidates: [Finding], now: Timestamp, windowDays: Int64) -> [ResolvedFinding] {
        let (span, overflow) = max(0, windowDays).multipliedReportingOverflow(by: 86_400)
        let earliest = overflow ? Int64.min : now.secondsSinceEpoch.saturatingSubtracting(span)
        var result: [ResolvedFinding] = []
        for finding in candidates {
            guard let times = times[finding.category] else { continue }
            let held = held(finding)
            guard held.last == false, let end = held.lastIndex(of: true) else { continue }
            var start = end
            while start > 0 && held[start - 1] { start -= 1 }
            let resolvedAt = times[end + 1]
            guard resolvedAt.secondsSinceEpoch >= earliest else { continue }
            result.append(
                ResolvedFinding(
                    kind: finding.kind, key: finding.key, category: finding.category, firstSeen: times[start], resolvedAt: resolvedAt))
        }
        let kinds = Finding.Kind.allCases
        return result.sorted { a, b in
            if a.resolvedAt != b.resolvedAt { return a.resolvedAt > b.resolvedAt }
            let ka = kinds.firstIndex(of: a.kind) ?? 0, kb = kinds.firstIndex(of: b.kind) ?? 0
            if ka != kb { return ka < kb }
            if a.category != b.category { return a.category == .host }
            return a.key < b.key
        }
    }
}

extension AnalysisComputation {
    /// The findings `resolved[]` may list: the policy evaluated once on every port listed at some
    /// time of the window (kinds that hold while a port is open: forbidden, over-limit,
    /// not-allowed; new-port and new-dangerous are events of one export), less the current ones.
    ///
    /// A finding resolved in the window held at the time before its `resolved_at`, which is no
    /// earlier than the last time before the window opens; so only the snapshots from that time
    /// on are read (not the whole history). Each port's figure there is an upper bound — the sum
    /// over projects of each one's highest num among those snapshots, and the worst verdict —, so
    /// the candidates include every finding that held then, and perhaps some that did not, which
    /// `FindingHistory.resolved` drops when it follows them.
    func resolvedCandidates(
        _ timelines: Timelines, findings: [Finding], waived: [Finding], generatedAt: Timestamp, windowDays: Int64
    ) throws -> [Finding] {
        let (span, overflow) = max(0, windowDays).multipliedReportingOverflow(by: 86_400)
        let earliest = overflow ? Int64.min : generatedAt.secondsSinceEpoch.saturatingSubtracting(span)
        var listed: [Category: Aggregate] = [:]
        for category in scope.categories {
            let times = timelines.times(category)
            guard let opening = times.firstIndex(where: { $0.secondsSinceEpoch >= earliest }) else { continue }
            let from = times[max(0, opening - 1)]
            var union = DenseFigures(), highest = DenseFigures()
            for history in timelines.histories(category) {
                let start = Timelines.newest(in: history, atOrBefore: from) ?? 0
                for snapshot in history[start...] {
                    try reader.raise(&highest, toFiguresOf: snapshot.id)
                }
                for code in highest.listed {
                    union.add(code: code, num: highest.num(code), verdict: highest.verdicts[Int(code)])
                }
                highest.removeAll()
            }
            listed[category] = union.aggregate
        }
        let ever = PolicyEvaluation(policy: policy, aggregates: listed, trends: [:], generatedAt: generatedAt)
        let current = Set((findings + waived).map(\.id))
        var seen = Set<String>()
        return (ever.findings + ever.waived).filter { finding in
            finding.kind != .expiredWaiver && !current.contains(finding.id) && seen.insert(finding.id).inserted
        }
    }

    /// The findings' ages and the resolved findings among `candidates`, each followed through the
    /// history.
    func findingAges(
        _ history: FindingHistory, findings: [Finding], waived: [Finding], candidates: [Finding], generatedAt: Timestamp,
        windowDays: Int64
    ) -> (findings: [Finding], waived: [Finding], resolved: [ResolvedFinding]) {
        func aged(_ list: [Finding]) -> [Finding] {
            list.map { finding in
                var copy = finding
                copy.age = history.age(of: finding, now: generatedAt)
                return copy
            }
        }
        return (aged(findings), aged(waived), history.resolved(candidates, now: generatedAt, windowDays: windowDays))
    }
}

extension AnalysisResult {
    /// Per kind with resolved findings, in kind order: how many, and the mean of their days open.
    var timeToClose: [(kind: Finding.Kind, resolved: Int, meanDaysOpen: Double)] {
        Finding.Kind.allCases.compactMap { kind in
            let days = resolved.filter { $0.kind == kind }.map(\.daysOpen)
            guard !days.isEmpty else { return nil }
            return (kind, days.count, Double(days.saturatingSum()) / Double(days.count))
        }
    }
}

extension AnalysisResult {
    /// The waived findings whose waiver expires within `history.expiringWithinDays` days of the
    /// report's time (an expired one is an `expired-waiver` finding instead), soonest first, then
    /// in the order of `waived`.
    var expiring: [ExpiringWaiver] {
        let rows = waived.compactMap { finding -> ExpiringWaiver? in
            guard let waiver = finding.waiver, waiver.validUntil >= generatedAt else { return nil }
            let days = Timestamp.wholeDays(from: generatedAt, to: waiver.validUntil)
            return days <= history.expiringWithinDays ? ExpiringWaiver(finding: finding, waiver: waiver, daysLeft: days) : nil
        }
        return rows.enumerated().sorted { ($0.element.daysLeft, $0.offset) < ($1.element.daysLeft, $1.offset) }.map(\.element)
    }
}

extension AnalysisResult {
    /// The report read by control: each control id a policy rule names (sorted by its text), with
    /// the ids of the findings and of the waived findings that carry it, in their lists' order.
    var byControl: [(control: String, findings: [String], waived: [String])] {
        var findingIDs: [String: [String]] = [:], waivedIDs: [String: [String]] = [:]
        for finding in findings { for control in finding.controls { findingIDs[control, default: []].append(finding.id) } }
        for finding in waived { for control in finding.controls { waivedIDs[control, default: []].append(finding.id) } }
        return Set(findingIDs.keys).union(waivedIDs.keys).sorted().map { ($0, findingIDs[$0] ?? [], waivedIDs[$0] ?? []) }
    }
}

/// The heartbeat: a report on figures that did not change since the previous export says so, so
/// that a daily mail with nothing new still shows the job ran and what it compared.
enum Heartbeat {
    /// The time compared with (the earliest previous export of the categories) when every
    /// category with figures has a previous export and nothing is new, gone or changed since;
    /// nil otherwise.
    static func unchangedSince(trends: [Category: CategoryTrend], aggregates: [Category: Aggregate]) -> Timestamp? {
        guard !aggregates.isEmpty else { return nil }
        var since: [Timestamp] = []
        for category in aggregates.keys {
            guard let trend = trends[category], trend.new.isEmpty, trend.gone.isEmpty, trend.changed.isEmpty else { return nil }
            since.append(trend.from)
        }
        return since.min()
    }

    static func headlinePrefix(_ since: Timestamp?) -> String {
        since.map { "No change since \($0.rfc3339): " } ?? ""
    }
}
