import ArgumentParser
import Foundation
import PortReport

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import saved HSS open-port statistics into the store.",
        discussion: """
            PATH may be a saved response body (.json, .json.gz) or several (.jsonl, .ndjson), a \
            HAR capture (.har), an SQLite file (another portreport store, or any database with \
            --query), a directory (walked recursively for .json, .jsonl, .ndjson and .har files, \
            each also .gz), or - for standard input.

            For raw bodies, project, category and capture time come from the flags, else from \
            the path (a date such as 2026-11-28 or 2026-11-28T02:00:00Z or 20261128T020000Z, and \
            the word host or container), else from defaults (category host; the file's \
            modification time, with a warning; project unknown). Pages that agree on all of them \
            are merged into one snapshot.

            One run is one transaction: if any input is bad, nothing is stored (unless \
            --skip-invalid). Importing the same content again changes nothing; a page the store \
            already holds under another project, category or capture time is refused unless \
            --import-again (fix a wrong one with 'portreport relabel' or 'portreport remove').
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Project id of the exports (the {project_id} of the request).", valueName: "id"))
    var project: String?

    @Option(name: .long, help: ArgumentHelp("Enterprise project id the exports were made with.", valueName: "id"))
    var enterpriseProject: String?

    @Option(name: .long, help: "host (servers) or container.")
    var category: Category?

    @Option(name: .long, help: ArgumentHelp("When the export was made, RFC 3339 (2026-11-28T02:00:00Z).", valueName: "time"))
    var capturedAt: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A filter the export was saved with (port, port_string, type, status); marks it partial. Repeatable.", valueName: "name=value"))
    var filter: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "For SQLite files that are not portreport stores: a SELECT returning port, type, num and optionally status, category, captured_at, project_id, enterprise_project_id, total_num.",
            valueName: "sql"))
    var query: String?

    @Flag(name: .long, help: "Store the good inputs and list the bad ones (exit status 2), instead of storing nothing.")
    var skipInvalid = false

    @Flag(
        name: .long,
        help: "Store pages again that the store already holds under another project, category or capture time (refused otherwise).")
    var importAgain = false

    @Flag(name: [.short, .long], help: "No progress, per-snapshot lines or totals; errors and warnings still go to standard error.")
    var quiet = false

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "List every snapshot line, error, warning, skipped input and incomplete or suspect snapshot.",
            discussion:
                "Without it, each kind (snapshots stored, merged or already imported; the inputs' errors, warnings, skipped inputs, incomplete snapshots, suspect snapshots) is listed up to \(ImportJob.diagnosticsPerKind) times, then counted in one line."
        ))
    var listAll = false

    @Argument(help: ArgumentHelp("Files, directories, or - for standard input.", valueName: "path"))
    var paths: [String]

    func validate() throws {
        if let capturedAt, Timestamp(rfc3339: capturedAt) == nil {
            if Timestamp.isOutOfRange(capturedAt) {
                throw ValidationError("--captured-at expects a time \(Timestamp.validRangeDescription), not '\(capturedAt)'")
            }
            throw ValidationError("--captured-at expects an RFC 3339 time such as 2026-11-28T02:00:00Z, not '\(capturedAt)'")
        }
        if let problem = ReportClock.sourceDateEpochProblem() { throw ValidationError(problem) }
        for (flag, value) in [("--project", project), ("--enterprise-project", enterpriseProject)] {
            if let value, let problem = ImportOptions.idLengthProblem(value, flag: flag) { throw ValidationError(problem) }
        }
        if case .failure(let error) = ImportFilter.parse(filter) {
            throw ValidationError(error.message)
        }
        if paths.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input (-) can be named only once")
        }
    }

    func run() throws {
        var options = ImportOptions(now: ReportClock().now)
        options.projectID = project
        options.enterpriseProjectID = enterpriseProject
        options.category = category
        options.capturedAt = capturedAt.flatMap { Timestamp(rfc3339: $0) }
        options.query = query
        options.skipInvalid = skipInvalid
        options.importAgain = importAgain
        let status: Int32
        do {
            options.filters = try ImportFilter.parse(filter).get()
            var job = ImportJob(storePath: storeOptions.storePath, paths: paths, options: options)
            job.quiet = quiet
            job.listAll = listAll
            // The summary is written only once the import is stored: losing it loses no data.
            let console = StandardStreams(
                afterLostOutput: "; the import was stored all the same (see `portreport snapshots`), only this summary was lost")
            status = try job.run(console: console, progress: TerminalProgress.makeIfTerminal(quiet: quiet))
        } catch {
            throw fail(error)
        }
        try exitUnlessSuccess(status)
    }
}
