// Issue 12, ranges: values have documented ranges, checked where they enter (README "Limits").
//
// Generated cases, one per entry point and side of the range: times within the years 1970–9999
// UTC (`--captured-at`, `--now`, `--as-of`, path dates, HAR `startedDateTime`, `--query`
// `captured_at` as text or Unix seconds, `SOURCE_DATE_EPOCH`), `num` and `total_num` 0–1000000000
// (body, HAR, `--query`, a merged store), and text fields of at most 256 characters (project ids
// from flags and query columns). Just inside: accepted (exit 0). Just outside: exit 1 (64 for a
// flag or the environment, refused by argument validation as every other bad flag is), one error
// line naming the input and the place and the range, no trap, and the store unchanged.
//
// Then stores as portreport 0.2 could write them, with a num over the maximum or a captured_at
// outside the years: `report`, `check` and `snapshots` still work, and name the snapshot they
// leave out in a warning. The rows are written directly with GRDB.

import Foundation
import GRDB
import Testing

/// One range case: a command line run against a store seeded with one sample export.
struct RangeCase: Sendable, CustomTestStringConvertible {
    let name: String
    /// Exit status: 0 accepted, 1 refused input, 64 refused flag or environment.
    let status: Int32
    /// Words the one error line must hold (the input, the place, the range); empty when accepted.
    var mentions: [String] = []
    var environment: [String: String] = [:]
    /// The arguments, given the scratch directory (to write inputs into) and the store path.
    let arguments: @Sendable (Scratch, String) throws -> [String]

    var testDescription: String { name }
}

@Suite("Reliability: ranges checked where values enter (issue 12)", .serialized)
struct RangeReliabilityTests {
    static let range = "1970–9999"

    static func body(num: String = "3", total: String = "1") -> String {
        #"{"total_num": \#(total), "data_list": [{"port": 22, "type": "TCP", "num": \#(num)}]}"#
    }

    /// `import FILE` of a body under `directory` (a dated host folder unless given).
    static func importBody(
        _ body: String, at relative: String = "2026-12-01/host/page.json", flags: [String] = []
    )
        -> @Sendable (Scratch, String) throws -> [String]
    {
        { scratch, store in
            let path = try scratch.write("in/" + relative, body)
            return ["import", "--store", store] + flags + [path]
        }
    }

