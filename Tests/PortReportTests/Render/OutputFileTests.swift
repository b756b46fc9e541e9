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

    @Test("how each kind of target is written: regular files and links to them replaced, devices and FIFOs in place")
    func methods() throws {
        let directory = try Fixtures.temporaryDirectory()
        let regular = try Fixtures.write("x", to: "r.json", in: directory)
        let missing = directory.appendingPathComponent("new.json").path
        let link = directory.appendingPathComponent("link.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "r.json")
        let fifo = directory.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(try OutputFile.method(for: "-") == .standardOutput)
        #expect(try OutputFile.method(for: regular) == .replace(path: regular))
        #expect(try OutputFile.method(for: missing) == .replace(path: missing))
        #expect(try OutputFile.method(for: link) == .replace(path: directory.path + "/r.json"))
        #expect(try OutputFile.method(for: fifo) == .inPlace)
        #expect(try OutputFile.method(for: "/dev/null") == .inPlace)
        #expect(try OutputFile.method(for: "/dev/stdout") == .inPlace)
        #expect(throws: ReportError.self) { try OutputFile.method(for: directory.path) }
        do {
            _ = try OutputFile.method(for: "no-such-dir/x/report.html")
            Issue.record("a missing directory was accepted")
        } catch {
            #expect(error.description == "no-such-dir/x/report.html: the directory no-such-dir/x does not exist")
        }
    }

    @Test(
        "path pieces, spelled out by hand",
        arguments: [
            ("a.json", ".", "a.json"), ("f", ".", "f"), ("out/x/r.html", "out/x", "r.html"), ("/r.json", "/", "r.json"),
            ("/a/b/", "/a", "b"), ("a//b", "a", "b"), ("/", "/", "/")
        ])
    func pathPieces(path: String, parent: String, name: String) {
        #expect(OutputFile.parent(of: path) == parent)
        #expect(OutputFile.name(of: path) == name)
    }

    @Test("writing through a symbolic link replaces its target, and the link stays a link")
    func writeThroughLink() throws {
        let directory = try Fixtures.temporaryDirectory()
        _ = try Fixtures.write("old", to: "real/r.txt", in: directory)
        let link = directory.appendingPathComponent("link.txt").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real/r.txt")
        try OutputFile.write(Array("new\n".utf8), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real/r.txt")
        #expect(try String(contentsOfFile: directory.appendingPathComponent("real/r.txt").path, encoding: .utf8) == "new\n")
    }

    @Test("two spellings of one target are refused, naming both; distinct targets pass")
    func distinctTargets() throws {
        let directory = try Fixtures.temporaryDirectory()
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let a = directory.path + "/a.json"
        do {
            try OutputFile.checkDistinct([a, directory.path + "/b.json", directory.path + "/sub/../a.json"])
            Issue.record("two spellings of one file were accepted")
        } catch {
            #expect(error.description == "-o \(a) and -o \(directory.path)/sub/../a.json are the same output: name each output once")
        }
        try OutputFile.checkDistinct([a, directory.path + "/sub/a.json", "-"])
    }

    @Test("a store's -wal that does not exist yet is protected by its path")
    func protectedByPath() throws {
        let directory = try Fixtures.temporaryDirectory()
        let store = try Fixtures.write("x", to: "store.sqlite", in: directory)
        do {
            try OutputFile.checkTargets([directory.path + "/./store.sqlite-wal"], protecting: [(path: store + "-wal", what: "the store")])
            Issue.record("the store's future -wal was accepted")
        } catch {
            #expect(error.description == "\(directory.path)/./store.sqlite-wal is the store: refusing to write a report over it")
        }
    }

    @Test("writeFully writes every byte through partial writes, and gives the errno of a pipe without a reader")
    func writeFullyOnPipes() throws {
        _ = signal(SIGPIPE, SIG_IGN)
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let reader = FileHandle(fileDescriptor: ends[0], closeOnDealloc: true)
        let received = IndexedSlots<Data>(count: 1)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            received.set(0, (try? reader.readToEnd()) ?? Data())
            done.signal()
        }
        #expect(writeFully(bytes, to: ends[1]) == nil)
        close(ends[1])
        done.wait()
        #expect(received.all.first.flatMap { $0 } == Data(bytes))

        #expect(pipe(&ends) == 0)
        close(ends[0])
        #expect(writeFully(Array("x".utf8), to: ends[1]) == EPIPE)
        close(ends[1])
    }
}

@Suite("Staged report files")
struct StagedFileTests {
    @Test("bytes written in pieces reach the target only at the rename; a discarded file leaves the target as it was")
    func piecesAndDiscard() throws {
        let directory = try Fixtures.temporaryDirectory()
        let target = try Fixtures.write("old report\n", to: "r.json", in: directory)
        let kept = try StagedFile(real: target, naming: target)
        kept.write(Array("{\n".utf8))
        kept.write([])
        kept.write(Array("}\n".utf8))
        try kept.finish()
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old report\n")
        try kept.commit()
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "{\n}\n")

        let dropped = try StagedFile(real: target, naming: target)
        dropped.write(Array("half a rep".utf8))
        dropped.discard()
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "{\n}\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test("a symbolic link left where the temporary file goes is removed, never written through")
    func linkAtTheTemporaryName() throws {
        let directory = try Fixtures.temporaryDirectory()
        let victim = try Fixtures.write("not ours\n", to: "victim.txt", in: directory)
        let target = directory.appendingPathComponent("r.json").path
        let temporary = directory.appendingPathComponent(".r.json.portreport-\(getpid()).tmp").path
        try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: victim)
        let staged = try StagedFile(real: target, naming: target)
        staged.write(Array("report\n".utf8))
        try staged.commit()
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "not ours\n")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "report\n")
    }

    @Test("a write that fails (a full disk) is reported by the target's path at the end, and the target stays as it was")
    func failedWrite() throws {
        // /dev/full refuses every write with ENOSPC; the rename target is a file of ours.
        let directory = try Fixtures.temporaryDirectory()
        let target = try Fixtures.write("old\n", to: "r.json", in: directory)
        try #require(FileManager.default.fileExists(atPath: "/dev/full"), "this test needs Linux's /dev/full")
        let staged = try StagedFile(real: target, naming: target)
        staged.redirectForTesting(to: "/dev/full")
        staged.write(Array("new\n".utf8))
        do {
            try staged.commit()
            Issue.record("a write to a full disk was committed")
        } catch {
            #expect(error.description == "\(target): cannot write the report: \(String(cString: strerror(ENOSPC)))")
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".tmp") }
        #expect(left.isEmpty, "\(left)")
    }
}
