import Foundation
import Testing

/// The bundled samples, imported the way the README shows, checked against values the test
/// works out from the sample files itself.
@Suite("Importing the bundled samples")
struct SampleImportTests {
    static let sampleInputs = ["samples/exports", "samples/capture.har", "samples/incomplete"]
    static let epoch = "1800000000"  // 2027-01-15T08:00:00Z

    /// Every snapshot the three sample inputs should make.
    static func expectedSnapshots() async throws -> [ExpectedSnapshot] {
        try await SampleOracle.exportSnapshots(under: "samples/exports")
            + SampleOracle.exportSnapshots(under: "samples/incomplete")
            + [SampleOracle.harSnapshot("samples/capture.har")]
    }

    @Test("import of exports, HAR and incomplete export lists every snapshot with the right counts, times and flags")
    func importsEverySample() async throws {
        let expected = try await Self.expectedSnapshots()
        // The oracle agrees with MANIFEST.md (a check of the test's own arithmetic).
        #expect(expected.count == 12)
        for snapshot in expected where snapshot.projectID == nil {
            let key = "\(snapshot.capturedAt.prefix(10))/\(snapshot.category)"
            #expect(SampleOracle.manifestTotals[key] == snapshot.totalNum, "MANIFEST.md total_num of \(key)")
        }

        try await withScratch("samples") { scratch in
            let result = try await CLI.run(
                ["import", "--store", scratch.store] + Self.sampleInputs,
                environment: ["SOURCE_DATE_EPOCH": Self.epoch])
            #expect(result.status == 0 && !result.signalled, "\(result)")
            // One line per snapshot, each "stored".
            #expect(result.out.lines.filter { $0.hasPrefix("stored snapshot") }.count == expected.count, "\(result)")

            let (_, listing) = try await CLI.listing(store: scratch.store)
            #expect(listing.snapshots.count == expected.count, "listed: \(listing.snapshots)")
            #expect(Set(listing.snapshots.map(\.id)).count == listing.snapshots.count, "snapshot ids are unique")

            for want in expected {
                let matches = listing.snapshots.filter {
                    $0.category == want.category && $0.capturedAt == want.capturedAt && $0.projectID == want.projectID
                }
                let got = try #require(
                    matches.count == 1 ? matches.first : nil,
                    "exactly one snapshot \(want) expected; listed: \(listing.snapshots)")
                #expect(got.records == want.records, "records of \(want)")
                #expect(got.totalNum == want.totalNum, "total_num of \(want)")
                #expect(got.complete == want.complete, "complete flag of \(want)")
                #expect(got.partial == false, "no sample was saved with a filter: \(want)")
                #expect(got.filters == nil, "\(want)")
                #expect(got.enterpriseProjectID == want.enterpriseProjectID, "enterprise_project_id of \(want)")
                #expect(got.importedAt == "2027-01-15T08:00:00Z", "imported_at follows SOURCE_DATE_EPOCH: \(want)")
                let gotSources = got.sources.sorted { ($0.path, $0.entry ?? -1) < ($1.path, $1.entry ?? -1) }
                #expect(gotSources == want.sources, "sources of \(want)")
                if !want.complete {
                    #expect(got.note?.isEmpty == false, "an incomplete snapshot says why: \(got)")
                }
            }

            // The cases the brief names, spelled out.
            let incomplete = try #require(listing.snapshots.first { $0.capturedAt == "2026-11-29T00:00:00Z" && $0.category == "host" })
            #expect(incomplete.records == 300)
            #expect(incomplete.totalNum == 500)
            #expect(incomplete.complete == false)
            #expect(result.err.contains("incomplete"), "the run warns about the incomplete export: \(result)")

            let har = try SampleOracle.harSnapshot("samples/capture.har")
            let fromHAR = try #require(listing.snapshots.first { $0.sources.contains { $0.entry != nil } })
            #expect(fromHAR.projectID == "0f6c2d1e9b5a4c3d8e7f6a5b4c3d2e1f")
            #expect(fromHAR.projectID == har.projectID)
            #expect(fromHAR.category == "container")
            #expect(fromHAR.capturedAt == har.capturedAt)
            #expect(fromHAR.records == 249 && fromHAR.complete)
            // Only the two successful statistics entries are data (not the 401, app.js or ListPorts).
            #expect(fromHAR.sources.compactMap(\.entry).sorted() == har.sources.compactMap(\.entry))
            #expect(har.sources.count == 2)

            let complete = listing.snapshots.filter(\.complete).count
            #expect(complete == 11, "every export but the incomplete one is complete")
        }
    }

    @Test("the HAR capture time is computed in UTC whatever the local time zone")
    func harCaptureTimeIgnoresLocalTimeZone() async throws {
        let want = try SampleOracle.harSnapshot("samples/capture.har")
        for zone in ["America/New_York", "Asia/Shanghai", "UTC"] {
            try await withScratch("timezone") { scratch in
                let result = try await CLI.run(["import", "--store", scratch.store, "samples/capture.har"], environment: ["TZ": zone])
                #expect(result.status == 0, "\(result)")
                let (_, listing) = try await CLI.listing(store: scratch.store)
                #expect(listing.snapshots.map(\.capturedAt) == [want.capturedAt], "TZ=\(zone)")
            }
        }
    }

    @Test("importing the same inputs again adds nothing, says already imported, and leaves the listing byte-identical")
    func reimportChangesNothing() async throws {
        try await withScratch("reimport") { scratch in
            let arguments = ["import", "--store", scratch.store] + Self.sampleInputs
            let first = try await CLI.run(arguments, environment: ["SOURCE_DATE_EPOCH": Self.epoch])
            try #require(first.status == 0, "\(first)")
            let (before, listing) = try await CLI.listing(store: scratch.store)
            let dumpBefore = try StoreInspection.dump(scratch.store)

            let second = try await CLI.run(arguments, environment: ["SOURCE_DATE_EPOCH": Self.epoch])
            #expect(second.status == 0 && !second.signalled, "\(second)")
            let lines = second.out.lines
            #expect(lines.filter { $0.hasPrefix("already imported: snapshot") }.count == listing.snapshots.count, "\(second)")
            // The drill-down snapshots too: each one the first run stored is said to be there.
            let drillDown = first.out.lines.filter { $0.hasPrefix("stored drill-down snapshot") }.count
            #expect(drillDown > 0, "\(first)")
            #expect(lines.filter { $0.hasPrefix("already imported: drill-down snapshot") }.count == drillDown, "\(second)")
            #expect(!lines.contains { $0.hasPrefix("stored") || $0.hasPrefix("merged") }, "\(second)")
            #expect(second.out.contains("0 records added"), "\(second)")
            #expect(second.out.contains("0 new snapshots"), "\(second)")

            let (after, _) = try await CLI.listing(store: scratch.store)
            #expect(
                after == before,
                "snapshots --format json changed:\n--- before ---\n\(String(decoding: before, as: UTF8.self))\n--- after ---\n\(String(decoding: after, as: UTF8.self))"
            )
            #expect(try StoreInspection.dump(scratch.store) == dumpBefore, "the store's tables changed")
        }
    }

    @Test("a no-op re-import later (another SOURCE_DATE_EPOCH) does not touch imported_at or anything else")
    func reimportLaterKeepsImportedAt() async throws {
        try await withScratch("reimport-later") { scratch in
            let arguments = ["import", "--store", scratch.store] + Self.sampleInputs
            let first = try await CLI.run(arguments, environment: ["SOURCE_DATE_EPOCH": Self.epoch])
            try #require(first.status == 0, "\(first)")
            let (before, _) = try await CLI.listing(store: scratch.store)
            let dumpBefore = try StoreInspection.dump(scratch.store)

            let later = try await CLI.run(arguments, environment: ["SOURCE_DATE_EPOCH": "1900000000"])
            #expect(later.status == 0, "\(later)")
            let (after, _) = try await CLI.listing(store: scratch.store)
            #expect(after == before)
            #expect(try StoreInspection.dump(scratch.store) == dumpBefore)
        }
    }

    @Test("pages of one export imported in separate runs merge into one snapshot, complete at the end")
    func pagesMergeAcrossRuns() async throws {
        let want = try #require(
            try await SampleOracle.exportSnapshots(under: "samples/exports")
                .first { $0.capturedAt == "2026-11-24T00:00:00Z" && $0.category == "host" })
        try await withScratch("merge") { scratch in
            for (index, source) in want.sources.enumerated() {
                let result = try await CLI.run(["import", "--store", scratch.store, source.path])
                #expect(result.status == 0, "\(result)")
                let (_, listing) = try await CLI.listing(store: scratch.store)
                #expect(listing.snapshots.count == 1, "\(listing.snapshots)")
                let seen = want.sources.prefix(index + 1).map(\.records).reduce(0, +)
                #expect(listing.snapshots.first?.records == seen)
                #expect(listing.snapshots.first?.complete == (index == want.sources.count - 1))
            }
        }
    }
}
