import Foundation

/// `portreport report`: import → analyse → render → check → write, as one job. A refused
/// report changes nothing: the outputs are checked before anything is imported, and each file
/// is written whole or not at all.
public struct ReportJob {
    /// One output: a file (or `-`, standard output) and the format written there.
    public struct Target: Sendable, Equatable {
        let path: String
        public let format: ReportFormat

        init(path: String, format: ReportFormat) {
            self.path = path
            self.format = format
        }
    }

    var storePath: String
    /// Exports to import before reporting, as `portreport import` would.
    public var paths: [String] = []
    var targets: [Target]
    public var scope = AnalysisScope()
    /// How many ranking rows the reports show and draw series for.
    public var top = 20
    /// A policy file; nil for the built-in baseline (`Policy.baseline`).
    public var policyPath: String?
    /// The report's time; nil for the newest capture in scope.
    public var now: Timestamp?
    /// The finding history's windows (`--resolved-window`).
    public var history = HistoryOptions()
    /// A directory whose templates replace the built-in ones of the same name.
    public var templatesDirectory: String?
    /// The message's addresses, subject and attachment, for `eml` (templates come from
    /// `templatesDirectory`).
    public var renderOptions = RenderOptions()
    /// The clock an import records its time by.
    var clock = ReportClock()

    public init(storePath: String, targets: [Target]) {
        self.storePath = storePath
        self.targets = targets
    }

    /// The targets for `-o` files (standard output when there are none), each in `format`
    /// when given, else in the format its extension names, else JSON. Throws for a file whose
    /// extension names no format when `format` is not given, and for two targets that are one
    /// file (`a.json` and `./a.json`, a link and its target).
    public static func targets(outputs: [String], format: ReportFormat?) throws(UsageError) -> [Target] {
        try OutputFile.checkDistinct(outputs)
        return try (outputs.isEmpty ? ["-"] : outputs).map { path throws(UsageError) in
            if let format { return Target(path: path, format: format) }
            if path == "-" { return Target(path: path, format: .json) }
            guard let implied = ReportFormat(forPath: path) else { throw UsageError(ReportFormat.unknownExtensionMessage(path)) }
            return Target(path: path, format: implied)
        }
    }

    /// Runs the stages in order; warnings go to `console` as they come. Throws the first stage's
    /// error (a `PortReportError`, or the policy's), after the background close has finished.
    public func run(console: any Console) throws {
        // Before anything is imported: a refused report changes nothing. Inputs are the files
        // `import` would read (directories walked).
        // The store's files by the name given and, when that is a link, beside its target, where
        // SQLite keeps the -wal, -shm and -journal files.
        let storeTarget = (try? OutputFile.followingLinks(storePath))?.path ?? storePath
        let storeFiles = (Store.files(at: storePath) + Store.files(at: storeTarget)).map { (path: $0, what: "the store") }
        let inputFiles = InputExpansion.expand(paths.filter { $0 != "-" }).files.map { (path: $0, what: "one of the inputs (\($0))") }
        try OutputFile.checkTargets(targets.map(\.path), protecting: storeFiles + inputFiles)
        // Closing the store after the import checkpoints its log into the file, a write and an
        // fsync (about 10 ms): that runs beside the analysis, and the run waits for it before it
        // ends. What was imported is durable before (the commit synced the log).
        // The policy and the templates are read before the import too: a report they would
        // refuse imports nothing.
        let policy = try policyPath.map { try Policy.load(path: $0) } ?? .baseline
        var options = renderOptions
        if let templatesDirectory { options.templates = try TemplateSet.overriding(with: templatesDirectory) }
        let closing = DispatchGroup()
        defer { closing.wait() }
        var kept: ImportReport?
        if !paths.isEmpty {
            let importStore = try Store(path: storePath)
            let report = try Importer(store: importStore, options: importOptions).run(paths)
            ImportJob.report(
                report.warnings, as: .warning, rest: "warnings", all: false,
                hint: "portreport import --list-all with the same paths lists every one", on: console)
            console.report(Diagnostic(.imported, ImportSummary.totals(report, storePath: storePath)))
            kept = report
            DispatchQueue.global().async(group: closing) {
                do {
                    try importStore.close()
                } catch {
                    console.report(Diagnostic(.warning, "\(error)"))
                }
            }
        }
        do {
            try report(policy: policy, options: options, console: console)
        } catch {
            guard let kept, let note = Self.keptNote(kept, storePath: storePath) else { throw error }
            throw ReportAfterImportError(underlying: error, note: note)
        }
    }

