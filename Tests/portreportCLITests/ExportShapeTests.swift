import Foundation
import Testing

/// Issue 11, item 1: the shapes users save, imported end to end (figures read back with
/// `snapshots --format json`), and the shapes refused (exit status, message, store unchanged).
@Suite("Export shapes")
struct ExportShapeCLITests {
    static let environment = ["SOURCE_DATE_EPOCH": "1800000000"]

    /// Two pages of one host export (total_num 3), written by hand.
    static let hostPage1 =
        #"{"total_num": 3, "data_list": [{"port": 22, "type": "TCP", "num": 5, "status": "danger"}, {"port": 80, "type": "TCP", "num": 2}]}"#
    static let hostPage2 = #"{"total_num": 3, "data_list": [{"port": 53, "type": "UDP", "num": 1}]}"#
    /// One page of a container export (total_num 1).
    static let containerPage = #"{"total_num": 1, "data_list": [{"port": 8080, "type": "TCP", "num": 4}]}"#

    static func importing(_ scratch: Scratch, _ arguments: [String], stdin: Data? = nil) async throws -> RunResult {
        try await CLI.run(["import", "--store", scratch.store] + arguments, environment: environment, stdin: stdin)
    }

    /// The one snapshot of `category` in the listing.
    static func snapshot(_ listing: Listing, _ category: String) throws -> Listing.Snapshot {
        let matching = listing.snapshots.filter { $0.category == category }
        try #require(matching.count == 1, "\(listing.snapshots)")
        return matching[0]
    }

    /// A store holding a sample export, with its listing and dump, to check that a refused
    /// import changes nothing.
    static func seededStore(_ scratch: Scratch) async throws -> (listing: Data, dump: String) {
        let seed = try await CLI.run(["import", "--store", scratch.store, "samples/exports/2026-11-24"], environment: environment)
        try #require(seed.status == 0, "\(seed)")
        return (try await CLI.listing(store: scratch.store).raw, try StoreInspection.dump(scratch.store))
    }

    static func expectUnchanged(_ scratch: Scratch, _ before: (listing: Data, dump: String)) async throws {
        #expect(try await CLI.listing(store: scratch.store).raw == before.listing, "snapshots --format json changed")
        #expect(try StoreInspection.dump(scratch.store) == before.dump, "the store's tables changed")
    }

    // MARK: Shapes that import

    @Test("a .jsonl file of pages, found by the directory walk, is one snapshot with a source per page")
    func jsonlInAWalk() async throws {
        try await withScratch("jsonl") { scratch in
            try scratch.write("exp/2026-11-28/host/pages.jsonl", Self.hostPage1 + "\n" + Self.hostPage2 + "\n")
            try scratch.write("exp/2026-11-28/container/pages.ndjson.gz", try Self.gzip(Self.containerPage + "\n"))
            let result = try await Self.importing(scratch, [scratch.path("exp")])
            #expect(result.status == 0, "\(result)")
            let listing = try await CLI.listing(store: scratch.store).listing
            #expect(listing.snapshots.count == 2)
            let host = try Self.snapshot(listing, "host")
            #expect(host.capturedAt == "2026-11-28T00:00:00Z")
            #expect(host.records == 3 && host.totalNum == 3 && host.complete, "\(host)")
            #expect(host.sources.map(\.entry) == [0, 1])
            #expect(host.sources.map(\.records) == [2, 1])
            let container = try Self.snapshot(listing, "container")
            #expect(container.records == 1 && container.totalNum == 1 && container.complete, "\(container)")
        }
    }

    @Test("bodies concatenated on standard input (print(response) per page) are the pages of one snapshot")
    func concatenatedOnStandardInput() async throws {
        try await withScratch("stdin-stream") { scratch in
            let stream = Self.hostPage1 + Self.hostPage2 + "\n"
            let result = try await Self.importing(
                scratch, ["--category", "host", "--captured-at", "2026-11-28T02:00:00Z", "-"], stdin: Data(stream.utf8))
            #expect(result.status == 0, "\(result)")
            let host = try Self.snapshot(try await CLI.listing(store: scratch.store).listing, "host")
            #expect(host.capturedAt == "2026-11-28T02:00:00Z")
            #expect(host.records == 3 && host.totalNum == 3 && host.complete, "\(host)")
        }
    }

