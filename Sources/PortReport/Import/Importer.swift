/// What the user said about the inputs on the command line. Flags win over what a path says.
public struct ImportOptions: Sendable {
    public var projectID: String?
    public var enterpriseProjectID: String?
    public var category: Category?
    public var capturedAt: Timestamp?
    /// Filters a raw body was saved with (`port=22`), marking it partial.
    public var filters: [(name: String, value: String)] = []
    /// For SQLite files that are not portreport stores: the rows to read.
    public var query: String?
    /// Store the good inputs and list the bad ones, instead of storing nothing.
    public var skipInvalid = false
    /// Store a page again under a new snapshot key although the store has it under another one
    /// (`--import-again`; see `PageIdentity`).
    public var importAgain = false
    /// How many of the inputs' errors (or, with `skipInvalid`, skipped inputs) are listed, in
    /// input order, the rest counted; nil: every one (`--list-all`).
    public var errorsListed: Int? = ImportOptions.listedPerKind
    /// How many diagnostics of one kind an import lists before one line that counts the rest.
    public static let listedPerKind = 20
    /// "Now", for standard input (which has no modification time) and `imported_at`.
    var now: Timestamp

    public init(now: Timestamp) {
        self.now = now
    }
}

/// The result of an import run.
public struct ImportReport: Sendable {
    public struct SnapshotLine: Sendable, Equatable {
        public let id: Int64
        public let key: SnapshotKey
        public let outcome: SnapshotOutcome
        public let records: Int
        public let addedRecords: Int
        public let totalNum: Int64?
        public let complete: Bool
        public let note: String
        /// The types and statuses of the records, when this run wrote the snapshot's blob (for
        /// the plausibility check after the import; see `RecordKinds`).
        var kinds: RecordKinds? = nil
    }

    public var snapshots: [SnapshotLine] = []
    /// Inputs left out because they were bad (only with `skipInvalid`): the first
    /// `ImportOptions.errorsListed` of their errors, and how many there were.
    public var skipped: [InputError] = []
    public var skippedCount = 0
    public var warnings: [String] = []
    public var files = 0
    public var records = 0
    /// Pages that were already in the store and were not read again.
    public var alreadyImportedPages = 0
    /// Values of the pages stored that came from a default, for one warning per kind.
    var defaults = MetadataDefaults()
    /// The drill-down snapshots (ListPortHost, ListPorts) the run stored or added to.
    var drillDown: [DetailOutcome] = []
    /// Drill-down pages (ListPortHost, ListPorts) added, and their records.
    public var detailPages = 0
    public var detailRecords = 0
}

extension ImportReport.SnapshotLine {
    /// Stored from pages that give no `total_num` (a bare array of records, a `--query` without
    /// the column): whether records are missing cannot be told. Listed as "completeness unknown",
    /// never as complete.
    public var completenessUnknown: Bool { Completeness.isUnknown(complete: complete, totalNum: totalNum, note: note) }
}

/// Receives progress while an import runs (the command line draws it on a terminal).
public protocol ImportProgress: AnyObject {
    func update(filesDone: Int, filesTotal: Int, records: Int)
    func finish()
}

/// Imports saved responses, HAR captures and SQLite snapshots into a store, as one transaction.
public struct Importer {
    let store: Store
    let options: ImportOptions
    /// The export sidecars of the run's inputs, read once per directory.
    let sidecars = SidecarIndex()

    public init(store: Store, options: ImportOptions) {
        self.store = store
        self.options = options
    }

