import Foundation
import Testing

@Suite("Standard input")
struct StandardInputTests {
    static let page = "samples/exports/2026-11-28/container/page-0001.json"

    @Test("cat page.json | portreport import - --category container --captured-at T stores a snapshot with those values")
    func pipedPageWithFlags() async throws {
        let data = try Data(contentsOf: PackageLayout.url(Self.page))
        let page = try SamplePage(json: data, what: Self.page)
        let distinct = Set(page.records.map(\.key)).count
        try await withScratch("stdin") { scratch in
            let result = try await CLI.run(
                ["import", "--store", scratch.store, "-", "--category", "container", "--captured-at", "2026-11-28T02:00:00Z"],
                stdin: data)
            #expect(result.status == 0 && !result.signalled, "\(result)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            let got = try #require(listing.snapshots.count == 1 ? listing.snapshots.first : nil, "\(listing.snapshots)")
            #expect(got.category == "container")
            #expect(got.capturedAt == "2026-11-28T02:00:00Z")
            #expect(got.projectID == nil)
            #expect(got.records == distinct)
            #expect(got.totalNum == page.totalNum)
            #expect(got.complete == (distinct == page.totalNum))  // one page of two: incomplete
            #expect(
                got.sources == [
                    Listing.Source(path: "-", entry: nil, records: page.records.count, totalNum: page.totalNum, size: data.count)
                ])
            #expect(got.metadataFrom["category"]?.contains("--category") == true, "\(got.metadataFrom)")
            #expect(got.metadataFrom["captured_at"]?.contains("--captured-at") == true, "\(got.metadataFrom)")
        }
    }

    @Test("standard input without flags: category host (the API default), captured at the time of import, with a warning")
    func pipedPageWithoutFlags() async throws {
        let data = try Data(contentsOf: PackageLayout.url(Self.page))
        let page = try SamplePage(json: data, what: Self.page)
        try await withScratch("stdin-bare") { scratch in
            let result = try await CLI.run(
                ["import", "--store", scratch.store, "-"], environment: ["SOURCE_DATE_EPOCH": "1800000000"], stdin: data)
            #expect(result.status == 0, "\(result)")
            #expect(result.err.contains("--captured-at"), "a warning suggests --captured-at: \(result)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            let got = try #require(listing.snapshots.first)
            #expect(got.category == "host", "the path of the piped file is unknown to the tool")
            #expect(got.capturedAt == utcSeconds(Date(timeIntervalSince1970: 1_800_000_000)))
            #expect(got.records == Set(page.records.map(\.key)).count)
        }
    }

    @Test("piping the same page twice: the second run is already imported")
    func pipedTwice() async throws {
        let data = try Data(contentsOf: PackageLayout.url(Self.page))
        try await withScratch("stdin-twice") { scratch in
            let arguments = ["import", "--store", scratch.store, "-", "--category", "container", "--captured-at", "2026-11-28T02:00:00Z"]
            let first = try await CLI.run(arguments, stdin: data)
            try #require(first.status == 0, "\(first)")
            let (before, _) = try await CLI.listing(store: scratch.store)
            let second = try await CLI.run(arguments, stdin: data)
            #expect(second.status == 0, "\(second)")
            #expect(second.out.contains("already imported"), "\(second)")
            let (after, _) = try await CLI.listing(store: scratch.store)
            #expect(after == before)
        }
    }

    @Test("empty standard input exits 1 and stores nothing")
    func emptyInput() async throws {
        try await withScratch("stdin-empty") { scratch in
            let result = try await CLI.run(
                ["import", "--store", scratch.store, "-", "--captured-at", "2026-11-28T02:00:00Z"], stdin: Data())
            #expect(result.status == 1, "\(result)")
            #expect(result.err.contains("empty"), "\(result)")
            #expect(try storeHoldsNothing(scratch.store))
        }
    }
}

/// A command line portreport must refuse before doing anything.
struct UsageCase: Sendable, CustomTestStringConvertible {
    let arguments: [String]
    /// Text the message must contain (the option at fault, usually).
    let mentions: String
    var testDescription: String { arguments.joined(separator: " ") }
}

@Suite("Usage errors")
struct UsageErrorTests {
    static let somePage = "samples/exports/2026-11-24/host/page-0001.json"

    static let cases: [UsageCase] = [
        UsageCase(arguments: ["import", "--captured-at", "yesterday", somePage], mentions: "--captured-at"),
        UsageCase(arguments: ["import", "--captured-at", "2026-11-28", somePage], mentions: "--captured-at"),
        UsageCase(arguments: ["import", "--captured-at", "2026-11-28T02:00:00", somePage], mentions: "--captured-at"),
        UsageCase(arguments: ["import", "--captured-at", "2026-02-30T00:00:00Z", somePage], mentions: "--captured-at"),
        UsageCase(arguments: ["import", "--captured-at", "2026-11-28T25:00:00Z", somePage], mentions: "--captured-at"),
        UsageCase(arguments: ["import", "--category", "server", somePage], mentions: "--category"),
        UsageCase(arguments: ["import", "--category", "", somePage], mentions: "--category"),
        UsageCase(arguments: ["import", "--filter", "port", somePage], mentions: "--filter"),
        UsageCase(arguments: ["import", "--filter", "port=", somePage], mentions: "--filter"),
        UsageCase(arguments: ["import", "--filter", "=22", somePage], mentions: "--filter"),
        UsageCase(arguments: ["import", "--filter", "colour=red", somePage], mentions: "--filter"),
        UsageCase(arguments: ["import", "-", "-"], mentions: "standard input"),
        UsageCase(arguments: ["import"], mentions: "path"),
        UsageCase(arguments: ["snapshots", "--format", "xml"], mentions: "--format")
    ]

