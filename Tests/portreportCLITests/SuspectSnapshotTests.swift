// End to end: a status=danger filtered export saved in the normal layout (issue 11 item 6).
// 450 host ports on 2026-11-28, then 32 on 2026-12-01, every one rated danger: the import warns,
// every report says the snapshot is suspect and why, and `check` makes it a `suspect` finding.
//
// Expected values are worked out by hand from the exports written here.

import Foundation
import Testing

/// A complete one-page body: ports 1001…1000+count; every third UDP; the first 32 rated danger,
/// the others normal (or all danger when `allDanger`).
private func body(count: Int, allDanger: Bool) -> String {
    let items = (1...count).map { index in
        let status = allDanger || index <= 32 ? "danger" : "normal"
        return "{\"port\": \(1000 + index), \"type\": \"\(index % 3 == 0 ? "UDP" : "TCP")\", \"num\": 2, \"status\": \"\(status)\"}"
    }
    return "{\"total_num\": \(count), \"data_list\": [" + items.joined(separator: ", ") + "]}\n"
}

/// Imports the full export, then the filtered one; returns the second import's result.
private func importBoth(_ scratch: Scratch) async throws -> RunResult {
    try scratch.write("full/2026-11-28/host/page-0001.json", body(count: 450, allDanger: false))
    try scratch.write("filtered/2026-12-01/host/page-0001.json", body(count: 32, allDanger: true))
    let first = try await CLI.run(["import", "--store", scratch.store, "--project", "p", "--enterprise-project", "0", scratch.path("full")])
    try #require(first.status == 0 && !first.signalled, "\(first)")
    #expect(!first.err.contains("suspect"), "\(first)")
    return try await CLI.run(["import", "--store", scratch.store, "--project", "p", "--enterprise-project", "0", scratch.path("filtered")])
}

/// The reason for snapshot 2 (ports 1001–1032 of 1001–1450: 450 → 32 falls by 418 > 32; all danger).
private let reason =
    "possibly a filtered export: 32 ports, 450 before (snapshot 1, 2026-11-28T00:00:00Z); every record has status danger"

