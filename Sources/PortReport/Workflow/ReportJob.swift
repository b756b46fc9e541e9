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
    /// A policy file; nil for the built-in policy.
    public var policyPath: String?
    /// The report's time; nil for the newest capture in scope.
    public var now: Timestamp?
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
        let closing = DispatchGroup()
        defer { closing.wait() }
        if !paths.isEmpty {
            let importStore = try Store(path: storePath)
            let report = try Importer(store: importStore, options: ImportOptions(now: clock.now)).run(paths)
            for warning in report.warnings { console.report(Diagnostic(.warning, warning)) }
            console.report(Diagnostic(.imported, ImportSummary.totals(report, storePath: storePath)))
            DispatchQueue.global().async(group: closing) {
                do {
                    try importStore.close()
                } catch {
                    console.report(Diagnostic(.warning, "\(error)"))
                }
            }
        }
        let store = try Store.openForReading(storePath)
        let policy = try policyPath.map { try Policy.load(path: $0) } ?? .builtIn
        let result = try Analyzer(store: store).analyze(scope: scope, top: top, policy: policy, now: now)
        for warning in result.warnings { console.report(Diagnostic(.warning, warning)) }
        var options = renderOptions
        if let templatesDirectory { options.templates = try TemplateSet.overriding(with: templatesDirectory) }
        let rendered = try ReportBatch.render(targets.map(\.format), result, options: options)
        var outputs: [(bytes: [UInt8], path: String)] = []
        for target in targets {
            guard let bytes = rendered[target.format] else { throw ReportError("unknown format \(target.format.rawValue)") }
            if target.format == .email {
                for problem in EmailCheck.problems(bytes) { console.report(Diagnostic(.warning, "\(target.path): \(problem)")) }
            }
            outputs.append((bytes, target.path))
        }
        try OutputFile.writeAll(outputs)
    }
}
