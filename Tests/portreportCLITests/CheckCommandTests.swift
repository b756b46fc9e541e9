// End-to-end tests of `portreport check` (exit status 0 / 3 / 1, the headline, --fail-on) and of
// `portreport report` output files and determinism, running the built binary.
//
// Expected values are worked out by hand from the small exports each test writes.

import Foundation
import Testing

/// One record of a page.
private typealias PageRecord = (port: Int, type: String, num: Int)

/// A complete one-page export body.
private func exportBody(_ records: [PageRecord]) -> String {
    let items = records.map { "{\"port\": \($0.port), \"type\": \"\($0.type)\", \"num\": \($0.num), \"status\": \"normal\"}" }
    return "{\"total_num\": \(records.count), \"data_list\": [" + items.joined(separator: ", ") + "]}\n"
}

/// Writes `exports/<date>/<category>/page-0001.json` for each snapshot and imports them all.
private func makeStore(
    _ scratch: Scratch, _ snapshots: [(date: String, category: String, records: [PageRecord])],
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    for snapshot in snapshots {
        try scratch.write("exports/\(snapshot.date)/\(snapshot.category)/page-0001.json", exportBody(snapshot.records))
    }
    let result = try await CLI.run(["import", "--store", scratch.store, "--quiet", scratch.path("exports")])
    try #require(result.status == 0 && !result.signalled, "\(result)", sourceLocation: sourceLocation)
}

/// Host 2026-11-01: 22/TCP 50. Host 2026-11-08: 22/TCP 50, 8080/TCP 12, 9000/TCP 10, 9001/TCP 9.
/// With `new_ports: 10`: 8080/TCP (12) and 9000/TCP (10, the minimum counts) are new-port
/// findings; 9001/TCP (9) is not. None of them is in the risk catalogue.
private let newPortStore: [(date: String, category: String, records: [PageRecord])] = [
    ("2026-11-01", "host", [(22, "TCP", 50)]),
    ("2026-11-08", "host", [(22, "TCP", 50), (8080, "TCP", 12), (9000, "TCP", 10), (9001, "TCP", 9)])
]

@Suite("check and report, end to end")
struct CheckCommandTests {
    @Test("check exits 0 when clean and says so in the headline")
    func clean() async throws {
        try await withScratch("check") { scratch in
            try await makeStore(scratch, [("2026-11-01", "host", [(22, "TCP", 50), (443, "TCP", 10)])])
            let result = try await CLI.run(["check", "--store", scratch.store])
            #expect(result.status == 0 && !result.signalled, "\(result)")
            #expect(result.out.lines.first?.contains("no policy findings") == true, "\(result)")
            #expect(!result.out.contains("finding:"), "\(result)")

            // A policy whose rules nothing breaks: still 0.
            let policy = try scratch.write("policy.yaml", "forbid:\n  - ports: [23/tcp]\nlimits:\n  - ports: [22/tcp]\n    max: 50\n")
            let withPolicy = try await CLI.run(["check", "--store", scratch.store, "--policy", policy])
            #expect(withPolicy.status == 0, "\(withPolicy)")
        }
    }

    @Test("check exits 3 with findings, headline first: \"2 new TCP ports open on ≥ 10 hosts since 2026-11-01\"")
    func newPortHeadline() async throws {
        try await withScratch("check") { scratch in
            try await makeStore(scratch, newPortStore)
            let policy = try scratch.write("policy.yaml", "new_ports: 10\n")
            let result = try await CLI.run(["check", "--store", scratch.store, "--policy", policy])
            #expect(result.status == 3 && !result.signalled, "\(result)")
            let lines = result.out.lines
            #expect(lines.first == "2 new TCP ports open on ≥ 10 hosts since 2026-11-01", "\(result)")
            let findings = lines.dropFirst().joined(separator: "\n")
            #expect(findings.contains("8080/TCP"), "\(result)")
            #expect(findings.contains("9000/TCP"), "\(result)")
            #expect(!findings.contains("9001/TCP"), "9 is below the minimum of 10: \(result)")
            #expect(lines.dropFirst().filter { $0.contains("new-port") }.count == 2, "\(result)")
        }
    }

    @Test("check --as-of before the second export sees no new port: exit 0")
    func asOf() async throws {
        try await withScratch("check") { scratch in
            try await makeStore(scratch, newPortStore)
            let policy = try scratch.write("policy.yaml", "new_ports: 10\n")
            let result = try await CLI.run(["check", "--store", scratch.store, "--policy", policy, "--as-of", "2026-11-07T23:59:59Z"])
            #expect(result.status == 0, "only the 2026-11-01 export is in scope: \(result)")
        }
    }

