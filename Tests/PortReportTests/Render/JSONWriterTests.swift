import Foundation
import Testing

@testable import PortReport

@Suite("JSON writer")
struct JSONWriterTests {
    /// A document of about 4 MB: nested objects and arrays, strings that need escapes, numbers.
    static func document(_ w: inout JSONWriter) {
        w.object { w in
            w.string("schema", "test \"quoted\"\n")
            w.array("rows") { w in
                for index in 0..<30_000 {
                    w.elementObject { w in
                        w.int("port", index)
                        w.string("name", index % 7 == 0 ? "tab\there \\ \u{2028}" : "service-\(index)")
                        w.fraction("share", Double(index) / 30_000)
                        w.array("series") { w in for point in 0..<3 { w.element(Int64(index * point)) } }
                        w.array("empty") { _ in }
                    }
                }
            }
            w.bool("done", true)
        }
    }

    @Test("a streamed document is the same bytes as one kept whole, handed over in pieces of about a megabyte")
    func streamed() throws {
        var whole = JSONWriter()
        Self.document(&whole)
        let expected = whole.finish()

        final class Chunks: @unchecked Sendable { var list: [[UInt8]] = [] }
        let chunks = Chunks()
        var streamed = JSONWriter(flushingTo: { chunks.list.append($0) })
        Self.document(&streamed)
        chunks.list.append(streamed.finish())

        #expect(chunks.list.count >= 3, "\(chunks.list.count) pieces")
        #expect(Array(chunks.list.joined()) == expected)
        // Every piece but the last is flushed once it reaches the threshold, at a value's start.
        for chunk in chunks.list.dropLast() {
            #expect(chunk.count >= JSONWriter.flushThreshold && chunk.count < JSONWriter.flushThreshold + 4096, "\(chunk.count)")
        }
        // And it is JSON.
        let parsed = try JSONSerialization.jsonObject(with: Data(expected)) as? [String: Any]
        #expect((parsed?["rows"] as? [Any])?.count == 30_000)
    }

    @Test("nesting deeper than one run of indentation spaces indents two spaces a level, with commas between members")
    func deepIndentation() {
        var w = JSONWriter()
        func nest(_ w: inout JSONWriter, _ level: Int) {
            if level == 40 {
                w.int("leaf", 1)
                w.int("next", 2)
                return
            }
            w.object("l\(level)") { w in nest(&w, level + 1) }
        }
        w.object { w in nest(&w, 0) }
        let text = String(decoding: w.finish(), as: UTF8.self)
        // Worked out by hand: the root object's members are at depth 1, so `l0` is indented by 2
        // spaces and `leaf` (inside `l39`, depth 41) by 82.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "{")
        #expect(lines[1] == "  \"l0\": {")
        #expect(lines[41] == String(repeating: " ", count: 82) + "\"leaf\": 1,")
        #expect(lines[42] == String(repeating: " ", count: 82) + "\"next\": 2")
        #expect(lines[43] == String(repeating: " ", count: 80) + "}")
        #expect(lines.last == "")
        #expect(lines[lines.count - 2] == "}")
    }
}

@Suite("Streamed reports")
struct StreamedReportTests {
    /// A ranking of 30,000 rows: a CSV of about 2 MB and a JSON of about 8 MB.
    static let result: AnalysisResult = {
        var rows: [RankingRow] = []
        for index in 0..<30_000 {
            let key = PortKey(port: 1024 + index, type: index % 2 == 0 ? .tcp : .udp)
            let status: VendorStatus? = index % 3 == 0 ? .danger : nil
            let service: String? = index % 5 == 0 ? "svc,\"\(index)\"" : nil
            let cumulative = Double(index + 1) / 30_000
            rows.append(
                ReportFixture.row(
                    index + 1, key, host: Int64(30_000 - index), container: Int64(index % 7), status: status, service: service,
                    share: 1.0 / 30_000, cumulative: cumulative))
        }
        return ReportFixture.result(ranking: rows)
    }()

    static func streamed(_ renderer: any ReportRenderer) throws -> [[UInt8]] {
        final class Pieces: @unchecked Sendable { var list: [[UInt8]] = [] }
        let pieces = Pieces()
        try renderer.render(result) { pieces.list.append($0) }
        return pieces.list
    }

    @Test("the JSON and CSV reports streamed into their file are the bytes rendered whole", arguments: [ReportFormat.json, .csv])
    func sameBytes(format: ReportFormat) throws {
        let renderer = try format.makeRenderer(options: RenderOptions())
        let whole = try renderer.render(Self.result)
        let pieces = try Self.streamed(renderer)
        #expect(pieces.count >= 2, "\(pieces.count) pieces")
        #expect(Array(pieces.joined()) == whole)
    }
}
