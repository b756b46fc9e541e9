import ArgumentParser
import Foundation
import PortReport

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import saved HSS open-port statistics into the store.",
        discussion: """
            PATH may be a saved response body (.json, .json.gz), a HAR capture (.har), an SQLite \
            file (another portreport store, or any database with --query), a directory (walked \
            recursively for .json, .json.gz and .har files), or - for standard input.

            For raw bodies, project, category and capture time come from the flags, else from \
            the path (a date such as 2026-11-28 or 2026-11-28T02:00:00Z or 20261128T020000Z, and \
            the word host or container), else from defaults (category host; the file's \
            modification time, with a warning; project unknown). Pages that agree on all of them \
            are merged into one snapshot.

            One run is one transaction: if any input is bad, nothing is stored (unless \
            --skip-invalid). Importing the same content again changes nothing.
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

    @Option(name: .long, help: ArgumentHelp("A filter the export was saved with (port, port_string, type, status); marks it partial. Repeatable.", valueName: "name=value"))
    var filter: [String] = []

    @Option(name: .long, help: ArgumentHelp("For SQLite files that are not portreport stores: a SELECT returning port, type, num and optionally status, category, captured_at, project_id, enterprise_project_id, total_num.", valueName: "sql"))
    var query: String?

    @Flag(name: .long, help: "Store the good inputs and list the bad ones (exit status 2), instead of storing nothing.")
    var skipInvalid = false

    @Flag(name: [.short, .long], help: "No progress or per-snapshot lines; errors and warnings still go to standard error.")
    var quiet = false

    @Argument(help: ArgumentHelp("Files, directories, or - for standard input.", valueName: "path"))
    var paths: [String]

    func validate() throws {
        if let capturedAt, Timestamp(rfc3339: capturedAt) == nil {
            throw ValidationError("--captured-at expects an RFC 3339 time such as 2026-11-28T02:00:00Z, not '\(capturedAt)'")
        }
        var names = Set<String>()
        for item in filter {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ["port", "port_string", "type", "status"].contains(parts[0]) else {
                throw ValidationError("--filter expects name=value with name port, port_string, type or status, not '\(item)'")
            }
            guard SnapshotKey.normalisedFilter(name: parts[0], value: parts[1]) != nil else {
                throw ValidationError("--filter \(parts[0]) expects \(["port": "a port 1–65535", "port_string": "some text", "type": "TCP, UDP, TCP6 or UDP6", "status": "danger, normal or unknown"][parts[0]] ?? "a value"), not '\(parts[1])'")
            }
            guard names.insert(parts[0]).inserted else {
                throw ValidationError("--filter \(parts[0]) is given twice; the API takes one value per filter")
            }
        }
        if paths.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input (-) can be named only once")
        }
    }

    func run() throws {
        var options = ImportOptions(now: currentTime())
        options.projectID = project
        options.enterpriseProjectID = enterpriseProject
        options.category = category
        options.capturedAt = capturedAt.flatMap { Timestamp(rfc3339: $0) }
        options.filters = filter.map { item in
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            return (name: parts[0], value: SnapshotKey.normalisedFilter(name: parts[0], value: parts[1]) ?? parts[1])
        }
        options.query = query
        options.skipInvalid = skipInvalid

        let storePath = storeOptions.storePath
        let report: ImportReport
        do {
            // A failed run into a new store leaves it empty (schema only): deleting the file
            // could delete what a concurrent import has just stored there.
            report = try importInto(storePath, options: options, paths: paths, quiet: quiet)
        } catch {
            throw fail(error)
        }
        for warning in report.warnings {
            printError("warning: \(warning)")
        }
        for skipped in report.skipped {
            printError("skipped: \(skipped)")
        }
        if !quiet {
            for line in report.snapshots {
                print(terminalSafe(ImportSummary.line(for: line)))
            }
            print(ImportSummary.totals(report, storePath: storeOptions.storePath))
        }
        for line in report.snapshots where !line.complete {
            printError("warning: snapshot \(line.id) (\(line.key.category.rawValue), \(line.key.capturedAt.rfc3339)) is incomplete: \(line.note)")
        }
        if !report.skipped.isEmpty {
            throw ExitCode(2)
        }
    }
}

/// Opens the store and imports; the store is closed when this returns.
private func importInto(_ storePath: String, options: ImportOptions, paths: [String], quiet: Bool) throws -> ImportReport {
    let store = try Store(path: storePath)
    let progress = TerminalProgress.makeIfTerminal(quiet: quiet)
    return try Importer(store: store, options: options).run(paths, progress: progress)
}

enum ImportSummary {
    static func line(for snapshot: ImportReport.SnapshotLine) -> String {
        let key = snapshot.key
        let project = key.projectID.isEmpty ? "project unknown" : "project \(key.projectID)"
        var flags: [String] = []
        flags.append(snapshot.complete ? "complete" : "INCOMPLETE")
        if key.isPartial { flags.append("partial: \(key.filters)") }
        let what: String
        switch snapshot.outcome {
        case "stored": what = "stored"
        case "merged": what = "merged \(snapshot.addedRecords) new record\(snapshot.addedRecords == 1 ? "" : "s") into"
        default: what = "already imported:"
        }
        let total = snapshot.totalNum.map { " of \($0)" } ?? ""
        return "\(what) snapshot \(snapshot.id): \(key.category.rawValue) \(key.capturedAt.rfc3339), \(project), \(snapshot.records)\(total) records (\(flags.joined(separator: ", ")))"
    }

    static func totals(_ report: ImportReport, storePath: String) -> String {
        let stored = report.snapshots.filter { $0.outcome == "stored" }.count
        let merged = report.snapshots.filter { $0.outcome == "merged" }.count
        let already = report.snapshots.filter { $0.outcome == "alreadyImported" }.count
        var text = "\(report.files) file\(report.files == 1 ? "" : "s") read, \(report.records) record\(report.records == 1 ? "" : "s") added: "
        text += "\(stored) new snapshot\(stored == 1 ? "" : "s"), \(merged) merged, \(already) already imported"
        if report.alreadyImportedPages > 0 { text += " (\(report.alreadyImportedPages) page\(report.alreadyImportedPages == 1 ? "" : "s") already in the store)" }
        if !report.skipped.isEmpty { text += "; \(report.skipped.count) input\(report.skipped.count == 1 ? "" : "s") skipped" }
        return text + " → \(storePath)"
    }
}
