import Foundation
import Testing

@testable import PortReport

@Suite("Output files")
struct OutputFileTests {
    @Test("several reports are all written; a failing one is reported by its path, in -o order, and leaves no temporary file")
    func writeAll() throws {
        let directory = try Fixtures.temporaryDirectory()
        let good = (0..<6).map { directory.appendingPathComponent("r\($0).txt").path }
        let missingA = directory.appendingPathComponent("no-such-dir/a.txt").path
        let missingB = directory.appendingPathComponent("no-such-dir/b.txt").path
        var outputs = good.enumerated().map { (bytes: Array("report \($0.offset)\n".utf8), path: $0.element) }
        outputs.insert((bytes: Array("x".utf8), path: missingA), at: 2)
        outputs.append((bytes: Array("y".utf8), path: missingB))
        do {
            try OutputFile.writeAll(outputs)
            Issue.record("writing into a missing directory succeeded")
        } catch {
            #expect(error.description.contains(missingA), "\(error)")
        }
        for (index, path) in good.enumerated() {
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "report \(index)\n")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test("a target that is a protected file under another name is refused, saying what the file is; other targets pass")
    func checkTargets() throws {
        let directory = try Fixtures.temporaryDirectory()
        let store = try Fixtures.write("x", to: "store.sqlite", in: directory)
        let link = directory.appendingPathComponent("link.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: store)
        let protected = [(path: store, what: "the store"), (path: store + "-wal", what: "the store")]
        do {
            try OutputFile.checkTargets(["-", link], protecting: protected)
            Issue.record("a link to the store was accepted as an output")
        } catch {
            #expect(error.description == "\(link) is the store: refusing to write a report over it")
        }
        try OutputFile.checkTargets(["-", directory.appendingPathComponent("new.json").path, store + "-shm"], protecting: protected)
    }
}
