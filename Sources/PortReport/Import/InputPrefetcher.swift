import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads, hashes and parses the inputs of a run on a pool of worker threads, a few files ahead,
/// while the importer writes the store on its own thread and takes the files in input order.
///
/// Only the pure part is done ahead — the file's bytes, SHA-256 and canonical path, a raw body's
/// parse, and what `prepare` works out from the path and the sidecars (the page's metadata).
/// Everything that looks at the store (is this page already imported? is the record a
/// conflict?) stays on the importer's thread, in input order. Each worker claims the next input
/// by its index and files its result under that index; the importer takes index after index, so
/// a run's outcome does not depend on which worker finishes first.
///
/// Profiles of a year's import (7,615 files) showed the single reading thread idle a third of the
/// run while the importer's thread hashed and worked out metadata: with several workers that work
/// moves off the importer's thread, which is left with the store alone.
final class InputPrefetcher: @unchecked Sendable {
    /// One input, read.
    struct Item: Sendable {
        let file: Result<InputFile, InputError>
        /// The body parsed, for what may be a raw response body (nil for SQLite files, HAR
        /// captures by name and UTF-16 files, which the importer reads itself).
        let content: Result<ExportShapeReader.Content, ResponseBodyReader.Problem>?
        /// What `prepare` worked out for the file (nil without one, or when it was not read).
        var prepared: PreparedMetadata? = nil

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

    /// Guards everything below; `filed` is signalled when an item the importer waits for is
    /// filed, `room` when the workers may claim again. Two conditions, so that a wake-up goes
    /// only to who waits for it.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let filed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let room = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var ready: [Int: Item] = [:]
    /// The next input a worker claims, and the next the importer takes.
    private var claimed = 0
    private var taken = 0
    private var cancelled = false
    private let lookahead: Int
    /// Bytes held ahead, and their bound: inputs may be up to 256 MiB each, and sixteen of those
    /// ahead would be far more memory than a run should take. The next file the importer needs
    /// is always read, whatever its size; a worker's file being read is counted once filed, so
    /// at most one file per worker is held beyond the bound.
    private var readyBytes = 0
    private let byteBudget: Int
    /// Who is waiting: each side wakes the other only then (a wake-up per file cost 30,000
    /// futex calls in a year's import). `wanted` is the index the importer waits for.
    private var workersWaiting = 0
    private var wanted: Int?
    /// Dropped by `cancel()`, which waits until no worker is inside it (`preparing`): it holds
    /// the importer, and so the store, which must close when the run returns, not when the last
    /// worker lets go of it (a store closed after the process exits leaves its `-wal` file).
    private var prepare: (@Sendable (InputFile) -> PreparedMetadata?)?
    private var preparing = 0

    /// The workers a run uses: one per core, at most four (the importer's own thread takes a
    /// share of the cores too), at least one.
    static var defaultWorkers: Int { max(1, min(4, ProcessInfo.processInfo.activeProcessorCount)) }

    /// Starts reading `paths` at once. `lookahead` and `byteBudget` bound the files held ahead
    /// (and so the memory); `workers` threads read side by side; `prepare` is called on a worker
    /// for each file read, and must not depend on anything another input changes.
    init(
        paths: InputPaths, lookahead: Int = 16, byteBudget: Int = 24 << 20, workers: Int = InputPrefetcher.defaultWorkers,
        prepare: (@Sendable (InputFile) -> PreparedMetadata?)? = nil
    ) {
        self.lookahead = max(1, lookahead)
        self.byteBudget = byteBudget
        self.prepare = prepare
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(filed, nil)
        pthread_cond_init(room, nil)
        for number in 0..<max(1, min(workers, paths.count)) {
            let thread = Thread { [self] in work(paths) }
            thread.name = "portreport input reader \(number + 1)"
            thread.start()
        }
    }

    deinit {
        // Each worker holds the prefetcher until it returns, so none is left here.
        pthread_cond_destroy(room)
        pthread_cond_destroy(filed)
        pthread_mutex_destroy(mutex)
        room.deallocate()
        filed.deallocate()
        mutex.deallocate()
    }

    /// A worker: claims the next input while there is room ahead, reads it, files it.
    private func work(_ paths: InputPaths) {
        pthread_mutex_lock(mutex)
        while true {
            while !cancelled && claimed < paths.count
                && (claimed - taken >= lookahead || (claimed > taken && readyBytes >= byteBudget))
            {
                workersWaiting += 1
                pthread_cond_wait(room, mutex)
                workersWaiting -= 1
            }
            guard !cancelled, claimed < paths.count else { break }
            let index = claimed
            claimed += 1
            pthread_mutex_unlock(mutex)
            var item = InputPrefetcher.read(paths[index], runIndex: index)
            var prepared = false
            if case .success(let file) = item.file { (item.prepared, prepared) = runPrepare(file) }
            let size = item.size
            pthread_mutex_lock(mutex)
            if prepared {
                preparing -= 1
                if cancelled && preparing == 0 { pthread_cond_broadcast(filed) }
            }
            ready[index] = item
            readyBytes += size
            if wanted == index { pthread_cond_signal(filed) }
        }
        pthread_mutex_unlock(mutex)
    }

    /// `prepare(file)`, and whether it was called (not after `cancel()`). The closure is held only
    /// inside this function, so that it is let go of before `preparing` says so.
    private func runPrepare(_ file: InputFile) -> (PreparedMetadata?, Bool) {
        pthread_mutex_lock(mutex)
        let prepare = self.prepare
        if prepare != nil { preparing += 1 }
        pthread_mutex_unlock(mutex)
        guard let prepare else { return (nil, false) }
        return (prepare(file), true)
    }

    /// The input at `index` (taken in order, each once), waiting for it if it is not read yet.
    func item(_ index: Int) -> Item {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while true {
            if let item = ready.removeValue(forKey: index) {
                wanted = nil
                taken = index + 1
                readyBytes -= item.size
                // Workers wait for room: let them go on once half the look-ahead is free (one
                // wake-up per few files, not one per file).
                if workersWaiting > 0 && claimed - taken <= lookahead / 2 && readyBytes <= byteBudget / 2 {
                    pthread_cond_broadcast(room)
                }
                return item
            }
            wanted = index
            // Not claimed yet: the take above made room, but the wake-up waits for half the
            // look-ahead; this item cannot wait for that.
            if workersWaiting > 0 && claimed <= index { pthread_cond_broadcast(room) }
            pthread_cond_wait(filed, mutex)
        }
    }

    /// Stops reading ahead (the run ended, or ended early) and lets go of `prepare`: when this
    /// returns, no worker holds it. A worker still reading a file finishes it, unheld.
    func cancel() {
        pthread_mutex_lock(mutex)
        cancelled = true
        prepare = nil
        pthread_cond_broadcast(room)
        while preparing > 0 { pthread_cond_wait(filed, mutex) }
        pthread_mutex_unlock(mutex)
    }

    /// What the importer would do first with the file at `path`: read and hash it, and parse it
    /// when it may be a raw response body. `runIndex` is its place among the run's inputs.
    static func read(_ path: String, runIndex: Int? = nil) -> Item {
        var file: InputFile
        do {
            file = try InputFile.load(path, resolvingPath: true)
            file.runIndex = runIndex
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
