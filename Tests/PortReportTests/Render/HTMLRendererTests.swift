import CLibXML2
import Foundation
import Testing

@testable import PortReport

/// The HTML, XHTML and email renderers over the bundled samples, read back with libxml2.
@Suite struct HTMLRendererTests {
    /// A store with every sample snapshot, as samples/demo builds it, and its analysis.
    static func sampleResult(projectID: String = "0f6c2d1e9b5a4c3d8e7f6a5b4c3d2e1f", policy: Policy? = nil) throws -> AnalysisResult {
        let directory = try Fixtures.temporaryDirectory("html")
        let store = try Store(path: directory.appendingPathComponent("s.sqlite").path)
        var options = ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000))
        options.projectID = projectID
        options.enterpriseProjectID = "0"
        _ = try Importer(store: store, options: options).run([Fixtures.sample("exports"), Fixtures.sample("incomplete")])
        _ = try Importer(store: store, options: ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000))).run([
            Fixtures.sample("capture.har")
        ])
        let loaded = try policy ?? Policy.load(path: Fixtures.sample("policy.yaml"))
        return try Analyzer(store: store).analyze(scope: AnalysisScope(), top: 20, policy: loaded)
    }

    /// Element names, content by id (and how often each id occurs), and the document's text.
    static func elements(_ html: [UInt8]) -> (names: [String], byID: [String: String], text: String) {
        var names: [String] = []
        var byID: [String: String] = [:]
        var idCounts: [String: Int] = [:]
        defer { for (id, count) in idCounts where count > 1 { Issue.record("id \(id) occurs \(count) times") } }
        var text = ""
        _ = HTMLCheck.parse(html) { document in
            for element in HTMLCheck.elements(document) {
                names.append(XMLNode.name(element).lowercased())
                if let id = HTMLCheck.attribute(element, "id") {
                    idCounts[id, default: 0] += 1
                    if let content = xmlNodeGetContent(element) {
                        byID[id] = String(cString: content)
                        portreport_xmlFree(content)
                    }
                }
            }
            if let root = xmlDocGetRootElement(document), let content = xmlNodeGetContent(root) {
                text = String(cString: content)
                portreport_xmlFree(content)
            }
        }
        return (names, byID, text)
    }

    @Test func theHTMLReportParsesCleanlyAndShowsTheAnalysis() throws {
        let result = try Self.sampleResult()
        let html = try HTMLReportRenderer().render(result)
        let messages = HTMLCheck.parse(html)
        #expect(messages.filter { !$0.isUnknownHTML5Tag }.isEmpty, "\(messages.filter { !$0.isUnknownHTML5Tag })")
        let (names, byID, text) = Self.elements(html)
        #expect(!names.contains("script"))
        #expect(text.contains(result.headline))
        // Every port the report shows has exactly one anchor (ids are checked unique above):
        // the top rows of the ranking show their totals on their own row.
        for row in result.ranking.prefix(result.top) {
            let content = try #require(byID[row.key.anchor], "no id=\(row.key.anchor)")
            #expect(content.contains(row.key.description))
            #expect(content.contains(String(row.total)))
        }
        for trend in result.trends.values {
            for change in trend.new.prefix(result.top) + trend.gone.prefix(result.top) + trend.changed.prefix(result.top) {
                #expect(byID[change.key.anchor] != nil, "no id=\(change.key.anchor)")
            }
        }
        for finding in result.findings { #expect(byID[finding.key.anchor] != nil, "no id=\(finding.key.anchor)") }
        // No URL leaves the file: no src, no external href, no @import.
        #expect(
            !String(decoding: html, as: UTF8.self).contains("http://")
                || String(decoding: html, as: UTF8.self).contains("http://www.w3.org/2000/svg") == false)
        #expect(!String(decoding: html, as: UTF8.self).contains("https://"))
        for finding in result.findings { #expect(text.contains(finding.message)) }
        for finding in result.waived { #expect(text.contains(finding.waiver?.ticket ?? "?")) }
        // Provenance: every input file of the current snapshots, with its SHA-256.
        for snapshot in result.current.values.flatMap({ $0 }) {
            for source in result.sources[snapshot.id] ?? [] {
                #expect(text.contains(source.sha256))
                #expect(text.contains(source.path))
            }
        }
    }

    @Test func theXHTMLReportIsWellFormedXML() throws {
        let result = try Self.sampleResult()
        let xhtml = try XHTMLReportRenderer().render(result)
        let tree = try XMLTree(parsing: xhtml, name: "report.xhtml")
        let root = try #require(tree.root)
        #expect(XMLNode.name(root) == "html")
        #expect(String(cString: try #require(root.pointee.ns?.pointee.href)) == XMLTree.xhtmlNamespace)
        #expect(!String(decoding: xhtml, as: UTF8.self).contains(TemplateEngine.namespace))
    }

    @Test func theEmailKeepsTheMailClientRules() throws {
        let result = try Self.sampleResult()
        let email = try EmailHTMLRenderer().render(result)
        #expect(EmailCheck.problems(email) == [])
        #expect(email.count < EmailCheck.sizeLimit)
        let body = String(decoding: email, as: UTF8.self)
        for forbidden in ["<svg", "<script", "<style", "data:"] { #expect(!body.contains(forbidden), "\(forbidden)") }
        let (_, _, text) = Self.elements(email)
        #expect(text.contains(result.headline))
        for row in result.ranking.prefix(result.top) { #expect(text.contains(row.key.description)) }
        // On its own the email mentions no attachment; in a message with the full report
        // attached it says so, and under which name.
        #expect(!text.contains("attached"))
        let attaching = String(decoding: try EmailHTMLRenderer(attachment: "portreport-2026-11-28.html").render(result), as: UTF8.self)
        #expect(
            attaching.contains(
                "The full report (every port, trends with history, provenance of each figure) is attached as <span>portreport-2026-11-28.html</span>."
            ))
    }

    @Test func theEmailCheckNamesWhatBreaksTheRules() {
        let bad = Array(
            "<html><body><style>td{}</style><table><tr><td>x</td></tr></table><img src=\"data:image/png;base64,AAAA\"><svg></svg></body></html>"
                .utf8)
        let problems = EmailCheck.problems(bad)
        #expect(problems.contains { $0.contains("<style>") })
        #expect(problems.contains { $0.contains("<svg>") })
        #expect(problems.contains { $0.contains("data: URI") })
        #expect(problems.contains { $0.contains("no inline style") })
    }

    @Test func hostileValuesComeOutAsText() throws {
        let hostile = "<script>alert(1)</script>\"'&amp;]]>|\nü"
        let directory = try Fixtures.temporaryDirectory("hostile")
        let policyPath = try Fixtures.write(
            """
            forbid:
              - ports: [23/tcp]
                reason: "<marquee>bold</marquee> ]]> | \\" é"
            """, to: "policy.yaml", in: directory)
        let result = try Self.sampleResult(projectID: hostile, policy: try Policy.load(path: policyPath))
        for renderer in [HTMLReportRenderer() as any ReportRenderer, EmailHTMLRenderer()] {
            let html = try renderer.render(result)
            let (names, _, text) = Self.elements(html)
            #expect(!names.contains("script"))
            #expect(!names.contains("marquee"))
            #expect(text.contains("<script>alert(1)</script>") || renderer is EmailHTMLRenderer)
            #expect(HTMLCheck.parse(html).filter { !$0.isUnknownHTML5Tag }.isEmpty)
        }
        let xhtml = try XHTMLReportRenderer().render(result)
        let tree = try XMLTree(parsing: xhtml, name: "hostile.xhtml")
        #expect(tree.root != nil)
        #expect(String(decoding: xhtml, as: UTF8.self).contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test func renderingIsDeterministic() throws {
        let result = try Self.sampleResult()
        #expect(try HTMLReportRenderer().render(result) == HTMLReportRenderer().render(result))
        #expect(try XHTMLReportRenderer().render(result) == XHTMLReportRenderer().render(result))
        #expect(try EmailHTMLRenderer().render(result) == EmailHTMLRenderer().render(result))
    }
}

/// Templates are parsed safely and checked; a bad user template is a clear error.
@Suite struct TemplateSafetyTests {
    private func render(_ template: String) throws -> [UInt8] {
        let directory = try Fixtures.temporaryDirectory("templates")
        try Fixtures.write(template, to: "report.xhtml", in: directory)
        let set = try TemplateSet.overriding(with: directory.path)
        return try HTMLReportRenderer(templates: set).render(try HTMLRendererTests.sampleResult())
    }

    private func error(_ template: String) -> String? {
        do {
            _ = try render(template)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func anExternalEntityIsRefusedNotRead() {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE html [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
            <html xmlns="http://www.w3.org/1999/xhtml"><body><p>&secret;</p></body></html>
            """
        let message = error(xxe)
        #expect(message?.contains("may not declare entities") == true, "\(message ?? "rendered")")
    }

    @Test func billionLaughsIsRefused() {
        var entities = "<!ENTITY lol \"lol\">"
        for level in 1...9 {
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">"
        }
        let bomb =
            "<?xml version=\"1.0\"?><!DOCTYPE html [\(entities)]><html xmlns=\"http://www.w3.org/1999/xhtml\"><body>&lol9;</body></html>"
        let message = error(bomb)
        // libxml2 may stop at the amplification itself; either way it is refused, not expanded.
        #expect(
            message?.contains("may not declare entities") == true || message?.contains("not well-formed") == true,
            "\(message ?? "rendered")")
    }

    @Test func aTemplateThatIsNotWellFormedNamesItsLine() {
        let message = error("<html xmlns=\"http://www.w3.org/1999/xhtml\">\n<body>\n<p>open\n</body></html>")
        #expect(message?.contains("report.xhtml:4") == true, "\(message ?? "rendered")")
        #expect(message?.contains("not well-formed") == true)
    }

    @Test func directiveMistakesNameTheLine() {
        let head = "<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:t=\"urn:portreport:template\">\n<body>\n"
        #expect(error(head + "<p t:txt=\"headline\"/></body></html>")?.contains(":3: unknown directive t:txt") == true)
        #expect(error(head + "<p t:text=\"nothing.here\"/></body></html>")?.contains(":3: unknown name 'nothing'") == true)
        #expect(error(head + "<style t:text=\"headline\"/></body></html>")?.contains("never written into scripts or styles") == true)
        #expect(error(head + "<p t:attr=\"onclick headline\"/></body></html>")?.contains("event handlers") == true)
        #expect(error(head + "<p t:repeat=\"row ranking\"/></body></html>")?.contains("'item in list'") == true)
    }

    @Test func theEmbeddedTemplatesAreTheFilesInTemplates() throws {
        let folder = Fixtures.root.appendingPathComponent("templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            [".xhtml", ".css", ".md"].contains(where: $0.hasSuffix)
        }.sorted()
        #expect(EmbeddedTemplates.files.keys.sorted() == names, "run templates/embed")
        for name in names {
            let file = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(EmbeddedTemplates.files[name] == file, "\(name) differs from its embedded copy: run templates/embed")
        }
    }
}

/// `t:omit-tag`: one repeat making several sibling rows, on a hand-written template.
@Suite struct TemplateOmitTagTests {
    static let template = """
        <html xmlns="http://www.w3.org/1999/xhtml" xmlns:t="urn:portreport:template"><body><table><tbody>\
        <div t:repeat="row in rows" t:omit-tag=""><tr t:attr="id row.a"><td t:text="row.a">a</td></tr>\
        <tr t:if="row.b"><td t:text="row.b">b</td></tr></div></tbody></table></body></html>
        """

    static func filled() throws -> XMLTree {
        let tree = try XMLTree(parsing: Array(template.utf8), name: "omit.xhtml")
        let rows: [TemplateValue] = [
            .record(["a": .text("r1"), "b": .text("x<y")]), .record(["a": .text("r2"), "b": .text("")])
        ]
        try TemplateEngine(partials: [:]).fill(tree, with: ["rows": .list(rows)])
        return tree
    }

    @Test func eachItemBecomesItsRowsWithoutTheWrapper() throws {
        let html = String(decoding: try Self.filled().html(), as: UTF8.self).filter { $0 != "\n" }
        #expect(
            html.contains(#"<tbody><tr id="r1"><td>r1</td></tr><tr><td>x&lt;y</td></tr><tr id="r2"><td>r2</td></tr></tbody>"#), "\(html)")
        #expect(!html.contains("div"))
        let xhtml = String(decoding: try Self.filled().xhtml(), as: UTF8.self)
        #expect(!xhtml.contains("<div") && !xhtml.contains("urn:portreport:template"), "\(xhtml)")
        #expect(xhtml.components(separatedBy: "<tr").count - 1 == 3, "\(xhtml)")
    }
}
