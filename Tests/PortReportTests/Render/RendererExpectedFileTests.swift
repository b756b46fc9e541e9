import Foundation
import Testing

@testable import PortReport

/// Each renderer fed `ReportFixture`'s result, compared byte for byte with a canned file in
/// `Expected/` (as SwiftLint's reporter tests are). The canned files were written by the
/// renderers and then read through against the fixture's table; after an intended change,
/// rewrite them with
///
///     PORTREPORT_UPDATE_EXPECTED=1 swift test --filter RendererExpectedFileTests
///
/// and review the difference with `git diff Tests/PortReportTests/Render/Expected`.
@Suite("Render: canned outputs")
struct RendererExpectedFileTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Expected")

    static let renderers: [(file: String, renderer: any ReportRenderer)] = [
        ("report.md", MarkdownRenderer()),
        ("ranking.csv", CSVRankingRenderer()),
        ("report.json", JSONReportRenderer()),
        ("email.html", EmailHTMLRenderer()),
        ("report.html", HTMLReportRenderer())
    ]

    @Test("every renderer's output equals its canned file", arguments: renderers.map(\.file))
    func matchesCannedFile(_ file: String) throws {
        let renderer = try #require(Self.renderers.first { $0.file == file }?.renderer)
        let rendered = Data(try renderer.render(ReportFixture.result()))
        let url = Self.directory.appendingPathComponent(file)
        if ProcessInfo.processInfo.environment["PORTREPORT_UPDATE_EXPECTED"] == "1" {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try rendered.write(to: url)
            return
        }
        let expected = try Data(contentsOf: url)
        #expect(
            rendered == expected,
            "\(file) differs from Expected/\(file): rewrite with PORTREPORT_UPDATE_EXPECTED=1 swift test --filter RendererExpectedFileTests if the change is intended"
        )
    }

    @Test("the canned HTML files parse cleanly", arguments: ["email.html", "report.html"])
    func cannedHTMLParses(_ file: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(file)))
        let messages = HTMLCheck.parse(bytes).filter { !$0.isUnknownHTML5Tag }
        #expect(messages.isEmpty, "\(messages)")
    }
}