    @Test("without --policy, a new dangerous port (6379/TCP, Redis: in the catalogue, not forbidden by the baseline) fails the check")
    func builtInPolicy() async throws {
        try await withScratch("check") { scratch in
            try await makeStore(
                scratch,
                [
                    ("2026-11-01", "host", [(22, "TCP", 50)]),
                    ("2026-11-08", "host", [(22, "TCP", 50), (6379, "TCP", 2)])
                ])
            let result = try await CLI.run(["check", "--store", scratch.store])
            #expect(result.status == 3, "\(result)")
            #expect(result.out.lines.first == "1 new dangerous TCP port since 2026-11-01: 6379/TCP on 2 hosts", "\(result)")
        }
    }

    @Test("a waiver that expires within --expiring-within days is listed with its owner, and fails only with --fail-on expiring-waiver")
    func expiringWaiver() async throws {
        try await withScratch("check") { scratch in
            try await makeStore(scratch, [("2026-11-01", "host", [(22, "TCP", 5), (23, "TCP", 1)])])
            // Valid to the end of 11-10: from 11-01T00:00Z that is 9 whole days.
            let policy = try scratch.write(
                "policy.yaml",
                "forbid:\n  - ports: [23/tcp]\nwaivers:\n  - ports: [23/tcp]\n    reason: old switch\n    ticket: SEC-1\n    owner: alice\n    expires: 2026-11-10\n"
            )
            let line = "note: [expiring-waiver] host: waiver SEC-1, owner alice for 23/TCP [forbidden] expires on 2026-11-10, in 9 days"
            let listed = try await CLI.run(["check", "--store", scratch.store, "--policy", policy])
            #expect(listed.status == 0, "\(listed)")
            #expect(listed.out.lines.contains(line), "\(listed)")
            #expect(listed.out.contains("until 2026-11-10, owner alice"), "\(listed)")
            let failing = try await CLI.run(["check", "--store", scratch.store, "--policy", policy, "--fail-on", "Expiring-Waiver"])
            #expect(failing.status == 3, "\(failing)")
            #expect(failing.out.lines.contains("finding:" + line.dropFirst("note:".count)), "\(failing)")
            let narrower = try await CLI.run(
                ["check", "--store", scratch.store, "--policy", policy, "--fail-on", "expiring-waiver", "--expiring-within", "8"])
            #expect(narrower.status == 0, "\(narrower)")
            #expect(!narrower.out.contains("expiring-waiver"), "\(narrower)")
        }
    }

    @Test("without --policy, the baseline makes an open Docker API (2375/TCP) a finding, and says it was used")
    func baselineDockerAPI() async throws {
        try await withScratch("check") { scratch in
            try await makeStore(scratch, [("2026-11-01", "container", [(80, "TCP", 5), (2375, "TCP", 1)])])
            let result = try await CLI.run(["check", "--store", scratch.store])
            #expect(result.status == 3, "\(result)")
            #expect(result.out.lines.first == "1 forbidden TCP port open: 2375/TCP in 1 container", "\(result)")
            #expect(result.err.contains("warning: no --policy given: the built-in baseline was used"), "\(result)")
            let report = try await CLI.run(["report", "--store", scratch.store, "--format", "json"])
            #expect(report.out.contains("\"source\": \"built-in baseline"), "\(report)")
            #expect(report.out.contains("\"baseline\": true"), "\(report)")
            #expect(report.err.contains("warning: no --policy given"), "\(report)")
            // A policy file replaces the baseline: nothing forbids 2375 here.
            let policy = try scratch.write("policy.yaml", "forbid:\n  - ports: [23/tcp]\n")
            let replaced = try await CLI.run(["check", "--store", scratch.store, "--policy", policy])
            #expect(replaced.status == 0, "\(replaced)")
            #expect(!replaced.err.contains("baseline"), "\(replaced)")
        }
    }

    @Test("--fail-on picks the kinds that fail: other kinds exit 0, the named kind exits 3")
    func failOn() async throws {
        try await withScratch("check") { scratch in
            try await makeStore(scratch, newPortStore)
            let policy = try scratch.write("policy.yaml", "new_ports: 10\n")
            let others = try await CLI.run(["check", "--store", scratch.store, "--policy", policy, "--fail-on", "forbidden,over-limit"])
            #expect(others.status == 0, "new-port findings do not fail --fail-on forbidden,over-limit: \(others)")
            #expect(others.out.contains("8080/TCP"), "the findings are still printed: \(others)")
            let named = try await CLI.run(["check", "--store", scratch.store, "--policy", policy, "--fail-on", "new-port"])
            #expect(named.status == 3, "\(named)")
            let bogus = try await CLI.run(["check", "--store", scratch.store, "--policy", policy, "--fail-on", "everything"])
            #expect(bogus.status != 0 && bogus.status != 3, "\(bogus)")
            #expect(bogus.err.contains("everything"), "\(bogus)")
        }
    }

