import Foundation
import Testing

@testable import PortReport

@Suite("Workflows")
struct WorkflowTests {
    static let now = Timestamp(secondsSinceEpoch: 1_764_500_000)

    @Test("import: one line per snapshot and the totals on the console, a warning for an incomplete snapshot")
    func importJob() throws {
        let store = try Fixtures.temporaryDirectory().appendingPathComponent("store.sqlite").path
        var options = ImportOptions(now: Self.now)
        options.projectID = "p1"
        let console = RecordingConsole()
        let status = try ImportJob(
            storePath: store, paths: [Fixtures.sample("exports/2026-11-24/host"), Fixtures.sample("incomplete")], options: options
        )
        .run(console: console)
        #expect(status == 0)
        #expect(console.lines.first == "stored snapshot 1: host 2026-11-24T00:00:00Z, project p1, 430 of 430 records (complete)")
        #expect(console.lines.last == "5 files read, 730 records added: 2 new snapshots, 0 merged, 0 already imported → \(store)")
        #expect(
            console.diagnostics == [
                "warning: snapshot 2 (host, 2026-11-29T00:00:00Z) is incomplete: 300 of 500 records: 200 missing (a page was not saved?)"
            ])

        let quietConsole = RecordingConsole()
        var again = ImportJob(storePath: store, paths: [Fixtures.sample("exports/2026-11-24/host")], options: options)
        again.quiet = true
        #expect(try again.run(console: quietConsole) == 0)
        #expect(quietConsole.lines.isEmpty)
    }

    /// `count` days of November 2026 (from the 1st), each one host page of one record (port
    /// 1000 + day) that says `total_num` `total`, and options for project p1.
    private static func days(_ count: Int, total: Int) throws -> (URL, ImportOptions) {
        let directory = try Fixtures.temporaryDirectory()
        for day in 1...count {
            _ = try Fixtures.write(
                Fixtures.body(total: total, [(1000 + day, "TCP", 1, "danger")]), to: String(format: "2026-11-%02d/host/page.json", day),
                in: directory)
        }
        var options = ImportOptions(now: now)
        options.projectID = "p1"
        return (directory, options)
    }

    @Test("import: each kind of diagnostic is listed 20 times, then counted in one line; listAll lists every one")
    func importDiagnosticsAreBounded() throws {
        // 25 days, each a page of 1 record out of 2: 25 incomplete snapshots, in day order.
        let (directory, options) = try Self.days(25, total: 2)
        func incomplete(_ day: Int) -> String {
            "warning: snapshot \(day) (host, \(String(format: "2026-11-%02d", day))T00:00:00Z) is incomplete: 1 of 2 records: 1 missing (a page was not saved?)"
        }
        let bounded = RecordingConsole()
        var job = ImportJob(storePath: directory.appendingPathComponent("a.sqlite").path, paths: [directory.path], options: options)
        job.quiet = true
        #expect(try job.run(console: bounded) == 0)
        #expect(
            bounded.diagnostics
                == (1...20).map(incomplete) + [
                    "warning: 5 more snapshots just stored are incomplete or of unknown completeness, 25 in all: the first 20 are above; --list-all lists every one"
                ])

        let every = RecordingConsole()
        job = ImportJob(storePath: directory.appendingPathComponent("b.sqlite").path, paths: [directory.path], options: options)
        job.listAll = true
        _ = try job.run(console: every)
        #expect(every.diagnostics == (1...25).map(incomplete))
        #expect(every.lines.count == 26, "a line per snapshot and the totals: \(every.lines.count)")
    }

    @Test("import with skipInvalid: the bad input is reported as skipped and the status is 2")
    func importSkipping() throws {
        let directory = try Fixtures.temporaryDirectory()
        let bad = try Fixtures.write(
            "{\"total_num\": 1, \"data_list\": [{\"port\": \"22\"}]}", to: "2026-11-24/host/bad.json", in: directory)
        var options = ImportOptions(now: Self.now)
        options.skipInvalid = true
        let console = RecordingConsole()
        let job = ImportJob(
            storePath: directory.appendingPathComponent("store.sqlite").path, paths: [bad, Fixtures.sample("exports/2026-11-24/host")],
            options: options)
        #expect(try job.run(console: console) == ExitStatus.skippedInputs)
        #expect(console.diagnostics.contains { $0.hasPrefix("skipped: \(bad)") }, "\(console.diagnostics)")
        #expect(console.lines.last?.contains("; 1 input skipped → ") == true, "\(console.lines)")
    }

    @Test("import: the snapshot lines are listed 20 times per outcome, then counted; listAll lists every one")
    func importSnapshotLinesAreBounded() throws {
        // 25 days of one complete page each: 25 snapshots stored, then 25 already imported.
        let (directory, options) = try Self.days(25, total: 1)
        let store = directory.appendingPathComponent("store.sqlite").path
        let first = RecordingConsole()
        _ = try ImportJob(storePath: store, paths: [directory.path], options: options).run(console: first)
        try #require(first.lines.count == 22, "\(first.lines)")
        #expect(first.lines[0].hasPrefix("stored snapshot 1: host 2026-11-01T00:00:00Z, project p1, 1 of 1 record"))
        #expect(first.lines[19].hasPrefix("stored snapshot 20: host 2026-11-20T00:00:00Z"))
        #expect(
            first.lines[20]
                == "… 5 more snapshots stored (the totals below count them; portreport snapshots lists every one, --list-all lists them here)"
        )
        #expect(first.lines[21].hasPrefix("25 files read, 25 records added: 25 new snapshots, 0 merged, 0 already imported"))

        let again = RecordingConsole()
        _ = try ImportJob(storePath: store, paths: [directory.path], options: options).run(console: again)
        try #require(again.lines.count == 22, "\(again.lines)")
        #expect(again.lines[0].hasPrefix("already imported: snapshot 1: host 2026-11-01T00:00:00Z"))
        #expect(again.lines[20].hasPrefix("… 5 more snapshots already imported ("))

        let every = RecordingConsole()
        var all = ImportJob(storePath: store, paths: [directory.path], options: options)
        all.listAll = true
        _ = try all.run(console: every)
        #expect(every.lines.count == 26)
        #expect(every.lines[24].hasPrefix("already imported: snapshot 25: host 2026-11-25T00:00:00Z"))
    }

    @Test("import: the inputs' errors are listed 20 times, then counted; skipped inputs too; listAll lists every one")
    func importErrorsAreBounded() throws {
        // 25 files that are not JSON, read in name order.
        let directory = try Fixtures.temporaryDirectory()
        let bad = try (1...25).map { try Fixtures.write("not json", to: String(format: "bad-%02d.json", $0), in: directory) }
        let store = directory.appendingPathComponent("store.sqlite").path
        func failure(_ job: ImportJob) throws -> ImportFailure? {
            do {
                _ = try job.run(console: RecordingConsole())
            } catch let failure as ImportFailure {
                return failure
            }
            return nil
        }
        let bounded = try #require(try failure(ImportJob(storePath: store, paths: bad, options: ImportOptions(now: Self.now))))
        let lines = bounded.diagnosticText.split(separator: "\n").map(String.init)
        try #require(lines.count == 22, "\(lines)")
        #expect(lines[0].hasPrefix("error: \(bad[0])") && lines[19].hasPrefix("error: \(bad[19])"))
        #expect(lines[20] == "5 more errors, 25 in all: the first 20 are above; portreport import --list-all lists every one")
        #expect(lines[21] == "nothing was imported: 25 inputs had errors (fix them, or pass --skip-invalid to import the rest)")
        #expect(bounded.count == 25 && bounded.inputs == 25 && bounded.errors.count == 20)

        var all = ImportJob(storePath: store, paths: bad, options: ImportOptions(now: Self.now))
        all.listAll = true
        let every = try #require(try failure(all))
        #expect(every.errors.map(\.file) == bad)
        #expect(every.diagnosticText.split(separator: "\n").count == 26)

        var options = ImportOptions(now: Self.now)
        options.skipInvalid = true
        let console = RecordingConsole()
        let skipping = ImportJob(storePath: store, paths: bad + [Fixtures.sample("exports/2026-11-24/host")], options: options)
        #expect(try skipping.run(console: console) == ExitStatus.skippedInputs)
        #expect(console.diagnostics.filter { $0.hasPrefix("skipped: ") }.count == 20)
        #expect(
            console.diagnostics.contains(
                "warning: 5 more inputs were skipped, 25 in all: the first 20 are above; --list-all lists every one"),
            "\(console.diagnostics)")
        #expect(console.lines.last?.contains("; 25 inputs skipped → ") == true, "\(console.lines)")
    }

    @Test("import without skipInvalid: a bad input fails the run with every error and the remedy")
    func importFailing() throws {
        let directory = try Fixtures.temporaryDirectory()
        let bad = try Fixtures.write("not json", to: "bad.json", in: directory)
        let job = ImportJob(
            storePath: directory.appendingPathComponent("store.sqlite").path, paths: [bad], options: ImportOptions(now: Self.now))
        do {
            _ = try job.run(console: RecordingConsole())
            Issue.record("a bad input was imported")
        } catch let failure as ImportFailure {
            #expect(failure.exitStatus == 1)
            #expect(failure.diagnosticText.hasPrefix("error: \(bad)"))
            #expect(
                failure.diagnosticText.hasSuffix(
                    "nothing was imported: 1 input had errors (fix them, or pass --skip-invalid to import the rest)"))
        }
    }

    @Test("report: imports first (its totals as a diagnostic), then writes every target; eml reuses the others")
    func reportJob() throws {
        let directory = try Fixtures.temporaryDirectory()
        let store = directory.appendingPathComponent("store.sqlite").path
        let json = directory.appendingPathComponent("report.json").path
        let markdown = directory.appendingPathComponent("report.md").path
        let eml = directory.appendingPathComponent("report.eml").path
        var job = ReportJob(storePath: store, targets: try ReportJob.targets(outputs: [json, markdown, eml], format: nil))
        job.paths = [Fixtures.sample("exports/2026-11-24"), Fixtures.sample("exports/2026-11-25")]
        job.now = Timestamp(rfc3339: "2026-11-26T00:00:00Z")
        job.clock = ReportClock(environment: ["SOURCE_DATE_EPOCH": "1764500000"])
        job.renderOptions.to = ["security@example.com"]
        let console = RecordingConsole()
        try job.run(console: console)
        #expect(console.lines.isEmpty)
        // The import's warnings first (issue 11: the samples name no project), then its totals.
        #expect(console.diagnostics.first?.hasPrefix("warning: 10 pages have no project (") == true, "\(console.diagnostics)")
        #expect(console.diagnostics.dropFirst().first?.hasPrefix("imported: 10 files read, ") == true, "\(console.diagnostics)")
        let written = try String(contentsOfFile: json, encoding: .utf8)
        #expect(written.contains("\"generated_at\": \"2026-11-26T00:00:00Z\""))
        let message = try String(contentsOfFile: eml, encoding: .utf8)
        #expect(message.contains("To: security@example.com"))
        #expect(FileManager.default.fileExists(atPath: markdown))
    }

    @Test("report: an output that is the store is refused before anything is imported")
    func reportRefusingTheStore() throws {
        let directory = try Fixtures.temporaryDirectory()
        let store = directory.appendingPathComponent("store.sqlite").path
        _ = try ImportJob(storePath: store, paths: [Fixtures.sample("exports/2026-11-24/host")], options: ImportOptions(now: Self.now)).run(
            console: RecordingConsole())
        var job = ReportJob(storePath: store, targets: [.init(path: store, format: .json)])
        job.paths = [Fixtures.sample("exports/2026-11-25")]
        #expect(throws: ReportError.self) { try job.run(console: RecordingConsole()) }
        let console = RecordingConsole()
        // Only the first export is in the store: nothing is new since a previous one.
        let policy = directory.appendingPathComponent("policy.yaml").path
        try Data("new_dangerous: true\n".utf8).write(to: URL(fileURLWithPath: policy))
        var check = CheckJob(storePath: store)
        check.policyPath = policy
        #expect(try check.run(console: console) == 0)
        #expect(console.lines.count == 1, "\(console.lines)")
    }

    @Test("reading commands refuse a missing store with the remedy")
    func missingStore() throws {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("none.sqlite").path
        do {
            _ = try CheckJob(storePath: path).run(console: RecordingConsole())
            Issue.record("a missing store was read")
        } catch let error as StoreError {
            #expect(
                error.diagnosticText
                    == "error: \(path): no store here: import some exports first (portreport import PATH), or name the store with --store")
            #expect(error.location == path)
            #expect(error.exitStatus == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
