import ArgumentParser
import Foundation
import PortReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rank ports, compare hosts with containers, show trends and findings.",
        discussion: """
            Imports any PATHs given (as 'portreport import' would), then writes the analysis of \
            the store in scope: html (the full report, one self-contained file), xhtml (the same \
            as well-formed XML), markdown (for tickets), email (an HTML summary for mail \
            clients), eml (a MIME message with the Markdown text and the email HTML, for \
            'sendmail -t'), json (the whole analysis; schema in the README) and csv (the \
            ranking). -o may repeat; the format follows from each file's extension (.html, \
            .xhtml, .md, .json, .csv, .eml, and .email.html for the email HTML) unless --format \
            is given; -o - is standard output.
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scopeOptions: ScopeOptions
    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: ArgumentHelp("One of \(ReportFormats.names.joined(separator: ", ")) (default: from the output file's extension, else json).", valueName: "format"))
    var format: String?

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Output file (repeatable); - for standard output.", valueName: "file"))
    var output: [String] = []

    @Option(name: .long, help: "How many ranking rows reports show and draw series for.")
    var top = 20

    @Option(name: .long, help: ArgumentHelp("A directory whose .xhtml/.css/.md files replace the built-in templates of the same name.", valueName: "dir"))
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

    var targets: [(path: String, format: String)] {
        (output.isEmpty ? ["-"] : output).map { path in
            (path, format ?? ReportFormats.format(forPath: path) ?? JSONReportRenderer.format)
        }
    }

    func validate() throws {
        if let format, !ReportFormats.names.contains(format) {
            throw ValidationError("--format expects one of \(ReportFormats.names.joined(separator: ", ")), not '\(format)'")
        }
        for path in output where path != "-" && format == nil && ReportFormats.format(forPath: path) == nil {
            throw ValidationError("cannot tell the format of '\(path)' from its extension (.html, .xhtml, .md, .json, .csv, .eml, .email.html): give --format")
        }
        guard top >= 1 else { throw ValidationError("--top expects a number of rows, 1 or more") }
        if targets.contains(where: { $0.format == "eml" }) && to.isEmpty {
            throw ValidationError("--format eml needs at least one --to address")
        }
    }

    func run() throws {
        do {
            let storePath = storeOptions.storePath
            // Before anything is imported: a refused report changes nothing.
            try OutputFile.checkTargets(targets.map(\.path), store: storePath, inputs: paths)
            // Closing the store after the import checkpoints its log into the file, a write and
            // an fsync (about 10 ms): that runs beside the analysis, and the run waits for it
            // before it ends. What was imported is durable before (the commit synced the log).
            let closing = DispatchGroup()
            defer { closing.wait() }
            if !paths.isEmpty {
                let importStore = try Store(path: storePath)
                let report = try Importer(store: importStore, options: ImportOptions(now: currentTime())).run(paths)
                for warning in report.warnings { printError("warning: \(warning)") }
                printError("imported: \(ImportSummary.totals(report, storePath: storePath))")
                DispatchQueue.global().async(group: closing) {
                    do {
                        try importStore.close()
                    } catch {
                        printError("warning: \(error)")
                    }
                }
            }
            let store = try openStoreForReading(storePath)
            let result = try Analyzer(store: store).analyze(scope: scopeOptions.scope, top: top, policy: try policyOptions.loadPolicy(),
                                                            now: policyOptions.time)
            for warning in result.warnings { printError("warning: \(warning)") }
            var options = RenderOptions()
            if let templates { options.templates = try TemplateSet.overriding(with: templates) }
            options.from = from
            options.to = to
            options.subject = subject
            options.attachFull = attachFull
            let rendered = try ReportBatch.render(targets.map(\.format), result, options: options)
            var outputs: [(bytes: [UInt8], path: String)] = []
            for target in targets {
                guard let bytes = rendered[target.format] else { throw ReportError("unknown format \(target.format)") }
                if target.format == EmailHTMLRenderer.format {
                    for problem in EmailCheck.problems(bytes) { printError("warning: \(target.path): \(problem)") }
                }
                outputs.append((bytes, target.path))
            }
            try OutputFile.writeAll(outputs)
        } catch {
            throw fail(error)
        }
    }
}
