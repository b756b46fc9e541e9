import Foundation
import Testing

/// Inputs that are not data: nothing of the run is stored, unless --skip-invalid.
@Suite("Rejected inputs")
struct RejectedInputTests {
    static let errorBody = "samples/errors/2026-11-29/host/page-0001.json"

    /// A store holding two sample exports, with its listing and dump.
    static func seededStore(_ scratch: Scratch) async throws -> (listing: Data, dump: String) {
        let seed = try await CLI.run(
            ["import", "--store", scratch.store, "samples/exports/2026-11-24"],
            environment: ["SOURCE_DATE_EPOCH": "1800000000"])
        try #require(seed.status == 0, "\(seed)")
        let (listing, parsed) = try await CLI.listing(store: scratch.store)
        try #require(parsed.snapshots.count == 2)
        return (listing, try StoreInspection.dump(scratch.store))
    }

    @Test(
        "a saved HSS error body exits 1, names the error, and leaves the store as it was",
        arguments: [
            ["samples/errors/2026-11-29/host/page-0001.json"],
            ["samples/errors"],
            ["samples/exports/2026-11-25", "samples/errors/2026-11-29/host/page-0001.json"]
        ])
    func errorBodyIsRejected(inputs: [String]) async throws {
        try await withScratch("error-body") { scratch in
            let before = try await Self.seededStore(scratch)
            let result = try await CLI.run(
                ["import", "--store", scratch.store] + inputs,
                environment: ["SOURCE_DATE_EPOCH": "1900000000"])
            #expect(result.status == 1 && !result.signalled, "\(result)")
            #expect(result.err.contains("is an HSS error response (HSS.0001: Invalid parameter)"), "\(result)")
            #expect(result.err.contains(Self.errorBody), "the message names the file: \(result)")
            let (after, _) = try await CLI.listing(store: scratch.store)
            #expect(after == before.listing, "snapshots --format json changed")
            #expect(try StoreInspection.dump(scratch.store) == before.dump, "the store's tables changed")
        }
    }

    @Test("a saved HSS error body into a store that does not exist yet stores nothing")
    func errorBodyIntoNewStore() async throws {
        try await withScratch("error-new") { scratch in
            let result = try await CLI.run(["import", "--store", scratch.store, Self.errorBody])
            #expect(result.status == 1, "\(result)")
            #expect(result.err.contains("is an HSS error response (HSS.0001: Invalid parameter)"), "\(result)")
            #expect(try storeHoldsNothing(scratch.store))
        }
    }

    /// A truncated JSON page in a dated folder of its own.
    static func writeTruncatedPage(_ scratch: Scratch) throws -> String {
        try scratch.write(
            "bad/2026-11-30/host/page-0001.json",
            """
            {"total_num": 3, "data_list": [
              {"port": 22, "type": "TCP", "num": 1},
              {"port": 80, "type": "TCP", "num": 
            """)
    }

    @Test("a bad file among good ones: exit 1, nothing stored, the bad file named")
    func badFileStoresNothing() async throws {
        try await withScratch("bad-file") { scratch in
            let bad = try Self.writeTruncatedPage(scratch)
            let result = try await CLI.run([
                "import", "--store", scratch.store,
                "samples/exports/2026-11-24", bad, "samples/exports/2026-11-25"
            ])
            #expect(result.status == 1 && !result.signalled, "\(result)")
            #expect(result.err.contains(bad), "stderr names the bad file: \(result)")
            #expect(try storeHoldsNothing(scratch.store), "nothing of the run was stored")
            if FileManager.default.fileExists(atPath: scratch.store) {
                let (_, listing) = try await CLI.listing(store: scratch.store)
                #expect(listing.snapshots.isEmpty)
            }
        }
    }

    @Test("a bad file among good ones with --skip-invalid: exit 2, the good files stored, the bad one listed as skipped")
    func skipInvalidStoresTheRest() async throws {
        let good = try await SampleOracle.exportSnapshots(under: "samples/exports")
            .filter { $0.capturedAt.hasPrefix("2026-11-24") || $0.capturedAt.hasPrefix("2026-11-25") }
        try #require(good.count == 4)
        try await withScratch("skip-invalid") { scratch in
            let bad = try Self.writeTruncatedPage(scratch)
            let result = try await CLI.run([
                "import", "--store", scratch.store, "--skip-invalid",
                "samples/exports/2026-11-24", bad, "samples/exports/2026-11-25"
            ])
            #expect(result.status == 2 && !result.signalled, "\(result)")
            let skippedLines = result.err.lines.filter { $0.contains("skipped") }
            #expect(skippedLines.count == 1 && skippedLines.allSatisfy { $0.contains(bad) }, "\(result)")

            let (_, listing) = try await CLI.listing(store: scratch.store)
            #expect(listing.snapshots.count == good.count, "\(listing.snapshots)")
            for want in good {
                let got = listing.snapshots.first { $0.category == want.category && $0.capturedAt == want.capturedAt }
                #expect(got?.records == want.records, "\(want)")
                #expect(got?.complete == true, "\(want)")
            }
            #expect(!listing.snapshots.contains { $0.capturedAt.hasPrefix("2026-11-30") }, "nothing from the bad file")
            #expect(!listing.snapshots.flatMap(\.sources).contains { $0.path == bad })
        }
    }