    @Test("check exits 1 on a bad policy file (naming its line) or a missing one")
    func badPolicy() async throws {
        try await withScratch("check") { scratch in
            try await makeStore(scratch, newPortStore)
            let policy = try scratch.write("policy.yaml", "forbid:\n  - ports: [22/tcp, 23/icmp]\n")
            let result = try await CLI.run(["check", "--store", scratch.store, "--policy", policy])
            #expect(result.status == 1, "\(result)")
            #expect(result.err.contains("policy.yaml:2"), "\(result)")
            #expect(result.err.contains("23/icmp"), "\(result)")
            #expect(result.out.isEmpty, "no headline on error: \(result)")

            let unknown = try scratch.write("unknown.yaml", "new_ports: 10\nfail_on_everything: true\n")
            let second = try await CLI.run(["check", "--store", scratch.store, "--policy", unknown])
            #expect(second.status == 1, "\(second)")
            #expect(second.err.contains("unknown.yaml:2"), "\(second)")

            let missing = try await CLI.run(["check", "--store", scratch.store, "--policy", scratch.path("absent.yaml")])
            #expect(missing.status == 1, "\(missing)")
            #expect(missing.err.contains("absent.yaml"), "\(missing)")
        }
    }

    @Test("check exits 1 when the store does not exist, and does not create it")
    func missingStore() async throws {
        try await withScratch("check") { scratch in
            let store = scratch.path("nothing-here.sqlite")
            let result = try await CLI.run(["check", "--store", store])
            #expect(result.status == 1, "\(result)")
            #expect(!result.err.isEmpty, "\(result)")
            #expect(!FileManager.default.fileExists(atPath: store))
        }
    }

    @Test("report -o x.json -o x.csv writes both files")
    func reportTwoOutputs() async throws {
        try await withScratch("report") { scratch in
            try await makeStore(scratch, newPortStore)
            let json = scratch.path("x.json"), csv = scratch.path("x.csv")
            let result = try await CLI.run(["report", "--store", scratch.store, "-o", json, "-o", csv, "--top", "2"])
            #expect(result.status == 0, "\(result)")

            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
            #expect(object["schema"] is String)
            // Every row despite --top 2: 22/TCP 50, 8080/TCP 12, 9000/TCP 10, 9001/TCP 9.
            let ranking = try #require(object["ranking"] as? [[String: Any]])
            #expect(ranking.map { $0["port"] as? Int } == [22, 8080, 9000, 9001])
            #expect(ranking.map { $0["total"] as? Int } == [50, 12, 10, 9])

            let text = try String(contentsOfFile: csv, encoding: .utf8)
            let lines = text.components(separatedBy: "\r\n")
            #expect(lines.count == 6, "header + 4 rows + the empty rest after the last CRLF: \(lines)")
            #expect(lines.first?.split(separator: ",").contains("rank") == true, "header: \(lines)")
            #expect(lines.last == "")
        }
    }

    @Test("report output is byte-identical across runs; generated_at follows the newest capture, --now or SOURCE_DATE_EPOCH")
    func reportDeterministic() async throws {
        try await withScratch("report") { scratch in
            try await makeStore(scratch, newPortStore)
            let first = try await CLI.run(["report", "--store", scratch.store, "--format", "json"])
            let second = try await CLI.run(["report", "--store", scratch.store, "--format", "json"])
            #expect(first.status == 0 && second.status == 0, "\(first)\n\(second)")
            #expect(!first.stdout.isEmpty)
            #expect(first.stdout == second.stdout)
            let csvFirst = try await CLI.run(["report", "--store", scratch.store, "--format", "csv"])
            let csvSecond = try await CLI.run(["report", "--store", scratch.store, "--format", "csv"])
            #expect(csvFirst.status == 0 && csvFirst.stdout == csvSecond.stdout, "\(csvFirst)")

            func generatedAt(_ run: RunResult) throws -> String? {
                let object = try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any]
                return object?["generated_at"] as? String
            }
            #expect(try generatedAt(first) == "2026-11-08T00:00:00Z")
            let withNow = try await CLI.run(["report", "--store", scratch.store, "--format", "json", "--now", "2026-12-01T08:00:00Z"])
            #expect(try generatedAt(withNow) == "2026-12-01T08:00:00Z", "\(withNow)")
            let withEpoch = try await CLI.run(
                ["report", "--store", scratch.store, "--format", "json"], environment: ["SOURCE_DATE_EPOCH": "1800000000"])
            #expect(try generatedAt(withEpoch) == utcSeconds(Date(timeIntervalSince1970: 1_800_000_000)), "\(withEpoch)")
        }
    }
}
