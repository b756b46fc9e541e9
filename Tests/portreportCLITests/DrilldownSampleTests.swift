import Foundation
import Testing

/// Issue 13's acceptance case on the bundled samples: a day of statistics with ListPortHost pages
/// saved beside them imports with only `--project`, and the JSON report names exactly the assets
/// the pages hold (checked against the generator's fleet truth, `samples/drilldown-truth.json`).
@Suite("Drill-down on the bundled samples")
struct DrilldownSampleTests {
    struct TruthAsset: Hashable {
        let hostID: String
        let containerID: String
        let laddr: String
        let pid: Int
        let path: String
    }

    /// The listen-address classes, worked out here from the address text alone.
    static func exposure(_ laddr: String) -> String {
        if laddr == "0.0.0.0" || laddr == "::" { return "all_interfaces" }
        if laddr.hasPrefix("127.") || laddr == "::1" { return "loopback" }
        return "specific"
    }

    @Test("the report of the newest day names exactly the assets of its ListPortHost pages, with exposure and the statistics count")
    func reportNamesTheAssets() async throws {
        let truthData = try Data(contentsOf: PackageLayout.url("samples/drilldown-truth.json"))
        let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [[String: Any]])
        let newest = truth.filter { $0["day"] as? String == "2026-11-28" }
        #expect(newest.count == 4)
        try await withScratch("drilldown-samples") { scratch in
            let imported = try await CLI.run(
                ["import", "--store", scratch.store, "--project", "p1", "samples/exports/2026-11-28"],
                environment: ["SOURCE_DATE_EPOCH": "1800000000"])
            #expect(imported.status == 0, "\(imported)")
            #expect(imported.out.lines.filter { $0.hasPrefix("stored drill-down snapshot") }.count == 4, "\(imported)")
            // The totals line counts the drill-down records too (it said "0 records added" for a
            // day of drill-down pages alone): one per asset row of the truth.
            let records = newest.map { ($0["assets"] as? [Any])?.count ?? 0 }.reduce(0, +)
            #expect(
                imported.out.contains(
                    "; 4 drill-down snapshots (4 new, 0 merged, 0 already imported; \(records) drill-down records added) → "), "\(imported)"
            )
            let report = try await CLI.run(["report", "--store", scratch.store, "--format", "json"])
            #expect(report.status == 0, "\(report)")
            let root = try #require(try JSONSerialization.jsonObject(with: Data(report.out.utf8)) as? [String: Any])
            let entries = try #require(root["drilldown"] as? [[String: Any]])
            #expect(entries.count == newest.count, "\(entries)")
            for want in newest {
                let category = try #require(want["category"] as? String)
                let port = try #require(want["port"] as? Int)
                let type = try #require(want["type"] as? String)
                let matching = entries.filter {
                    $0["category"] as? String == category && $0["port"] as? Int == port && $0["type"] as? String == type
                }
                let entry = try #require(matching.count == 1 ? matching.first : nil, "one entry for \(port)/\(type) \(category)")
                let wantAssets = try #require(want["assets"] as? [[String: Any]])
                func asset(_ item: [String: Any]) -> TruthAsset {
                    TruthAsset(
                        hostID: item["host_id"] as? String ?? "", containerID: item["container_id"] as? String ?? "",
                        laddr: item["laddr"] as? String ?? "", pid: item["pid"] as? Int ?? -1, path: item["path"] as? String ?? "")
                }
                let gotAssets = try #require(entry["assets"] as? [[String: Any]])
                #expect(Set(gotAssets.map(asset)) == Set(wantAssets.map(asset)), "assets of \(port)/\(type) \(category)")
                #expect(gotAssets.count == wantAssets.count)
                for got in gotAssets {
                    #expect(
                        got["exposure"] as? String == Self.exposure(got["laddr"] as? String ?? "").replacingOccurrences(of: "_", with: "-"))
                }
                #expect(entry["statistics_num"] as? Int == want["statistics_num"] as? Int, "statistics_num of \(port)/\(type)")
                #expect(entry["total_num"] as? Int == wantAssets.count)
                #expect(entry["complete"] as? Bool == true)
                let counts = try #require(entry["exposure"] as? [String: Int])
                for name in ["all_interfaces", "loopback", "specific"] {
                    let expected = wantAssets.filter { Self.exposure($0["laddr"] as? String ?? "") == name }.count
                    #expect(counts[name] == expected, "\(name) of \(port)/\(type)")
                }
            }
        }
    }

    /// `check` names the assets behind a finding under its line, as the email does: the sample
    /// policy forbids 2375/TCP, open in the container the 2026-11-28 ListPortHost page lists
    /// (dind-runner-b in the generator's truth); 6379/TCP (over the limit) has no drill-down.
    @Test("check names the assets behind a finding on an indented line")
    func checkNamesTheAssets() async throws {
        let truthData = try Data(contentsOf: PackageLayout.url("samples/drilldown-truth.json"))
        let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [[String: Any]])
        let docker = try #require(
            truth.first { $0["day"] as? String == "2026-11-28" && $0["port"] as? Int == 2375 }?["assets"] as? [[String: Any]])
        let names = docker.compactMap { $0["container_name"] as? String }
        #expect(names.count == 1)
        try await withScratch("drilldown-check") { scratch in
            let imported = try await CLI.run(
                ["import", "--store", scratch.store, "--project", "p1", "samples/exports/2026-11-28"],
                environment: ["SOURCE_DATE_EPOCH": "1800000000"])
            #expect(imported.status == 0, "\(imported)")
            let check = try await CLI.run(["check", "--store", scratch.store, "--policy", "samples/policy.yaml"])
            #expect(check.status == 3, "\(check)")
            let lines = check.out.lines
            let index = try #require(lines.firstIndex { $0.hasPrefix("finding: [forbidden] container: 2375/TCP") }, "\(check)")
            #expect(lines.indices.contains(index + 1) && lines[index + 1] == "  Assets: 1 container: \(names.joined())", "\(check)")
            let redis = try #require(lines.firstIndex { $0.hasPrefix("finding: [over-limit] container: 6379/TCP") }, "\(check)")
            #expect(!(lines.indices.contains(redis + 1) && lines[redis + 1].hasPrefix("  Assets:")), "\(check)")
        }
    }

    /// Another store given to `import` is merged with its drill-down snapshots: before, only its
    /// statistics came across and the servers behind the ports were silently left behind.
    @Test("merging a store brings its drill-down snapshots, page by page; merging it again adds nothing")
    func mergeBringsDrilldown() async throws {
        let truthData = try Data(contentsOf: PackageLayout.url("samples/drilldown-truth.json"))
        let truth = try #require(try JSONSerialization.jsonObject(with: truthData) as? [[String: Any]])
        let pages = truth.filter { $0["day"] as? String == "2026-11-28" }
        let records = try pages.map { try #require($0["assets"] as? [[String: Any]]).count }.reduce(0, +)
        try await withScratch("drilldown-merge") { scratch in
            let first = scratch.url.appendingPathComponent("first.sqlite").path
            let environment = ["SOURCE_DATE_EPOCH": "1800000000"]
            let imported = try await CLI.run(
                ["import", "--store", first, "--project", "p1", "samples/exports/2026-11-28"], environment: environment)
            #expect(imported.status == 0, "\(imported)")
            let merged = try await CLI.run(["import", "--store", scratch.store, first], environment: environment)
            #expect(merged.status == 0, "\(merged)")
            #expect(merged.out.lines.filter { $0.hasPrefix("stored drill-down snapshot") }.count == pages.count, "\(merged)")
            #expect(merged.out.lines.last?.contains("; \(pages.count) drill-down snapshots") == true, "\(merged)")
            let count = try StoreInspection.read(scratch.store) { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM observation") }
            #expect(count == records)
            var reports: [Data] = []
            for store in [first, scratch.store] {
                let run = try await CLI.run(["report", "--store", store, "--format", "json", "--now", "2026-12-01T00:00:00Z"])
                let root = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
                let entries = try #require(root["drilldown"] as? [[String: Any]])
                #expect(entries.count == pages.count)
                reports.append(try JSONSerialization.data(withJSONObject: entries, options: [.sortedKeys]))
            }
            #expect(reports.count == 2 && reports.first == reports.last)
            let again = try await CLI.run(["import", "--store", scratch.store, first], environment: environment)
            #expect(again.status == 0 && !again.out.contains("stored drill-down snapshot"), "\(again)")
            // Every drill-down snapshot is said to be there already, as a statistics snapshot is.
            #expect(again.out.lines.filter { $0.hasPrefix("already imported: drill-down snapshot") }.count == pages.count, "\(again)")
            #expect(
                again.out.lines.last?.contains(
                    "; \(pages.count) drill-down snapshots (0 new, 0 merged, \(pages.count) already imported; 0 drill-down records added)")
                    == true, "\(again)")
            let after = try StoreInspection.read(scratch.store) { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM observation") }
            #expect(after == records)
        }
    }
}
