// The plausibility rules (issue 11 item 6) over hand-worked histories: the drop rule at exactly
// half and just over, the uniform status and type rules and their threshold, which snapshot is
// the previous one, and the analysis and store paths that feed them.

import Foundation
import Testing

@testable import PortReport

/// Facts for one hand-made snapshot: `records` distinct records; statuses and types as given.
private func facts(
    _ id: Int64, at day: String, project: String = "p", category: Category = .host, records: Int,
    statuses: Set<VendorStatus?> = [.normal, .danger], types: Set<PortType> = [.tcp, .udp], complete: Bool = true,
    partial: Bool = false
) -> SnapshotFacts {
    SnapshotFacts(
        id: id, origin: Origin(projectID: project, enterpriseProjectID: "0"), category: category,
        capturedAt: ts(day) ?? Timestamp(secondsSinceEpoch: 0), complete: complete, partial: partial, records: records,
        statuses: statuses, types: types)
}

@Suite("Plausibility: suspect snapshots")
struct PlausibilityTests {
    // MARK: The drop rule

    @Test("a fall to exactly half is not suspect; one record fewer is")
    func dropAtHalf() {
        let before = facts(1, at: "2026-11-27", records: 450)
        // 450 → 225: falls by 225, exactly half — not more than half.
        #expect(Plausibility.suspectReason(facts(2, at: "2026-11-28", records: 225), previous: before) == nil)
        // 450 → 224: falls by 226 > 225.
        #expect(
            Plausibility.suspectReason(facts(2, at: "2026-11-28", records: 224), previous: before)
                == "possibly a filtered export: 224 ports, 450 before (snapshot 1, 2026-11-27T00:00:00Z)")
        // An odd count: 451 → 226 falls by 225 < 225.5; 451 → 225 falls by 226 > 225.5.
        let odd = facts(1, at: "2026-11-27", records: 451)
        #expect(Plausibility.suspectReason(facts(2, at: "2026-11-28", records: 226), previous: odd) == nil)
        #expect(Plausibility.suspectReason(facts(2, at: "2026-11-28", records: 225), previous: odd) != nil)
        // A rise, or no change, is never a drop.
        #expect(Plausibility.suspectReason(facts(2, at: "2026-11-28", records: 900), previous: before) == nil)
    }

    @Test("the motivating case: 450 ports, then a danger-only export of 32 — both reasons")
    func motivatingCase() {
        let before = facts(7, at: "2026-11-28", records: 450)
        let filtered = facts(8, at: "2026-12-01", records: 32, statuses: [.danger])
        #expect(
            Plausibility.reasons(filtered, previous: before) == [
                "possibly a filtered export: 32 ports, 450 before (snapshot 7, 2026-11-28T00:00:00Z)",
                "every record has status danger"
            ])
        #expect(
            Plausibility.suspectReason(filtered, previous: before)
                == "possibly a filtered export: 32 ports, 450 before (snapshot 7, 2026-11-28T00:00:00Z); every record has status danger")
    }

    @Test("a drop from a previous snapshot under the threshold is ordinary: 9 → 1 is not suspect, 10 → 4 is")
    func dropThreshold() {
        #expect(Plausibility.minimumRecords == 10)
        #expect(Plausibility.suspectReason(facts(2, at: "2026-11-28", records: 1), previous: facts(1, at: "2026-11-27", records: 9)) == nil)
        // 10 → 4: falls by 6 > 5. (4 records: under the threshold for the uniformity rules.)
        #expect(
            Plausibility.suspectReason(
                facts(2, at: "2026-11-28", records: 4, statuses: [.danger], types: [.tcp]),
                previous: facts(1, at: "2026-11-27", records: 10))
                == "possibly a filtered export: 4 ports, 10 before (snapshot 1, 2026-11-27T00:00:00Z)")
        // A fall to nothing: 1 port → "0 ports".
        #expect(
            Plausibility.suspectReason(
                facts(2, at: "2026-11-28", records: 0, statuses: [], types: []), previous: facts(1, at: "2026-11-27", records: 12))
                == "possibly a filtered export: 0 ports, 12 before (snapshot 1, 2026-11-27T00:00:00Z)")
    }

    // MARK: Uniform status and type

    @Test("every record danger: suspect from 10 records, even with no previous snapshot; 9 is not")
    func allDanger() {
        #expect(
            Plausibility.suspectReason(facts(1, at: "2026-11-28", records: 10, statuses: [.danger]), previous: nil)
                == "every record has status danger")
        #expect(Plausibility.suspectReason(facts(1, at: "2026-11-28", records: 9, statuses: [.danger]), previous: nil) == nil)
        // Two records, both danger and TCP: not suspicious.
        #expect(
            Plausibility.suspectReason(facts(1, at: "2026-11-28", records: 2, statuses: [.danger], types: [.tcp]), previous: nil) == nil)
        // Danger and records without a status: not one status.
        #expect(Plausibility.suspectReason(facts(1, at: "2026-11-28", records: 40, statuses: [.danger, nil]), previous: nil) == nil)
    }

    @Test("every record normal or unknown: suspect only after a snapshot with another known status")
    func uniformStatusAgainstPrevious() {
        let allNormal = facts(2, at: "2026-11-28", records: 300, statuses: [.normal])
        // No previous: the vendor may rate nothing as danger.
        #expect(Plausibility.suspectReason(allNormal, previous: nil) == nil)
        // The previous one was all normal too (plus records without a status): ordinary.
        #expect(Plausibility.suspectReason(allNormal, previous: facts(1, at: "2026-11-27", records: 310, statuses: [.normal, nil])) == nil)
        // The previous one had danger ports: a status=normal export.
        #expect(
            Plausibility.suspectReason(allNormal, previous: facts(1, at: "2026-11-27", records: 310, statuses: [.normal, .danger]))
                == "every record has status normal, unlike snapshot 1 before")
        let allUnknown = facts(2, at: "2026-11-28", records: 300, statuses: [.unknown])
        #expect(
            Plausibility.suspectReason(allUnknown, previous: facts(1, at: "2026-11-27", records: 310, statuses: [.normal]))
                == "every record has status unknown, unlike snapshot 1 before")
        // Under the threshold: not suspect whatever came before.
        #expect(
            Plausibility.suspectReason(
                facts(2, at: "2026-11-28", records: 9, statuses: [.normal]),
                previous: facts(1, at: "2026-11-27", records: 10, statuses: [.danger, .normal])
            ) == nil)
    }

    @Test("no status at all (null everywhere) is never one status")
    func nullStatuses() {
        let noStatus = facts(2, at: "2026-11-28", records: 300, statuses: [nil])
        #expect(Plausibility.suspectReason(noStatus, previous: nil) == nil)
        #expect(
            Plausibility.suspectReason(noStatus, previous: facts(1, at: "2026-11-27", records: 300, statuses: [.danger, .normal])) == nil)
    }

    @Test("every record one type: suspect only after a snapshot with another type")
    func uniformType() {
        let allTCP = facts(2, at: "2026-11-28", records: 40, types: [.tcp])
        // Containers that open only TCP ports, before and now: ordinary.
        #expect(Plausibility.suspectReason(allTCP, previous: nil) == nil)
        #expect(Plausibility.suspectReason(allTCP, previous: facts(1, at: "2026-11-27", records: 41, types: [.tcp])) == nil)
        #expect(
            Plausibility.suspectReason(allTCP, previous: facts(1, at: "2026-11-27", records: 60, types: [.tcp, .udp]))
                == "every record has type TCP, unlike snapshot 1 before")
        #expect(
            Plausibility.suspectReason(
                facts(2, at: "2026-11-28", records: 9, types: [.tcp]),
                previous: facts(1, at: "2026-11-27", records: 12, types: [.tcp, .udp]))
                == nil)
    }

    // MARK: Which snapshot is the previous one

    @Test("the previous one is the newest complete, unfiltered one of the same project and category before it")
    func previousChoice() throws {
        let current = facts(10, at: "2026-11-30", records: 32)
        let history = [
            facts(1, at: "2026-11-26", records: 450),
            // Newer, but partial, incomplete, another project, another category, or later: never the previous.
            facts(2, at: "2026-11-27", records: 20, partial: true),
            facts(3, at: "2026-11-28", records: 30, complete: false),
            facts(4, at: "2026-11-29", project: "q", records: 33),
            facts(5, at: "2026-11-29", category: .container, records: 34),
            facts(6, at: "2026-12-01", records: 35),
            current
        ]
        let previous = try #require(Plausibility.previousComplete(of: current, in: history))
        #expect(previous.id == 1)
        #expect(
            Plausibility.suspectReason(current, previous: previous)
                == "possibly a filtered export: 32 ports, 450 before (snapshot 1, 2026-11-26T00:00:00Z)")
        // Only other projects before it: no previous, no drop.
        let other = facts(11, at: "2026-11-30", project: "r", records: 3)
        #expect(Plausibility.previousComplete(of: other, in: history + [other]) == nil)
    }

    @Test("a previous snapshot of another project, another category, partial, incomplete or later is ignored")
    func incomparablePrevious() {
        let current = facts(10, at: "2026-11-30", records: 32)
        for previous in [
            facts(1, at: "2026-11-26", project: "q", records: 450), facts(1, at: "2026-11-26", category: .container, records: 450),
            facts(1, at: "2026-11-26", records: 450, partial: true), facts(1, at: "2026-11-26", records: 450, complete: false),
            facts(1, at: "2026-12-01", records: 450)
        ] {
            #expect(Plausibility.suspectReason(current, previous: previous) == nil, "\(previous)")
        }
    }

    @Test("partial and incomplete snapshots are never suspect")
    func unusableNeverSuspect() {
        let before = facts(1, at: "2026-11-27", records: 450)
        #expect(
            Plausibility.suspectReason(facts(2, at: "2026-11-28", records: 32, statuses: [.danger], partial: true), previous: before) == nil
        )
        #expect(
            Plausibility.suspectReason(facts(2, at: "2026-11-28", records: 32, statuses: [.danger], complete: false), previous: before)
                == nil)
    }

    // MARK: Through the store and the analysis

    /// `count` TCP records 1…count, with `status`; every third one UDP when `mixed`.
    private func records(_ count: Int, status: String?, mixed: Bool = true, statusEvery: String? = nil) -> [Rec] {
        (1...count).map { port in
            (port, mixed && port % 3 == 0 ? "UDP" : "TCP", 1, statusEvery.flatMap { port % 5 == 0 ? $0 : nil } ?? status)
        }
    }

    @Test("the analysis flags the current snapshot, still uses it, and says so in the headline and the warnings")
    func analysisFlagsCurrent() throws {
        let s = try AnalysisStore("plausible")
        let full = try s.add(.host, at: "2026-11-28", project: "p", records(40, status: "normal", statusEvery: "danger"))
        let filtered = try s.add(.host, at: "2026-12-01", project: "p", records(12, status: "danger"))
        // Another project's snapshot is not compared with p's.
        try s.add(.host, at: "2026-11-30", project: "q", records(3, status: "normal"))
        let result = try s.analyze()
        // 40 → 12: falls by 28 > 12; all 12 danger.
        let reason =
            "possibly a filtered export: 12 ports, 40 before (snapshot \(full), 2026-11-28T00:00:00Z); every record has status danger"
        #expect(result.suspect.map(\.snapshotID) == [filtered])
        #expect(result.suspect.first?.reason == reason)
        #expect(result.current[.host]?.map(\.id).contains(filtered) == true)
        #expect(result.headline.hasPrefix("SUSPECT DATA: snapshot \(filtered) (host) \(reason); "), "\(result.headline)")
        #expect(
            result.warnings.contains(
                "snapshot \(filtered) (host, 2026-12-01T00:00:00Z, project p) is suspect: \(reason) — the current host figures use it; check the export"
            ), "\(result.warnings)")
    }

    @Test("a suspect snapshot at the start of the trend is flagged too; an ordinary history is not")
    func trendStartAndOrdinary() throws {
        let s = try AnalysisStore("plausible")
        try s.add(.container, at: "2026-11-26", records(30, status: nil, mixed: false))
        let filtered = try s.add(.container, at: "2026-11-27", records(11, status: "danger", mixed: false))
        try s.add(.container, at: "2026-11-28", records(31, status: nil, mixed: false))
        let result = try s.analyze()
        // 30 → 11 (falls by 19 > 11), all danger; 11 → 31 is a rise, and all-TCP with no
        // status, as before: ordinary.
        #expect(result.suspect.map(\.snapshotID) == [filtered])
        #expect(result.suspect.first?.role == .trendStart)

        let plain = try AnalysisStore("plausible")
        try plain.add(.host, at: "2026-11-26", records(30, status: "normal"))
        try plain.add(.host, at: "2026-11-27", records(16, status: "normal"))
        try plain.add(.container, at: "2026-11-27", records(12, status: "normal", mixed: false))
        let ordinary = try plain.analyze()
        #expect(ordinary.suspect.isEmpty)
        #expect(!ordinary.headline.contains("SUSPECT"))
    }

    @Test("Store.suspectSnapshots checks just-stored snapshots against the previous complete one of their key")
    func storeCheck() throws {
        let s = try AnalysisStore("plausible")
        try s.add(.host, at: "2026-11-27", records(40, status: "normal"))
        try s.add(.host, at: "2026-11-28", filters: [("status", "danger")], records(5, status: "danger"))
        let filtered = try s.add(.host, at: "2026-11-29", records(15, status: "danger"))
        let partial = try s.add(.host, at: "2026-11-30", filters: [("status", "danger")], records(15, status: "danger"))
        let suspects = try s.store.suspectSnapshots([filtered, partial])
        // The partial one is never checked; the previous of `filtered` is the 40-record one.
        #expect(suspects.map(\.snapshotID) == [filtered])
        #expect(suspects.first?.reason.hasPrefix("possibly a filtered export: 15 ports, 40 before (snapshot ") == true)
        #expect(suspects.first?.reason.hasSuffix("; every record has status danger") == true)
    }
}
