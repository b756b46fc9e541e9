import Foundation
import GRDB
import Testing

/// Drill-down rows read from any SQLite database with `--query` (issue 13: "SQLite --query with
/// the extra columns"). The rows are written here; every expected value is counted from them.
@Suite("Drill-down rows from an SQLite --query")
struct DrilldownQueryTests {
    static let epoch = ["SOURCE_DATE_EPOCH": "1800000000"]

    /// Four observations of 2026-11-28: 2375/TCP on web-1 (every interface) and web-2 (loopback),
    /// 22/TCP on web-1, and 2375/TCP in container c1; total_num is each port's count.
    static func database(_ scratch: Scratch) async throws -> String {
        let path = scratch.path("observations.db")
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE obs (day TEXT, cat TEXT, port INTEGER, proto TEXT, hid TEXT, hname TEXT, ip TEXT, addr TEXT, pid INTEGER,
                        exe TEXT, st TEXT, cid TEXT, cname TEXT, total INTEGER);
                    INSERT INTO obs VALUES
                        ('2026-11-28', 'host', 2375, 'TCP', 'h1', 'web-1', '10.0.0.1', '0.0.0.0', 7, '/usr/bin/dockerd', 'danger', NULL, NULL, 2),
                        ('2026-11-28', 'host', 2375, 'TCP', 'h2', 'web-2', '10.0.0.2', '127.0.0.1', 8, '/usr/bin/dockerd', 'danger', NULL, NULL, 2),
                        ('2026-11-28', 'host', 22, 'TCP', 'h1', 'web-1', '10.0.0.1', '0.0.0.0', 1, '/usr/sbin/sshd', 'normal', NULL, NULL, 1),
                        ('2026-11-28', 'container', 2375, 'TCP', 'h1', 'web-1', '10.0.0.1', '0.0.0.0', 9, '/usr/bin/dockerd', 'danger', 'c1', 'dind', 1);
                    """)
        }
        try queue.close()
        return path
    }

    static let columns =
        "day AS captured_at, cat AS category, port, proto AS type, hid AS host_id, hname AS host_name, ip AS host_ip, "
        + "addr AS laddr, pid, exe AS path, st AS status, cid AS container_id, cname AS container_name, total AS total_num"

    @Test(
        "rows naming their hosts are ListPortHost, one snapshot per port and category, complete by total_num; the listing counts their assets"
    )
    func listPortHostRows() async throws {
        try await withScratch("detail-query") { scratch in
            let database = try await Self.database(scratch)
            let run = try await CLI.run(
                ["import", "--store", scratch.store, "--project", "p1", "--query", "SELECT \(Self.columns) FROM obs", database],
                environment: Self.epoch)
            #expect(run.status == 0, "\(run)")
            #expect(
                run.out.lines.filter { $0.hasPrefix("stored drill-down snapshot") }.sorted() == [
                    "stored drill-down snapshot 1: ListPortHost port=2375 (host) 2026-11-28T00:00:00Z, project p1, 2 of 2 records (complete)",
                    "stored drill-down snapshot 2: ListPortHost port=22 (host) 2026-11-28T00:00:00Z, project p1, 1 of 1 records (complete)",
                    "stored drill-down snapshot 3: ListPortHost port=2375 (container) 2026-11-28T00:00:00Z, project p1, 1 of 1 records (complete)"
                ], "\(run)")
            let listing = try await CLI.run(["snapshots", "--store", scratch.store, "--format", "json"])
            let root = try #require(try JSONSerialization.jsonObject(with: Data(listing.out.utf8)) as? [String: Any])
            let details = try #require(root["detail_snapshots"] as? [[String: Any]])
            #expect(details.map { $0["assets"] as? Int } == [1, 1, 2])  // container 2375, host 22, host 2375
            let metadata = try #require(details.first?["metadata_from"] as? [String: String])
            #expect(metadata["category"] == "query column category" && metadata["captured_at"] == "query column captured_at")
            #expect((details.first?["sources"] as? [[String: Any]])?.first?["query"] as? String == "SELECT \(Self.columns) FROM obs")
        }
    }

    @Test("rows without host names are ListPorts, one snapshot per server")
    func listPortsRows() async throws {
        try await withScratch("detail-query-ports") { scratch in
            let database = try await Self.database(scratch)
            let query =
                "SELECT day AS captured_at, port, proto AS type, hid AS host_id, addr AS laddr, pid, exe AS path FROM obs WHERE cat = 'host'"
            let run = try await CLI.run(
                ["import", "--store", scratch.store, "--project", "p1", "--category", "host", "--query", query, database],
                environment: Self.epoch)
            #expect(run.status == 0, "\(run)")
            // h1 has 2375 and 22, h2 has 2375: no total_num, so completeness is unknown.
            #expect(
                run.out.lines.filter { $0.hasPrefix("stored drill-down snapshot") } == [
                    "stored drill-down snapshot 1: ListPorts host_id=h1 (host) 2026-11-28T00:00:00Z, project p1, 2 records (completeness unknown)",
                    "stored drill-down snapshot 2: ListPorts host_id=h2 (host) 2026-11-28T00:00:00Z, project p1, 1 record (completeness unknown)"
                ], "\(run)")
        }
    }

    @Test(
        "a bad row is an error naming the row and column; nothing is stored",
        arguments: [
            (
                "SELECT day AS captured_at, cat AS category, port, proto AS type, hid AS host_id, hname AS host_name, addr AS laddr FROM obs",
                "query row 4, column container_id: expected the container's container_id, found none"
            ),
            (
                "SELECT day AS captured_at, cat AS category, port, proto AS type, hid AS host_id, hname AS host_name, addr AS laddr, cid AS container_id, 'x' AS pid FROM obs",
                "query row 1, column pid: expected a whole number 0 or more, or NULL, found 'x'"
            ),
            (
                "SELECT day AS captured_at, cat AS category, port, proto AS type, hid AS host_id, hname AS host_name, addr AS laddr, cid AS container_id, pid AS total_num FROM obs",
                "query row 2, column total_num: expected the same total_num for every row of a drill-down snapshot (ListPortHost port=2375 (host)), found 8 after 7"
            ),
            (
                "SELECT day AS captured_at, hid AS host_id, addr AS laddr, port FROM obs",
                "--query: drill-down rows (columns host_id and laddr) need columns port and type too"
            ),
            // An address with a port would otherwise be counted as a specific address, not as
            // every interface; the JSON reader refuses it too.
            (
                "SELECT day AS captured_at, port, proto AS type, hid AS host_id, hname AS host_name, addr || ':22' AS laddr FROM obs WHERE cat = 'host'",
                "query row 1, column laddr: expected an IPv4 or IPv6 listen address (0.0.0.0, ::, 10.0.0.5), found \"0.0.0.0:22\""
            ),
            (
                "SELECT day AS captured_at, 0 AS port, proto AS type, hid AS host_id, hname AS host_name, addr AS laddr FROM obs WHERE cat = 'host'",
                "query row 1, column port: expected an integer 1–65535, found 0"
            ),
            // SQLite would cut the text at the NUL, and h1<NUL>a and h1<NUL>b would be one server.
            (
                "SELECT day AS captured_at, port, proto AS type, hid || char(0) || 'a' AS host_id, hname AS host_name, addr AS laddr FROM obs WHERE cat = 'host'",
                "query row 1, column host_id: expected text without control characters, found \\u{0} (NUL)"
            )
        ])
    func badRows(query: String, message: String) async throws {
        try await withScratch("detail-query-bad") { scratch in
            let database = try await Self.database(scratch)
            let run = try await CLI.run(
                ["import", "--store", scratch.store, "--project", "p1", "--query", query, database], environment: Self.epoch)
            #expect(run.status == 1, "\(run)")
            #expect(run.err.lines.first?.hasPrefix("error: \(database): \(message)") == true, "\(run)")
            if FileManager.default.fileExists(atPath: scratch.store) {
                let count = try StoreInspection.read(scratch.store) { db in
                    try db.tableExists("observation") ? Int.fetchOne(db, sql: "SELECT count(*) FROM observation") : 0
                }
                #expect(count == 0)
            }
        }
    }
}