/// The vocabulary the formats share, on the fixture: values worked out by hand from its table.
@Suite("Render: report vocabulary")
struct ReportVocabularyTests {
    @Test("key figures, their labels and the two parts of 'dangerous'")
    func figures() {
        let words = ReportVocabulary(ReportFixture.result())
        typealias F = ReportVocabulary.Figure
        #expect(
            words.keyFigures == [
                F(label: "Ports open on hosts", value: "4"), F(label: "Host instances", value: "11"),
                F(label: "Ports open in containers", value: "3"), F(label: "Container instances", value: "9"),
                F(label: "Dangerous ports open", value: "3"), F(label: "Policy findings", value: "1"),
                F(label: "Snapshots used", value: "5")
            ])
        #expect(words.openPorts == F(label: "Open ports (port/protocol pairs)", value: "5"))
        #expect(words.instances == F(label: "Open-port instances", value: "20"))
        // Dangerous: 80/TCP (vendor), 23/TCP (both), 2375/TCP (catalogue).
        #expect(words.dangerousRows.map(\.key.description) == ["80/TCP", "23/TCP", "2375/TCP"])
        #expect(words.dangerousInstances == 8)
        #expect(words.vendorDanger == ReportVocabulary.PortCount(label: "rated danger by the vendor", ports: 2, instances: 7))
        #expect(words.catalogued == ReportVocabulary.PortCount(label: "in the risk catalogue", ports: 2, instances: 3))
        #expect(words.topShare == "The top 3 ports hold 85.0 % of all instances")
        #expect(words.snapshotsInScope == F(label: "Snapshots in scope", value: "6"))
        #expect(words.historyNote == "1 older snapshot feeds the history lines; the JSON report lists them all.")
    }

    @Test("the scope sentence says hosts or containers in the plural")
    func scope() throws {
        #expect(ReportVocabulary(ReportFixture.result()).scope == "all projects, hosts and containers")
        let asOf = try #require(Timestamp(rfc3339: "2026-11-28T00:00:00Z"))
        let narrow = AnalysisScope(projectID: "p1", enterpriseProjectID: "0", category: .host, asOf: asOf)
        #expect(
            ReportVocabulary(ReportFixture.result(scope: narrow)).scope
                == "project p1, enterprise project 0, hosts only, as of 2026-11-28T00:00:00Z")
        #expect(ReportVocabulary.scope(AnalysisScope(category: .container)) == "all projects, containers only")
    }

    @Test("percentages, changes, trend summaries and snapshot states")
    func pieces() {
        #expect(ReportVocabulary.percent(0.4) == "40.0 %")
        #expect(ReportVocabulary.percent(2.0 / 3.0) == "66.7 %")
        #expect(ReportVocabulary.percent(0) == "0.0 %")
        #expect(ReportVocabulary.signed(3) == "+3")
        #expect(ReportVocabulary.signed(-2) == "-2")
        #expect(ReportVocabulary.signed(0) == "0")
        let trend = ReportFixture.result().trends[.host]
        #expect(trend.map(ReportVocabulary.trendSummary) == "1 new, 1 gone, 1 changed")
        #expect(ReportVocabulary.snapshotState(ReportFixture.hostCurrent) == "complete")
        #expect(ReportVocabulary.snapshotState(ReportFixture.hostIncomplete) == "incomplete (2 of 6 records: 4 missing)")
        let partial = SnapshotInfo(
            id: 9, projectID: "", enterpriseProjectID: "", category: .host, capturedAt: ReportFixture.nov27, records: 1,
            totalNum: 1, complete: true, partial: true, filters: "port=22", note: "")
        #expect(ReportVocabulary.snapshotState(partial) == "partial (filtered: port=22)")
        #expect(ReportVocabulary.snapshotState(partial) { "<" + $0 + ">" } == "partial (filtered: <port=22>)")
    }

    @Test("a category in scope without a usable snapshot is named, with no figures")
    func categoryWithoutSnapshot() throws {
        let containersOnly = Breakdown(host: nil, container: ReportFixture.breakdown.container, both: [], hostOnly: [], containerOnly: [])
        let result = ReportFixture.result(breakdown: containersOnly)
        let words = ReportVocabulary(result)
        #expect(
            words.categories == [
                ReportVocabulary.CategoryFigures(category: .host, ports: nil, instances: nil),
                ReportVocabulary.CategoryFigures(
                    category: .container, ports: ReportVocabulary.Figure(label: "Ports open in containers", value: "3"),
                    instances: ReportVocabulary.Figure(label: "Container instances", value: "9"))
            ])
        #expect(
            words.keyFigures.map(\.label) == [
                "Ports open in containers", "Container instances", "Dangerous ports open", "Policy findings", "Snapshots used"
            ])
        let markdown = String(decoding: try MarkdownRenderer().render(result), as: UTF8.self)
        #expect(
            markdown.contains(
                "\n- Ports open on hosts: no complete, unfiltered snapshot in scope\n- Ports open in containers: 3\n- Container instances: 9\n"
            ))
        #expect(markdown.contains("\n| Open ports | — | 3 |\n"))
    }

    @Test("the breakdown rows: one label per figure, no value for a category without a usable snapshot")
    func breakdownRows() {
        let rows = ReportVocabulary.breakdownRows(ReportFixture.result().breakdown)
        #expect(
            rows.map(\.label) == [
                "Open ports", "Open-port instances", "TCP ports", "TCP6 ports", "UDP ports", "UDP6 ports",
                "well-known ports", "registered ports", "dynamic ports"
            ])
        #expect(rows.map(\.host) == ["4", "11", "4", "0", "0", "0", "4", "0", "0"])
        #expect(rows.map(\.container) == ["3", "9", "3", "0", "0", "0", "2", "1", "0"])
        let hostsOnly = Breakdown(host: ReportFixture.result().breakdown.host, container: nil, both: [], hostOnly: [], containerOnly: [])
        #expect(ReportVocabulary.breakdownRows(hostsOnly).allSatisfy { $0.container == nil && $0.host != nil })
    }
}
