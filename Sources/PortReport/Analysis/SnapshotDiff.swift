/// `portreport diff A B`: what changed between any two snapshots, with the trend definitions.
public struct SnapshotDiff: Sendable {
    let before: SnapshotInfo
    let after: SnapshotInfo
    let new: [TrendChange]
    let gone: [TrendChange]
    let changed: [TrendChange]
    public let warnings: [String]
}

extension Analyzer {
    /// Compares two snapshots named by id (`12`) or capture time (`2026-11-28T02:00:00Z`, or a
    /// date `2026-11-28` for any capture that day, UTC), within `scope` (which disambiguates).
    public func diff(_ first: String, _ second: String, scope: AnalysisScope) throws -> SnapshotDiff {
        try store.withAnalysisReader { reader in
            let infos = try reader.snapshots(
                in: AnalysisScope(projectID: scope.projectID, enterpriseProjectID: scope.enterpriseProjectID, category: scope.category))
            func resolve(_ reference: String) throws -> SnapshotInfo {
                do {
                    return try Self.resolve(reference, in: infos)
                } catch {
                    // A snapshot left out as unusable (one written by 0.2) is named as such.
                    if let unusable = reader.unusableWarnings.first(where: { $0.hasPrefix("not used: snapshot \(reference) ") }) {
                        throw ReportError(unusable)
                    }
                    throw error
                }
            }
            let before = try resolve(first), after = try resolve(second)
            var warnings: [String] = []
            if before.category != after.category {
                warnings.append(
                    "comparing a \(before.category.rawValue) snapshot with a \(after.category.rawValue) snapshot: the numbers count different things"
                )
            }
            for info in [before, after] where !info.isUsable || info.completenessUnknown {
                let state =
                    info.partial
                    ? "is partial (filtered: \(info.filters))"
                    : info.completenessUnknown ? "has no total_num (completeness unknown)" : "is incomplete (\(info.note))"
                warnings.append(
                    "snapshot \(info.id) \(state): ports missing from it may not be closed"
                )
            }
            var beforeFigures = DenseFigures(), afterFigures = DenseFigures()
            try reader.add(before.id, to: &beforeFigures)
            try reader.add(after.id, to: &afterFigures)
            let changes = Changes(before: beforeFigures, after: afterFigures)
            return SnapshotDiff(
                before: before, after: after, new: changes.new, gone: changes.gone, changed: changes.changed, warnings: warnings)
        }
    }

    static func resolve(_ reference: String, in infos: [SnapshotInfo]) throws -> SnapshotInfo {
        let candidates: [SnapshotInfo]
        if let id = Int64(reference) {
            candidates = infos.filter { $0.id == id }
        } else if let time = Timestamp(rfc3339: reference) {
            candidates = infos.filter { $0.capturedAt == time }
        } else if let day = Timestamp(date: reference) {
            candidates = infos.filter { $0.capturedAt.dateString == day.dateString }
        } else {
            throw ReportError("'\(reference)' is neither a snapshot id nor a capture time (2026-11-28T02:00:00Z or 2026-11-28)")
        }
        guard let only = candidates.first else {
            throw ReportError("no snapshot \(reference) in scope (portreport snapshots lists them)")
        }
        guard candidates.count == 1 else {
            let list = candidates.map {
                "\($0.id) (\($0.category.rawValue), \($0.projectID.isEmpty ? "project unknown" : $0.projectID), \($0.capturedAt.rfc3339))"
            }
            throw ReportError(
                "'\(reference)' matches \(candidates.count) snapshots: \(list.joined(separator: "; ")); name one by id, or narrow with --category or --project"
            )
        }
        return only
    }
}
