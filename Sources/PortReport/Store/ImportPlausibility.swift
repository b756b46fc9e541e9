extension Store {
    /// `suspectSnapshots(_:)` for the snapshots an import just wrote, with the types and statuses
    /// of those it wrote (`known`, by snapshot id) taken from the import instead of read back from
    /// their blobs; any other snapshot (the previous one of a key, stored by an earlier run) is
    /// read as `suspectSnapshots(_:)` reads it. The same rules on the same facts, so the same
    /// result.
    func suspectSnapshots(_ ids: [Int64], known: [Int64: RecordKinds]) throws -> [SuspectSnapshot] {
        try withAnalysisReader { reader in
            func facts(_ info: SnapshotInfo) throws -> SnapshotFacts {
                guard let kinds = known[info.id] else { return try reader.facts(of: info) }
                return SnapshotFacts(info, statuses: kinds.statuses, types: kinds.types)
            }
            return try ids.compactMap { id in
                guard let info = try reader.snapshotInfo(id: id), info.isUsable else { return nil }
                let previous = try reader.previousComplete(before: info).map(facts)
                guard let reason = Plausibility.suspectReason(try facts(info), previous: previous) else { return nil }
                return SuspectSnapshot(
                    snapshotID: id, category: info.category, origin: info.origin, capturedAt: info.capturedAt, reason: reason,
                    role: .imported)
            }
        }
    }
}
