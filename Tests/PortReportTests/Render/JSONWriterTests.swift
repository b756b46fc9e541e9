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
}
