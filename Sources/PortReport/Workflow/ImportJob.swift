/// `portreport import`: opens (or creates) the store, imports the inputs as one transaction,
/// and says what was stored, on the console.
public struct ImportJob {
    var storePath: String
    var paths: [String]
    var options: ImportOptions
    /// No per-snapshot lines or totals; errors and warnings are still reported.
    public var quiet = false
    /// Every diagnostic of each kind, errors too, not the first `diagnosticsPerKind`.
    public var listAll = false {
        didSet { options.errorsListed = listAll ? nil : Self.diagnosticsPerKind }
    }

    /// How many diagnostics of one kind (the run's warnings, skipped inputs, incomplete
    /// snapshots, incomplete drill-down snapshots, suspect snapshots) an import prints before
    /// one line that counts the rest: 100 projects' year of exports gave 600 suspect-snapshot
    /// warnings, which no one reads on a terminal or in a job's log. The inputs' errors are
    /// bounded the same way (`ImportOptions.errorsListed`).
    public static let diagnosticsPerKind = ImportOptions.listedPerKind

    public init(storePath: String, paths: [String], options: ImportOptions) {
        self.storePath = storePath
        self.paths = paths
        self.options = options
        self.options.errorsListed = Self.diagnosticsPerKind
    }

    /// Imports, then reports: warnings and skipped inputs, the snapshot lines and the totals
    /// (unless quiet), a warning for each incomplete or suspect snapshot (each kind bounded, as
    /// `diagnosticsPerKind` says). Returns the exit status: 0, or `ExitStatus.skippedInputs`.
    /// Throws what stopped the import (then nothing was stored).
    public func run(console: any Console, progress: ImportProgress? = nil) throws -> Int32 {
        // A failed run into a new store leaves it empty (schema only): deleting the file could
        // delete what a concurrent import has just stored there.
        let (report, suspects) = try importClosingStore(progress: progress)
        self.report(report.warnings, as: .warning, rest: "warnings", on: console)
        self.report(
            report.skipped.lazy.map(\.description), count: report.skippedCount, as: .skipped, rest: "inputs were skipped", on: console)
        if !quiet {
            writeSnapshotLines(report, on: console)
            console.write(TerminalText.line(ImportSummary.totals(report, storePath: storePath)))
        }
        self.report(
            report.snapshots.lazy.filter { !$0.complete }.map { line in
                "snapshot \(line.id) (\(line.key.category.rawValue), \(line.key.capturedAt.rfc3339))\(line.completenessUnknown ? ":" : " is incomplete:") \(line.note)"
            }, as: .warning, rest: "snapshots just stored are incomplete or of unknown completeness", on: console)
        self.report(
            report.drillDown.lazy.filter { !$0.complete }.map { line in
                "drill-down snapshot \(line.id) (\(line.key.queryDescription), \(line.key.capturedAt.rfc3339))\(Completeness.isUnknown(complete: line.complete, totalNum: line.totalNum, note: line.note) ? ":" : " is incomplete:") \(line.note)"
            }, as: .warning, rest: "drill-down snapshots just stored are incomplete or of unknown completeness", on: console)
        self.report(suspects, as: .warning, rest: "snapshots just stored are suspect (reports flag each one they use)", on: console)
        return report.skippedCount == 0 ? 0 : ExitStatus.skippedInputs
    }

    /// A line per snapshot the run stored, merged into or found already imported, in input
    /// order: the first `diagnosticsPerKind` of each of those three (every one with `listAll`),
    /// then a line per kind that counts the rest. The daily run over a year of 100 projects'
    /// exports finds 73,000 snapshots already imported, which the totals line counts.
    private func writeSnapshotLines(_ report: ImportReport, on console: any Console) {
        func write<Line>(_ lines: [Line], kind: (Line) -> String, text: (Line) -> String, more: (String, Int) -> String) {
            var written: [String: Int] = [:]
            var order: [String] = []
            for line in lines {
                let key = kind(line)
                let count = written[key, default: 0] + 1
                if count == 1 { order.append(key) }
                written[key] = count
                if listAll || count <= Self.diagnosticsPerKind { console.write(TerminalText.line(text(line))) }
            }
            guard !listAll else { return }
            for key in order {
                if let count = written[key], count > Self.diagnosticsPerKind {
                    console.write(more(key, count - Self.diagnosticsPerKind))
                }
            }
        }
        write(
            report.snapshots, kind: ImportSummary.outcomeName(of:), text: ImportSummary.line(for:),
            more: { kind, count in
                "… \(count) more snapshot\(count == 1 ? "" : "s") \(kind) (the totals below count them; portreport snapshots lists every one, --list-all lists them here)"
            })
        write(
            report.drillDown, kind: ImportSummary.outcomeName(of:), text: ImportSummary.line(for:),
            more: { kind, count in
                "… \(count) more drill-down snapshot\(count == 1 ? "" : "s") \(kind) (portreport snapshots lists every one, --list-all lists them here)"
            })
    }

