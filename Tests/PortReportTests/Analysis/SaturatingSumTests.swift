import Foundation
import GRDB
import Testing

@testable import PortReport

/// Analysis arithmetic cannot trap: sums saturate, the store takes at most 1000000000 per record,
/// and a snapshot a 0.2 store holds with a larger num is left out with a warning.
@Suite struct SaturatingSumTests {
    @Test func sumsSaturateAtInt64sLimits() {
        #expect(Int64(2).saturatingAdding(3) == 5)
        #expect(Int64.max.saturatingAdding(1) == .max)
        #expect(Int64(9_223_372_036_854_775_000).saturatingAdding(9_223_372_036_854_775_000) == .max)
        #expect(Int64.min.saturatingAdding(-1) == .min)
        #expect(Int64(5).saturatingSubtracting(7) == -2)
        #expect(Int64.max.saturatingSubtracting(-1) == .max)
        #expect(Int64.min.saturatingSubtracting(1) == .min)
        #expect(Int64(0).saturatingSubtracting(.max) == -9_223_372_036_854_775_807)
        #expect([Int64.max, .max, .max].saturatingSum() == .max)
        #expect([Int64(1), 2, 3].saturatingSum() == 6)
        #expect([Int64]().saturatingSum() == 0)
    }

    @Test func derivedTotalsSaturate() {
        let row = SeriesPoint(capturedAt: Timestamp(secondsSinceEpoch: 0), host: .max, container: .max)
        #expect(row.total == .max)
        let change = TrendChange(key: PortKey(port: 22, type: .tcp), before: .max, after: 0)
        #expect(change.delta == -9_223_372_036_854_775_807)
        let back = TrendChange(key: PortKey(port: 22, type: .tcp), before: 0, after: .max)
        #expect(back.delta == .max)
    }

    @Test("the largest num the store takes, in three projects and both categories, sums exactly")
    func maximumNumsSumExactly() throws {
        let s = try AnalysisStore("saturating")
        for project in ["p-one", "p-two", "p-three"] {
            try s.add(
                .host, at: "2026-11-28T00:00:00Z", project: project, [(22, "TCP", 1_000_000_000, nil), (80, "TCP", 1_000_000_000, nil)])
            try s.add(.container, at: "2026-11-28T00:00:00Z", project: project, [(22, "TCP", 1_000_000_000, nil)])
        }
        let result = try s.analyze()
        // 22/TCP: 3 projects × (1e9 host + 1e9 container) = 6e9; 80/TCP: 3 × 1e9 = 3e9.
        #expect(result.ranking.map(\.total) == [6_000_000_000, 3_000_000_000])
        #expect(result.breakdown.host?.instances == 6_000_000_000)
        #expect(result.breakdown.container?.instances == 3_000_000_000)
    }

    @Test("a 0.2 store holding num 2^63−1 in two projects: no trap, the snapshots are named and left out")
    func storeWrittenBy02() throws {
        let s = try AnalysisStore("saturating")
        let good = try s.add(.host, at: "2026-11-27T00:00:00Z", project: "p-one", [(22, "TCP", 5, nil)])
        let bad1 = try s.add(.host, at: "2026-11-28T00:00:00Z", project: "p-one", [(22, "TCP", 7, nil)])
        let bad2 = try s.add(.host, at: "2026-11-28T00:00:00Z", project: "p-two", [(22, "TCP", 7, nil)])
        let queue = try DatabaseQueue(path: s.storePath)
        try queue.write { db in
            for id in [bad1, bad2] {
                var blob = try #require(
                    try Data.fetchOne(db, sql: "SELECT data FROM snapshot_records WHERE snapshot_id = ?", arguments: [id]))
                blob.replaceSubrange(blob.startIndex + 8..<blob.startIndex + 16, with: [0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
                try db.execute(sql: "UPDATE snapshot_records SET data = ? WHERE snapshot_id = ?", arguments: [blob, id])
            }
            // As 0.2 left it: a store from before schema 6, which finds such snapshots once, when
            // it is upgraded (here, when the next report opens it).
            try db.execute(sql: "DROP TABLE snapshot_over_maximum; PRAGMA user_version = 5")
        }
        try queue.close()
        let result = try s.analyze()
        #expect(result.ranking.map(\.total) == [5])
        #expect(
            result.warnings.contains(
                "not used: snapshot \(bad1) holds num 9223372036854775807 for 22/TCP, over the maximum 1000000000 — re-export it, or import its exports into a new store without it"
            ))
        #expect(result.warnings.contains { $0.hasPrefix("not used: snapshot \(bad2) holds num 9223372036854775807") })
        #expect(!result.snapshots.contains { $0.info.id == bad1 || $0.info.id == bad2 })
        #expect(result.snapshots.contains { $0.info.id == good })
        let listing = try s.store.snapshotListing()
        #expect(listing.snapshots.map(\.id) == [good])
        #expect(listing.warnings.count == 2)
    }

    @Test("a 0.2 store with an unreadable captured_at: the rest is analysed")
    func capturedAtOutOfRange() throws {
        let s = try AnalysisStore("saturating")
        try s.add(.host, at: "2026-11-27T00:00:00Z", [(22, "TCP", 5, nil)])
        let bad = try s.add(.host, at: "2026-11-28T00:00:00Z", [(22, "TCP", 7, nil)])
        let queue = try DatabaseQueue(path: s.storePath)
        try queue.write { db in
            try db.execute(sql: "UPDATE snapshot SET captured_at = '-0001-12-31T23:00:00Z' WHERE id = ?", arguments: [bad])
        }
        try queue.close()
        let result = try s.analyze()
        #expect(result.ranking.map(\.total) == [5])
        #expect(
            result.warnings.contains(
                "not used: snapshot \(bad) has captured_at '-0001-12-31T23:00:00Z', not an RFC 3339 time within the years 1970–9999 UTC — re-export it, or import its exports into a new store without it"
            ))
    }
}