    @Test("a JSON array of page bodies is the pages of one snapshot")
    func arrayOfBodies() async throws {
        try await withScratch("array") { scratch in
            let path = try scratch.write("exp/2026-11-28/host/all-pages.json", "[" + Self.hostPage1 + ", " + Self.hostPage2 + "]")
            let result = try await Self.importing(scratch, [path])
            #expect(result.status == 0, "\(result)")
            let host = try Self.snapshot(try await CLI.listing(store: scratch.store).listing, "host")
            #expect(host.records == 3 && host.totalNum == 3 && host.complete, "\(host)")
        }
    }

    @Test("an object keyed by category stores each category from its key, and says so")
    func keyedByCategory() async throws {
        try await withScratch("keyed") { scratch in
            let path = try scratch.write(
                "exp/2026-11-28/export.json",
                #"{"Host": ["# + Self.hostPage1 + ", " + Self.hostPage2 + #"], "container": "# + Self.containerPage + "}")
            let result = try await Self.importing(scratch, [path])
            #expect(result.status == 0, "\(result)")
            let listing = try await CLI.listing(store: scratch.store).listing
            let host = try Self.snapshot(listing, "host")
            #expect(host.records == 3 && host.totalNum == 3 && host.complete, "\(host)")
            #expect(host.metadataFrom["category"] == "body (Host)")
            let container = try Self.snapshot(listing, "container")
            #expect(container.records == 1 && container.complete, "\(container)")
            #expect(container.metadataFrom["category"] == "body (container)")
        }
    }

    @Test("a keyed body that contradicts --category is refused")
    func keyedAgainstTheFlag() async throws {
        try await withScratch("keyed-flag") { scratch in
            let path = try scratch.write("exp/2026-11-28/export.json", #"{"container": "# + Self.containerPage + "}")
            let result = try await Self.importing(scratch, ["--category", "host", path])
            #expect(result.status == 1, "\(result)")
            #expect(result.err.contains("the body says container but --category says host"), "\(result)")
            #expect(try storeHoldsNothing(scratch.store))
        }
    }

    @Test("the SDK's to_dict() (status null) and to_str() (spaced separators) outputs import with their figures")
    func sdkOutputs() async throws {
        try await withScratch("sdk") { scratch in
            try scratch.write(
                "exp/2026-11-28/host/to-dict.json",
                #"{"total_num": 2, "data_list": [{"port": 22, "type": "TCP", "num": 5, "status": null}, {"port": 443, "type": "TCP", "num": 3, "status": "normal"}]}"#
            )
            try scratch.write(
                "exp/2026-11-29/host/to-str.json",
                #"{"total_num" : 1 , "data_list" : [ {"port" : 22 , "type" : "TCP" , "num" : 6 , "status" : "danger"} ]}"#)
            let result = try await Self.importing(scratch, [scratch.path("exp")])
            #expect(result.status == 0, "\(result)")
            let listing = try await CLI.listing(store: scratch.store).listing
            #expect(
                listing.snapshots.map { "\($0.capturedAt) \($0.records)/\($0.totalNum ?? -1) \($0.complete)" }.sorted() == [
                    "2026-11-28T00:00:00Z 2/2 true", "2026-11-29T00:00:00Z 1/1 true"
                ])
        }
    }

    // MARK: Bare records: completeness unknown

    @Test("a bare array of records with --category and --captured-at is stored with completeness unknown, and reported")
    func bareRecordsWithFlags() async throws {
        try await withScratch("records") { scratch in
            let path = try scratch.write(
                "records.json", #"[{"port": 22, "type": "TCP", "num": 3}, {"port": 3389, "type": "TCP", "num": 2}]"#)
            let result = try await Self.importing(scratch, ["--category", "host", "--captured-at", "2026-11-28T00:00:00Z", path])
            #expect(result.status == 0, "\(result)")
            #expect(result.out.contains("2 records (completeness unknown)"), "\(result)")
            #expect(!result.out.contains("(complete)"), "\(result)")
            #expect(result.err.contains("completeness unknown: the source gives no total_num"), "\(result)")
            let host = try Self.snapshot(try await CLI.listing(store: scratch.store).listing, "host")
            #expect(host.records == 2 && host.totalNum == nil && !host.complete, "\(host)")
            #expect(host.note?.hasPrefix("completeness unknown:") == true, "\(host.note ?? "")")
            #expect(host.metadataFrom["category"] == "flag --category")

            let table = try await CLI.run(["snapshots", "--store", scratch.store])
            #expect(table.status == 0, "\(table)")
            #expect(table.out.contains("completeness unknown"), "\(table)")
            #expect(!table.out.contains(" complete "), "\(table)")

            // Reports use it (nothing says it is short) and say that its completeness is unknown.
            let report = try await CLI.run(
                ["report", "--store", scratch.store, "--format", "json", "-o", "-"], environment: Self.environment)
            #expect(report.status == 0, "\(report)")
            let object = try #require(try JSONSerialization.jsonObject(with: report.stdout) as? [String: Any])
            let current = try #require(object["current"] as? [String: Any])
            #expect((current["host"] as? [Int]) == [host.id])
            let ranking = try #require(object["ranking"] as? [[String: Any]])
            #expect(ranking.map { "\($0["port"] ?? "")/\($0["host"] ?? "")" } == ["22/3", "3389/2"])
            let warnings = try #require(object["warnings"] as? [String])
            #expect(warnings.contains { $0.contains("snapshot \(host.id)") && $0.contains("completeness unknown") }, "\(warnings)")
            let markdown = try await CLI.run(
                ["report", "--store", scratch.store, "--format", "markdown", "-o", "-"], environment: Self.environment)
            #expect(markdown.status == 0, "\(markdown)")
            #expect(markdown.out.contains("completeness unknown"), "\(markdown)")
        }
    }

    @Test(
        "a bare array of records without both flags is refused, naming what is missing",
        arguments: [
            (["--category", "host"], "missing: --captured-at"), (["--captured-at", "2026-11-28T00:00:00Z"], "missing: --category"),
            ([], "missing: --category, --captured-at")
        ])
    func bareRecordsWithoutFlags(flags: [String], missing: String) async throws {
        try await withScratch("records-refused") { scratch in
            let before = try await Self.seededStore(scratch)
            let path = try scratch.write("exp/2026-11-28/host/records.json", #"[{"port": 22, "type": "TCP", "num": 3}]"#)
            let result = try await Self.importing(scratch, flags + [path])
            #expect(result.status == 1, "\(result)")
            #expect(result.err.contains("a bare array of port records is imported only with --category and --captured-at"), "\(result)")
            #expect(result.err.contains(missing), "\(result)")
            try await Self.expectUnchanged(scratch, before)
        }
    }

    // MARK: Refused shapes

    @Test("host pages then container pages in one stream, without --category, are refused: never one snapshot")
    func severalExportsInOneStream() async throws {
        try await withScratch("several") { scratch in
            let before = try await Self.seededStore(scratch)
            let path = try scratch.write(
                "exp/2026-11-28/everything.jsonl", [Self.hostPage1, Self.hostPage2, Self.containerPage].joined(separator: "\n") + "\n")
            let result = try await Self.importing(scratch, [path])
            #expect(result.status == 1, "\(result)")
            #expect(
                result.err.contains("everything.jsonl:3: document 3 (line 3): total_num 1 here but 3 in document 1 (line 1)"), "\(result)")
            #expect(result.err.contains("several exports in one input cannot be told apart"), "\(result)")
            #expect(result.err.contains("one file per export"), "\(result)")
            try await Self.expectUnchanged(scratch, before)
        }
    }

    @Test("a Python repr of a dict is refused, named, with how to save JSON")
    func pythonRepr() async throws {
        try await withScratch("repr") { scratch in
            let before = try await Self.seededStore(scratch)
            let path = try scratch.write(
                "exp/2026-11-28/host/page.txt.json",
                "{'total_num': 1, 'data_list': [{'port': 22, 'type': 'TCP', 'num': 1, 'status': None}]}\n")
            let result = try await Self.importing(scratch, [path])
            #expect(result.status == 1, "\(result)")
            #expect(result.err.contains("this is a Python repr of a dict"), "\(result)")
            #expect(result.err.contains("json.dump(resp.to_json_object(), f)"), "\(result)")
            try await Self.expectUnchanged(scratch, before)
        }
    }

    static let listPortHost =
        #"{"total_num": 1, "data_list": [{"host_id": "h-1", "host_name": "web-1", "host_ip": "10.0.0.1", "laddr": "0.0.0.0", "port": 22, "type": "TCP", "status": "danger", "pid": 812, "path": "/usr/sbin/sshd", "agent_id": "a1"}]}"#

    @Test("a ListPortHost page beside statistics is imported with them")
    func listPortHostBesideStatistics() async throws {
        try await withScratch("drill") { scratch in
            let drill = try scratch.write("exp/2026-11-28/host/port-hosts-22-tcp-offset-0.json", Self.listPortHost)
            try scratch.write("exp/2026-11-28/host/page-0001.json", Self.hostPage1)
            try scratch.write("exp/2026-11-28/host/page-0002.json", Self.hostPage2)
            let result = try await Self.importing(scratch, [scratch.path("exp")])
            #expect(result.status == 0, "\(result)")
            #expect(!result.err.contains(drill), "\(result)")
            #expect(!result.err.contains("not imported yet"), "\(result)")
            let host = try Self.snapshot(try await CLI.listing(store: scratch.store).listing, "host")
            #expect(host.records == 3 && host.totalNum == 3 && host.complete, "\(host)")
        }
    }

    @Test("a drill-down page whose laddr is not an address is refused, naming the file, line and record; store unchanged")
    func listPortHostBadLaddr() async throws {
        try await withScratch("drill-laddr") { scratch in
            let before = try await Self.seededStore(scratch)
            let drill = try scratch.write(
                "exp/2026-11-28/host/port-hosts-22-tcp-offset-0.json",
                "{\"total_num\": 1, \"data_list\": [\n{\"host_id\": \"h-1\", \"laddr\": \"localhost\", \"port\": 22, \"type\": \"TCP\"}]}\n"
            )
            let result = try await Self.importing(scratch, [drill])
            #expect(result.status == 1, "\(result)")
            #expect(result.err.contains("\(drill):2"), "\(result)")
            #expect(result.err.contains("data_list[0].laddr"), "\(result)")
            #expect(result.err.contains("expected an IPv4 or IPv6 listen address"), "\(result)")
            try await Self.expectUnchanged(scratch, before)
        }
    }

    /// SQLite cuts a text at a NUL: h1<NUL>a and h1<NUL>b were stored as one server h1, and the
    /// snapshot read "1 of 2 records".
    @Test("a drill-down record whose text holds a NUL is refused, naming the record's member; store unchanged")
    func listPortHostNUL() async throws {
        try await withScratch("drill-nul") { scratch in
            let before = try await Self.seededStore(scratch)
            let drill = try scratch.write(
                "exp/2026-11-28/host/port-hosts-22-tcp-offset-0.json",
                "{\"total_num\": 2, \"data_list\": [\n{\"host_id\": \"h1\\u0000a\", \"host_name\": \"x\", \"laddr\": \"::\", \"port\": 22, \"type\": \"TCP\"},\n"
                    + "{\"host_id\": \"h1\\u0000b\", \"host_name\": \"y\", \"laddr\": \"::\", \"port\": 22, \"type\": \"TCP\"}]}\n")
            let result = try await Self.importing(scratch, [drill])
            #expect(result.status == 1, "\(result)")
            #expect(
                result.err.contains("data_list[0].host_id: expected a host_id without a NUL (U+0000): found at character 3"), "\(result)")
            try await Self.expectUnchanged(scratch, before)
        }
    }

    @Test("a drill-down page whose records do not answer the port its name says is refused; store unchanged")
    func listPortHostWrongPort() async throws {
        try await withScratch("drill-port") { scratch in
            let before = try await Self.seededStore(scratch)
            let drill = try scratch.write("exp/2026-11-28/host/port-hosts-2375-tcp.json", Self.listPortHost)
            let result = try await Self.importing(scratch, [drill])
            #expect(result.status == 1, "\(result)")
            #expect(result.err.contains("data_list[0].port"), "\(result)")
            #expect(result.err.contains("expected port 2375"), "\(result)")
            try await Self.expectUnchanged(scratch, before)
        }
    }
}

extension ExportShapeCLITests {
    /// `text` gzip-compressed, by /bin/gzip (not by the tool).
    static func gzip(_ text: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}
