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
        "items come back in input order, each as read and parsed, whatever the look-ahead and byte budget",
        arguments: [(16, 24 << 20), (3, 24 << 20), (4, 1), (1, 0)] as [(Int, Int)])
    func inOrder(lookahead: Int, budget: Int) throws {
        let paths = try inputs()
        let prefetcher = InputPrefetcher(paths: paths, lookahead: lookahead, byteBudget: budget)
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
            guard case .success(.body(.page(let page)))? = item.content else {
                Issue.record("\(path) was not parsed as a page")
                continue
            }
            #expect(page.records == [PortRecord(port: 1000 + index, type: .tcp, num: Int64(index))])
        }
    }
}