    static func har(started: String, num: String = "3") throws -> String {
        let entry: [String: Any] = [
            "startedDateTime": started,
            "request": ["method": "GET", "url": "https://hss.example/v5/p1/asset/port/statistics?category=host&limit=200&offset=0"],
            "response": ["status": 200, "content": ["mimeType": "application/json", "text": body(num: num)]]
        ]
        let data = try JSONSerialization.data(withJSONObject: ["log": ["entries": [entry]]], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    static func importHAR(started: String, num: String = "3") -> @Sendable (Scratch, String) throws -> [String] {
        { scratch, store in
            let path = try scratch.write("in/capture.har", try har(started: started, num: num))
            return ["import", "--store", store, path]
        }
    }

    /// `import --query` over a foreign database whose one row has these columns (SQL literals).
    static func importQuery(_ columns: [(String, String)], num: String = "3") -> @Sendable (Scratch, String) throws -> [String] {
        { scratch, store in
            let path = scratch.path("in/foreign.db")
            try FileManager.default.createDirectory(atPath: scratch.path("in"), withIntermediateDirectories: true)
            let queue = try DatabaseQueue(path: path)
            let all = [("port", "22"), ("type", "'TCP'"), ("num", num)] + columns
            try queue.write { db in
                try db.execute(sql: "CREATE TABLE t (\(all.map(\.0).joined(separator: ", ")))")
                try db.execute(sql: "INSERT INTO t VALUES (\(all.map(\.1).joined(separator: ", ")))")
            }
            try queue.close()
            var arguments = ["import", "--store", store, "--query", "SELECT \(all.map(\.0).joined(separator: ", ")) FROM t"]
            if !columns.contains(where: { $0.0 == "captured_at" }) { arguments += ["--captured-at", "2026-12-01T00:00:00Z"] }
            return arguments + [path]
        }
    }

    static func report(_ flags: [String]) -> @Sendable (Scratch, String) throws -> [String] {
        { _, store in ["report", "--store", store, "--format", "json", "-o", "-"] + flags }
    }

    static let long256 = String(repeating: "a", count: 256)
    static let long257 = String(repeating: "a", count: 257)

    static let cases: [RangeCase] = [
        // --captured-at
        RangeCase(
            name: "--captured-at 1970-01-01T00:00:00Z", status: 0,
            arguments: importBody(body(), flags: ["--captured-at", "1970-01-01T00:00:00Z"])),
        RangeCase(
            name: "--captured-at 9999-12-31T23:59:59Z", status: 0,
            arguments: importBody(body(), flags: ["--captured-at", "9999-12-31T23:59:59Z"])),
        RangeCase(
            name: "--captured-at 0001-01-01T00:00:00+01:00", status: 64, mentions: ["--captured-at", "0001-01-01T00:00:00+01:00", range],
            arguments: importBody(body(), flags: ["--captured-at", "0001-01-01T00:00:00+01:00"])),
        RangeCase(
            name: "--captured-at 9999-12-31T23:59:59-01:00", status: 64, mentions: ["--captured-at", "9999-12-31T23:59:59-01:00", range],
            arguments: importBody(body(), flags: ["--captured-at", "9999-12-31T23:59:59-01:00"])),
        RangeCase(
            name: "--captured-at 1969-12-31T23:59:59Z", status: 64, mentions: ["--captured-at", "1969-12-31T23:59:59Z", range],
            arguments: importBody(body(), flags: ["--captured-at", "1969-12-31T23:59:59Z"])),
        // --now and --as-of
        RangeCase(name: "--now 1970-01-01", status: 0, arguments: report(["--now", "1970-01-01"])),
        RangeCase(
            name: "--now 1969-12-31", status: 64, mentions: ["--now", "1969-12-31", range], arguments: report(["--now", "1969-12-31"])),
        RangeCase(
            name: "--now 9999-12-31T23:59:59-01:00", status: 64, mentions: ["--now", range],
            arguments: report(["--now", "9999-12-31T23:59:59-01:00"])),
        RangeCase(name: "--as-of 9999-12-31", status: 0, arguments: report(["--as-of", "9999-12-31"])),
        RangeCase(
            name: "--as-of 1969-12-31T23:59:59Z", status: 64, mentions: ["--as-of", "1969-12-31T23:59:59Z", range],
            arguments: report(["--as-of", "1969-12-31T23:59:59Z"])),
        // SOURCE_DATE_EPOCH
        RangeCase(
            name: "SOURCE_DATE_EPOCH=253402300799", status: 0, environment: ["SOURCE_DATE_EPOCH": "253402300799"],
            arguments: importBody(body())),
        RangeCase(
            name: "SOURCE_DATE_EPOCH=253402300800 (import)", status: 64, mentions: ["SOURCE_DATE_EPOCH", "253402300800", range],
            environment: ["SOURCE_DATE_EPOCH": "253402300800"], arguments: importBody(body())),
        RangeCase(
            name: "SOURCE_DATE_EPOCH=-1 (report)", status: 64, mentions: ["SOURCE_DATE_EPOCH", "-1", range],
            environment: ["SOURCE_DATE_EPOCH": "-1"], arguments: report([])),
        RangeCase(
            name: "SOURCE_DATE_EPOCH=yesterday (report)", status: 64, mentions: ["SOURCE_DATE_EPOCH", "yesterday"],
            environment: ["SOURCE_DATE_EPOCH": "yesterday"], arguments: report([])),
        // Path dates
        RangeCase(name: "path 1970-01-01", status: 0, arguments: importBody(body(), at: "1970-01-01/host/page.json")),
        RangeCase(
            name: "path 1969-12-31", status: 1, mentions: ["1969-12-31/host/page.json", "path", range],
            arguments: importBody(body(), at: "1969-12-31/host/page.json")),
        RangeCase(
            name: "path 0001-01-01T00:00:00+01:00", status: 1, mentions: ["path", range],
            arguments: importBody(body(), at: "0001-01-01T00:00:00+01:00/host/page.json")),
        // HAR startedDateTime
        RangeCase(name: "HAR startedDateTime 1970-01-01T00:00:00Z", status: 0, arguments: importHAR(started: "1970-01-01T00:00:00Z")),
        RangeCase(
            name: "HAR startedDateTime 9999-12-31T23:59:59-01:00", status: 1,
            mentions: ["capture.har", "log.entries[0].startedDateTime", range], arguments: importHAR(started: "9999-12-31T23:59:59-01:00")),
        // --query captured_at
        RangeCase(name: "query captured_at 253402300799", status: 0, arguments: importQuery([("captured_at", "253402300799")])),
        RangeCase(name: "query captured_at 0", status: 0, arguments: importQuery([("captured_at", "0")])),
        RangeCase(
            name: "query captured_at 253402300800", status: 1, mentions: ["foreign.db", "query row 1, column captured_at", range],
            arguments: importQuery([("captured_at", "253402300800")])),
        RangeCase(
            name: "query captured_at 9223372036854775807", status: 1, mentions: ["query row 1, column captured_at", range],
            arguments: importQuery([("captured_at", "9223372036854775807")])),
        RangeCase(
            name: "query captured_at -1", status: 1, mentions: ["query row 1, column captured_at", range],
            arguments: importQuery([("captured_at", "-1")])),
        RangeCase(
            name: "query captured_at '0001-01-01T00:00:00+01:00'", status: 1, mentions: ["query row 1, column captured_at", range],
            arguments: importQuery([("captured_at", "'0001-01-01T00:00:00+01:00'")])),
        // num and total_num
        RangeCase(name: "body num 1000000000", status: 0, arguments: importBody(body(num: "1000000000"))),
        RangeCase(
            name: "body num 1000000001", status: 1, mentions: ["page.json", "data_list[0].num", "0–1000000000", "1000000001"],
            arguments: importBody(body(num: "1000000001"))),
        RangeCase(
            name: "body num 5000000000000000000", status: 1, mentions: ["data_list[0].num", "0–1000000000", "5000000000000000000"],
            arguments: importBody(body(num: "5000000000000000000"))),
        RangeCase(
            name: "body total_num 1000000001", status: 1, mentions: ["page.json", "total_num", "0–1000000000"],
            arguments: importBody(body(total: "1000000001"))),
        RangeCase(name: "HAR num 1000000000", status: 0, arguments: importHAR(started: "2026-12-01T00:00:00Z", num: "1000000000")),
        RangeCase(
            name: "HAR num 1000000001", status: 1, mentions: ["capture.har", "num", "0–1000000000"],
            arguments: importHAR(started: "2026-12-01T00:00:00Z", num: "1000000001")),
        RangeCase(name: "query num 1000000000", status: 0, arguments: importQuery([("total_num", "1")], num: "1000000000")),
        RangeCase(
            name: "query num 1000000001", status: 1, mentions: ["query row 1, column num", "0–1000000000"],
            arguments: importQuery([], num: "1000000001")),
        RangeCase(
            name: "query total_num 1000000001", status: 1, mentions: ["query row 1, column total_num", "0–1000000000"],
            arguments: importQuery([("total_num", "1000000001")])),
        // Text lengths
        RangeCase(name: "--project of 256 characters", status: 0, arguments: importBody(body(), flags: ["--project", long256])),
        RangeCase(
            name: "--project of 257 characters", status: 64, mentions: ["--project", "an id of at most 256 characters", "257"],
            arguments: importBody(body(), flags: ["--project", long257])),
        RangeCase(
            name: "--enterprise-project of 257 characters", status: 64, mentions: ["--enterprise-project", "256"],
            arguments: importBody(body(), flags: ["--enterprise-project", long257])),
        RangeCase(
            name: "query project_id of 257 characters", status: 1, mentions: ["foreign.db", "query column project_id", "256"],
            arguments: importQuery([("project_id", "'\(long257)'")])),
        RangeCase(name: "query project_id of 256 characters", status: 0, arguments: importQuery([("project_id", "'\(long256)'")]))
    ]

    /// A store seeded with one sample export.
    static func seeded(_ scratch: Scratch) async throws -> String {
        let store = scratch.store
        let result = try await CLI.run(["import", "--store", store, "samples/exports/2026-11-24"], environment: ReliabilitySettings.epoch)
        try #require(result.status == 0, "\(result)")
        return store
    }

    @Test(arguments: cases)
    func entryPoint(_ rangeCase: RangeCase) async throws {
        try await withScratch("range") { scratch in
            let store = try await Self.seeded(scratch)
            let before = try StoreInspection.dump(store)
            var environment = ReliabilitySettings.epoch
            for (name, value) in rangeCase.environment { environment[name] = value }
            let arguments = try rangeCase.arguments(scratch, store)
            let result = try await CLI.run(arguments, environment: environment, timeout: ReliabilitySettings.timeout)
            #expect(!result.signalled && ![132, 133, 134].contains(result.status) && !result.err.contains("Fatal error"), "\(result)")
            #expect(result.status == rangeCase.status, "\(result)")
            let after = try StoreInspection.dump(store)
            if rangeCase.status == 0 {
                // Still readable afterwards.
                let listing = try await CLI.run(["snapshots", "--store", store], timeout: ReliabilitySettings.timeout)
                #expect(listing.status == 0, "\(listing)")
                if arguments.first == "report" { #expect(after == before) }
                return
            }
            #expect(after == before, "the store changed")
            let lines = result.err.split(separator: "\n").filter { $0.lowercased().hasPrefix("error:") }
            #expect(lines.count == 1, "\(result)")
            let line = String(lines.first ?? "")
            for word in rangeCase.mentions {
                #expect(line.contains(word), "'\(word)' not in: \(line)")
            }
            let listing = try await CLI.run(["snapshots", "--store", store], timeout: ReliabilitySettings.timeout)
            #expect(listing.status == 0, "\(listing)")
        }
    }

    @Test("merging a store whose snapshot holds a num over the maximum is refused, naming it")
    func mergedStoreOverMaximum() async throws {
        try await withScratch("range-merge") { scratch in
            let store = try await Self.seeded(scratch)
            let other = scratch.path("other.sqlite")
            let made = try await CLI.run(["import", "--store", other, "samples/exports/2026-11-25"], environment: ReliabilitySettings.epoch)
            try #require(made.status == 0, "\(made)")
            try Self.setFirstNum(of: 1, to: 5_000_000_000_000_000_000, in: other)
            let before = try StoreInspection.dump(store)
            let result = try await CLI.run(["import", "--store", store, other], environment: ReliabilitySettings.epoch)
            #expect(result.status == 1, "\(result)")
            let lines = result.err.split(separator: "\n").filter { $0.lowercased().hasPrefix("error:") }
            #expect(lines.count == 1, "\(result)")
            #expect(lines.first?.contains("other.sqlite") == true && lines.first?.contains("5000000000000000000") == true, "\(result)")
            #expect(lines.first?.contains("1000000000") == true, "\(result)")
            #expect(try StoreInspection.dump(store) == before)
        }
    }

    // MARK: Stores written by 0.2

    /// Rewrites the num of the first record of snapshot `id`'s blob, as 0.2 could have stored it.
    static func setFirstNum(of id: Int64, to num: Int64, in path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            guard var blob = try Data.fetchOne(db, sql: "SELECT data FROM snapshot_records WHERE snapshot_id = ?", arguments: [id]),
                blob.count >= 16
            else { throw TestSetupError("snapshot \(id) has no records blob") }
            let bytes = withUnsafeBytes(of: UInt64(bitPattern: num).bigEndian) { Array($0) }
            blob.replaceSubrange(blob.startIndex + 8..<blob.startIndex + 16, with: bytes)
            try db.execute(sql: "UPDATE snapshot_records SET data = ? WHERE snapshot_id = ?", arguments: [blob, id])
            // As portreport 0.2 left it: a store from before schema 6, which finds such snapshots
            // once, when it is upgraded.
            try db.execute(sql: "DROP TABLE IF EXISTS snapshot_over_maximum; PRAGMA user_version = 5")
        }
        try queue.close()
    }

    /// A store with two days of samples whose newest host snapshot is made bad by `damage`;
    /// returns the store and that snapshot's id.
    static func storeWithBadSnapshot(_ scratch: Scratch, _ damage: (Int64, String) throws -> Void) async throws -> (String, Int64) {
        let store = scratch.store
        let result = try await CLI.run(
            ["import", "--store", store, "samples/exports/2026-11-24", "samples/exports/2026-11-25"], environment: ReliabilitySettings.epoch
        )
        try #require(result.status == 0, "\(result)")
        let id = try StoreInspection.read(store) { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM snapshot WHERE category = 'host' ORDER BY captured_at DESC LIMIT 1")
        }
        let bad = try #require(id)
        try damage(bad, store)
        return (store, bad)
    }

    static func expectReadable(_ store: String, warning: String) async throws {
        for arguments in [
            ["report", "--store", store, "--format", "json", "-o", "-"], ["check", "--store", store], ["snapshots", "--store", store],
            ["snapshots", "--store", store, "--format", "json"]
        ] {
            let result = try await CLI.run(arguments, environment: ReliabilitySettings.epoch, timeout: ReliabilitySettings.timeout)
            #expect(!result.signalled && !result.err.contains("Fatal error"), "\(result)")
            #expect(result.status == 0 || (arguments[0] == "check" && result.status == 3), "\(result)")
            let warnings = result.err.split(separator: "\n").filter { $0.hasPrefix("warning:") && $0.contains(warning) }
            #expect(warnings.count == 1, "\(arguments[0]): \(result)")
        }
    }

    @Test("a 0.2 store holding num 5000000000000000000 is readable; the snapshot is named and left out")
    func storeWithNumOverMaximum() async throws {
        try await withScratch("range-02-num") { scratch in
            let (store, id) = try await Self.storeWithBadSnapshot(scratch) { id, store in
                try Self.setFirstNum(of: id, to: 5_000_000_000_000_000_000, in: store)
            }
            try await Self.expectReadable(
                store, warning: "not used: snapshot \(id) holds num 5000000000000000000 for 21/TCP, over the maximum 1000000000")
        }
    }

    @Test("a 0.2 store holding num 2^63-1 in two snapshots is readable")
    func storeWithTwoHugeNums() async throws {
        try await withScratch("range-02-max") { scratch in
            let (store, id) = try await Self.storeWithBadSnapshot(scratch) { id, store in
                try Self.setFirstNum(of: id, to: Int64.max, in: store)
                try Self.setFirstNum(of: id - 1, to: Int64.max, in: store)
            }
            try await Self.expectReadable(store, warning: "not used: snapshot \(id) holds num 9223372036854775807")
        }
    }

    @Test("a 0.2 store with captured_at outside the years is readable; the snapshot is named and left out")
    func storeWithCapturedAtOutOfRange() async throws {
        try await withScratch("range-02-time") { scratch in
            let (store, id) = try await Self.storeWithBadSnapshot(scratch) { id, store in
                let queue = try DatabaseQueue(path: store)
                try queue.write { db in
                    try db.execute(sql: "UPDATE snapshot SET captured_at = '0000-12-31T23:00:00Z' WHERE id = ?", arguments: [id])
                }
                try queue.close()
            }
            try await Self.expectReadable(store, warning: "not used: snapshot \(id) has captured_at '0000-12-31T23:00:00Z'")
        }
    }
}
