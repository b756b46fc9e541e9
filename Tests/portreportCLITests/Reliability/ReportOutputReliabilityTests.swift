// Issue 6, part 4: report output paths. The README: "Files are written atomically (a temporary
// file, then a rename) and never over the store or an input."
//
// - `report -o` naming the store (however spelled) or an input is refused (exit 1, one line),
//   and the file is left byte for byte as it was;
// - the same through a symbolic link or inside an input directory (known bugs, below);
// - a report written with -o leaves no temporary file beside it, nor does a write that fails;
// - a reader polling the output path while the report is rewritten sees the old report or the
//   new one, never a part.
//
// Measured here (2 cores, debug build): the suite takes ≈ 2.2 s alone; the atomicity test
// rewrites a 0.8 MB report 6 times (long run: up to 200 times in 30 s) while another task reads
// it ≈ 20,000 times: no partial read.

import Foundation
import Testing

@Suite("Reliability: report output paths")
struct ReportOutputReliabilityTests {
    /// A scratch store seeded with one sample export, run from the scratch directory.
    static func seeded(_ scratch: Scratch) async throws {
        try await ReliabilityCLI.seed(scratch.store)
    }

    static func bytes(_ path: String) -> Data? {
        try? Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// Names that a temporary report file could have (`.NAME.portreport-PID.tmp`, or anything *.tmp).
    static func temporaries(in directory: String) -> [String] {
        reliabilityDirectoryNames(directory).filter { $0.contains(".portreport-") || $0.hasSuffix(".tmp") || $0.hasPrefix(".") }
    }

    @Test(
        "report -o the store is refused and the store is left as it was",
        arguments: ["store.sqlite", "./store.sqlite", "ABSOLUTE", "sub/../store.sqlite", "sub/./../store.sqlite"])
    func outputOverStore(spelling: String) async throws {
        try await withScratch("out-store") { scratch in
            try await Self.seeded(scratch)
            try FileManager.default.createDirectory(atPath: scratch.path("sub"), withIntermediateDirectories: true)
            let before = try #require(Self.bytes(scratch.store))
            let output = spelling == "ABSOLUTE" ? scratch.store : spelling
            let result = try await CLI.run(
                ["report", "--store", "store.sqlite", "--format", "json", "-o", output], in: scratch.url,
                timeout: ReliabilitySettings.timeout)
            ReliabilityMessages.expectCleanFailure(result, file: output, mentions: ["store"], allowedOtherLines: [])
            #expect(Self.bytes(scratch.store) == before, "the store's bytes changed")
            #expect(Self.temporaries(in: scratch.url.path).isEmpty, "\(Self.temporaries(in: scratch.url.path))")
        }
    }

    @Test("report -o an input named on the command line is refused and the input is left as it was")
    func outputOverInput() async throws {
        try await withScratch("out-input") { scratch in
            try await Self.seeded(scratch)
            let input = try scratch.write(
                "in/2026-11-25/host/page-0001.json",
                try Data(contentsOf: PackageLayout.url("samples/exports/2026-11-25/host/page-0001.json")))
            let before = try #require(Self.bytes(input))
            let storeBefore = try StoreInspection.dump(scratch.store)
            let result = try await CLI.run(
                ["report", "--store", "store.sqlite", "-o", "in/2026-11-25/host/page-0001.json", input], in: scratch.url,
                timeout: ReliabilitySettings.timeout)
            ReliabilityMessages.expectCleanFailure(
                result, file: "in/2026-11-25/host/page-0001.json", mentions: ["input"],
                allowedOtherLines: ["imported:", "warning:"])
            #expect(Self.bytes(input) == before, "the input's bytes changed")
            #expect(Self.temporaries(in: scratch.path("in/2026-11-25/host")).isEmpty)
            let storeAfter = try StoreInspection.dump(scratch.store)
            #expect(storeAfter == storeBefore, "the refused report changed the store")
        }
    }

    /// BUG. Repro: portreport report --store s.sqlite -o in/2026-11-24/host/page-0001.json in
    /// → exit 0, the input page is replaced by the JSON report.
    @Test("report -o a file found under an input directory is refused and the file is left as it was")
    func outputOverFileInInputDirectory() async throws {
        try await withScratch("out-input-dir") { scratch in
            try await Self.seeded(scratch)
            let input = try scratch.write(
                "in/2026-11-24/host/page-0001.json",
                try Data(contentsOf: PackageLayout.url("samples/exports/2026-11-24/host/page-0001.json")))
            let before = try #require(Self.bytes(input))
            let result = try await CLI.run(
                ["report", "--store", "store.sqlite", "-o", "in/2026-11-24/host/page-0001.json", "in"], in: scratch.url,
                timeout: ReliabilitySettings.timeout)
            #expect(!result.signalled, "\(result)")
            #expect(result.status == 1, "\(result)")
            #expect(Self.bytes(input) == before, "the input page was overwritten by the report")
        }
    }

    /// BUG. Repro: ln -s real.sqlite link.sqlite; portreport report --store link.sqlite -o real.sqlite --format json
    /// → exit 0, the store is replaced by the JSON report (every snapshot lost).
    @Test("report -o the store's real path, with --store a symbolic link to it, is refused")
    func outputOverStoreThroughSymlink() async throws {
        try await withScratch("out-store-link") { scratch in
            try await Self.seeded(scratch)
            let before = try #require(Self.bytes(scratch.store))
            try FileManager.default.createSymbolicLink(atPath: scratch.path("link.sqlite"), withDestinationPath: "store.sqlite")
            let result = try await CLI.run(
                ["report", "--store", "link.sqlite", "--format", "json", "-o", "store.sqlite"], in: scratch.url,
                timeout: ReliabilitySettings.timeout)
            #expect(!result.signalled, "\(result)")
            #expect(result.status == 1, "\(result)")
            #expect(Self.bytes(scratch.store) == before, "the store was replaced by the report")
            // The same store reached the other way round: -o the link. The rename replaces the link
            // (not the store), which is acceptable; but it should be refused as well.
            try? FileManager.default.removeItem(atPath: scratch.path("link.sqlite"))
            try FileManager.default.createSymbolicLink(atPath: scratch.path("link.sqlite"), withDestinationPath: "store.sqlite")
            let current = try #require(Self.bytes(scratch.store))
            let viaLink = try await CLI.run(
                ["report", "--store", "store.sqlite", "--format", "json", "-o", "link.sqlite"], in: scratch.url,
                timeout: ReliabilitySettings.timeout)
            #expect(!viaLink.signalled, "\(viaLink)")
            #expect(Self.bytes(scratch.store) == current, "the store changed through -o a link to it")
        }
    }

    /// BUG, same cause. Repro: ln -s in inlink; portreport report --store s.sqlite -o in/…/page-0002.json inlink/…/page-0002.json
    @Test("report -o an input reached through a symbolic link to its directory is refused")
    func outputOverInputThroughSymlink() async throws {
        try await withScratch("out-input-link") { scratch in
            try await Self.seeded(scratch)
            let input = try scratch.write(
                "in/2026-11-24/host/page-0002.json",
                try Data(contentsOf: PackageLayout.url("samples/exports/2026-11-24/host/page-0002.json")))
            let before = try #require(Self.bytes(input))
            try FileManager.default.createSymbolicLink(atPath: scratch.path("inlink"), withDestinationPath: "in")
            let result = try await CLI.run(
                [
                    "report", "--store", "store.sqlite", "-o", "in/2026-11-24/host/page-0002.json",
                    "inlink/2026-11-24/host/page-0002.json"
                ], in: scratch.url, timeout: ReliabilitySettings.timeout)
            #expect(!result.signalled, "\(result)")
            #expect(result.status == 1, "\(result)")
            #expect(Self.bytes(input) == before, "the input was overwritten by the report")
        }
    }

    @Test(
        "a report written with -o is complete and leaves no temporary file",
        arguments: ["report.json", "report.html", "report.csv", "report.md"])
    func noTemporaryLeft(name: String) async throws {
        try await withScratch("out-atomic") { scratch in
            try await Self.seeded(scratch)
            let out = scratch.path("out")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let result = try await CLI.run(
                ["report", "--store", scratch.store, "-o", out + "/" + name], timeout: ReliabilitySettings.timeout)
            #expect(result.status == 0 && !result.signalled, "\(result)")
            #expect(reliabilityDirectoryNames(out) == [name], "left beside the report: \(reliabilityDirectoryNames(out))")
            let stdout = try await CLI.run(
                [
                    "report", "--store", scratch.store, "--format",
                    (name as NSString).pathExtension == "md" ? "markdown" : (name as NSString).pathExtension, "-o", "-"
                ], timeout: ReliabilitySettings.timeout)
            #expect(Self.bytes(out + "/" + name) == stdout.stdout, "the file differs from the same report on standard output")
        }
    }

    @Test(
        "a report that cannot be written fails with one line naming the path and leaves no temporary file",
        arguments: ["existing-directory", "missing-directory"])
    func failedWriteLeavesNothing(kind: String) async throws {
        try await withScratch("out-fail") { scratch in
            try await Self.seeded(scratch)
            let out = scratch.path("out")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let target: String
            if kind == "existing-directory" {
                target = out + "/report.json"
                try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
                try Data("keep".utf8).write(to: URL(fileURLWithPath: target + "/inside"))
            } else {
                target = out + "/missing/report.json"
            }
            let namesBefore = reliabilityDirectoryNames(out)
            let result = try await CLI.run(["report", "--store", scratch.store, "-o", target], timeout: ReliabilitySettings.timeout)
            ReliabilityMessages.expectCleanFailure(result, file: target, allowedOtherLines: [])
            #expect(reliabilityDirectoryNames(out) == namesBefore, "left behind: \(reliabilityDirectoryNames(out))")
            if kind == "existing-directory" {
                #expect(Self.bytes(target + "/inside") == Data("keep".utf8))
            }
        }
    }

    @Test("a reader polling the -o path while the report is rewritten sees the old report or the new one, never a part")
    func neverPartiallyVisible() async throws {
        let days = try await ReliabilityConcurrencyWorkload.shared.days()
        try await withScratch("out-visible") { scratch in
            let imported = try await CLI.run(["import", "--quiet", "--store", scratch.store] + days, timeout: ReliabilitySettings.timeout)
            try #require(imported.status == 0, "\(imported)")
            let target = scratch.path("report.json")
            // The old report: a smaller one, of the host category only.
            let old = try await CLI.run(
                ["report", "--store", scratch.store, "--category", "host", "-o", target], timeout: ReliabilitySettings.timeout)
            try #require(old.status == 0, "\(old)")
            let oldBytes = try #require(Self.bytes(target))

            var rounds = 0
            var reads = 0
            var partial: [String] = []
            var newBytes: Data?
            let deadline = ContinuousClock.now + .seconds(ReliabilitySettings.long ? 30 : 3)
            while ContinuousClock.now < deadline && rounds < (ReliabilitySettings.long ? 200 : 6) {
                rounds += 1
                // Alternate the two reports, so that every round replaces one by the other.
                let writingFull = rounds % 2 == 1
                let arguments = ["report", "--store", scratch.store, "-o", target] + (writingFull ? [] : ["--category", "host"])
                let writer = Task { try await CLI.run(arguments, timeout: ReliabilitySettings.timeout) }
                let poller = Task.detached { () -> (reads: Int, seen: Set<Data>, missing: Int) in
                    var seen = Set<Data>(), count = 0, missing = 0
                    let start = ContinuousClock.now
                    while ContinuousClock.now - start < .seconds(10) {
                        if Task.isCancelled { break }
                        if let data = try? Data(contentsOf: URL(fileURLWithPath: target)) { seen.insert(data) } else { missing += 1 }
                        count += 1
                    }
                    return (count, seen, missing)
                }
                let result = try await writer.value
                poller.cancel()
                let observed = await poller.value
                #expect(result.status == 0 && !result.signalled, "\(result)")
                let final = try #require(Self.bytes(target))
                if writingFull { newBytes = final }
                reads += observed.reads
                #expect(observed.missing == 0, "round \(rounds): the report was missing \(observed.missing) times while it was replaced")
                for seen in observed.seen where seen != oldBytes && seen != (newBytes ?? final) && seen != final {
                    partial.append("round \(rounds): \(seen.count) bytes (old \(oldBytes.count), new \(final.count))")
                }
            }
            #expect(partial.isEmpty, "a reader saw a report that was neither the old nor the new one: \(partial.prefix(5))")
            #expect(Self.temporaries(in: scratch.url.path).isEmpty, "\(Self.temporaries(in: scratch.url.path))")
            ReliabilitySettings.log(
                "report atomicity: \(rounds) rewrites of a \(newBytes?.count ?? 0)-byte report, \(reads) reads while they ran, \(partial.count) partial"
            )
        }
    }
}
