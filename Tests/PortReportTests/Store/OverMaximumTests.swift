import Foundation
import GRDB
import Testing

@testable import PortReport

/// Schema 6 keeps the snapshots holding a num over the maximum (only a store written by 0.2 can
/// have one) in a table found once, instead of every report reading every blob to look for them.
@Suite("Store: snapshots with a num over the maximum, found once (schema 6)")
struct OverMaximumTests {
    /// A store as 0.2 could leave it: the second record (80/TCP) of snapshot `bad` holds 2·10⁹, and
    /// the store is at schema 5, before the table.
    static func oldStore() throws -> (AnalysisStore, good: Int64, bad: Int64) {
        let s = try AnalysisStore("over-maximum")
        let good = try s.add(.host, at: "2026-11-27T00:00:00Z", project: "p-one", [(22, "TCP", 5, nil)])
        let bad = try s.add(.host, at: "2026-11-28T00:00:00Z", project: "p-one", [(22, "TCP", 7, nil), (80, "TCP", 3, nil)])
        let queue = try DatabaseQueue(path: s.storePath)
        try queue.write { db in
            var blob = try #require(try Data.fetchOne(db, sql: "SELECT data FROM snapshot_records WHERE snapshot_id = ?", arguments: [bad]))
            // Record 1 (bytes 16–31), its num at bytes 24–31, big-endian: 2,000,000,000 = 0x77359400.
            blob.replaceSubrange(blob.startIndex + 24..<blob.startIndex + 32, with: [0, 0, 0, 0, 0x77, 0x35, 0x94, 0x00])
            try db.execute(sql: "UPDATE snapshot_records SET data = ? WHERE snapshot_id = ?", arguments: [blob, bad])
            try db.execute(sql: "DROP TABLE snapshot_over_maximum; PRAGMA user_version = 5")
        }
        try queue.close()
        return (s, good, bad)
    }

    static func warning(_ id: Int64) -> String {
        "not used: snapshot \(id) holds num 2000000000 for 80/TCP, over the maximum 1000000000 — re-export it, or import its exports into a new store without it"
    }

    @Test("a store not upgraded is read as it is: the blobs are read to find them")
    func notUpgraded() throws {
        let (s, _, bad) = try Self.oldStore()
        let queue = try DatabaseQueue(path: s.storePath)
        defer { try? queue.close() }
        let found = try queue.read { db in try RecordBlob.overMaximum(db) }
        #expect(found == [bad: Self.warning(bad)])
    }

    @Test("the upgrade to schema 6 finds them once and keeps them; a report then leaves the snapshot out")
    func upgraded() throws {
        let (s, good, bad) = try Self.oldStore()
        // Opening the store runs the missing migration.
        let store = try Store(path: s.storePath)
        #expect(try store.storedSchemaVersion() == 6)
        let rows = try store.read { db in try Row.fetchAll(db, sql: "SELECT snapshot_id, warning FROM snapshot_over_maximum") }
        #expect(rows.map { [$0[0] as Int64] } == [[bad]])
        #expect(rows.map { $0[1] as String } == [Self.warning(bad)])
        let result = try Analyzer(store: store).analyze(scope: AnalysisScope())
        #expect(result.snapshots.map(\.info.id) == [good])
        #expect(result.warnings.contains(Self.warning(bad)))
        // Removing the snapshot removes its row.
        _ = try store.remove([bad], context: EditContext(editedAt: Timestamp(secondsSinceEpoch: 1_800_000_000), arguments: "remove"))
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshot_over_maximum") } == 0)
    }
}
