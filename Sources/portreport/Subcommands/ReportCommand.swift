import ArgumentParser
import PortReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rank ports, compare hosts with containers, show trends and findings.",
        discussion: """
            Imports any PATHs given (as 'portreport import' would, with --project, \
            --enterprise-project and --category saying what they are), then writes the analysis of \
            the store in scope: html (the full report, one self-contained file), xhtml (the same \
            as well-formed XML), markdown (for tickets), email (an HTML summary for mail \
            clients), eml (a MIME message with the Markdown text and the email HTML, for \
            'sendmail -t'), json (the whole analysis; schema in the README), csv (the \
            ranking) and assets (a CSV of the drill-down's servers and containers behind the \
            risky ports). -o may repeat; the format follows from each file's extension (.html, \
            .xhtml, .md, .json, .csv, .assets.csv, .eml, and .email.html for the email HTML) \
            unless --format is given; -o - is standard output.
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scopeOptions: ScopeOptions
    @OptionGroup var policyOptions: PolicyOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "One of \(ReportFormat.names.joined(separator: ", ")) (default: from the output file's extension, else json).",
            valueName: "format"))
    var format: String?

    @Option(
        name: [.short, .customLong("output")], help: ArgumentHelp("Output file (repeatable); - for standard output.", valueName: "file"))
    var output: [String] = []

    @Option(name: .long, help: "How many ranking rows reports show and draw series for.")
    var top = 20

    @Option(
        name: .long,
        help: ArgumentHelp(
            "JSON: keep each series' last N points (default: a point per capture time in scope).", valueName: "n"))
    var series: Int?

    @Option(
        name: .long,
        help: ArgumentHelp("A directory whose .xhtml/.css/.md files replace the built-in templates of the same name.", valueName: "dir"))
    var templates: String?

    @Option(name: .long, help: ArgumentHelp("eml: the sender (default portreport@localhost).", valueName: "address"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("eml: a recipient (repeatable).", valueName: "address"))
    var to: [String] = []

    @Option(name: .long, help: ArgumentHelp("eml: the subject (default: the headline).", valueName: "text"))
    var subject: String?

    @Flag(name: .long, help: "eml: attach the full HTML report.")
    var attachFull = false

    @Argument(help: ArgumentHelp("Exports to import before reporting (files, directories, HAR, SQLite).", valueName: "path"))
    var paths: [String] = []

    /// `--format`, read as a format. (A `ReportFormat` option would be refused by the parser
    /// in its own words; `validate()` says it as the other options do.)
    var chosenFormat: ReportFormat? { format.flatMap(ReportFormat.init(argument:)) }

    func validate() throws {
        if let format, chosenFormat == nil {
            throw ValidationError(ReportFormat.unknownNameMessage(format))
        }
        let targets: [ReportJob.Target]
        do {
            targets = try ReportJob.targets(outputs: output, format: chosenFormat)
        } catch {
            throw ValidationError(error.message)
        }
        guard top >= 1 else { throw ValidationError("--top expects a number of rows, 1 or more") }
        if let series, !(1...1_000_000).contains(series) {
            throw ValidationError("--series expects a number of points from 1 to 1000000, not \(series)")
        }
        if targets.contains(where: { $0.format == .eml }) && to.isEmpty {
            throw ValidationError("--format eml needs at least one --to address")
        }
        if !paths.isEmpty {
            for (flag, value) in [("--project", scopeOptions.project), ("--enterprise-project", scopeOptions.enterpriseProject)] {
                if let value, let problem = ImportOptions.idLengthProblem(value, flag: flag) { throw ValidationError(problem) }
            }
        }
    }

    func run() throws {
        do {
            var job = ReportJob(storePath: storeOptions.storePath, targets: try ReportJob.targets(outputs: output, format: chosenFormat))
            job.paths = paths
            job.scope = scopeOptions.scope
            job.top = top
            job.policyPath = policyOptions.policy
            job.now = policyOptions.time
            job.history = policyOptions.history
            job.history.seriesPoints = series
            job.templatesDirectory = templates
            job.renderOptions.from = from
            job.renderOptions.to = to
            job.renderOptions.subject = subject
            job.renderOptions.attachFull = attachFull
            try job.run(console: StandardStreams())
        } catch {
            throw fail(error)
        }
    }
}
