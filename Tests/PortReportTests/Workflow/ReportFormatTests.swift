import Testing

@testable import PortReport

@Suite("Report formats")
struct ReportFormatTests {
    @Test("the --format names, alphabetically")
    func names() {
        #expect(ReportFormat.names == ["assets", "csv", "email", "eml", "html", "json", "markdown", "xhtml"])
    }

    @Test(
        "a file's extension names its format, case aside; .email.html is the email, not the full report",
        arguments: [
            ("report.html", ReportFormat.html), ("REPORT.HTM", .html), ("a/b/report.xhtml", .xhtml), ("notes.md", .markdown),
            ("out.json", .json), ("ranking.CSV", .csv), ("message.eml", .eml), ("summary.email.html", .email), ("x.Email.HTML", .email),
            ("dir.html/.html", .html), ("email.html", .html)
        ])
    func formatForPath(path: String, format: ReportFormat) {
        #expect(ReportFormat(forPath: path) == format)
    }

    @Test("no format for a file without a known extension", arguments: ["report", "report.txt", "dir.html/report", "report.html/", "html"])
    func noFormat(path: String) {
        #expect(ReportFormat(forPath: path) == nil)
    }

    @Test("the messages for an unknown name and an unknown extension")
    func messages() {
        #expect(
            ReportFormat.unknownNameMessage("x") == "--format expects one of assets, csv, email, eml, html, json, markdown, xhtml, not 'x'")
        #expect(
            ReportFormat.unknownExtensionMessage("out.txt")
                == "cannot tell the format of 'out.txt' from its extension (.html, .xhtml, .md, .json, .csv, .assets.csv, .eml, .email.html): give --format"
        )
    }

    @Test("each format's renderer says it writes that format", arguments: ReportFormat.allCases)
    func rendererFormat(format: ReportFormat) throws {
        let renderer = try format.makeRenderer(options: RenderOptions())
        #expect(type(of: renderer).format == format.rawValue)
    }

    @Test("report targets: standard output in JSON by default; --format wins over the extension; an unknown extension is refused")
    func targets() throws {
        #expect(try ReportJob.targets(outputs: [], format: nil) == [ReportJob.Target(path: "-", format: .json)])
        #expect(
            try ReportJob.targets(outputs: ["-", "a.md", "b.email.html"], format: nil)
                == [.init(path: "-", format: .json), .init(path: "a.md", format: .markdown), .init(path: "b.email.html", format: .email)])
        #expect(
            try ReportJob.targets(outputs: ["a.md", "-"], format: .csv) == [
                .init(path: "a.md", format: .csv), .init(path: "-", format: .csv)
            ])
        #expect(throws: UsageError.self) { try ReportJob.targets(outputs: ["a.txt"], format: nil) }
    }
}
