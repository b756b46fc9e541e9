import Foundation

/// Reads, hashes and parses the inputs of a run on a second thread, in order and a few files
/// ahead, while the importer writes the store on its own: on the 2-core machines portreport runs
/// on, reading and parsing a year of exports costs about as much as storing it.
///
/// Only the pure part is done ahead — the file's bytes and SHA-256, and a raw body's parse.
/// Everything that looks at the store (is this page already imported? is the record a
/// conflict?) stays on the importer's thread, in input order, so a run's outcome does not depend
/// on the timing of the two threads.
final class InputPrefetcher: @unchecked Sendable {
    /// One input, read.
    struct Item: Sendable {
        let file: Result<InputFile, InputError>
        /// The body parsed, for what may be a raw response body (nil for SQLite files, HAR
        /// captures by name and UTF-16 files, which the importer reads itself).
        let content: Result<ExportShapeReader.Content, ResponseBodyReader.Problem>?

        /// About what the item holds in memory.
        var size: Int {
            let bytes = (try? file.get())?.bytes.count ?? 0
            let perRecord = MemoryLayout<PortRecord>.stride + MemoryLayout<Int>.stride
            switch content {
            case .success(.body(.page(let page)))?, .success(.records(let page))?:
                return bytes + page.records.count * perRecord
            case .success(.pages(let pages, _))?:
                return bytes + pages.reduce(0) { $0 + $1.page.records.count * perRecord + MemoryLayout<ExportShapeReader.Page>.stride }
            default:
                return bytes
            }
        }
    }

    private let condition = NSCondition()
    private var ready: [Int: Item] = [:]
    private var taken = 0
    private var cancelled = false
    private let lookahead: Int
    /// Bytes held ahead, and their bound: inputs may be up to 256 MiB each, and sixteen of those
    /// ahead would be far more memory than a run should take. The next file the importer needs
    /// is always read, whatever its size.
    private var readyBytes = 0
    private let byteBudget: Int
    /// Who is waiting: each side wakes the other only then (a wake-up per file cost 30,000
    /// futex calls in a year's import).
    private var readerWaits = false
    private var importerWaits = false

    /// Starts reading `paths` at once. `lookahead` and `byteBudget` bound the files held ahead
    /// (and so the memory).
    init(paths: [String], lookahead: Int = 16, byteBudget: Int = 24 << 20) {
        self.lookahead = lookahead
        self.byteBudget = byteBudget
        let thread = Thread { [self] in
            for (index, path) in paths.enumerated() {
                condition.lock()
                while !cancelled && (index - taken >= lookahead || (index > taken && readyBytes >= byteBudget)) {
                    readerWaits = true
                    condition.wait()
                }
                readerWaits = false
                let stop = cancelled
                condition.unlock()
                if stop { return }
                let item = InputPrefetcher.read(path)
                let size = item.size
                condition.lock()
                ready[index] = item
                readyBytes += size
                if importerWaits { condition.broadcast() }
                condition.unlock()
            }
        }
        thread.name = "portreport input reader"
        thread.start()
    }

    /// The input at `index` (taken in order, each once), waiting for it if it is not read yet.
    func item(_ index: Int) -> Item {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let item = ready.removeValue(forKey: index) {
                importerWaits = false
                taken = index + 1
                readyBytes -= item.size
                // The reader waits for room: let it go on once half the look-ahead is free.
                if readerWaits && ready.count <= lookahead / 2 && readyBytes <= byteBudget / 2 { condition.broadcast() }
                return item
            }
            importerWaits = true
            condition.wait()
        }
    }

    /// Stops reading ahead (the run ended early).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// What the importer would do first with the file at `path`: read it, and parse it when it may
    /// be a raw response body.
    static func read(_ path: String) -> Item {
        let file: InputFile
        do {
            // The importer's thread hashes: profiles showed this one the busier of the two.
            file = try InputFile.load(path, hashing: false)
        } catch {
            return Item(file: .failure(error), content: nil)
        }
        let lowercased = path.lowercased()
        guard !file.isSQLite, !lowercased.hasSuffix(".har"), !lowercased.hasSuffix(".har.gz"), !file.looksUTF16 else {
            return Item(file: .success(file), content: nil)
        }
        let content = Result { () throws(ResponseBodyReader.Problem) in
            try file.bytes.withUnsafeBufferPointer { bytes throws(ResponseBodyReader.Problem) in try ExportShapeReader.read(bytes) }
        }
        return Item(file: .success(file), content: content)
    }
}
