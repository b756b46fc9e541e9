import Testing

@testable import PortReport

/// The held snapshots of an import: least recently used first, in bounded memory however many
/// snapshots a run goes through.
@Suite("Store: held snapshots")
struct HeldSnapshotsTests {
    func key(_ day: Int) -> SnapshotKey {
        SnapshotKey(
            projectID: "p", enterpriseProjectID: "", category: .host,
            capturedAt: Timestamp(secondsSinceEpoch: 1_800_000_000 + Int64(day) * 86_400), filters: "")
    }

    @Test("5,000 snapshots held one after another, as an import does: the oldest goes first, and the list of uses stays bounded")
    func boundedUses() {
        let held = HeldSnapshots()
        var released: [Int] = []
        for day in 0..<5_000 {
            held.beginInput()
            while held.isOverLimit, let oldest = held.leastRecentlyUsed {
                _ = held.release(oldest)
                released.append(Int((oldest.capturedAt.secondsSinceEpoch - 1_800_000_000) / 86_400))
            }
            held.hold(HeldRecords([]), for: key(day))
            // Touching the one before keeps it most recent but one.
            if day > 0 { _ = held.records(of: key(day - 1)) }
        }
        // Each input releases the one least recently used: in order, all but the last ones held.
        #expect(released == Array(0..<(5_000 - HeldSnapshots.limit - 1)))
        // The live uses (at most `limit` + 1) plus the stale ones kept until they are half of the
        // list or twice the live ones and 64 more: a few hundred at most, not one per use (10,000).
        #expect(held.retainedUses <= 4 * (HeldSnapshots.limit + 1) + 192, "\(held.retainedUses) uses kept")
    }
}