    /// Imports `paths`. Throws `ImportFailure` (and stores nothing) when any input is bad, unless
    /// `skipInvalid` is set; throws `StoreError` when the store cannot be written.
    public func run(_ paths: [String], progress: ImportProgress? = nil) throws -> ImportReport {
        var report = ImportReport()
        var (files, errors) = inputs(paths, report: &report)
        if !errors.isEmpty && !options.skipInvalid {
            throw ImportFailure(errors)
        }
        do {
            try store.importSession(importedAt: options.now, importAgain: options.importAgain) { session in
                let preparer = MetadataPreparer(importer: self)
                let prefetcher = InputPrefetcher(paths: files, prepare: { preparer.prepare($0) })
                defer { prefetcher.cancel() }
                let total = files.count
                for (index, path) in files.enumerated() {
                    let before = report
                    do {
                        try session.input {
                            try importFile(path, prefetcher.item(index), session: session, report: &report)
                        }
                    } catch let error as InputError {
                        report = before
                        errors.appendReading(error)
                    }
                    progress?.update(filesDone: index + 1, filesTotal: total, records: report.records)
                }
                progress?.finish()
                if !errors.isEmpty && !options.skipInvalid {
                    return .rollBack
                }
                // What only reading needed goes before the store's summaries are built: for
                // 100 projects' 90 days, the paths and sidecar values are 25 MB of the heap.
                files = InputPaths()
                sidecars.forget()
                report.drillDown = try session.finishDetails()
                report.snapshots.reserveCapacity(session.touchedCount)
                try session.finish { outcome in
                    report.snapshots.append(
                        ImportReport.SnapshotLine(
                            id: outcome.id, key: outcome.key, outcome: outcome.kind, records: outcome.records,
                            addedRecords: outcome.addedRecords, totalNum: outcome.totalNum, complete: outcome.complete, note: outcome.note,
                            kinds: outcome.kinds))
                }
                return .commit
            }
        } catch let error as ImportFailure {
            throw error
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: store.path, message: Store.describe(error) + " (nothing from this run was stored)")
        }
        if !errors.isEmpty && !options.skipInvalid {
            throw ImportFailure(errors)
        }
        report.skipped = errors.listed
        report.skippedCount = errors.count
        report.warnings += report.defaults.warnings
        return report
    }

    /// The files a run reads, in order, and the errors found before reading any: the paths
    /// expanded, and the sidecars that apply to them loaded. The expansion is not kept.
    private func inputs(_ paths: [String], report: inout ImportReport) -> (files: InputPaths, errors: InputErrors) {
        let expansion = InputExpansion.expandWithRoots(paths)
        report.warnings += expansion.warnings
        var errors = InputErrors(limit: options.errorsListed)
        for error in expansion.errors { errors.appendBeforeReading(error) }
        // A bad sidecar is one error, and none of the inputs below it is read.
        let sidecarErrors = sidecars.load(files: expansion.files, roots: expansion.roots, flagFilters: options.filters)
        report.warnings += sidecars.warnings
        let badSidecar = sidecarErrors.sorted { $0.key < $1.key }.map(\.value)
        var unread: [String: Int] = [:]
        for error in badSidecar { unread[error.description, default: 0] += 1 }
        for error in badSidecar {
            guard let count = unread.removeValue(forKey: error.description) else { continue }
            errors.appendBeforeReading(
                InputError(
                    file: error.file, line: error.line, place: error.place,
                    message: error.message + " (\(count) input\(count == 1 ? "" : "s") below it not read)"))
        }
        guard !sidecarErrors.isEmpty else { return (expansion.files, errors) }
        sidecars.retain(indices: { sidecarErrors[$0] == nil })
        let files = expansion.files.filter(indices: { sidecarErrors[$0] == nil })
        return (files, errors)
    }

    // MARK: One input

    /// What a file's path, the flags and the sidecars say about it, before it is parsed: the
    /// drill-down query its name or sidecar gives, and otherwise a raw body's metadata. Pure (the
    /// sidecars are loaded before the run), so the prefetcher's workers work it out ahead; nil
    /// for SQLite files and HAR captures, whose metadata is inside them.
    func prepare(_ file: InputFile) -> PreparedMetadata? {
        let lowercased = file.displayPath.lowercased()
        guard !file.isSQLite, !lowercased.hasSuffix(".har"), !lowercased.hasSuffix(".har.gz") else { return nil }
        let query = Result { () throws(InputError) in try namedDetailQuery(file) }
        guard case .success(nil) = query else { return PreparedMetadata(detailQuery: query, rawBody: nil) }
        return PreparedMetadata(detailQuery: query, rawBody: Result { () throws(InputError) in try rawBodyMetadata(file) })
    }

    /// `item` is the file as read (and parsed) ahead by the prefetcher.
    private func importFile(_ path: String, _ item: InputPrefetcher.Item, session: ImportSession, report: inout ImportReport) throws {
        // Fast path: a raw body whose metadata the path or flags give, already in the store,
        // is recognised by its digest (its parse, done ahead, goes unused).
        var file = try item.file.get()
        file.computeSHA256()
        report.files += 1
        if file.isSQLite {
            try SQLiteSnapshotReader(file: file, options: options).read(into: session, report: &report)
            return
        }
        let isHAR = path.lowercased().hasSuffix(".har") || path.lowercased().hasSuffix(".har.gz")
        let prepared = isHAR ? nil : item.prepared ?? prepare(file)
        if let query = try prepared?.detailQuery.get() {
            try importNamedDetail(file, query: query, session: session, report: &report)
            return
        }
        // The path and flags give a raw body's metadata before it is parsed; worked out once.
        let metadata = prepared?.rawBody
        if let key = try? metadata?.get().key,
            try session.hasSource(key: key, sha256: file.sha256, entry: -1)
        {
            try session.noteUnchanged(key)
            report.alreadyImportedPages += 1
            return
        }
        if isHAR {
            try importHAR(file, session: session, report: &report)
            return
        }
        if file.looksUTF16 {
            throw InputError(
                file: path,
                message:
                    "the file is UTF-16 encoded (as Windows PowerShell saves files); JSON must be UTF-8: convert it with iconv -f UTF-16 -t UTF-8"
            )
        }
        let shaped: ExportShapeReader.Content
        do {
            if let parsed = item.content {
                shaped = try parsed.get()
            } else {
                shaped = try file.bytes.withUnsafeBufferPointer { try ExportShapeReader.read($0) }
            }
        } catch let problem as ResponseBodyReader.Problem {
            throw inputError(problem, file: file, bytes: file.bytes, place: nil)
        }
        let content: ResponseBodyReader.Content
        switch shaped {
        case .body(let body):
            content = body
        case .pages(let pages, let skipped):
            try importPages(pages, skipped: skipped, file: file, session: session, report: &report)
            return
        case .records(let page):
            try importRecords(page, file: file, session: session, report: &report)
            return
        }
        switch content {
        case .harCapture:
            try importHAR(file, session: session, report: &report)
        case .errorResponse(let code, let message):
            throw InputError(
                file: path,
                predicate:
                    "is \(ErrorBody.kind(code: code)) (\(ErrorBody.summary(code: code, message: message))), not port statistics: export it again"
            )
        case .page(let page):
            guard let metadata else { throw InputError(file: path, message: "expected a response body, found a HAR capture") }
            let (key, provenance, defaults) = try metadata.get()
            let added = try session.add(
                SnapshotPage(
                    key: key, provenance: provenance, path: path, entry: -1, sha256: file.sha256, size: file.size, totalNum: page.totalNum,
                    realPath: file.canonicalPath),
                records: page.records, place: { "data_list[\($0)]" },
                line: { index in file.bytes.withUnsafeBufferPointer { JSONScanner($0).lineAndColumn(of: page.recordOffsets[index]).line } })
            if let added {
                report.records += added
                report.defaults.note(defaults, path: path)
            } else {
                report.alreadyImportedPages += 1
            }
        }
    }

    /// The pages of a file that holds several: each its own source (`entry` is its index in the
    /// file), under the metadata of the file (and of its key, in an object keyed by category).
    ///
    /// Pages of one input that would be stored in one snapshot but disagree on `total_num` are
    /// refused: they are most likely several exports in one stream (host pages then container
    /// pages, saved without a way to tell them apart), and merging them would make one snapshot of
    /// two. Separate files of one key that disagree are still one export whose data changed while
    /// it was paged, stored as incomplete.
    private func importPages(
        _ pages: [ExportShapeReader.Page], skipped: [ExportShapeReader.Skipped], file: InputFile, session: ImportSession,
        report: inout ImportReport
    ) throws {
        let path = file.displayPath
        try importShapedDetail(skipped, file: file, session: session, report: &report)
        if pages.isEmpty { return }
        func placeText(_ page: ExportShapeReader.Page) -> String {
            file.bytes.withUnsafeBufferPointer { page.place.text(in: $0) }
        }
        // The file's metadata, once per category key (the warning about a guessed time once).
        var metadata: [String: (key: SnapshotKey, provenance: MetadataProvenance, defaults: [MetadataDefaults.Default])] = [:]
        var keys: [SnapshotKey] = []
        for page in pages {
            let name = page.categoryKey ?? ""
            if let known = metadata[name] {
                keys.append(known.key)
                continue
            }
            let found = try rawBodyMetadata(file, bodyCategory: page.category.map { ($0, name) })
            metadata[name] = (found.key, found.provenance, found.defaults)
            keys.append(found.key)
        }
        var firstTotal: [SnapshotKey: (total: Int64, page: Int)] = [:]
        for (index, page) in pages.enumerated() {
            guard let total = page.page.totalNum else { continue }
            let key = keys[index]
            guard let first = firstTotal[key] else {
                firstTotal[key] = (total, index)
                continue
            }
            guard first.total == total else {
                throw InputError(
                    file: path,
                    line: file.bytes.withUnsafeBufferPointer { JSONScanner($0).lineAndColumn(of: page.place.documentOffset).line },
                    place: placeText(page),
                    message:
                        "total_num \(total) here but \(first.total) in \(placeText(pages[first.page])), and both would be stored in one snapshot (\(key.category.rawValue), captured \(key.capturedAt.rfc3339)): several exports in one input cannot be told apart; split them: one file per export, an object keyed by category ({\"host\": …, \"container\": …}), or each file imported with its --category (if it is one export whose data changed while it was paged, save each page to its own file: it is then stored as incomplete)"
                )
            }
        }
        let realPath = file.canonicalPath
        for (index, page) in pages.enumerated() {
            let key = keys[index]
            guard let found = metadata[page.categoryKey ?? ""] else { continue }
            let provenance = found.provenance
            let place = placeText(page)
            let prefix = place.isEmpty ? "" : place + (page.place.document != nil && page.place.jsonPath.isEmpty ? " " : ".")
            let added = try session.add(
                SnapshotPage(
                    key: key, provenance: provenance, path: path, entry: index, sha256: file.sha256, size: file.size,
                    totalNum: page.page.totalNum, realPath: realPath),
                records: page.page.records, place: { "\(prefix)data_list[\($0)]" },
                line: { i in file.bytes.withUnsafeBufferPointer { JSONScanner($0).lineAndColumn(of: page.page.recordOffsets[i]).line } })
            if let added {
                report.records += added
                report.defaults.note(found.defaults, path: path)
            } else {
                report.alreadyImportedPages += 1
            }
        }
    }

    /// A bare array of records: it says neither its category nor its capture time, so both flags
    /// are required; it has no `total_num`, so its snapshot's completeness is unknown.
    private func importRecords(_ page: ResponsePage, file: InputFile, session: ImportSession, report: inout ImportReport) throws {
        let missing = [options.category == nil ? "--category" : nil, options.capturedAt == nil ? "--captured-at" : nil].compactMap { $0 }
        guard missing.isEmpty else {
            throw InputError(
                file: file.displayPath,
                message:
                    "a bare array of port records is imported only with --category and --captured-at (missing: \(missing.joined(separator: ", "))): unlike a response body it does not say what it counts or when, and with no total_num its completeness is unknown"
            )
        }
        let (key, provenance, defaults) = try rawBodyMetadata(file)
        let added = try session.add(
            SnapshotPage(
                key: key, provenance: provenance, path: file.displayPath, entry: -1, sha256: file.sha256, size: file.size, totalNum: nil,
                realPath: file.canonicalPath),
            records: page.records, place: { "[\($0)]" },
            line: { index in file.bytes.withUnsafeBufferPointer { JSONScanner($0).lineAndColumn(of: page.recordOffsets[index]).line } })
        if let added {
            report.records += added
            report.defaults.note(defaults, path: file.displayPath)
        } else {
            report.alreadyImportedPages += 1
        }
    }

    private func importHAR(_ file: InputFile, session: ImportSession, report: inout ImportReport) throws {
        if options.projectID != nil || options.enterpriseProjectID != nil || options.category != nil || options.capturedAt != nil
            || !options.filters.isEmpty
        {
            report.warnings.append(
                "\(file.displayPath): --project, --enterprise-project, --category, --captured-at and --filter do not apply to HAR captures: each entry's request URL and start time say them"
            )
        }
        let contents = try file.bytes.withUnsafeBufferPointer { try HARReader.read($0, file: file.displayPath) }
        for note in contents.notes {
            report.warnings.append("\(file.displayPath): \(note)")
        }
        if contents.pages.isEmpty {
            let seen = contents.notes.isEmpty ? "" : " (\(contents.notes.joined(separator: "; ")))"
            throw InputError(
                file: file.displayPath,
                message:
                    "this HAR capture has no successful response of GET /v5/{project_id}/asset/port/statistics, /asset/ports/detail or /asset/ports\(seen)"
            )
        }
        let realPath = file.canonicalPath
        for harPage in contents.pages {
            let place = "log.entries[\(harPage.entry)] response body"
            if let detail = harPage.detail {
                try importHARDetail(harPage, detail, file: file, place: place, session: session, report: &report)
                continue
            }
            let content: ResponseBodyReader.Content
            do {
                content = try harPage.body.withUnsafeBufferPointer { try ResponseBodyReader.read($0) }
            } catch let problem as ResponseBodyReader.Problem {
                throw inputError(problem, file: file, bytes: harPage.body, place: place)
            }
            switch content {
            case .harCapture:
                throw InputError(
                    file: file.displayPath, place: place, message: "expected the statistics response body, found a HAR document")
            case .errorResponse(let code, let message):
                throw InputError(
                    file: file.displayPath, place: place,
                    message: "HTTP 200 but the body is \(ErrorBody.kind(code: code)) (\(ErrorBody.summary(code: code, message: message)))")
            case .page(let page):
                let added = try session.add(
                    SnapshotPage(
                        key: harPage.key, provenance: harPage.provenance, path: file.displayPath, entry: harPage.entry,
                        sha256: file.sha256, size: file.size, totalNum: page.totalNum, realPath: realPath),
                    records: page.records, place: { "log.entries[\(harPage.entry)] response body data_list[\($0)]" })
                if let added { report.records += added } else { report.alreadyImportedPages += 1 }
            }
        }
    }

    private func inputError(_ problem: ResponseBodyReader.Problem, file: InputFile, bytes: [UInt8], place: String?) -> InputError {
        let line = bytes.withUnsafeBufferPointer { JSONScanner($0).lineAndColumn(of: problem.offset).line }
        if bytes.isEmpty || bytes.allSatisfy({ [0x20, 0x0A, 0x0D, 0x09].contains($0) }) {
            return InputError(file: file.displayPath, place: place, message: "the file is empty; expected a saved response body (JSON)")
        }
        let joined = [place, problem.path.isEmpty ? nil : problem.path].compactMap { $0 }.joined(separator: " ")
        return InputError(file: file.displayPath, line: place == nil ? line : nil, place: joined, message: problem.message)
    }
}

/// What `Importer.prepare(_:)` works out for one file.
struct PreparedMetadata: Sendable {
    /// The drill-down query the file's name or sidecar gives (nil: it is statistics).
    let detailQuery: Result<Importer.DetailQuery?, InputError>
    /// A raw body's metadata, when the file is not a drill-down page by name.
    let rawBody: Result<(key: SnapshotKey, provenance: MetadataProvenance, defaults: [MetadataDefaults.Default]), InputError>?
}

/// The importer as the prefetcher's workers use it: `prepare(_:)` reads only the options and the
/// sidecar index, which is complete before the workers start and only read from then on (a
/// dictionary read from several threads at once), never the store.
private struct MetadataPreparer: @unchecked Sendable {
    let importer: Importer

    func prepare(_ file: InputFile) -> PreparedMetadata? { importer.prepare(file) }
}