    @Test("a bad command line exits 64 with a message and touches no store", arguments: UsageErrorTests.cases)
    func usageError(_ usage: UsageCase) async throws {
        try await withScratch("usage") { scratch in
            let result = try await CLI.run(usage.arguments + ["--store", scratch.store], stdin: Data())
            #expect(result.status == 64 && !result.signalled, "\(result)")
            #expect(result.err.contains(usage.mentions), "\(result)")
            #expect(result.out.isEmpty, "\(result)")
            #expect(!FileManager.default.fileExists(atPath: scratch.store), "no store is created for a usage error")
        }
    }

    @Test(
        "--filter values the API itself would reject are usage errors",
        arguments: [["port=abc"], ["port=70000"], ["type=SCTP"], ["status=bogus"], ["port=22", "port=23"]])
    func filterValueOutOfDomain(_ filters: [String]) async throws {
        try await withScratch("filter-value") { scratch in
            let result = try await CLI.run(["import", "--store", scratch.store] + filters.flatMap { ["--filter", $0] } + [Self.somePage])
            #expect(result.status == 64, "\(result)")
            #expect(!FileManager.default.fileExists(atPath: scratch.store))
        }
    }

    @Test("a --filter value is stored as the API spells it (type upper case)")
    func filterValueNormalised() async throws {
        try await withScratch("filter-normal") { scratch in
            let result = try await CLI.run([
                "import", "--store", scratch.store, "--filter", "type=tcp", "--filter", "port=022", Self.somePage
            ])
            #expect(result.status == 0, "\(result)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            #expect(listing.snapshots.first?.filters == "port=22&type=TCP")
        }
    }
}

@Suite("--quiet")
struct QuietTests {
    @Test("--quiet / -q: nothing on standard output; warnings still on standard error", arguments: ["--quiet", "-q"])
    func quietImport(_ flag: String) async throws {
        try await withScratch("quiet") { scratch in
            let result = try await CLI.run(["import", flag, "--store", scratch.store, "samples/exports/2026-11-24", "samples/incomplete"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(result.err.contains("incomplete"), "the incomplete-export warning is still shown: \(result)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            #expect(listing.snapshots.count == 3, "quiet still imports")
        }
    }

    @Test("--quiet with a bad input: exit 1, nothing on standard output, the error on standard error")
    func quietError() async throws {
        try await withScratch("quiet-error") { scratch in
            let result = try await CLI.run(["import", "--quiet", "--store", scratch.store, "samples/errors"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(result.err.contains("HSS.0001"), "\(result)")
        }
    }

    @Test("--quiet with --skip-invalid: exit 2, nothing on standard output, the skipped file on standard error")
    func quietSkipped() async throws {
        try await withScratch("quiet-skip") { scratch in
            let result = try await CLI.run([
                "import", "--quiet", "--skip-invalid", "--store", scratch.store,
                "samples/exports/2026-11-24", "samples/errors"
            ])
            #expect(result.status == 2, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(result.err.contains("skipped") && result.err.contains("samples/errors/2026-11-29/host/page-0001.json"), "\(result)")
        }
    }
}

@Suite("snapshots without a store")
struct MissingStoreTests {
    @Test("snapshots on a missing store path exits 1 with a helpful message and creates nothing", arguments: ["table", "json"])
    func missingStore(_ format: String) async throws {
        try await withScratch("missing") { scratch in
            let missing = scratch.path("nowhere/missing.sqlite")
            let result = try await CLI.run(["snapshots", "--store", missing, "--format", format])
            #expect(result.status == 1 && !result.signalled, "\(result)")
            #expect(result.err.contains(missing), "the message names the path: \(result)")
            #expect(result.err.contains("no store"), "\(result)")
            #expect(result.err.contains("import"), "the message says how to make one: \(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(!FileManager.default.fileExists(atPath: missing))
        }
    }

    @Test("the store named by PORTREPORT_STORE, and the default portreport.sqlite, are reported the same way")
    func missingDefaultStores() async throws {
        try await withScratch("missing-env") { scratch in
            let missing = scratch.path("from-environment.sqlite")
            let viaEnvironment = try await CLI.run(["snapshots"], in: scratch.url, environment: ["PORTREPORT_STORE": missing])
            #expect(viaEnvironment.status == 1, "\(viaEnvironment)")
            #expect(viaEnvironment.err.contains(missing), "\(viaEnvironment)")

            let byDefault = try await CLI.run(["snapshots"], in: scratch.url)
            #expect(byDefault.status == 1, "\(byDefault)")
            #expect(byDefault.err.contains("portreport.sqlite"), "\(byDefault)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.url.path).isEmpty, "nothing was created")
        }
    }
}

@Suite("The binary under test")
struct BinaryTests {
    @Test("the built portreport is found and answers --version and --help")
    func versionAndHelp() async throws {
        let binary = try CLI.binary()
        print("portreport under test: \(binary.path)")
        let version = try await CLI.run(["--version"])
        #expect(version.status == 0, "\(version)")
        #expect(!version.out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(binary.path): \(version)")
        for command in ["import", "snapshots"] {
            let help = try await CLI.run([command, "--help"])
            #expect(help.status == 0, "\(help)")
            #expect(help.out.contains("--store"), "\(help)")
        }
    }
}