@Suite("suspect snapshots, end to end")
struct SuspectSnapshotTests {
    @Test("the import warns about the suspect snapshot it just stored, and still stores it (exit 0)")
    func importWarns() async throws {
        try await withScratch("suspect") { scratch in
            let second = try await importBoth(scratch)
            #expect(second.status == 0 && !second.signalled, "\(second)")
            #expect(
                second.err.contains(
                    "warning: snapshot 2 (host, 2026-12-01T00:00:00Z, project p) is suspect: \(reason) — reports flag it while they use it; check the export"
                ), "\(second)")
            #expect(
                second.out.contains("stored snapshot 2: host 2026-12-01T00:00:00Z, project p, 32 of 32 records (complete)"), "\(second)")
        }
    }

    @Test("a bare array of records (completeness unknown) is checked like a complete snapshot: the same reason")
    func bareArrayChecked() async throws {
        try await withScratch("suspect-bare") { scratch in
            try scratch.write("full/2026-11-28/host/page-0001.json", body(count: 450, allDanger: false))
            let first = try await CLI.run([
                "import", "--store", scratch.store, "--project", "p", "--enterprise-project", "0", scratch.path("full")
            ])
            try #require(first.status == 0, "\(first)")
            // The 32 records of the filtered export, as a bare array (no total_num).
            let records = body(count: 32, allDanger: true).drop { $0 != "[" }.prefix { $0 != "]" } + "]"
            let bare = try scratch.write("bare.json", String(records))
            let second = try await CLI.run([
                "import", "--store", scratch.store, "--project", "p", "--enterprise-project", "0", "--category", "host", "--captured-at",
                "2026-12-01T00:00:00Z", bare
            ])
            #expect(second.status == 0, "\(second)")
            #expect(second.err.contains("snapshot 2 (host, 2026-12-01T00:00:00Z, project p) is suspect: \(reason)"), "\(second)")
        }
    }

    @Test("the JSON report lists the suspect snapshot, flags it in the listing, and still uses it as current")
    func jsonReport() async throws {
        try await withScratch("suspect") { scratch in
            _ = try await importBoth(scratch)
            let result = try await CLI.run(["report", "--store", scratch.store, "--category", "host", "--format", "json"])
            #expect(result.status == 0 && !result.signalled, "\(result)")
            #expect(result.err.contains("is suspect: \(reason)"), "\(result)")
            let json = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
            let suspect = try #require(json["suspect"] as? [[String: Any]])
            #expect(suspect.count == 1)
            #expect(suspect.first?["snapshot"] as? Int == 2)
            #expect(suspect.first?["category"] as? String == "host")
            #expect(suspect.first?["reason"] as? String == reason)
            #expect(suspect.first?["current"] as? Bool == true)
            let snapshots = try #require(json["snapshots"] as? [[String: Any]])
            #expect(snapshots.first { $0["id"] as? Int == 2 }?["suspect"] as? String == reason)
            #expect(snapshots.first { $0["id"] as? Int == 1 }?["suspect"] == nil)
            #expect((json["current"] as? [String: Any])?["host"] as? [Int] == [2])
            #expect((json["headline"] as? String)?.hasPrefix("SUSPECT DATA: snapshot 2 (host) \(reason); ") == true, "\(json)")
            let warnings = try #require(json["warnings"] as? [String])
            #expect(warnings.contains { $0.hasPrefix("snapshot 2 (host, 2026-12-01T00:00:00Z, project p) is suspect: \(reason)") })
            // The 32 current ports are ranked (not the 450).
            #expect((json["ranking"] as? [Any])?.count == 32)
        }
    }

    @Test("the Markdown report shows the reason in the headline, the key figures and the snapshot's state")
    func markdownReport() async throws {
        try await withScratch("suspect") { scratch in
            _ = try await importBoth(scratch)
            let result = try await CLI.run(["report", "--store", scratch.store, "--category", "host", "--format", "markdown"])
            #expect(result.status == 0 && !result.signalled, "\(result)")
            let text = result.out
            #expect(text.contains("SUSPECT DATA: snapshot 2 (host) possibly a filtered export: 32 ports, 450 before"), "\(text)")
            #expect(text.contains("- Suspect snapshots used: **1**"), "\(text)")
            #expect(text.contains("complete, SUSPECT: possibly a filtered export: 32 ports, 450 before"), "\(text)")
            #expect(text.contains("- **Warning:** snapshot 2 (host, 2026-12-01T00:00:00Z, project p) is suspect: "), "\(text)")
        }
    }

    @Test("check: --fail-on suspect exits 3; the default (every kind) too; another kind lists it as a note and exits 0")
    func check() async throws {
        try await withScratch("suspect") { scratch in
            _ = try await importBoth(scratch)
            let line = "[suspect] host: snapshot 2 (host, 2026-12-01T00:00:00Z, project p) is suspect: \(reason)"

            let failing = try await CLI.run(["check", "--store", scratch.store, "--fail-on", "suspect"])
            #expect(failing.status == 3 && !failing.signalled, "\(failing)")
            #expect(failing.out.contains("finding: " + line), "\(failing)")
            #expect(failing.out.lines.first?.hasPrefix("SUSPECT DATA: snapshot 2 (host) ") == true, "\(failing)")
            // A finding, not a warning as well.
            #expect(!failing.err.contains("is suspect"), "\(failing)")

            // Without --fail-on every kind fails, suspect included (the baseline also forbids
            // the ports rated danger).
            let byDefault = try await CLI.run(["check", "--store", scratch.store])
            #expect(byDefault.status == 3 && !byDefault.signalled, "\(byDefault)")
            #expect(byDefault.out.contains("finding: " + line), "\(byDefault)")

            let other = try await CLI.run(["check", "--store", scratch.store, "--fail-on", "new-dangerous,over-limit"])
            #expect(other.status == 0 && !other.signalled, "\(other)")
            #expect(other.out.contains("note: " + line), "\(other)")
            #expect(!other.out.contains("finding:"), "\(other)")
            #expect(other.out.contains("note: [forbidden]"), "the baseline's findings are notes here: \(other)")
        }
    }

    @Test("--fail-on accepts suspect in any letter case and lists it among the kinds")
    func failOnVocabulary() async throws {
        try await withScratch("suspect") { scratch in
            _ = try await importBoth(scratch)
            let upper = try await CLI.run(["check", "--store", scratch.store, "--fail-on", "SUSPECT"])
            #expect(upper.status == 3, "\(upper)")
            let wrong = try await CLI.run(["check", "--store", scratch.store, "--fail-on", "suspects"])
            #expect(wrong.status != 0 && wrong.status != 3, "\(wrong)")
            #expect(wrong.err.contains("expired-waiver, suspect"), "\(wrong)")
        }
    }
}
