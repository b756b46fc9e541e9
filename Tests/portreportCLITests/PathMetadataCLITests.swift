import Foundation
import GRDB
import Testing

/// `portreport import` of real directory trees with no flags (issue 11 items 2–4): the project,
/// category and capture time stored, where `snapshots --format json` says each came from, the
/// warnings for defaults, and the exit statuses. Expected values are written out by hand.
@Suite("Path metadata, sidecars and defaults, end to end")
struct PathMetadataCLITests {
    /// A response body with one record per port (`num` 1 each), as the API writes it.
    static func page(total: Int, ports: [Int]) -> String {
        let records = ports.map { "{\"port\": \($0), \"type\": \"TCP\", \"num\": 1, \"status\": \"normal\"}" }
        return "{\"total_num\": \(total), \"data_list\": [" + records.joined(separator: ", ") + "]}\n"
    }

    /// A database that is not a portreport store: one table of two rows, no project or category.
    static func makeDatabase(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (port, type, num)")
            try db.execute(sql: "INSERT INTO t VALUES (22, 'TCP', 3), (80, 'TCP', 1)")
        }
        try queue.close()
    }

    static func warnings(_ result: RunResult) -> [String] {
        result.err.lines.filter { $0.hasPrefix("warning: ") }
    }

    @Test("the export layout (project-<id>/<stamp>/{host,container}/ with a sidecar) imports with no flags and no warning")
    func theExportLayout() async throws {
        try await withScratch("layout") { scratch in
            let stamp = "out/project-0a1b2c/2026-12-01T020000Z"
            try scratch.write(
                "\(stamp)/portreport-export.json",
                """
                {"format": "portreport-export/1", "project_id": "0a1b2c", "region": "ap-southeast-1",
                 "captured_at": "2026-12-01T02:00:00Z",
                 "query": {"path": "/v5/{project_id}/asset/port/statistics", "filters": {}, "limit": 200},
                 "exported_by": "portreport hss-export 0.3.0"}
                """)
            try scratch.write("\(stamp)/host/page-0001.json", Self.page(total: 3, ports: [22, 80]))
            try scratch.write("\(stamp)/host/page-0002.json", Self.page(total: 3, ports: [443]))
            try scratch.write("\(stamp)/container/page-0001.json", Self.page(total: 1, ports: [8080]))
            let result = try await CLI.run(["import", "--store", scratch.store, scratch.path("out")])
            #expect(result.status == 0, "\(result)")
            #expect(Self.warnings(result).isEmpty, "\(result)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            let sidecar = scratch.path("\(stamp)/portreport-export.json")
            #expect(listing.snapshots.count == 2, "\(listing.snapshots)")
            for snapshot in listing.snapshots {
                #expect(snapshot.projectID == "0a1b2c")
                #expect(snapshot.capturedAt == "2026-12-01T02:00:00Z")
                #expect(snapshot.complete && !snapshot.partial, "\(snapshot)")
                #expect(snapshot.metadataFrom["project_id"] == "sidecar \(sidecar) (region ap-southeast-1)")
                #expect(snapshot.metadataFrom["captured_at"] == "sidecar \(sidecar) (exported by portreport hss-export 0.3.0)")
                #expect(snapshot.metadataFrom["category"] == "path (\(snapshot.category))")
                #expect(!snapshot.sources.contains { $0.path.hasSuffix("portreport-export.json") })
            }
            #expect(Set(listing.snapshots.map(\.category)) == ["host", "container"])
            #expect(listing.snapshots.first { $0.category == "host" }?.records == 3)
        }
    }

    @Test("--category against a host/ folder wins, but is said once per run (found trying it as a new user)")
    func flagContradictingThePathIsSaid() async throws {
        try await withScratch("contradiction") { scratch in
            // One export of two pages (total_num 2).
            let page = #"{"total_num": 2, "data_list": [{"port": 22, "type": "TCP", "num": 3, "status": "normal"}]}"#
            try scratch.write("ex/2026-11-29/host/page-1.json", page)
            try scratch.write("ex/2026-11-29/host/page-2.json", page.replacingOccurrences(of: "22", with: "23"))
            let result = try await CLI.run([
                "import", "--store", scratch.store, "--project", "X", "--category", "container", scratch.path("ex")
            ])
            #expect(result.status == 0, "\(result)")
            #expect(
                Self.warnings(result) == [
                    "warning: 2 pages have a path that names another category (--category says container where the path says host (host); the first is \(scratch.path("ex/2026-11-29/host/page-1.json"))): stored as the flag or sidecar says; if the path is right, leave out --category or correct the sidecar, and fix what was stored with portreport relabel"
                ], "\(result)")
        }
    }

    @Test("a sidecar project against a project-<id> directory wins, but is said once per run")
    func sidecarContradictingTheProjectDirectoryIsSaid() async throws {
        try await withScratch("contradiction-project") { scratch in
            try scratch.write(
                "out/project-PATHPROJ/portreport-export.json", #"{"format": "portreport-export/1", "project_id": "SIDEPROJ"}"#)
            try scratch.write(
                "out/project-PATHPROJ/2026-11-29/host/page-1.json",
                #"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 3, "status": "normal"}]}"#)
            let result = try await CLI.run(["import", "--store", scratch.store, scratch.path("out")])
            #expect(result.status == 0, "\(result)")
            let sidecar = scratch.path("out/project-PATHPROJ/portreport-export.json")
            let page = scratch.path("out/project-PATHPROJ/2026-11-29/host/page-1.json")
            #expect(
                Self.warnings(result) == [
                    "warning: \(page) has a path that names another project (the sidecar \(sidecar) says SIDEPROJ where the path says PATHPROJ (project-PATHPROJ)): stored under the project the flag or sidecar says; if the path is right, leave out --project or correct the sidecar, and fix what was stored with portreport relabel"
                ], "\(result)")
        }
    }

    @Test("a tree of projects with plural and server words and compact dates, no sidecar: each value from the path")
    func projectsFromThePath() async throws {
        try await withScratch("tree") { scratch in
            try scratch.write("out/project-aaa/20261201_020000/containers/page-1.json", Self.page(total: 1, ports: [22]))
            try scratch.write("out/project-bbb/2026_12_01/Servers/page-1.json", Self.page(total: 1, ports: [23]))
            try scratch.write("out/project-ccc/export/hosts_20261201T103000+0800_p1.json", Self.page(total: 1, ports: [24]))
            let result = try await CLI.run(["import", "--store", scratch.store, scratch.path("out")])
            #expect(result.status == 0, "\(result)")
            #expect(Self.warnings(result).isEmpty, "\(result)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            let byProject = Dictionary(uniqueKeysWithValues: listing.snapshots.map { ($0.projectID ?? "", $0) })
            #expect(byProject.count == 3, "\(listing.snapshots)")
            let aaa = try #require(byProject["aaa"])
            #expect(aaa.category == "container")
            #expect(aaa.capturedAt == "2026-12-01T02:00:00Z")
            #expect(aaa.metadataFrom["project_id"] == "path (project-aaa)")
            #expect(aaa.metadataFrom["category"] == "path (containers)")
            #expect(aaa.metadataFrom["captured_at"] == "path (20261201_020000, no zone: UTC)")
            let bbb = try #require(byProject["bbb"])
            #expect(bbb.category == "host")
            #expect(bbb.capturedAt == "2026-12-01T00:00:00Z")
            #expect(bbb.metadataFrom["category"] == "path (Servers)")
            #expect(bbb.metadataFrom["captured_at"] == "path (2026_12_01, date only: 00:00:00Z)")
            let ccc = try #require(byProject["ccc"])
            #expect(ccc.category == "host")
            // 10:30 at +08:00 is 02:30Z.
            #expect(ccc.capturedAt == "2026-12-01T02:30:00Z")
            #expect(ccc.metadataFrom["category"] == "path (hosts_20261201T103000+0800_p1.json)")
        }
    }

    @Test("the issue's export: pages named with a compact date and different modification times are one complete snapshot")
    func compactDatedPagesAreOneSnapshot() async throws {
        try await withScratch("compact") { scratch in
            var first = ""
            for (index, ports) in [[22, 80], [443, 3306], [8080]].enumerated() {
                let path = try scratch.write("export/host_20261201_020000_page\(index + 1).json", Self.page(total: 5, ports: ports))
                if index == 0 { first = path }
                // Saved a minute apart, as a paging script does.
                try FileManager.default.setAttributes(
                    [.modificationDate: Date(timeIntervalSince1970: 1_796_090_400 + Double(index) * 60)], ofItemAtPath: path)
            }
            let result = try await CLI.run(["import", "--store", scratch.store, scratch.path("export")])
            #expect(result.status == 0, "\(result)")
            #expect(
                Self.warnings(result) == [
                    "warning: 3 pages have no project (no --project, sidecar project_id or project-<id> directory; the first is \(first)): stored under project \"unknown\"; pass --project ID"
                ], "\(result)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            let snapshot = try #require(listing.snapshots.count == 1 ? listing.snapshots.first : nil, "\(listing.snapshots)")
            #expect(snapshot.capturedAt == "2026-12-01T02:00:00Z")
            #expect(snapshot.category == "host")
            #expect(snapshot.records == 5 && snapshot.totalNum == 5 && snapshot.complete, "\(snapshot)")
            #expect(snapshot.metadataFrom["project_id"] == "unknown (no --project)")
        }
    }

    @Test("nothing to go on: one warning per kind for the run, naming the value, the count, the first page and the flag")
    func defaultsAreSaidOnce() async throws {
        try await withScratch("bare") { scratch in
            let first = try scratch.write("in/a.json", Self.page(total: 1, ports: [22]))
            let second = try scratch.write("in/b.json", Self.page(total: 1, ports: [23]))
            // 2026-12-01T02:00:00Z and a second later.
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_796_090_400)], ofItemAtPath: first)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_796_090_401)], ofItemAtPath: second)
            let result = try await CLI.run(["import", "--store", scratch.store, scratch.path("in")])
            #expect(result.status == 0, "\(result)")
            #expect(
                Self.warnings(result) == [
                    "warning: 2 pages have no project (no --project, sidecar project_id or project-<id> directory; the first is \(first)): stored under project \"unknown\"; pass --project ID",
                    "warning: 2 pages have no category (no --category, sidecar category, or host or container word in the path; the first is \(first)): stored as host, the API's default; pass --category host or --category container",
                    "warning: 2 pages have no capture time (no --captured-at, sidecar captured_at or date in the path; the first is \(first)): captured at the file's modification time (2026-12-01T02:00:00Z for the first); pages of one export merge only when their times agree; pass --captured-at TIME or keep exports in dated folders"
                ], "\(result)")
            let third = try scratch.write("more/c.json", Self.page(total: 1, ports: [24]))
            let flagged = try await CLI.run([
                "import", "--store", scratch.store, "--project", "p1", "--category", "host", "--captured-at", "2026-12-01T02:00:00Z", third
            ])
            #expect(flagged.status == 0, "\(flagged)")
            #expect(Self.warnings(flagged).isEmpty, "\(flagged)")
        }
    }

    @Test(
        "a path time that looks like one but is not valid: exit 1, the component named, nothing stored",
        arguments: [
            ("2026-12-01T25:00:00Z", "hour 25 in 2026-12-01T25:00:00 is not a time of day (00–23)"),
            ("2026-12-01T02:00:00+24:00", "+24:00 after 2026-12-01T02:00:00 is not a UTC offset (−23:59 to +23:59)"),
            ("2026-02-30", "2026-02-30 is not a calendar date (that month has 28 days)")
        ])
    func anInvalidPathTime(component: String, reason: String) async throws {
        try await withScratch("badtime") { scratch in
            try scratch.write("in/page.json", Self.page(total: 1, ports: [22]))
            #expect(try await CLI.run(["import", "--store", scratch.store, scratch.path("in")]).status == 0)
            let before = try await CLI.listing(store: scratch.store).raw
            let page = try scratch.write("in/\(component)/host/page-0001.json", Self.page(total: 1, ports: [23]))
            let result = try await CLI.run(["import", "--store", scratch.store, "--project", "p1", scratch.path("in")])
            #expect(result.status == 1, "\(result)")
            #expect(
                result.err.lines.first
                    == "error: \(page): path component \"\(component)\": \(reason); rename it or pass --captured-at", "\(result)")
            #expect(try await CLI.listing(store: scratch.store).raw == before, "the store is unchanged")
            // With the time given, the path is not read for it.
            let given = try await CLI.run([
                "import", "--store", scratch.store, "--project", "p1", "--captured-at", "2026-12-01T02:00:00Z", page
            ])
            #expect(given.status == 0, "\(given)")
        }
    }

    @Test("a bad sidecar: exit 1 naming it and its member; --skip-invalid stores the rest and exits 2")
    func aBadSidecar() async throws {
        try await withScratch("badside") { scratch in
            let sidecar = try scratch.write("out/one/portreport-export.json", #"{"format": "portreport-export/1", "category": 7}"#)
            try scratch.write("out/one/2026-12-01/host/page-1.json", Self.page(total: 1, ports: [22]))
            try scratch.write("out/two/2026-12-01/host/page-1.json", Self.page(total: 1, ports: [23]))
            let result = try await CLI.run(["import", "--store", scratch.store, "--project", "p1", scratch.path("out")])
            #expect(result.status == 1, "\(result)")
            #expect(
                result.err.lines.first
                    == "error: \(sidecar):1: category: expected \"host\" or \"container\", found the number 7 (1 input below it not read)",
                "\(result)")
            let skipping = try await CLI.run(["import", "--store", scratch.store, "--project", "p1", "--skip-invalid", scratch.path("out")])
            #expect(skipping.status == 2, "\(skipping)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            #expect(listing.snapshots.map { $0.sources.map(\.path) } == [[scratch.path("out/two/2026-12-01/host/page-1.json")]])
        }
    }

    @Test("a sidecar's filters make the snapshot partial, as --filter does; an unknown member is a warning")
    func aFilteredSidecar() async throws {
        try await withScratch("filtered") { scratch in
            let sidecar = try scratch.write(
                "out/portreport-export.json",
                #"{"format": "portreport-export/1", "project_id": "p1", "query": {"filters": {"status": "danger"}}, "note": "x"}"#)
            try scratch.write("out/2026-12-01/host/page-1.json", Self.page(total: 1, ports: [22]))
            let result = try await CLI.run(["import", "--store", scratch.store, scratch.path("out")])
            #expect(result.status == 0, "\(result)")
            #expect(
                Self.warnings(result) == [
                    "warning: \(sidecar): member \"note\" is not part of portreport-export/1 and was ignored (it has format, project_id, enterprise_project_id, region, category, captured_at, query, details, exported_by)"
                ], "\(result)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            let snapshot = try #require(listing.snapshots.first)
            #expect(snapshot.partial && snapshot.filters == "status=danger", "\(snapshot)")
            #expect(result.out.contains("partial: status=danger"), "\(result)")
        }
    }

    @Test("an SQLite --query with no project_id or category column says so, once each, for that database")
    func aQueryWithoutProjectColumn() async throws {
        try await withScratch("query") { scratch in
            let path = scratch.path("in/ports.db")
            try FileManager.default.createDirectory(atPath: scratch.path("in"), withIntermediateDirectories: true)
            try Self.makeDatabase(path)
            let result = try await CLI.run([
                "import", "--store", scratch.store, "--captured-at", "2026-12-01T02:00:00Z", "--query", "SELECT port, type, num FROM t",
                path
            ])
            #expect(result.status == 0, "\(result)")
            #expect(
                Self.warnings(result) == [
                    "warning: \(path): the query has no project_id column and there is no --project: 1 snapshot stored under project \"unknown\"; pass --project ID or select a project_id column",
                    "warning: \(path): the query has no category column and there is no --category: 1 snapshot stored as host, the API's default; pass --category host or --category container, or select a category column",
                    "warning: snapshot 1 (host, 2026-12-01T02:00:00Z): completeness unknown: the source gives no total_num, so records missing from it cannot be detected"
                ], "\(result)")
        }
    }
}