    /// Reports `messages`: the first `diagnosticsPerKind` (all with `listAll`), then a
    /// warning that counts the rest ("and 580 more `rest`"), of `count` in all when only the
    /// first were kept.
    private func report<Messages: Sequence<String>>(
        _ messages: Messages, count total: Int? = nil, as kind: Diagnostic.Kind, rest: String, on console: any Console
    ) {
        Self.report(messages, count: total, as: kind, rest: rest, all: listAll, on: console)
    }

    /// As `report(_:count:as:rest:on:)`, for `report`'s import too (`all`: every one).
    static func report<Messages: Sequence<String>>(
        _ messages: Messages, count total: Int? = nil, as kind: Diagnostic.Kind, rest: String, all listAll: Bool,
        hint: String = "--list-all lists every one", on console: any Console
    ) {
        var listed = 0
        for message in messages {
            listed += 1
            if listAll || listed <= Self.diagnosticsPerKind { console.report(Diagnostic(kind, message)) }
        }
        let count = max(listed, total ?? 0)
        guard !listAll, count > Self.diagnosticsPerKind else { return }
        console.report(
            Diagnostic(
                .warning,
                "\(count - Self.diagnosticsPerKind) more \(rest), \(count) in all: the first \(Self.diagnosticsPerKind) are above; \(hint)"
            ))
    }

    /// The store is closed when this returns, before anything is reported. Also the plausibility
    /// warnings about the complete (or completeness-unknown) snapshots just stored or merged into (`Plausibility`).
    private func importClosingStore(progress: ImportProgress?) throws -> (ImportReport, [String]) {
        let store = try Store(path: storePath)
        let report = try Importer(store: store, options: options).run(paths, progress: progress)
        // Ids, not a copy of the lines: a run can have tens of thousands.
        let checked = report.snapshots.compactMap {
            $0.outcome != .alreadyImported && ($0.complete || $0.completenessUnknown) && !$0.key.isPartial ? $0.id : nil
        }
        // What the import knows of the records it wrote is not read back from the blobs.
        let known = Dictionary(report.snapshots.compactMap { line in line.kinds.map { (line.id, $0) } }, uniquingKeysWith: { $1 })
        do {
            return (report, try store.suspectSnapshots(checked, known: known).map(\.message))
        } catch {
            return (report, ["the import was kept, but its snapshots could not be checked for plausibility: \(error)"])
        }
    }
}

/// The `--filter` vocabulary of raw bodies: the API's filter names and what each accepts.
public enum ImportFilter {
    /// The names, with what their values must be (as messages say it).
    static let names: [(name: String, expects: String)] = [
        ("port", "a port 1–65535"), ("port_string", "some text"), ("type", "TCP, UDP, TCP6 or UDP6"),
        ("status", "danger, normal or unknown")
    ]

    /// `name=value` items, each checked and its value normalised as the API takes it; the
    /// message for the first that is wrong.
    public static func parse(_ items: [String]) -> Result<[(name: String, value: String)], UsageError> {
        var filters: [(name: String, value: String)] = []
        for item in items {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let entry = names.first(where: { $0.name == parts[0] }) else {
                let list = names.map(\.name)
                return .failure(
                    UsageError(
                        "--filter expects name=value with name \(list.dropLast().joined(separator: ", ")) or \(list.last ?? ""), not '\(item)'"
                    ))
            }
            guard let value = SnapshotKey.normalisedFilter(name: parts[0], value: parts[1]) else {
                return .failure(UsageError("--filter \(parts[0]) expects \(entry.expects), not '\(parts[1])'"))
            }
            guard !filters.contains(where: { $0.name == parts[0] }) else {
                return .failure(UsageError("--filter \(parts[0]) is given twice; the API takes one value per filter"))
            }
            filters.append((parts[0], value))
        }
        return .success(filters)
    }
}

