// Issue 11 items 7 and 9: `remove`, `relabel` and `edits`, each change one transaction recorded in
// the store's edit log; `report PATH…` importing with its --project/--enterprise-project/--category.
// Expected lines and figures are written out by hand from the small pages of IdentityTests.

import Foundation
import GRDB
import Testing

@Suite("Fixing mistakes: remove, relabel, edits")
struct EditCommandTests {
    static let epoch = IdentityTests.epoch
    /// SOURCE_DATE_EPOCH 1800000000, as the edit log records it.
    static let editedAt = "2027-01-15T08:00:00Z"

    /// A store with the export of IdentityTests imported without a project: snapshot 1 the
    /// container page, snapshot 2 the host page.
    static func seeded(_ scratch: Scratch) async throws -> String {
        let export = try IdentityTests.writeExport(scratch)
        let run = try await CLI.run(["import", "--store", scratch.store, export], environment: epoch)
        try #require(run.status == 0, "\(run)")
        return export
    }

    @Test("relabel fixes a wrong project: the listing, the log, the provenance and the report's figures say so")
    func relabelProject() async throws {
        try await withScratch("relabel") { scratch in
            _ = try await Self.seeded(scratch)
            let run = try await CLI.run(["relabel", "--store", scratch.store, "1", "2", "--project", "P"], environment: Self.epoch)
            #expect(run.status == 0, "\(run)")
            #expect(
                run.out.lines == [
                    "relabelled snapshot 1: project unknown → P (edit 1)", "relabelled snapshot 2: project unknown → P (edit 2)",
                    "2 snapshots relabelled → \(scratch.store) (portreport edits lists the change)"
                ], "\(run)")

            let (_, listing) = try await CLI.listing(store: scratch.store)
            #expect(listing.schemaVersion == 6)
            #expect(listing.snapshots.map(\.projectID) == ["P", "P"])
            #expect(listing.snapshots.map { $0.metadataFrom["project_id"] } == ["relabel (edit 1)", "relabel (edit 2)"])
            #expect(listing.snapshots.map { $0.metadataFrom["category"] } == ["path (container)", "path (host)"])
            let table = try await CLI.run(["snapshots", "--store", scratch.store])
            #expect(table.out.lines.dropFirst().allSatisfy { !$0.contains(" P ") || $0.contains("relabelled (edit") }, "\(table)")
            #expect(table.out.contains("complete, relabelled (edit 2)"), "\(table)")

            let edits = try await CLI.run(["edits", "--store", scratch.store])
            #expect(edits.status == 0, "\(edits)")
            #expect(
                edits.out.lines == [
                    "EDIT  EDITED AT             SNAPSHOT  COMMAND                  CHANGE",
                    "   1  \(Self.editedAt)         1  relabel 1 2 --project P  project unknown → P",
                    "   2  \(Self.editedAt)         2  relabel 1 2 --project P  project unknown → P",
                    "2 edits in \(scratch.store) (schema version 6)"
                ], "\(edits)")

            // The report of project P: 22/TCP on 3 hosts, 80/TCP on 2, 2375/TCP in 1 container;
            // nothing is left under an unknown project.
            let figures = try await IdentityTests.ranking(scratch.store, ["--project", "P"])
            #expect(figures.count == 3, "\(figures)")
            #expect(figures["22/TCP"]?.host == 3 && figures["80/TCP"]?.host == 2 && figures["2375/TCP"]?.container == 1, "\(figures)")

