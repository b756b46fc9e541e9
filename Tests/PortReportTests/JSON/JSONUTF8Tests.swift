// Issue 12 F8: bytes that are not UTF-8 inside a JSON string (in any member, read or ignored)
// were decoded as U+FFFD without a word, and so was a lone surrogate escape. They are refused at
// their place; valid UTF-8 of every length still reads. Byte sequences are from RFC 3629's table.

import Testing

@testable import PortReport

@Suite("JSON strings must be UTF-8")
struct JSONUTF8Tests {
    /// The body with `value`'s bytes as the content of an ignored member's string.
    static func body(ignoredStringBytes value: [UInt8]) -> [UInt8] {
        Array(#"{"request_id": ""#.utf8) + value + Array(#"", "total_num": 0, "data_list": []}"#.utf8)
    }

    static func problem(_ bytes: [UInt8]) -> ResponseBodyReader.Problem? {
        do {
            _ = try bytes.withUnsafeBufferPointer { try ResponseBodyReader.read($0) }
            return nil
        } catch let problem as ResponseBodyReader.Problem {
            return problem
        } catch {
            Issue.record("not a body problem: \(error)")
            return nil
        }
    }

    @Test(
        "valid UTF-8 of every length reads",
        arguments: [
            [0xC3, 0xA9], [0xE4, 0xB8, 0xAD], [0xED, 0x9F, 0xBF], [0xEF, 0xBF, 0xBD], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]
        ]
            as [[UInt8]])
    func validReads(_ sequence: [UInt8]) {
        #expect(Self.problem(Self.body(ignoredStringBytes: Array("a".utf8) + sequence)) == nil)
    }

    @Test(
        "a byte that starts no valid sequence is refused at its offset, naming the byte",
        arguments: [
            ([0xFF], "0xFF"), ([0x80], "0x80"), ([0xC0, 0xAF], "0xC0"), ([0xE0, 0x80, 0xAF], "0xE0"), ([0xED, 0xA0, 0x80], "0xED"),
            ([0xF4, 0x90, 0x80, 0x80], "0xF4"), ([0xE4, 0xB8], "0xE4")
        ] as [([UInt8], String)])
    func invalidRefused(_ sequence: [UInt8], _ shown: String) throws {
        let bytes = Self.body(ignoredStringBytes: Array("a".utf8) + sequence)
        let problem = try #require(Self.problem(bytes))
        // `{"request_id": "a` is 17 bytes: the bad byte is the 18th.
        #expect(problem.offset == 17)
        #expect(problem.path == "request_id")
        #expect(
            problem.message
                == "expected UTF-8 text (JSON must be UTF-8: convert the file with iconv -t UTF-8), found the byte \(shown), which is not UTF-8 here"
        )
    }

    @Test("a lone surrogate escape is refused; a pair reads")
    func surrogates() throws {
        let lone = try #require(bodyProblem(#"{"error_code": "HSS.0001", "error_msg": "bad \uD800"}"#))
        #expect(lone.path == "error_msg")
        #expect(lone.message.hasPrefix("expected a character (\\uD800 is half of a surrogate pair)"), "\(lone.message)")
        #expect(bodyProblem(#"{"x": "\uD83D\uDE00", "total_num": 0, "data_list": []}"#) == nil)
    }
}
