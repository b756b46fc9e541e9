// Issue 11 item 5: a page already stored, from the same path, under another snapshot key is
// refused unless `--import-again`, so that importing the same files once with --project X and
// again without it cannot double every count. Expected messages and figures are written out by
// hand from the small pages below.

import Foundation
import GRDB
import Testing

@Suite("Identity: the same page under another name")
struct IdentityTests {
    static let epoch = ["SOURCE_DATE_EPOCH": "1800000000"]

    /// A host page (22/TCP on 3 hosts, 80/TCP on 2) and a container page (2375/TCP in 1
    /// container), dated 2026-11-28 by their folder; returns the export directory.
    static func writeExport(_ scratch: Scratch, under folder: String = "exports") throws -> String {
        try scratch.write(
            "\(folder)/2026-11-28/host/page-1.json",
            #"{"total_num": 2, "data_list": [{"port": 22, "type": "TCP", "num": 3, "status": "normal"}, {"port": 80, "type": "TCP", "num": 2, "status": "normal"}]}"#
        )
        try scratch.write(
            "\(folder)/2026-11-28/container/page-1.json",
            #"{"total_num": 1, "data_list": [{"port": 2375, "type": "TCP", "num": 1, "status": "danger"}]}"#)
        return scratch.path(folder)
    }

    /// `report --format json`'s ranking as port/type → (host, container).
    static func ranking(_ store: String, _ extra: [String] = []) async throws -> [String: (host: Int, container: Int)] {
        let result = try await CLI.run(["report", "--store", store, "--format", "json"] + extra, environment: epoch)
        try #require(result.status == 0, "\(result)")
        let root = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let rows = try #require(root["ranking"] as? [[String: Any]], "no ranking in \(root.keys.sorted())")
        var figures: [String: (host: Int, container: Int)] = [:]
        for row in rows {
            let port = try #require(row["port"] as? Int), type = try #require(row["type"] as? String)
            figures["\(port)/\(type)"] = (try #require(row["host"] as? Int), try #require(row["container"] as? Int))
        }
        return figures
    }

    @Test("the same files imported with --project X and again without it: refused, nothing stored, the counts stay single")
    func doubledCountRefused() async throws {
        try await withScratch("identity") { scratch in
            let export = try Self.writeExport(scratch)
            let first = try await CLI.run(["import", "--store", scratch.store, "--project", "X", export], environment: Self.epoch)
            try #require(first.status == 0, "\(first)")
            let before = try StoreInspection.dump(scratch.store)

            let again = try await CLI.run(["import", "--store", scratch.store, export], environment: Self.epoch)
            #expect(again.status == 1, "\(again)")
            #expect(again.out.isEmpty, "\(again)")
            let host = scratch.path("exports/2026-11-28/host/page-1.json")
            let container = scratch.path("exports/2026-11-28/container/page-1.json")
            #expect(
                again.err.lines.filter { $0.hasPrefix("error:") } == [
                    "error: \(container): already imported as snapshot 1 (project X, container, 2026-11-28T00:00:00Z) from \(container); pass --import-again to store it again under another name on purpose",
                    "error: \(host): already imported as snapshot 2 (project X, host, 2026-11-28T00:00:00Z) from \(host); pass --import-again to store it again under another name on purpose"
                ], "\(again)")
            #expect(again.err.contains("nothing was imported: 2 inputs had errors"), "\(again)")
            #expect(try StoreInspection.dump(scratch.store) == before, "a refused import changed the store")

            // The figures are those of one import: 22/TCP on 3 hosts, 2375/TCP in 1 container.
            let figures = try await Self.ranking(scratch.store)
            #expect(figures["22/TCP"]?.host == 3 && figures["2375/TCP"]?.container == 1, "\(figures)")
        }
    }

    @Test("--import-again stores the same pages under the other name on purpose (and then they count twice)")
    func importAgainStores() async throws {
        try await withScratch("identity-again") { scratch in
            let export = try Self.writeExport(scratch)
            let first = try await CLI.run(["import", "--store", scratch.store, "--project", "X", export], environment: Self.epoch)
            try #require(first.status == 0, "\(first)")
            let again = try await CLI.run(["import", "--store", scratch.store, "--import-again", export], environment: Self.epoch)
            #expect(again.status == 0, "\(again)")
            #expect(
                again.out.contains("stored snapshot 3: container 2026-11-28T00:00:00Z, project unknown, 1 of 1 records (complete)"),
                "\(again)")
            #expect(
                again.out.contains("stored snapshot 4: host 2026-11-28T00:00:00Z, project unknown, 2 of 2 records (complete)"), "\(again)")
            // Two projects now hold the same export: 3 + 3 hosts with 22/TCP, 1 + 1 containers with 2375/TCP.
            let figures = try await Self.ranking(scratch.store)
            #expect(figures["22/TCP"]?.host == 6 && figures["80/TCP"]?.host == 4 && figures["2375/TCP"]?.container == 2, "\(figures)")
            // Running it once more changes nothing: both names have the pages now.
            let third = try await CLI.run(["import", "--store", scratch.store, "--project", "X", export], environment: Self.epoch)
            #expect(third.status == 0 && third.out.contains("0 new snapshots, 0 merged, 2 already imported"), "\(third)")
        }
    }

    @Test("with --skip-invalid a refused page is skipped and listed (exit 2), the other inputs are stored")
    func skipInvalid() async throws {
        try await withScratch("identity-skip") { scratch in
            let export = try Self.writeExport(scratch)
            let host = scratch.path("exports/2026-11-28/host/page-1.json")
            let first = try await CLI.run(["import", "--store", scratch.store, "--project", "X", host], environment: Self.epoch)
            try #require(first.status == 0, "\(first)")
            let run = try await CLI.run(["import", "--store", scratch.store, "--skip-invalid", export], environment: Self.epoch)
            #expect(run.status == 2, "\(run)")
            #expect(
                run.err.lines.contains(
                    "skipped: \(host): already imported as snapshot 1 (project X, host, 2026-11-28T00:00:00Z) from \(host); pass --import-again to store it again under another name on purpose"
                ), "\(run)")
            #expect(run.out.contains("stored snapshot 2: container 2026-11-28T00:00:00Z, project unknown, 1 of 1 records"), "\(run)")
        }
    }

    @Test("exempt: a page with no records, and the same bytes at another path (a stable estate's next export)")
    func exemptions() async throws {
        try await withScratch("identity-exempt") { scratch in
            let empty = try scratch.write("empty/page.json", #"{"total_num":0,"data_list":[]}"#)
            for project in ["A", "B"] {
                let run = try await CLI.run(
                    [
                        "import", "--store", scratch.store, "--project", project, "--captured-at", "2026-11-28T00:00:00Z", "--category",
                        "host", empty
                    ],
                    environment: Self.epoch)
                #expect(run.status == 0 && run.out.contains("1 new snapshot"), "\(run)")
            }
            // Yesterday's export and today's are byte for byte alike: two snapshots, no refusal.
            let body = #"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 3, "status": "normal"}]}"#
            try scratch.write("daily/2026-11-27/host/page-1.json", body)
            try scratch.write("daily/2026-11-28/host/page-1.json", body)
            let daily = try await CLI.run(["import", "--store", scratch.store, scratch.path("daily")], environment: Self.epoch)
            #expect(daily.status == 0 && daily.out.contains("2 new snapshots"), "\(daily)")
        }
    }

    @Test("the same files named another way (through ./, or a symbolic link) are the same pages: refused all the same")
    func otherSpellingsOfThePath() async throws {
        try await withScratch("identity-spelling") { scratch in
            let export = try Self.writeExport(scratch)
            let first = try await CLI.run(["import", "--store", scratch.store, "--project", "X", export], environment: Self.epoch)
            try #require(first.status == 0, "\(first)")
            let before = try StoreInspection.dump(scratch.store)
            try FileManager.default.createSymbolicLink(atPath: scratch.path("link"), withDestinationPath: export)
            for spelling in [scratch.path("exports/./2026-11-28"), scratch.path("link")] {
                let again = try await CLI.run(["import", "--store", scratch.store, "--project", "Y", spelling], environment: Self.epoch)
                #expect(again.status == 1, "\(again)")
                #expect(
                    again.err.lines.filter { $0.hasPrefix("error:") }.count == 2
                        && again.err.contains(
                            "already imported as snapshot 2 (project X, host, 2026-11-28T00:00:00Z) from \(export)/2026-11-28/host/page-1.json"
                        ),
                    "\(again)")
                #expect(try StoreInspection.dump(scratch.store) == before, "a refused import changed the store")
            }
        }
    }

    @Test("standard input: the same body under another project at the same capture time is refused; at another time it is not")
    func standardInput() async throws {
        try await withScratch("identity-stdin") { scratch in
            let body = Data(#"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 3, "status": "normal"}]}"#.utf8)
            func run(_ project: String, _ time: String) async throws -> RunResult {
                try await CLI.run(
                    ["import", "--store", scratch.store, "--project", project, "--category", "host", "--captured-at", time, "-"],
                    environment: Self.epoch, stdin: body)
            }
            let first = try await run("A", "2026-11-28T00:00:00Z")
            try #require(first.status == 0, "\(first)")
            let before = try StoreInspection.dump(scratch.store)
            let same = try await run("B", "2026-11-28T00:00:00Z")
            #expect(same.status == 1, "\(same)")
            #expect(
                same.err.lines.first
                    == "error: -: already imported as snapshot 1 (project A, host, 2026-11-28T00:00:00Z) from -; pass --import-again to store it again under another name on purpose",
                "\(same)")
            #expect(try StoreInspection.dump(scratch.store) == before)
            let later = try await run("A", "2026-11-29T00:00:00Z")
            #expect(later.status == 0 && later.out.contains("1 new snapshot"), "\(later)")
        }
    }

    @Test("HAR entries: refused once their snapshot carries another name, naming the entry")
    func harEntries() async throws {
        try await withScratch("identity-har") { scratch in
            let first = try await CLI.run(["import", "--store", scratch.store, "samples/capture.har"], environment: Self.epoch)
            try #require(first.status == 0, "\(first)")
            let relabel = try await CLI.run(["relabel", "--store", scratch.store, "1", "--project", "other"], environment: Self.epoch)
            try #require(relabel.status == 0, "\(relabel)")
            let again = try await CLI.run(["import", "--store", scratch.store, "samples/capture.har"], environment: Self.epoch)
            #expect(again.status == 1, "\(again)")
            #expect(
                again.err.contains(
                    "error: samples/capture.har: log.entries[2]: already imported as snapshot 1 (project other, enterprise project 0, container, 2026-11-28T18:00:00Z) from samples/capture.har log.entries[2]; pass --import-again"
                ), "\(again)")
        }
    }

    @Test("a merged portreport store whose snapshots this store holds under another name is refused; --import-again merges it")
    func mergedStore() async throws {
        try await withScratch("identity-merge") { scratch in
            let export = try Self.writeExport(scratch)
            let other = scratch.path("other.sqlite")
            for (store, flags) in [(scratch.store, ["--project", "X"]), (other, [])] {
                let run = try await CLI.run(["import", "--store", store] + flags + [export], environment: Self.epoch)
                try #require(run.status == 0, "\(run)")
            }
            let before = try StoreInspection.dump(scratch.store)
            let merge = try await CLI.run(["import", "--store", scratch.store, other], environment: Self.epoch)
            #expect(merge.status == 1, "\(merge)")
            let container = scratch.path("exports/2026-11-28/container/page-1.json")
            #expect(
                merge.err.lines.first
                    == "error: \(other): snapshot 1 (page \(container)): already imported as snapshot 1 (project X, container, 2026-11-28T00:00:00Z) from \(container); pass --import-again to store it again under another name on purpose",
                "\(merge)")
            #expect(try StoreInspection.dump(scratch.store) == before)
            let again = try await CLI.run(["import", "--store", scratch.store, "--import-again", other], environment: Self.epoch)
            #expect(again.status == 0 && again.out.contains("2 new snapshots"), "\(again)")
        }
    }

    @Test("an SQLite --query import: the same rows under another project are refused, named by --query")
    func queryImport() async throws {
        try await withScratch("identity-query") { scratch in
            let database = scratch.path("ports.db")
            let queue = try DatabaseQueue(path: database)
            try await queue.write { db in
                try db.execute(sql: "CREATE TABLE ports (port INTEGER, type TEXT, num INTEGER); INSERT INTO ports VALUES (22, 'TCP', 4)")
            }
            try queue.close()
            let query = "SELECT port, type, num FROM ports"
            let common = ["--query", query, "--category", "host", "--captured-at", "2026-11-28T00:00:00Z", database]
            let first = try await CLI.run(["import", "--store", scratch.store, "--project", "X"] + common, environment: Self.epoch)
            try #require(first.status == 0, "\(first)")
            let again = try await CLI.run(["import", "--store", scratch.store] + common, environment: Self.epoch)
            #expect(again.status == 1, "\(again)")
            #expect(
                again.err.lines.first
                    == "error: \(database): --query: already imported as snapshot 1 (project X, host, 2026-11-28T00:00:00Z) from \(database); pass --import-again to store it again under another name on purpose",
                "\(again)")
        }
    }
}
