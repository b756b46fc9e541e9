import Foundation
import Testing

@testable import PortReport

@Suite struct DigestAndGzipTests {
    @Test func sha256MatchesTheStandardVector() {
        // FIPS 180-2 example "abc".
        #expect(SHA256Hasher.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func inflatesWhatGzipWrote() throws {
        let directory = try Fixtures.temporaryDirectory()
        let text = String(repeating: "{\"port\": 22}\n", count: 5000)
        let path = try Fixtures.write(text, to: "a.json", in: directory)
        try run("/bin/gzip", ["-9", path])
        let file = try InputFile.load(path + ".gz")
        #expect(file.wasGzip)
        #expect(file.bytes == Array(text.utf8))
        #expect(file.size == (try FileManager.default.attributesOfItem(atPath: path + ".gz")[.size] as? Int))
    }

    @Test func refusesAGzipBomb() throws {
        // 300 MiB of zeros compress to about 300 KB: past the inflation limit.
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("bomb.json.gz").path
        try run("/bin/sh", ["-c", "head -c 314572800 /dev/zero | gzip -1 > '\(path)'"])
        #expect(throws: InputError.self) { try InputFile.load(path) }
        do {
            _ = try InputFile.load(path)
        } catch {
            #expect(error.message.contains("inflates past the limit"))
        }
    }

    @Test func reportsTruncatedGzip() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try Fixtures.write(String(repeating: "x", count: 10000), to: "t.json", in: directory)
        try run("/bin/gzip", [path])
        let data = try Data(contentsOf: URL(fileURLWithPath: path + ".gz"))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path + ".gz"))
        do {
            _ = try InputFile.load(path + ".gz")
            Issue.record("a truncated gzip file was read")
        } catch {
            #expect(error.message.contains("not valid gzip"))
        }
    }

    private func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
