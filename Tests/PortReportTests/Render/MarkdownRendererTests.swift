import Foundation
import Testing

@testable import PortReport

/// A small store for the renderer tests: page files written into dated folders, one import per
/// snapshot, every value of the hostile kind a renderer must keep inert.
final class RenderFixture: @unchecked Sendable {
    static let hostileProject = "<script>alert(1)</script>|x"
    static let policyYAML = #"""
        forbid:
          - ports: [23/tcp]
            reason: "clear | text\n# heading *bold* ]]> <b>x</b> `code` [a](b) – ünïcödé"
        limits:
          - ports: [22/tcp]
            category: host
            max: 1
            reason: "one | jump\r\nhost"
        new_dangerous: true
        waivers:
          - ports: [22/tcp]
            category: host
            kinds: [over-limit]
            reason: "jump hosts | see [link](http://evil.example)\n- item\n1. second ]]> <img src=x onerror=alert(1)> ñ"
            ticket: "SEC-1|2 *x* _y_"
            expires: 2027-01-31
        """#

    let directory: URL
    let store: Store
    let policy: Policy
    private var counter = 0

    init() throws {
        directory = try Fixtures.temporaryDirectory("render")
        store = try Store(path: directory.appendingPathComponent("store.sqlite").path)
        let policyPath = try Fixtures.write(Self.policyYAML, to: "policy.yaml", in: directory)
        policy = try Policy.load(path: policyPath)

        // Host: 27th and 28th (trend); container: 27th and 28th; an incomplete host export later.
        try add(
            .host, "2026-11-27T02:00:00Z", [(22, "TCP", 4, "normal"), (80, "TCP", 3, "unknown"), (53, "UDP", 2, nil), (8080, "TCP", 1, nil)]
        )
        try add(
            .host, "2026-11-28T02:00:00Z",
            [
                (22, "TCP", 5, "normal"), (80, "TCP", 3, "unknown"), (23, "TCP", 2, "danger"), (443, "TCP", 6, nil),
                (53, "UDP", 1, nil)
            ])
        try add(.container, "2026-11-27T02:00:00Z", [(443, "TCP", 7, "normal"), (6379, "TCP", 2, nil)])
        try add(
            .container, "2026-11-28T02:00:00Z",
            [(443, "TCP", 9, "normal"), (6379, "TCP", 2, nil), (2375, "TCP", 1, "danger"), (80, "TCP", 4, nil)])
        try add(.host, "2026-11-29T02:00:00Z", totalNum: 50, [(22, "TCP", 1, nil)])
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    private func add(_ category: Category, _ time: String, totalNum: Int? = nil, _ records: [(Int, String, Int, String?)]) throws {
        counter += 1
        let stamp = try #require(Timestamp(rfc3339: time))
        let folder = "in/" + String(repeating: "x", count: counter) + "/" + stamp.dateString + "/" + category.rawValue
        let body = Fixtures.body(total: totalNum ?? records.count, records.map { (port: $0.0, type: $0.1, num: $0.2, status: $0.3) })
        let path = try Fixtures.write(body, to: folder + "/page-1.json", in: directory)
        var options = ImportOptions(now: Timestamp(secondsSinceEpoch: 1_900_000_000))
        options.projectID = Self.hostileProject
        options.category = category
        options.capturedAt = stamp
        _ = try Importer(store: store, options: options).run([path])
    }

    func analyze(top: Int = 3) throws -> AnalysisResult {
        try Analyzer(store: store).analyze(scope: AnalysisScope(), top: top, policy: policy)
    }
}

/// Splits a Markdown table row into its cells, honouring `\|`; nil when the line is no row.
func tableCells(_ line: String) -> [String]? {
    guard line.hasPrefix("| "), line.hasSuffix(" |") else { return nil }
    var cells: [String] = []
    var current = ""
    var escaped = false
    for character in line.dropFirst().dropLast() {
        if escaped {
            current.append(character)
            escaped = false
        } else if character == "\\" {
            current.append(character)
            escaped = true
        } else if character == "|" {
            cells.append(current.trimmingCharacters(in: .whitespaces))
            current = ""
        } else {
            current.append(character)
        }
    }
    cells.append(current.trimmingCharacters(in: .whitespaces))
    return cells
}

/// The lines of the part of a Markdown document under the heading that starts with `title`,
/// up to the next heading of any level.
func markdownSection(_ markdown: String, _ title: String) -> [String] {
    let lines = markdown.components(separatedBy: "\n")
    guard let start = lines.firstIndex(where: { $0.hasPrefix("#") && $0.contains(title) }) else { return [] }
    let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("#") } ?? lines.endIndex
    return Array(lines[(start + 1)..<end])
}

/// The rows of the first table in `lines` (without header and rule).
func tableRows(_ lines: [String]) -> [[String]] {
    guard let header = lines.firstIndex(where: { tableCells($0) != nil }) else { return [] }
    var rows: [[String]] = []
    for line in lines[(header + 1)...] {
        if line.hasPrefix("|-") || line.hasPrefix("|:") { continue }
        guard let cells = tableCells(line) else { break }
        rows.append(cells)
    }
    return rows
}

/// Undoes `MarkdownEscaping.inline` for comparison with data (white space already collapsed).
func unescapeMarkdown(_ text: String) -> String {
    var out = ""
    var escaped = false
    for character in text.replacingOccurrences(of: "&lt;", with: "<") {
        if escaped {
            out.append(character)
            escaped = false
        } else if character == "\\" {
            escaped = true
        } else {
            out.append(character)
        }
    }
    return out
}

@Suite("Render: Markdown")
struct MarkdownRendererTests {
    @Test("the built-in template is a verbatim copy of templates/report.md")
    func defaultTemplateMatchesFile() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("templates/report.md"), encoding: .utf8)
        #expect(file == MarkdownRenderer.defaultTemplate)
        // And it parses.
        _ = try MarkdownRenderer(template: file, templateName: "templates/report.md")
    }

    /// The expected values are worked out by hand from `RenderFixture`'s pages (current host
    /// export: 22/TCP 5, 80/TCP 3, 23/TCP 2, 443/TCP 6, 53/UDP 1; current container export:
    /// 443/TCP 9, 6379/TCP 2, 2375/TCP 1, 80/TCP 4; 33 instances in all), not with the code
    /// under test.
    @Test("ranking, key figures, breakdown and trends show the fixture's figures")
    func figuresEqualTheAnalysis() throws {
        let fixture = try RenderFixture()
        let result = try fixture.analyze(top: 3)
        let markdown = String(decoding: try MarkdownRenderer().render(result), as: UTF8.self)

        // Ranking: exactly the top rows, cell for cell; shares of 33 (15/33 = 45.5 %).
        #expect(
            tableRows(markdownSection(markdown, "## Top 3 open ports")) == [
                ["1", "443/TCP", "https", "6", "9", "15", "45.5 %", "normal", "—"],
                ["2", "80/TCP", "http", "3", "4", "7", "21.2 %", "unknown", "—"],
                ["3", "22/TCP", "ssh", "5", "0", "5", "15.2 %", "normal", "—"]
            ])
        #expect(markdown.contains("_4 more ports (18.2 % of instances) are in the full ranking (--format csv or json)._"))

        // Key figures. Dangerous: 23/TCP and 2375/TCP (vendor danger, and in the catalogue) and
        // 6379/TCP (in the catalogue only).
        #expect(
            markdownSection(markdown, "## Key figures") == [
                "",
                "- Open ports (port/protocol pairs): **7**",
                "- Open-port instances: **33** (hosts 17, containers 16)",
                "- Ports open on hosts: 5",
                "- Host instances: 17",
                "- Ports open in containers: 4",
                "- Container instances: 16",
                "- Dangerous ports open: 3 (5 instances; rated danger by the vendor: 2 ports, 3 instances; in the risk catalogue: 3 ports, 5 instances)",
                "- The top 3 ports hold 81.8 % of all instances",
                "- Policy findings: **3** (waived: 1)",
                "- Snapshots used: 4 (in scope: 5)",
                "- Warnings: 1 (listed with the snapshots)",
                ""
            ])

        // Breakdown.
        let breakdown = markdownSection(markdown, "## Hosts versus containers")
        #expect(
            tableRows(breakdown) == [
                ["Open ports", "5", "4"], ["Open-port instances", "17", "16"],
                ["TCP ports", "4", "4"], ["TCP6 ports", "0", "0"], ["UDP ports", "1", "0"], ["UDP6 ports", "0", "0"],
                ["well-known ports", "5", "2"], ["registered ports", "0", "2"], ["dynamic ports", "0", "0"]
            ])
        #expect(breakdown.contains("- Open on both hosts and containers: **2** (80/TCP, 443/TCP)"))
        #expect(breakdown.contains("- Hosts only: **3** (22/TCP, 23/TCP, 53/UDP)"))
        #expect(breakdown.contains("- Containers only: **2** (2375/TCP, 6379/TCP)"))

        // Trends: every new, gone and changed port of each category, in order (new and gone by
        // size, then changed).
        let trends = markdownSection(markdown, "## Changes since the previous export")
        #expect(trends.contains("**Hosts**, 2026-11-27T02:00:00Z → 2026-11-28T02:00:00Z: 2 new, 1 gone, 2 changed"))
        #expect(trends.contains("**Containers**, 2026-11-27T02:00:00Z → 2026-11-28T02:00:00Z: 2 new, 0 gone, 1 changed"))
        #expect(
            trends.compactMap(tableCells).filter { ["new", "gone", "changed"].contains($0[0]) } == [
                ["new", "443/TCP", "0", "6", "+6"], ["new", "23/TCP", "0", "2", "+2"], ["gone", "8080/TCP", "1", "0", "-1"],
                ["changed", "22/TCP", "4", "5", "+1"], ["changed", "53/UDP", "2", "1", "-1"],
                ["new", "80/TCP", "0", "4", "+4"], ["new", "2375/TCP", "0", "1", "+1"], ["changed", "443/TCP", "7", "9", "+2"]
            ])

        // Findings and waived findings.
        let findingRows = tableRows(markdownSection(markdown, "## Policy findings"))
        #expect(findingRows.map { $0[0] } == ["forbidden", "new-dangerous", "new-dangerous"])
        #expect(findingRows.map { $0[1] } == ["23/TCP", "23/TCP", "2375/TCP"])
        #expect(findingRows.map { $0[2] } == ["host", "host", "container"])
        #expect(findingRows.map { $0[3] } == ["2", "2", "1"])
        let waivedRows = tableRows(markdownSection(markdown, "### Waived findings"))
        #expect(waivedRows.count == 1)
        #expect(waivedRows.first?[0] == "over-limit")
        #expect(waivedRows.first?[1] == "22/TCP")
        #expect(waivedRows.first?[4] == #"SEC-1\|2 \*x\* \_y\_"#)
        #expect(waivedRows.first?[6] == "2027-01-31")
        #expect(waivedRows.first?[7] == #"22/TCP is open on 5 hosts, over the limit of 1: one \| jump host"#)

        // Snapshots with the incomplete one warned about, provenance with every input file.
        let snapshots = markdownSection(markdown, "## Snapshots")
        #expect(
            snapshots.first { $0.hasPrefix("- **Warning:** ") }
                == "- **Warning:** snapshot 5 (host, 2026-11-29T02:00:00Z) is incomplete (1 of 50 records: 49 missing (a page was not saved?)) and was not used; the figures use 2026-11-28T02:00:00Z"
        )
        let snapshotRows = tableRows(snapshots)
        #expect(snapshotRows.map { $0[0] } == ["3", "1", "4", "2", "5"])
        #expect(
            snapshotRows.map { $0[7] } == [
                "complete", "complete", "complete", "complete", "incomplete (1 of 50 records: 49 missing (a page was not saved?))"
            ])
        #expect(snapshotRows.map { $0[8] } == ["history", "history", "current", "current", "not used"])
        let provenance = markdownSection(markdown, "## Provenance")
        #expect(provenance.contains("- Tool: portreport \(PortReportVersion.string)"))
        // The fixture's policy path is a temporary directory's: nothing in it needs escaping.
        #expect(provenance.contains("- Policy: " + result.policySource))
        #expect(provenance.contains("- Scope: all projects, hosts and containers"))
        let sourceRows = tableRows(provenance)
        let sources = result.sources.keys.sorted().flatMap { id in (result.sources[id] ?? []).map { (id, $0) } }
        #expect(sourceRows.map { $0[0] } == ["1", "2", "3", "4"])
        #expect(sources.count == 4)
        for (row, (id, source)) in zip(sourceRows, sources) {
            #expect(row[0] == String(id))
            #expect(unescapeMarkdown(row[2]) == source.path)
            #expect(row[4] == source.sha256)
            #expect(row[5] == String(source.size))
        }
    }

    @Test("hostile values come out as text: no HTML, no extra table cells, no headings or list items")
    func hostileValuesAreInert() throws {
        let fixture = try RenderFixture()
        let result = try fixture.analyze(top: 10)
        let markdown = String(decoding: try MarkdownRenderer().render(result), as: UTF8.self)

        #expect(!markdown.contains("<"))
        #expect(!markdown.contains("\r"))
        // The project id: every special character neutralised, still readable.
        #expect(markdown.contains(#"&lt;script\>alert(1)&lt;/script\>\|x"#))
        // The waiver reason: line breaks gone, brackets and pipes escaped, non-ASCII kept.
        #expect(
            markdown.contains(
                #"jump hosts \| see \[link\](http://evil.example) - item 1. second \]\]\> &lt;img src=x onerror=alert(1)\> ñ"#))
        #expect(markdown.contains(#"SEC-1\|2 \*x\* \_y\_"#))
        #expect(markdown.contains(##"clear \| text \# heading \*bold\* \]\]\> &lt;b\>x&lt;/b\> \`code\` \[a\](b) – ünïcödé"##))

        // Every line belongs to the template or to a block the renderer drew: data never starts a line.
        let lines = markdown.components(separatedBy: "\n")
        for line in lines {
            #expect(
                !line.hasPrefix("- item") && !line.hasPrefix("1. second") && !line.hasPrefix("# heading") && !line.hasPrefix("host"),
                "\(line)")
        }
        // Headings are exactly the template's.
        #expect(
            lines.filter { $0.hasPrefix("#") } == [
                "# Open ports report", "## Key figures", "## Top 10 open ports", "## Hosts versus containers",
                "## Changes since the previous export", "## Policy findings", "### Waived findings",
                "### Since when, resolved, expiring, by control", "## Snapshots", "## Provenance"
            ])
        // Each table's rows have as many cells as its header.
        var width: Int?
        for line in lines {
            guard let cells = tableCells(line) else {
                width = nil
                continue
            }
            if let width {
                #expect(cells.count == width, "\(line)")
            } else {
                width = cells.count
            }
        }
    }

    @Test("escaping of single values")
    func escaping() {
        #expect(MarkdownEscaping.inline("a\r\nb\n\nc\td\u{2028}e") == "a b c d e")
        #expect(MarkdownEscaping.inline("  padded  ") == "padded")
        #expect(MarkdownEscaping.inline("1. item") == #"1\. item"#)
        #expect(MarkdownEscaping.inline("12) item") == #"12\) item"#)
        #expect(MarkdownEscaping.inline("- item") == #"\- item"#)
        #expect(MarkdownEscaping.inline("+ item") == #"\+ item"#)
        #expect(MarkdownEscaping.inline("===") == #"\==="#)
        #expect(MarkdownEscaping.inline("a-b 1.5") == "a-b 1.5")
        #expect(MarkdownEscaping.inline("0.1.0") == "0.1.0")
        #expect(MarkdownEscaping.inline("-1") == "-1")
        #expect(MarkdownEscaping.inline("1.") == #"1\."#)
        #expect(MarkdownEscaping.inline("---") == #"\---"#)
        #expect(MarkdownEscaping.inline("-") == #"\-"#)
        #expect(MarkdownEscaping.inline("# h") == ##"\# h"##)
        #expect(MarkdownEscaping.inline(#"a\b"#) == #"a\\b"#)
        #expect(MarkdownEscaping.inline("<b>") == #"&lt;b\>"#)
        #expect(MarkdownEscaping.inline("R&D") == "R&D")
        #expect(MarkdownEscaping.inline("&amp; &#60; &#x3c;") == ##"&amp;amp; &amp;\#60; &amp;\#x3c;"##)
        #expect(MarkdownEscaping.inline("~~s~~ $x$ `c`") == #"\~\~s\~\~ \$x\$ \`c\`"#)
        #expect(MarkdownEscaping.inline("![i](u)") == #"!\[i\](u)"#)
        #expect(MarkdownEscaping.inline("{{ranking}}") == "{{ranking}}")
    }

    @Test("a value that looks like a placeholder is not expanded")
    func placeholdersInDataStayText() throws {
        let template = "{{scope}}\n{{policy}}\n"
        let fixture = try RenderFixture()
        var policy = fixture.policy
        policy.source = "{{ranking}} {{top}}"
        let result = try Analyzer(store: fixture.store).analyze(scope: AnalysisScope(), top: 3, policy: policy)
        let markdown = String(decoding: try MarkdownRenderer(template: template, templateName: "t.md").render(result), as: UTF8.self)
        #expect(markdown.hasSuffix("\n{{ranking}} {{top}}\n"))
    }

    @Test("same store and template give the same bytes")
    func deterministic() throws {
        let fixture = try RenderFixture()
        let first = try MarkdownRenderer().render(try fixture.analyze())
        for _ in 0..<5 {
            let again = try MarkdownRenderer(template: MarkdownRenderer.defaultTemplate, templateName: "report.md").render(
                try fixture.analyze())
            #expect(again == first)
        }
        #expect(first.last == 0x0A)
        #expect(first.suffix(2) != [0x0A, 0x0A])
    }

    @Test("a user template reorders and retitles sections; comments are left out; CRLF templates work")
    func customTemplate() throws {
        let template =
            "{{! my layout }}\r\n## Where from ({{tool_version}})\r\n\r\n  {{ provenance }}\r\n\r\n## Worst {{top}}\r\n\r\n{{ranking}}\r\nend {{! trailing }}\r\n"
        let renderer = try MarkdownRenderer(template: template, templateName: "mine.md")
        let fixture = try RenderFixture()
        let result = try fixture.analyze(top: 2)
        let markdown = String(decoding: try renderer.render(result), as: UTF8.self)
        let lines = markdown.components(separatedBy: "\n")
        #expect(lines.first == "## Where from (\(PortReportVersion.string))")
        #expect(!markdown.contains("{{"))
        #expect(!markdown.contains("\r"))
        let provenance = try #require(lines.firstIndex { $0.hasPrefix("- Tool: ") })
        let ranking = try #require(lines.firstIndex { $0 == "## Worst 2" })
        #expect(provenance < ranking)
        #expect(tableRows(markdownSection(markdown, "## Worst 2")).count == 2)
        #expect(markdown.hasSuffix("\nend \n"))
    }

    @Test("an unknown placeholder, a section inside a line and an unclosed brace are errors with file and line")
    func templateErrors() {
        func message(_ template: String) -> String? {
            do {
                _ = try MarkdownRenderer(template: template, templateName: "custom/report.md")
                return nil
            } catch {
                return error.message
            }
        }
        let known = MarkdownRenderer.placeholderNames.joined(separator: ", ")
        #expect(message("# Report\n\n{{headline}}\n{{foo}}\n") == "custom/report.md:4: unknown placeholder {{foo}}; known: \(known)")
        #expect(message("Top {{ top }} and {{rankings}}\n") == "custom/report.md:1: unknown placeholder {{rankings}}; known: \(known)")
        #expect(message("a\r\nb\r\n# {{ranking}}\r\n") == "custom/report.md:3: {{ranking}} is a section: put it on a line of its own")
        #expect(message("x\n{{top\n") == "custom/report.md:2: unclosed '{{' (placeholders look like {{name}}; known: \(known))")
        #expect(known.contains("key_figures") && known.contains("generated_at") && known.contains("waived"))
        #expect(message(MarkdownRenderer.defaultTemplate) == nil)
    }
}