/// The lines `import` (and `report`, before it reports) prints about what was stored.
enum ImportSummary {
    /// `stored snapshot 3: host 2026-11-28T02:00:00Z, project unknown, 430 of 430 records (complete)`.
    static func line(for snapshot: ImportReport.SnapshotLine) -> String {
        let key = snapshot.key
        let project = key.projectID.isEmpty ? "project unknown" : "project \(key.projectID)"
        var flags: [String] = []
        flags.append(snapshot.complete ? "complete" : snapshot.completenessUnknown ? "completeness unknown" : "INCOMPLETE")
        if key.isPartial { flags.append("partial: \(key.filters)") }
        let what: String
        switch snapshot.outcome {
        case .stored: what = "stored"
        case .merged: what = "merged \(snapshot.addedRecords) new record\(snapshot.addedRecords == 1 ? "" : "s") into"
        case .alreadyImported: what = "already imported:"
        }
        let total = snapshot.totalNum.map { " of \($0)" } ?? ""
        return
            "\(what) snapshot \(snapshot.id): \(key.category.rawValue) \(key.capturedAt.rfc3339), \(project), \(snapshot.records)\(total) record\(snapshot.totalNum == nil && snapshot.records == 1 ? "" : "s") (\(flags.joined(separator: ", ")))"
    }

    /// What the run did to a snapshot, as the lines that count the ones not listed say it.
    static func outcomeName(of snapshot: ImportReport.SnapshotLine) -> String {
        switch snapshot.outcome {
        case .stored: return "stored"
        case .merged: return "merged"
        case .alreadyImported: return "already imported"
        }
    }

    static func outcomeName(of snapshot: DetailOutcome) -> String {
        snapshot.created ? "stored" : snapshot.addedRecords > 0 ? "merged" : "already imported"
    }

    /// `stored drill-down snapshot 2: ListPortHost port=2375&type=TCP (container) 2026-11-28T02:00:00Z, project p, 3 of 3 records (complete)`.
    static func line(for snapshot: DetailOutcome) -> String {
        let key = snapshot.key
        let project = key.projectID.isEmpty ? "project unknown" : "project \(key.projectID)"
        let state =
            snapshot.complete
            ? "complete"
            : Completeness.isUnknown(complete: snapshot.complete, totalNum: snapshot.totalNum, note: snapshot.note)
                ? "completeness unknown" : "INCOMPLETE"
        let what: String
        if snapshot.created {
            what = "stored"
        } else if snapshot.addedRecords > 0 {
            what = "merged \(snapshot.addedRecords) new record\(snapshot.addedRecords == 1 ? "" : "s") into"
        } else {
            what = "already imported:"
        }
        let total = snapshot.totalNum.map { " of \($0)" } ?? ""
        return
            "\(what) drill-down snapshot \(snapshot.id): \(key.queryDescription) \(key.capturedAt.rfc3339), \(project), \(snapshot.records)\(total) record\(snapshot.totalNum == nil && snapshot.records == 1 ? "" : "s") (\(state))"
    }

    /// `12 files read, 2135 records added: 6 new snapshots, 0 merged, 0 already imported → STORE`
    /// (`; 4 drill-down snapshots (4 new, 0 merged, 0 already imported; 7 drill-down records added)`
    /// before the arrow when the run read drill-down pages).
    static func totals(_ report: ImportReport, storePath: String) -> String {
        let stored = report.snapshots.filter { $0.outcome == .stored }.count
        let merged = report.snapshots.filter { $0.outcome == .merged }.count
        let already = report.snapshots.filter { $0.outcome == .alreadyImported }.count
        var text =
            "\(report.files) file\(report.files == 1 ? "" : "s") read, \(report.records) record\(report.records == 1 ? "" : "s") added: "
        text += "\(stored) new snapshot\(stored == 1 ? "" : "s"), \(merged) merged, \(already) already imported"
        if report.alreadyImportedPages > 0 {
            text += " (\(report.alreadyImportedPages) page\(report.alreadyImportedPages == 1 ? "" : "s") already in the store)"
        }
        if !report.drillDown.isEmpty {
            let count = report.drillDown.count
            let records = report.detailRecords
            let new = report.drillDown.filter(\.created).count
            let merged = report.drillDown.filter { !$0.created && $0.addedRecords > 0 }.count
            text +=
                "; \(count) drill-down snapshot\(count == 1 ? "" : "s") (\(new) new, \(merged) merged, \(count - new - merged) already imported; "
            text += "\(records) drill-down record\(records == 1 ? "" : "s") added)"
        }
        if report.skippedCount > 0 { text += "; \(report.skippedCount) input\(report.skippedCount == 1 ? "" : "s") skipped" }
        return text + " → \(storePath)"
    }
}