    /// The import options for the paths: the scope's project, enterprise project and category
    /// say what the paths are, as `import`'s flags would.
    var importOptions: ImportOptions {
        var options = ImportOptions(now: clock.now)
        options.projectID = scope.projectID
        options.enterpriseProjectID = scope.enterpriseProjectID
        options.category = scope.category
        return options
    }

    /// `the import was kept: 3 snapshots stored in STORE` (`… and 1 drill-down snapshot …`), when
    /// the import changed the store: snapshots stored or merged into.
    static func keptNote(_ report: ImportReport, storePath: String) -> String? {
        let changed = report.snapshots.filter { $0.outcome != .alreadyImported }.count
        let changedDetails = report.drillDown.filter { $0.created || $0.addedRecords > 0 }.count
        var parts: [String] = []
        if changed > 0 { parts.append("\(changed) snapshot\(changed == 1 ? "" : "s")") }
        if changedDetails > 0 { parts.append("\(changedDetails) drill-down snapshot\(changedDetails == 1 ? "" : "s")") }
        guard !parts.isEmpty else { return nil }
        return "the import was kept: \(parts.joined(separator: " and ")) stored in \(storePath)"
    }

    /// Analyse → render → check → write.
    private func report(policy: Policy, options: RenderOptions, console: any Console) throws {
        let store = try Store.openForReading(storePath)
        let result = try Analyzer(store: store).analyze(scope: scope, top: top, policy: policy, now: now, history: history)
        if policy.isBaseline { console.report(Diagnostic(.warning, Policy.baselineNotice)) }
        for warning in result.warnings { console.report(Diagnostic(.warning, warning)) }
        // A format with one regular file as its target is rendered straight into a temporary
        // file beside it (the JSON of 100 projects is 46 MB); the rest are rendered to memory.
        var staged: [ReportFormat: StagedFile] = [:]
        defer { for file in staged.values { file.discard() } }
        for format in ReportBatch.streamable {
            let matching = targets.filter { $0.format == format }
            guard matching.count == 1, case .replace(let real) = try OutputFile.method(for: matching[0].path) else { continue }
            staged[format] = try StagedFile(real: real, naming: matching[0].path)
        }
        let rendered = try ReportBatch.render(targets.map(\.format), result, options: options, streaming: staged)
        var outputs: [(content: OutputFile.Content, path: String)] = []
        for target in targets {
            if let file = staged[target.format] {
                outputs.append((.staged(file), target.path))
                continue
            }
            guard let bytes = rendered[target.format] else { throw ReportError("unknown format \(target.format.rawValue)") }
            if target.format == .email {
                for problem in EmailCheck.problems(bytes) { console.report(Diagnostic(.warning, "\(target.path): \(problem)")) }
            }
            outputs.append((.bytes(bytes), target.path))
        }
        try OutputFile.writeAll(outputs)
    }
}

/// A report that failed after its import was stored: the report's error, then a note that the
/// import was kept (so that the user does not import it again, or does not believe nothing
/// changed).
public struct ReportAfterImportError: PortReportError {
    let underlying: any Error
    let note: String

    public var description: String { "\(underlying)" }
    public var location: String? { (underlying as? any PortReportError)?.location }
    public var underlyingError: (any Error & Sendable)? { underlying }
    public var exitStatus: Int32 { (underlying as? any PortReportError)?.exitStatus ?? ExitStatus.failure }
    public var diagnosticText: String {
        let first = (underlying as? any PortReportError)?.diagnosticText ?? TerminalText.line("error: \(underlying)")
        return first + "\n" + TerminalText.line("note: \(note)")
    }
}