            // The digest is the one an import under the new name gives.
            let direct = scratch.path("direct.sqlite")
            let imported = try await CLI.run(
                ["import", "--store", direct, "--project", "P", scratch.path("exports")], environment: Self.epoch)
            try #require(imported.status == 0, "\(imported)")
            let digests = { (path: String) in
                try StoreInspection.read(path) { db in try String.fetchAll(db, sql: "SELECT digest FROM snapshot ORDER BY id") }
            }
            #expect(try digests(scratch.store) == digests(direct))
        }
    }

    @Test("edits --format json gives the values before and after, with where each came from")
    func editsJSON() async throws {
        try await withScratch("edits-json") { scratch in
            _ = try await Self.seeded(scratch)
            let run = try await CLI.run(
                ["relabel", "--store", scratch.store, "2", "--captured-at", "2026-11-27T06:00:00Z", "--enterprise-project", "e p"],
                environment: Self.epoch)
            try #require(run.status == 0, "\(run)")
            let result = try await CLI.run(["edits", "--store", scratch.store, "--format", "json"])
            let root = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
            #expect(root["schema_version"] as? Int == 6)
            let edit = try #require((root["edits"] as? [[String: Any]])?.first)
            #expect(edit["command"] as? String == "relabel")
            #expect(edit["arguments"] as? String == "relabel 2 --enterprise-project 'e p' --captured-at 2026-11-27T06:00:00Z")
            #expect(edit["snapshot_id"] as? Int == 2 && edit["records"] as? Int == 2 && edit["sources"] as? Int == 1)
            #expect(edit["edited_at"] as? String == Self.editedAt)
            let before = try #require(edit["before"] as? [String: Any]), after = try #require(edit["after"] as? [String: Any])
            #expect(before["captured_at"] as? String == "2026-11-28T00:00:00Z" && after["captured_at"] as? String == "2026-11-27T06:00:00Z")
            #expect(before["enterprise_project_id"] is NSNull && after["enterprise_project_id"] as? String == "e p")
            #expect((after["metadata_from"] as? [String: String])?["captured_at"] == "relabel (edit 1)")
            #expect((after["metadata_from"] as? [String: String])?["category"] == "path (host)")
            #expect(before["digest"] as? String != after["digest"] as? String)
        }
    }

    @Test("remove deletes the snapshot with its sources and records, logs it, and its files can be imported again")
    func remove() async throws {
        try await withScratch("remove") { scratch in
            let export = try await Self.seeded(scratch)
            let run = try await CLI.run(["remove", "--store", scratch.store, "2"], environment: Self.epoch)
            #expect(run.status == 0, "\(run)")
            #expect(
                run.out.lines == [
                    "removed snapshot 2: host 2026-11-28T00:00:00Z, project unknown, 2 records from 1 page (edit 1)",
                    "1 snapshot removed → \(scratch.store) (portreport edits lists the change)"
                ], "\(run)")
            let left = try StoreInspection.read(scratch.store) { db in
                (
                    try Int.fetchAll(db, sql: "SELECT id FROM snapshot ORDER BY id"),
                    try Int.fetchAll(db, sql: "SELECT DISTINCT snapshot_id FROM source ORDER BY 1"),
                    try Int.fetchAll(db, sql: "SELECT snapshot_id FROM snapshot_records ORDER BY 1")
                )
            }
            #expect(left.0 == [1] && left.1 == [1] && left.2 == [1], "\(left)")
            let edits = try await CLI.run(["edits", "--store", scratch.store])
            #expect(
                edits.out.lines.dropFirst().first
                    == "   1  \(Self.editedAt)         2  remove 2  removed: host 2026-11-28T00:00:00Z, project unknown, 2 records",
                "\(edits)")
            // Imported again (now under the right project), it is a new snapshot with a new id:
            // snapshot 2 in the log stays the removed one.
            let again = try await CLI.run(
                ["import", "--store", scratch.store, "--project", "P", export + "/2026-11-28/host"], environment: Self.epoch)
            #expect(again.status == 0, "\(again)")
            #expect(again.out.contains("stored snapshot 3: host 2026-11-28T00:00:00Z, project P, 2 of 2 records"), "\(again)")
        }
    }

    @Test("an unknown snapshot id is an error naming it; the store is unchanged byte for byte", arguments: ["remove", "relabel"])
    func unknownID(command: String) async throws {
        try await withScratch("unknown-id") { scratch in
            _ = try await Self.seeded(scratch)
            let before = try StoreInspection.dump(scratch.store)
            let arguments = command == "remove" ? ["1", "9"] : ["1", "9", "--project", "P"]
            let run = try await CLI.run([command, "--store", scratch.store] + arguments, environment: Self.epoch)
            #expect(run.status == 1, "\(run)")
            #expect(
                run.err.lines == [
                    "error: \(scratch.store): no snapshot 9 in this store (portreport snapshots lists them); nothing was changed"
                ],
                "\(run)")
            #expect(run.out.isEmpty)
            #expect(try StoreInspection.dump(scratch.store) == before)
        }
    }

    @Test("relabel onto a key another snapshot has is an error naming that snapshot; nothing changes")
    func relabelCollision() async throws {
        try await withScratch("collision") { scratch in
            _ = try await Self.seeded(scratch)
            let before = try StoreInspection.dump(scratch.store)
            let run = try await CLI.run(["relabel", "--store", scratch.store, "1", "--category", "host"], environment: Self.epoch)
            #expect(run.status == 1, "\(run)")
            #expect(
                run.err.lines == [
                    "error: \(scratch.store): snapshot 1 cannot be relabelled to project unknown, host, 2026-11-28T00:00:00Z: snapshot 2 has that key (remove one of them first); nothing was changed"
                ], "\(run)")
            #expect(try StoreInspection.dump(scratch.store) == before)
            // Two snapshots of one command onto one key: the second is refused, the first undone.
            let both = try await CLI.run(
                ["relabel", "--store", scratch.store, "1", "2", "--captured-at", "2026-11-01T00:00:00Z", "--category", "host"],
                environment: Self.epoch)
            #expect(
                both.status == 1 && both.err.contains("snapshot 2 cannot be relabelled to") && both.err.contains("snapshot 1 has that key"),
                "\(both)")
            #expect(try StoreInspection.dump(scratch.store) == before)
        }
    }

    @Test(
        "values are checked as on import, before the store is opened",
        arguments: [
            (["1", "--captured-at", "1969-12-31T23:59:59Z"], "--captured-at expects a time within the years 1970–9999 UTC"),
            (["1", "--captured-at", "yesterday"], "--captured-at expects an RFC 3339 time"),
            (["1", "--project", String(repeating: "p", count: 257)], "--project expects an id of at most 256 characters, found 257"),
            (["1"], "say what to change"), (["x", "--project", "P"], "expected a snapshot id"),
            (["1", "1", "--project", "P"], "snapshot 1 is named twice")
        ])
    func valueChecks(arguments: [String], message: String) async throws {
        try await withScratch("values") { scratch in
            _ = try await Self.seeded(scratch)
            let before = try StoreInspection.dump(scratch.store)
            let run = try await CLI.run(["relabel", "--store", scratch.store] + arguments, environment: Self.epoch)
            #expect(run.status == 64, "\(run)")
            #expect(run.err.lines.first?.hasPrefix("error: ") == true && run.err.contains(message), "\(run)")
            #expect(try StoreInspection.dump(scratch.store) == before)
        }
    }

    @Test("remove and relabel on a missing store are errors and create nothing; edits says there is no store")
    func missingStore() async throws {
        try await withScratch("missing") { scratch in
            for arguments in [["remove", "1"], ["relabel", "1", "--project", "P"], ["edits"]] {
                let run = try await CLI.run([arguments[0], "--store", scratch.store] + arguments.dropFirst(), environment: Self.epoch)
                #expect(run.status == 1, "\(run)")
                #expect(run.err.lines.count == 1 && run.err.hasPrefix("error: \(scratch.store): no store here"), "\(run)")
                #expect(!FileManager.default.fileExists(atPath: scratch.store))
            }
        }
    }

    @Test("a store on a read-only file system: remove says so and changes nothing; edits still lists", .requires(.readOnlyBindMount))
    func readOnlyStore() async throws {
        try await withScratch("edit-ro") { scratch in
            _ = try await Self.seeded(scratch)
            let source = scratch.path("rw"), target = scratch.path("ro")
            try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: scratch.store, toPath: source + "/store.sqlite")
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: source + "/store.sqlite" + suffix) }
            // SQLite cannot open a WAL store on a read-only mount the usual way: the dumps read
            // the same file through the writable side.
            let before = try StoreInspection.dump(source + "/store.sqlite")
            if let reason = try await ReliabilityMounts.readOnlyBind(source, at: target) {
                try endAsSkipped("read-only bind mount: \(reason)")
            }
            do {
                let store = target + "/store.sqlite"
                let run = try await CLI.run(["remove", "--store", store, "1"], environment: Self.epoch)
                #expect(run.status == 1, "\(run)")
                #expect(run.err.lines.count == 1 && run.err.contains("read-only") && run.err.contains("nothing was changed"), "\(run)")
                #expect(try StoreInspection.dump(source + "/store.sqlite") == before)
                let edits = try await CLI.run(["edits", "--store", store])
                #expect(edits.status == 0 && edits.out.contains("0 edits in"), "\(edits)")
            } catch {
                await ReliabilityMounts.unmount(target)
                throw error
            }
            await ReliabilityMounts.unmount(target)
        }
    }

    @Test("a schema-2 store is upgraded to the newest schema by the migrations, its data intact")
    func schemaTwoUpgrade() async throws {
        try await withScratch("upgrade") { scratch in
            _ = try await Self.seeded(scratch)
            // A schema-2 store: what portreport 0.2 wrote (version 3 only added the edit log, an index and the canonical path of a source;
            // version 4 the drill-down tables).
            let queue = try DatabaseQueue(path: scratch.store)
            try await queue.writeWithoutTransaction { db in
                try db.execute(
                    sql: """
                        DROP TABLE observation; DROP TABLE detail_source; DROP TABLE detail_snapshot; DROP TABLE asset;
                        DROP TABLE edit; DROP INDEX source_by_sha256; ALTER TABLE source DROP COLUMN real_path; DROP TABLE snapshot_over_maximum;
                        PRAGMA user_version = 2
                        """)
            }
            try queue.close()
            // The rows of every table (the dump lists the schema first, then the tables).
            let data = { (path: String) in
                try StoreInspection.dump(path).split(separator: "\n").drop { !$0.hasPrefix("table ") }
                    .filter { line in
                        ![
                            "user_version", "table edit:", "table asset:", "table detail_snapshot:", "table detail_source:",
                            "table observation:"
                        ]
                        .contains { line.hasPrefix($0) }
                    }
            }
            let before = try data(scratch.store)
            let tables = { (path: String) in
                try StoreInspection.read(path) { db in
                    (try Int.fetchOne(db, sql: "PRAGMA user_version"), try db.tableExists("edit"))
                }
            }
            #expect(try tables(scratch.store) == (2, false))
            let edits = try await CLI.run(["edits", "--store", scratch.store])
            #expect(
                edits.status == 0
                    && edits.out.lines == ["EDIT  EDITED AT  SNAPSHOT  COMMAND  CHANGE", "0 edits in \(scratch.store) (schema version 6)"],
                "\(edits)")
            #expect(try tables(scratch.store) == (6, true))
            // The upgrade adds one column to the pages, empty for those stored before it, and the
            // table of snapshots over the maximum num (none here).
            let after = try data(scratch.store).map { $0.replacingOccurrences(of: #" real_path:"""#, with: "") }
                .filter { $0 != "table snapshot_over_maximum: 0 rows" }
            #expect(after == before.map(String.init), "\(Set(after).symmetricDifference(before.map(String.init)))")
            #expect(before.contains { $0.hasPrefix("table snapshot: 2 rows") })
            let run = try await CLI.run(["relabel", "--store", scratch.store, "2", "--project", "P"], environment: Self.epoch)
            #expect(run.status == 0, "\(run)")
        }
    }

    @Test("a schema-3 store takes a drill-down page: the v4 and v5 migrations add their tables and column, the statistics untouched")
    func schemaThreeUpgrade() async throws {
        try await withScratch("upgrade-v3") { scratch in
            _ = try await Self.seeded(scratch)
            // A schema-3 store: what portreport wrote before drill-down.
            let queue = try DatabaseQueue(path: scratch.store)
            try await queue.writeWithoutTransaction { db in
                try db.execute(
                    sql: """
                        DROP TABLE observation; DROP TABLE detail_source; DROP TABLE detail_snapshot; DROP TABLE asset;
                        ALTER TABLE edit DROP COLUMN target; DROP TABLE snapshot_over_maximum; PRAGMA user_version = 3
                        """)
            }
            try queue.close()
            // Every row of the statistics' tables (a table's rows follow its `table NAME:` line).
            let statistics = { (path: String) in
                var table = ""
                return try StoreInspection.dump(path).split(separator: "\n").filter { line in
                    if line.hasPrefix("table ") { table = String(line.dropFirst(6).prefix { $0 != ":" }) }
                    return ["snapshot", "snapshot_records", "source"].contains(table) && !line.hasPrefix("user_version")
                }
            }
            let before = try statistics(scratch.store)
            let page = try scratch.write(
                "details/2026-11-27/container/port-hosts-2375-tcp.json",
                """
                {"total_num": 1, "data_list": [{"host_id": "h-1", "host_name": "build-1", "host_ip": "10.0.0.1", "laddr": "0.0.0.0",
                 "pid": 77, "path": "/usr/bin/dockerd", "port": 2375, "type": "TCP", "status": "danger", "container_id": "c-1",
                 "container_name": "dind", "agent_id": "a-1"}]}
                """)
            let run = try await CLI.run(["import", "--store", scratch.store, "--project", "P", page], environment: Self.epoch)
            #expect(run.status == 0, "\(run)")
            #expect(run.out.contains("stored drill-down snapshot 1: ListPortHost port=2375&type=TCP (container)"), "\(run)")
            let version = try StoreInspection.read(scratch.store) { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
            #expect(version == 6)
            #expect(before.contains("table snapshot: 2 rows") && before.count > 4)
            let after = try statistics(scratch.store)
            #expect(after == before, "\(Set(after).symmetricDifference(before))")
            let listing = try await CLI.run(["snapshots", "--store", scratch.store])
            #expect(listing.out.contains("1 drill-down snapshot "), "\(listing)")
        }
    }

    /// The sample day 2026-11-28 has four ListPortHost pages (2375/TCP container; 21, 23 and
    /// 3389/TCP host): drill-down snapshots 1–4 once imported, in that order of id.
    @Test("remove and relabel --drill-down act on drill-down snapshots, logged apart from the statistics'; ids are not given out again")
    func drillDownEdits() async throws {
        try await withScratch("edit-drilldown") { scratch in
            let day = "samples/exports/2026-11-28"
            let imported = try await CLI.run(["import", "--store", scratch.store, "--project", "p1", day], environment: Self.epoch)
            try #require(imported.status == 0, "\(imported)")
            let relabel = try await CLI.run(
                ["relabel", "--store", scratch.store, "--drill-down", "2", "--project", "P"], environment: Self.epoch)
            #expect(relabel.status == 0, "\(relabel)")
            #expect(
                relabel.out.lines == [
                    "relabelled drill-down snapshot 2: project p1 → P (edit 1)",
                    "1 drill-down snapshot relabelled → \(scratch.store) (portreport edits lists the change)"
                ], "\(relabel)")
            let remove = try await CLI.run(["remove", "--store", scratch.store, "--drill-down", "4"], environment: Self.epoch)
            #expect(remove.status == 0, "\(remove)")
            #expect(
                remove.out.lines.first
                    == "removed drill-down snapshot 4: ListPortHost port=3389&type=TCP (host) 2026-11-28T00:00:00Z, project p1, 2 records from 1 page (edit 2)",
                "\(remove)")
            let listing = try await CLI.run(["snapshots", "--store", scratch.store, "--format", "json"])
            let root = try #require(try JSONSerialization.jsonObject(with: Data(listing.out.utf8)) as? [String: Any])
            let details = try #require(root["detail_snapshots"] as? [[String: Any]])
            #expect(details.compactMap { $0["id"] as? Int }.sorted() == [1, 2, 3])
            let second = try #require(details.first { $0["id"] as? Int == 2 })
            #expect(second["project_id"] as? String == "P")
            #expect((second["metadata_from"] as? [String: String])?["project_id"] == "relabel (edit 1)")
            // The statistics snapshot 2 is not the drill-down snapshot 2: it is not relabelled.
            let statistics = try #require(root["snapshots"] as? [[String: Any]])
            #expect(statistics.allSatisfy { ($0["metadata_from"] as? [String: String])?["project_id"] == "flag --project" })
            let observations = try StoreInspection.read(scratch.store) { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM observation WHERE detail_snapshot_id = 4")
            }
            #expect(observations == 0)
            let edits = try await CLI.run(["edits", "--store", scratch.store, "--format", "json"])
            let log = try #require(try JSONSerialization.jsonObject(with: Data(edits.out.utf8)) as? [String: Any])
            let rows = try #require(log["edits"] as? [[String: Any]])
            #expect(rows.map { $0["target"] as? String } == ["drill-down", "drill-down"])
            #expect(rows.map { $0["arguments"] as? String } == ["relabel --drill-down 2 --project P", "remove --drill-down 4"])
            // The page of 3389 imported again: a new id, above the removed 4.
            let again = try await CLI.run(
                ["import", "--store", scratch.store, "--project", "p1", "\(day)/host/port-hosts-3389-tcp-offset-0.json"],
                environment: Self.epoch)
            #expect(again.status == 0, "\(again)")
            #expect(again.out.lines.first?.hasPrefix("stored drill-down snapshot 5: ListPortHost port=3389&type=TCP") == true, "\(again)")
            // Relabelling 1 (2375, container) to a category is refused; an unknown id changes nothing.
            let category = try await CLI.run(
                ["relabel", "--store", scratch.store, "--drill-down", "1", "--category", "host"], environment: Self.epoch)
            #expect(category.status != 0 && category.err.contains("cannot be relabelled to category host"), "\(category)")
            let missing = try await CLI.run(["remove", "--store", scratch.store, "--drill-down", "1", "9"], environment: Self.epoch)
            #expect(missing.status != 0 && missing.err.contains("no drill-down snapshot 9 in this store"), "\(missing)")
            let still = try StoreInspection.read(scratch.store) { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM detail_snapshot") }
            #expect(still == 4)
        }
    }

    @Test("report PATH --project/--category imports the paths under them, and scopes the report to them")
    func reportPathsTakeTheFlags() async throws {
        try await withScratch("report-paths") { scratch in
            let page = try scratch.write(
                "drop/page-1.json", #"{"total_num": 1, "data_list": [{"port": 6379, "type": "TCP", "num": 4, "status": "normal"}]}"#)
            let run = try await CLI.run(
                ["report", "--store", scratch.store, "--project", "P", "--category", "container", "--format", "json", page],
                environment: Self.epoch)
            #expect(run.status == 0, "\(run)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            #expect(
                listing.snapshots.map(\.projectID) == ["P"] && listing.snapshots.map(\.category) == ["container"], "\(listing.snapshots)")
            #expect(listing.snapshots.first?.metadataFrom["project_id"] == "flag --project")
            #expect(listing.snapshots.first?.metadataFrom["category"] == "flag --category")
            let root = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
            let row = try #require((root["ranking"] as? [[String: Any]])?.first)
            #expect(row["port"] as? Int == 6379 && row["container"] as? Int == 4 && row["host"] as? Int == 0, "\(row)")
        }
    }

    @Test("a report that fails after its import says that the import was kept")
    func reportFailureKeepsImport() async throws {
        try await withScratch("report-kept") { scratch in
            let export = try IdentityTests.writeExport(scratch)
            let run = try await CLI.run(
                ["report", "--store", scratch.store, "--project", "X", "--as-of", "2020-01-01", "--format", "json", export],
                environment: Self.epoch)
            #expect(run.status == 1, "\(run)")
            #expect(run.out.isEmpty)
            let lines = run.err.lines
            #expect(lines.count == 3, "\(run)")
            #expect(lines.first?.hasPrefix("imported: 2 files read, 3 records added: 2 new snapshots") == true, "\(run)")
            #expect(lines.dropFirst().first?.hasPrefix("error: no snapshots in scope") == true, "\(run)")
            #expect(lines.last == "note: the import was kept: 2 snapshots stored in \(scratch.store)", "\(run)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            #expect(listing.snapshots.count == 2)
        }
    }

    @Test("a report that fails after importing only drill-down pages says that they were kept")
    func reportFailureKeepsDrilldownImport() async throws {
        try await withScratch("report-kept-drilldown") { scratch in
            // One ListPortHost page (port 21 on the sample's hosts): a drill-down snapshot and no
            // statistics, so the report then finds nothing in scope.
            let page = "samples/exports/2026-11-28/host/port-hosts-21-tcp-offset-0.json"
            let run = try await CLI.run(["report", "--store", scratch.store, "--format", "json", page], environment: Self.epoch)
            #expect(run.status == 1, "\(run)")
            #expect(run.err.lines.contains { $0.hasPrefix("error: ") }, "\(run)")
            #expect(run.err.lines.last == "note: the import was kept: 1 drill-down snapshot stored in \(scratch.store)", "\(run)")
            // Importing it again changes nothing, and a failing report then says nothing was kept.
            let again = try await CLI.run(["report", "--store", scratch.store, "--format", "json", page], environment: Self.epoch)
            #expect(again.status == 1, "\(again)")
            #expect(!again.err.contains("the import was kept"), "\(again)")
        }
    }
}
