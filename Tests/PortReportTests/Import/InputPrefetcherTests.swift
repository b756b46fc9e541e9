import Foundation
import Testing

@testable import PortReport

@Suite("Reading ahead")
struct InputPrefetcherTests {
    /// Twenty pages with distinct records, and a path that does not exist at position 7.
    private func inputs() throws -> [String] {
        let directory = try Fixtures.temporaryDirectory("prefetch")
        var paths = try (0..<20).map { index in
            try Fixtures.write(
                Fixtures.body(total: 1, [(port: 1000 + index, type: "TCP", num: index, status: nil)]),
                to: "p\(index).json", in: directory)
        }
        paths[7] = directory.appendingPathComponent("missing.json").path
        return paths
    }

    @Test(
        "items come back in input order, each as read, hashed and parsed, whatever the look-ahead, byte budget and workers",
        arguments: [(16, 24 << 20, 1), (16, 24 << 20, 2), (3, 24 << 20, 3), (4, 1, 2), (1, 0, 4)] as [(Int, Int, Int)])
    func inOrder(lookahead: Int, budget: Int, workers: Int) throws {
        let paths = try inputs()
        let prefetcher = InputPrefetcher(paths: InputPaths(paths), lookahead: lookahead, byteBudget: budget, workers: workers)
        defer { prefetcher.cancel() }
        for (index, path) in paths.enumerated() {
            let item = prefetcher.item(index)
            if index == 7 {
                #expect(throws: InputError.self) { try item.file.get() }
                continue
            }
            let file = try item.file.get()
            #expect(file.displayPath == path)
            #expect(file.bytes == Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            // Hashed and resolved on the worker, as the importer would have.
            #expect(file.sha256 == SHA256Hasher.hex(of: file.bytes))
            #expect(file.canonicalPath == URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
            guard case .success(.body(.page(let page)))? = item.content else {
                Issue.record("\(path) was not parsed as a page")
                continue
            }
            #expect(page.records == [PortRecord(port: 1000 + index, type: .tcp, num: Int64(index))])
        }
    }

    @Test("the importer's metadata is worked out on a worker for each file read, and handed over with it")
    func prepared() throws {
        let paths = try inputs()
        let options = ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000))
        let store = try Store(path: try Fixtures.temporaryDirectory("prefetchStore").appendingPathComponent("store.sqlite").path)
        let importer = Importer(store: store, options: options)
        let preparer = UncheckedImporter(importer: importer)
        let prefetcher = InputPrefetcher(paths: InputPaths(paths), workers: 2, prepare: { preparer.importer.prepare($0) })
        for index in paths.indices {
            let item = prefetcher.item(index)
            guard let file = try? item.file.get() else {
                #expect(item.prepared == nil, "a file not read is not prepared")
                continue
            }
            let expected = try importer.rawBodyMetadata(file)
            let found = try #require(try item.prepared?.rawBody?.get())
            #expect(try item.prepared?.detailQuery.get() == nil)
            #expect(found.key == expected.key)
            #expect(found.provenance == expected.provenance)
            #expect(found.defaults == expected.defaults)
        }
        prefetcher.cancel()
    }
}

/// The importer handed to the workers in a test (it reads the options and sidecars only).
private struct UncheckedImporter: @unchecked Sendable {
    let importer: Importer
}
