import Foundation
import Testing

@testable import PortReport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The CPU time `body` takes on this thread, in seconds: unlike wall time it does not grow with
/// the machine's load, so a bound on it is a bound on the work (the body must not suspend).
func threadCPUSeconds(_ body: () -> Void) -> Double {
    func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
    let start = now()
    body()
    return now() - start
}

@Suite("Terminal text: control characters visible, long values cut, in linear time")
struct TerminalTextTests {
    @Test(
        "each control character is shown escaped, in a value and in a line",
        arguments: [
            ("a\nb", #"a\u{a}b"#), ("a\u{1b}[31mb", #"a\u{1b}[31mb"#), ("a\r\nb", #"a\u{d}\u{a}b"#), ("a\tb", #"a\u{9}b"#),
            ("a\u{7f}b", #"a\u{7f}b"#), ("a\u{85}b", #"a\u{85}b"#), ("a\u{0}b", #"a\u{0}b"#), ("a\u{2028}b", #"a\u{2028}b"#),
            ("a\u{202e}b", #"a\u{202e}b"#), ("a\u{2066}b", #"a\u{2066}b"#)
        ])
    func escaped(text: String, expected: String) {
        #expect(TerminalText.value(text) == expected)
        #expect(TerminalText.line(text) == expected)
    }

    @Test("text without control characters is unchanged, accents, CJK and emoji included")
    func plain() {
        for text in ["", "samples/exports/2026-11-24/host/page-0001.json", "é 東京 👩‍👩‍👧 \"quoted\" \\backslash"] {
            #expect(TerminalText.value(text) == text)
            #expect(TerminalText.line(text) == text)
            #expect(TerminalText.safe(text) == text)
        }
    }

    @Test("safe keeps the output's own line feeds and escapes the rest")
    func safeKeepsLineFeeds() {
        #expect(TerminalText.safe("one\ntwo\u{1b}[2J\r\nthree") == #"one"# + "\n" + #"two\u{1b}[2J\u{d}"# + "\n" + "three")
    }

    @Test("escaping twice reads the same as once")
    func idempotent() {
        let once = TerminalText.value("x\ny\u{1b}z")
        #expect(TerminalText.value(once) == once)
        #expect(TerminalText.line(once) == once)
        #expect(TerminalText.safe(once) == once)
    }

    @Test("a value that fits is whole; one character more is cut in the middle to the width")
    func cutAtTheWidth() {
        let fits = String(repeating: "a", count: 200)
        #expect(TerminalText.value(fits) == fits)
        let over = String(repeating: "a", count: 100) + "b" + String(repeating: "c", count: 100)
        #expect(TerminalText.value(over) == String(repeating: "a", count: 100) + "…" + String(repeating: "c", count: 99))
        #expect(TerminalText.value(over).count == 200)
    }

    @Test("a cut path keeps its start and its file name")
    func cutPath() {
        let path = "head" + String(repeating: "x", count: 1000) + "tail.json"
        #expect(TerminalText.value(path, width: 20) == "headxxxxxx…tail.json")
    }

    @Test("a cut never splits an escape")
    func cutKeepsEscapesWhole() {
        let text = String(repeating: "\u{1b}", count: 10)
        #expect(TerminalText.value(text, width: 20) == #"\u{1b}…\u{1b}"#)
    }

    @Test("a line is cut at 1,000 characters, a message value at 200, a table cell at 100")
    func widths() {
        #expect(TerminalText.lineWidth == 1000)
        #expect(TerminalText.messageValueWidth == 200)
        #expect(TerminalText.tableCellWidth == 100)
        let long = String(repeating: "y", count: 5000)
        #expect(TerminalText.line(long) == String(repeating: "y", count: 500) + "…" + String(repeating: "y", count: 499))
    }

    @Test("linear time: 400,000 characters with a newline every ten are escaped and cut in under 2 s of CPU")
    func linear() {
        let text = String(repeating: "123456789\n", count: 40_000)
        var whole = ""
        var cut = ""
        let seconds = threadCPUSeconds {
            whole = TerminalText.safe(text.replacingOccurrences(of: "\n", with: "\u{1b}"))
            cut = TerminalText.value(text)
        }
        #expect(whole.count == 400_000 + 40_000 * 5)
        #expect(cut.count <= 200 && cut.contains("…") && !cut.contains("\n"))
        #expect(seconds < 2, "took \(seconds) s of CPU")
    }

    @Test("the snapshots table of a 100,000-character project id with newlines: one line a row, in under 2 s of CPU")
    func snapshotsTableIsLinear() {
        let project = String(repeating: "abc\ndef\u{1b}", count: 100_000 / 8)
        let snapshots = (1...3).map { id in
            SnapshotSummary(
                id: Int64(id), projectID: id == 2 ? "p" : project, enterpriseProjectID: "0", category: .host,
                capturedAt: Timestamp(secondsSinceEpoch: 1_795_824_000), records: 1, totalNum: 1, complete: true, partial: false,
                filters: nil, note: nil, digest: "ab", importedAt: "2026-11-30T10:53:20Z", toolVersion: "0.2.0",
                provenance: .init(projectID: "flag", enterpriseProjectID: "flag", category: "path", capturedAt: "path"),
                sources: [.init(path: project + "/page.json", entry: nil, sha256: "cd", size: 1, totalNum: 1, records: 1, query: nil)])
        }
        var table = ""
        let seconds = threadCPUSeconds {
            table = SnapshotListingRendering.table(snapshots, storePath: "store\n.sqlite", schemaVersion: 2)
        }
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5)
        #expect(lines.allSatisfy { $0.count <= 600 })
        #expect(lines[1].hasPrefix(" 1  abc\\u{a}def\\u{1b}abc"))
        #expect(lines[1].contains("…"))
        #expect(lines[4] == #"3 snapshots in store\u{a}.sqlite (schema version 2)"#)
        #expect(seconds < 2, "took \(seconds) s of CPU")
    }

    @Test("a table: a newline in a cell stays in its row, a long cell is cut, columns align, no trailing spaces")
    func table() {
        let rows = [
            ["ID", "PROJECT", "STATE"],
            ["1", "p\n1", "ok  "],
            ["12", String(repeating: "p", count: 300), "-"]
        ]
        let cut = String(repeating: "p", count: 50) + "…" + String(repeating: "p", count: 49)
        let pad = String(repeating: " ", count: 100 - 7)
        #expect(
            TextTable.render(rows, rightAligned: [0]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) == [
                "ID  PROJECT" + pad + "  STATE",
                " 1  p\\u{a}1" + String(repeating: " ", count: 100 - 7) + "  ok",
                "12  " + cut + "  -"
            ])
    }
}
