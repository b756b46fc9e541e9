// End to end: the figures add each project's newest snapshot, so two snapshots that may be one
// export (an unknown project or enterprise project beside a known one, all_granted_eps beside
// another) count the same servers twice. The report says so where people read it, and says how
// to fix it; projects that cannot overlap get no such warning.
//
// Expected values are worked out by hand from the one-record pages written here.

import Foundation
import Testing

/// One page: 22/TCP open on `num` servers.
private func page(_ num: Int) -> String {
    "{\"total_num\": 1, \"data_list\": [{\"port\": 22, \"type\": \"TCP\", \"num\": \(num)}]}\n"
}

/// Imports `day/host/page-0001.json` (22/TCP on `num`) with `flags`.
private func importDay(_ scratch: Scratch, _ day: String, _ num: Int, _ flags: [String]) async throws {
    try scratch.write("\(day)/host/page-0001.json", page(num))
    let result = try await CLI.run(["import", "--store", scratch.store] + flags + [scratch.path(day)])
    try #require(result.status == 0 && !result.signalled, "\(result)")
}

/// The JSON report's warnings and the host count of 22/TCP in its ranking.
private func report(_ scratch: Scratch) async throws -> (warnings: [String], ssh: Int?) {
    let result = try await CLI.run(["report", "--store", scratch.store, "--format", "json"])
    try #require(result.status == 0, "\(result)")
    let root = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    let warnings = root["warnings"] as? [String] ?? []
    let ranking = root["ranking"] as? [[String: Any]] ?? []
    let ssh = ranking.first { $0["port"] as? Int == 22 && $0["type"] as? String == "TCP" }?["host"] as? Int
    return (warnings, ssh)
}

@Suite("Snapshots that may be one export are not added in silence")
struct OriginOverlapTests {
    @Test("an enterprise project not given beside 0 of the same project: warned, with the relabel that fixes it; after it, one count")
    func unknownEnterpriseProject() async throws {
        try await withScratch("overlap-ep") { scratch in
            try await importDay(scratch, "2026-11-27", 3, ["--project", "p"])
            try await importDay(scratch, "2026-11-28", 2, ["--project", "p", "--enterprise-project", "0"])
            let before = try await report(scratch)
            // Both are each origin's newest: 3 + 2.
            #expect(before.ssh == 5)
            #expect(
                before.warnings.contains(
                    "the host figures add snapshot 1 (project p, enterprise project not given, 2026-11-27T00:00:00Z) to snapshot 2 (project p, enterprise project 0, 2026-11-28T00:00:00Z): if it is that enterprise project, its open ports are counted twice (name it: portreport relabel 1 --enterprise-project 0)"
                ), "\(before.warnings)")
            let relabel = try await CLI.run(["relabel", "--store", scratch.store, "1", "--enterprise-project", "0"])
            try #require(relabel.status == 0, "\(relabel)")
            let after = try await report(scratch)
            // One origin now: its newest snapshot, 2026-11-28, alone.
            #expect(after.ssh == 2)
            #expect(!after.warnings.contains { $0.contains("counted twice") }, "\(after.warnings)")
        }
    }

    @Test("an unknown project beside a known one: warned, naming --project")
    func unknownProject() async throws {
        try await withScratch("overlap-project") { scratch in
            try await importDay(scratch, "2026-11-27", 3, [])
            try await importDay(scratch, "2026-11-28", 2, ["--project", "p"])
            let got = try await report(scratch)
            #expect(got.ssh == 5)
            #expect(
                got.warnings.contains(
                    "the host figures add snapshot 1 (project unknown, enterprise project not given, 2026-11-27T00:00:00Z) to snapshot 2 (project p, enterprise project not given, 2026-11-28T00:00:00Z): if it is that project, its open ports are counted twice (name it: portreport relabel 1 --project ID)"
                ), "\(got.warnings)")
        }
    }

    @Test("all_granted_eps beside an enterprise project of the same project: warned")
    func allGrantedBesideOne() async throws {
        try await withScratch("overlap-all") { scratch in
            try await importDay(scratch, "2026-11-27", 3, ["--project", "p", "--enterprise-project", "all_granted_eps"])
            try await importDay(scratch, "2026-11-28", 2, ["--project", "p", "--enterprise-project", "0"])
            let got = try await report(scratch)
            #expect(got.ssh == 5)
            #expect(
                got.warnings.contains(
                    "the host figures add snapshot 1 (project p, enterprise project all_granted_eps, 2026-11-27T00:00:00Z) to snapshot 2 (project p, enterprise project 0, 2026-11-28T00:00:00Z): all_granted_eps holds every enterprise project, so those of the other are counted twice (scope the report with --enterprise-project, or remove one)"
                ), "\(got.warnings)")
        }
    }

    @Test("two enterprise projects of one project, and two projects: added, with no such warning")
    func disjointOriginsAreNotWarned() async throws {
        try await withScratch("overlap-none") { scratch in
            try await importDay(scratch, "2026-11-26", 4, ["--project", "p", "--enterprise-project", "a"])
            try await importDay(scratch, "2026-11-27", 3, ["--project", "p", "--enterprise-project", "b"])
            try await importDay(scratch, "2026-11-28", 2, ["--project", "q"])
            let got = try await report(scratch)
            #expect(got.ssh == 9)
            #expect(!got.warnings.contains { $0.contains("counted twice") }, "\(got.warnings)")
        }
    }
}