    @Test("--skip-invalid leaves no trace of a file that failed halfway (its first records were new)")
    func skipInvalidRollsBackHalfReadFile() async throws {
        let want = try #require(
            try await SampleOracle.exportSnapshots(under: "samples/exports")
                .first { $0.capturedAt == "2026-11-24T00:00:00Z" && $0.category == "host" })
        let firstPage = try SamplePage(json: Data(contentsOf: PackageLayout.url(want.sources[0].path)), what: want.sources[0].path)
        let known = Set(firstPage.records.map(\.key))
        let conflicting = firstPage.records[0]
        // Two records the export does not have, then one it has with another num: a conflict
        // found only after the new records went in.
        let fresh = (60000...65535).lazy.map { RecordKey(port: $0, type: "UDP6") }.filter { !known.contains($0) }.prefix(2)
        let freshKeys = Array(fresh)
        try #require(freshKeys.count == 2)
        let body = """
            {"total_num": \(want.totalNum), "data_list": [
              {"port": \(freshKeys[0].port), "type": "UDP6", "num": 1},
              {"port": \(freshKeys[1].port), "type": "UDP6", "num": 1},
              {"port": \(conflicting.key.port), "type": "\(conflicting.key.type)", "num": \(conflicting.num + 1000)}
            ]}
            """
        try await withScratch("half-read") { scratch in
            // Same category and day as the sample: the same snapshot key.
            let bad = try scratch.write("late/2026-11-24/host/page-0009.json", body)
            let result = try await CLI.run([
                "import", "--store", scratch.store, "--skip-invalid",
                "samples/exports/2026-11-24/host", bad
            ])
            #expect(result.status == 2, "\(result)")
            #expect(result.err.lines.contains { $0.contains("skipped") && $0.contains(bad) }, "\(result)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            let got = try #require(listing.snapshots.count == 1 ? listing.snapshots.first : nil, "\(listing.snapshots)")
            #expect(got.records == want.records)
            #expect(got.complete)
            #expect(got.sources.count == want.sources.count)
            let keys = try StoreInspection.recordKeys(scratch.store, snapshotID: got.id)
            #expect(keys.isDisjoint(with: freshKeys), "records of the skipped file were kept")
            #expect(try StoreInspection.counts(scratch.store)["record"] == want.records)
        }
    }

    /// capture.har with its statistics entries replaced by one non-200 response (or none at all).
    static func harWithoutSuccess(status: Int?) throws -> Data {
        let data = try Data(contentsOf: PackageLayout.url("samples/capture.har"))
        var root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var log = try #require(root["log"] as? [String: Any])
        let entries = try #require(log["entries"] as? [[String: Any]])
        let statistics = try SampleOracle.statisticsEntries(ofHAR: data, what: "samples/capture.har")
        let statisticsIndexes = Set(statistics.map(\.index))
        // Drill-down entries (`/asset/ports…`) go too: a successful one is something to import.
        var kept = entries.enumerated().filter { index, entry in
            let url = ((entry["request"] as? [String: Any])?["url"] as? String) ?? ""
            return !statisticsIndexes.contains(index) && URLComponents(string: url)?.path.contains("/asset/ports") != true
        }.map(\.element)
        if let status {
            // The sample's own failed request (401, expired token), with the status asked for.
            let failedIndex = try #require(statistics.first { $0.status != 200 }?.index)
            var failed = entries[failedIndex]
            var response = try #require(failed["response"] as? [String: Any])
            response["status"] = status
            failed["response"] = response
            kept.insert(failed, at: min(1, kept.count))
        }
        log["entries"] = kept
        root["log"] = log
        let result = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted])
        let check = try SampleOracle.statisticsEntries(ofHAR: result, what: "generated HAR")
        try #require(check.allSatisfy { $0.status != 200 } && check.count == (status == nil ? 0 : 1))
        return result
    }

    @Test("a HAR whose statistics entries all failed exits 1: no successful response", arguments: [401, 500, 403])
    func harWithOnlyFailedStatistics(status: Int) async throws {
        try await withScratch("har-failed") { scratch in
            let har = try scratch.write("only-failed.har", try Self.harWithoutSuccess(status: status))
            let result = try await CLI.run(["import", "--store", scratch.store, har])
            #expect(result.status == 1 && !result.signalled, "\(result)")
            #expect(result.err.contains("no successful response"), "\(result)")
            #expect(result.err.contains(har), "the message names the file: \(result)")
            #expect(result.err.contains("HTTP \(status)"), "the message says why the entry was skipped: \(result)")
            #expect(try storeHoldsNothing(scratch.store), "a failed run into a new store leaves it empty")
        }
    }

    @Test("a HAR with no statistics request at all exits 1: no successful response")
    func harWithoutStatistics() async throws {
        try await withScratch("har-none") { scratch in
            let har = try scratch.write("unrelated.har", try Self.harWithoutSuccess(status: nil))
            let result = try await CLI.run(["import", "--store", scratch.store, har])
            #expect(result.status == 1, "\(result)")
            #expect(result.err.contains("no successful response"), "\(result)")
            #expect(try storeHoldsNothing(scratch.store))
        }
    }
}
