import ArgumentParser
import Foundation
import PortReport

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Rank ports, compare hosts with containers, show trends and findings.",
        discussion: """
            Writes the analysis of the store in scope: html (the full report, self-contained), \
            xhtml (the same as well-formed XML), email (an HTML summary for mail clients), json \
            (the whole analysis; schema in the README) and csv (the full ranking). -o may repeat; \
            the format follows from each file's extension unless --format is given; -o - is \
            standard output.
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scopeOptions: ScopeOptions

    @Option(name: .long, help: ArgumentHelp("json or csv (default: from the output file's extension, else json).", valueName: "format"))
    var format: String?

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Output file (repeatable); - for standard output.", valueName: "file"))
    var output: [String] = []

    @Option(name: .long, help: "How many ranking rows reports show and draw series for.")
    var top = 20

    @Option(name: .long, help: ArgumentHelp("Policy file (YAML; see samples/policy.yaml).", valueName: "file"))
    var policy: String?

    @Option(name: .long, help: ArgumentHelp("The report's time (generated_at, waiver expiry); default: SOURCE_DATE_EPOCH, else the newest capture in scope.", valueName: "time"))
    var now: String?

    @Option(name: .long, help: ArgumentHelp("A directory whose .xhtml/.css/.md files replace the built-in templates of the same name.", valueName: "dir"))
    var templates: String?

    func validate() throws {
        if let format, !ReportFormats.names.contains(format) {
            throw ValidationError("--format expects one of \(ReportFormats.names.joined(separator: ", ")), not '\(format)'")
        }
        for path in output where path != "-" && format == nil && ReportFormats.format(forPath: path) == nil {
            throw ValidationError("cannot tell the format of '\(path)' from its extension: give --format \(ReportFormats.names.joined(separator: "|"))")
        }
        guard top >= 1 else { throw ValidationError("--top expects a number of rows, 1 or more") }
        if let now, parseTime(now) == nil { throw ValidationError("--now expects an RFC 3339 time or a date, not '\(now)'") }
    }

    func run() throws {
        do {
            let store = try openStoreForReading(storeOptions.storePath)
            let loadedPolicy = try policy.map { try Policy.load(path: $0) } ?? .builtIn
            let result = try Analyzer(store: store).analyze(scope: scopeOptions.scope, top: top, policy: loadedPolicy, now: reportTime(now))
            for warning in result.warnings { printError("warning: \(warning)") }
            var options = RenderOptions()
            if let templates { options.templates = try TemplateSet.overriding(with: templates) }
            let targets = output.isEmpty ? ["-"] : output
            let storeURL = URL(fileURLWithPath: storeOptions.storePath).standardizedFileURL
            for target in targets {
                if target != "-" && URL(fileURLWithPath: target).standardizedFileURL == storeURL {
                    throw ReportError("\(target) is the store: refusing to write a report over it")
                }
                let name = format ?? ReportFormats.format(forPath: target) ?? JSONReportRenderer.format
                guard let renderer = ReportFormats.renderer(name, options: options) else { throw ReportError("unknown format \(name)") }
                try OutputFile.write(try renderer.render(result), to: target)
            }
        } catch {
            throw fail(error)
        }
    }
}
