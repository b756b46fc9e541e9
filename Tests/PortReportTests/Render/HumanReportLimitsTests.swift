import Foundation
import Testing

@testable import PortReport

/// The human formats stay bounded at any scale: a store with more projects, snapshots, input
/// files, changes and findings than `HumanReportLimits` allows, and the "and M more" counts
/// worked out from what was imported.
@Suite struct HumanReportLimitsTests {
    /// 30 projects (more than `HumanReportLimits.projects`), each with a host and a container
    /// export on two days, one page each. Project k has port 22/TCP open on one asset both days
    /// in both categories (no change), and a port of its own that moves: host 10000+k on the
    /// first day and 20000+k on the second, container 30000+k then 40000+k.
    ///
    /// So each category's trend has 30 new and 30 gone ports (60 rows, against a bound of 50:
    /// 10 more); every snapshot is current or the earlier side of a trend, so all 120 are
    /// listed (25 shown: 95 more), with one input file each (95 more); the policy's
    /// `new_ports: 1` makes each new port a finding (60, against 50: 10 more).
    static let projects = 30

    final class OrgStore: @unchecked Sendable {
        let directory: URL
        let store: Store

        init() throws {
            directory = try Fixtures.temporaryDirectory("limits")
            store = try Store(path: directory.appendingPathComponent("store.sqlite").path)
            for project in 1...HumanReportLimitsTests.projects {
                for (day, time) in ["2026-11-27T02:00:00Z", "2026-11-28T02:00:00Z"].enumerated() {
                    try add(project, .host, time, own: (day == 0 ? 10_000 : 20_000) + project)
                    try add(project, .container, time, own: (day == 0 ? 30_000 : 40_000) + project)
                }
            }
        }

        deinit {
            try? FileManager.default.removeItem(at: directory)
        }

        private func add(_ project: Int, _ category: Category, _ time: String, own port: Int) throws {
            let stamp = try #require(Timestamp(rfc3339: time))
            let body = Fixtures.body(
                total: 2, [(port: 22, type: "TCP", num: 1, status: nil), (port: port, type: "TCP", num: 1, status: nil)])
            let relative = "in/p\(project)/\(stamp.dateString)/\(category.rawValue)/page-1.json"
            let path = try Fixtures.write(body, to: relative, in: directory)
            var options = ImportOptions(now: Timestamp(secondsSinceEpoch: 1_900_000_000))
            options.projectID = "p\(project)"
            options.category = category
            options.capturedAt = stamp
            _ = try Importer(store: store, options: options).run([path])
        }

        func analyze(_ yaml: String = "new_ports: 1\n") throws -> AnalysisResult {
            let policy = try Policy.parse(yaml, file: "policy.yaml")
            return try Analyzer(store: store).analyze(scope: AnalysisScope(), top: 20, policy: policy)
        }
    }

    /// The table rows of a Markdown section (without the header and rule), and its notes.
    static func rows(_ lines: [String]) -> [[String]] {
        lines.compactMap(tableCells).filter { $0.first != "---:" && $0.first != "---" }
    }

    @Test func theMarkdownKeepsEveryListToItsBoundAndCountsTheRest() throws {
        let fixture = try OrgStore()
        let result = try fixture.analyze()
        // The store is as the comment says, before any rendering.
        #expect(result.perProject.count == Self.projects)
        #expect(result.reportedSnapshots.count == 4 * Self.projects)
        #expect(result.trends[.host]?.new.count == Self.projects)
        #expect(result.trends[.host]?.gone.count == Self.projects)
        #expect(result.findings.count == 2 * Self.projects)

        let markdown = String(decoding: try MarkdownRenderer().render(result), as: UTF8.self)

        let projects = markdownSection(markdown, "Hosts versus containers")
        let projectRows = Self.rows(projects).filter { $0.first?.hasPrefix("p") == true }
        #expect(projectRows.count == HumanReportLimits.projects)
        #expect(projects.contains("_and 5 more projects (see the JSON/CSV)_"))

        let changes = markdownSection(markdown, "Changes since the previous export")
        let changeRows = Self.rows(changes).filter { ["new", "gone", "changed"].contains($0.first) }
        #expect(changeRows.count == 2 * HumanReportLimits.changes)
        #expect(changes.filter { $0 == "_and 10 more changes (see the JSON/CSV)_" }.count == 2)

        let snapshots = markdownSection(markdown, "Snapshots")
        #expect(Self.rows(snapshots).count - 1 == HumanReportLimits.snapshots)
        #expect(snapshots.contains("_and 95 more snapshots (see the JSON/CSV)_"))

        let provenance = markdownSection(markdown, "Provenance")
        #expect(Self.rows(provenance).count - 1 == HumanReportLimits.provenance)
        #expect(provenance.contains("_and 95 more input files (see the JSON/CSV)_"))

        let findings = markdownSection(markdown, "Policy findings")
        #expect(Self.rows(findings).count - 1 == HumanReportLimits.findings)
        #expect(findings.contains("_and 10 more findings (see the JSON/CSV)_"))
    }

    @Test func theEmailKeepsItsFindingsToTheBound() throws {
        let fixture = try OrgStore()
        let result = try fixture.analyze()
        let email = String(decoding: try EmailHTMLRenderer().render(result), as: UTF8.self)
        // Every finding here is a new port; each shown one names its port in its message.
        let shown = result.findings.prefix(HumanReportLimits.findings)
        let hidden = result.findings.dropFirst(HumanReportLimits.findings)
        #expect(shown.allSatisfy { email.contains($0.message) })
        #expect(!hidden.contains { email.contains($0.message) })
        #expect(email.contains("and 10 more findings (see the JSON/CSV)"))
    }

    /// The full HTML report cuts its tables without anchors (per project, snapshots, input
    /// files) to the same bounds; its changes stay cut to `--top` per kind (20 of the 30 new
    /// and of the 30 gone ports per category: 10 more each), so every open port keeps its anchor.
    @Test func theHTMLReportCutsItsLongTablesAndKeepsEveryAnchor() throws {
        let fixture = try OrgStore()
        let result = try fixture.analyze()
        let html = String(decoding: try HTMLReportRenderer().render(result), as: UTF8.self)
        #expect(html.contains("and 5 more projects (see the JSON/CSV)"))
        #expect(html.contains("and 95 more snapshots (see the JSON/CSV)"))
        #expect(html.contains("and 95 more input files (see the JSON/CSV)"))
        #expect(html.components(separatedBy: "and 10 more (see the JSON report)").count - 1 == 4)
        // The per-project table (up to the end of its body): a row per shown project.
        let perProject = try #require(html.components(separatedBy: "<h3>Per project</h3>").dropFirst().first)
        let projectTable = try #require(perProject.components(separatedBy: "</tbody>").first)
        #expect(projectTable.components(separatedBy: "<td class=\"mono\">p").count - 1 == HumanReportLimits.projects)
        // Every port open now (22/TCP, each project's host 20000+k and container 40000+k) still
        // has its anchor: 61 ports.
        var current = ["tcp-22"]
        for project in 1...Self.projects { current += ["tcp-\(20_000 + project)", "tcp-\(40_000 + project)"] }
        #expect(current.count == 61)
        for anchor in current {
            #expect(html.contains("id=\"\(anchor)\""), "\(anchor)")
        }
    }

    /// Forbidding each project's first-day ports (host 10001–10030, container 30001–30030): all
    /// 60 held on 2026-11-27 and were gone on 11-28, so 60 findings resolved within the window,
    /// against a bound of 50: 10 more, in the Markdown and in the HTML report.
    @Test func resolvedFindingsAreBoundedToo() throws {
        let fixture = try OrgStore()
        let result = try fixture.analyze("forbid:\n  - ports: [10001-10030/tcp, 30001-30030/tcp]\n")
        #expect(result.resolved.count == 60)
        let markdown = MarkdownSections(result).history()
        #expect(Self.rows(markdown).filter { $0.first?.hasPrefix("forbidden:") == true }.count == HumanReportLimits.findings)
        #expect(markdown.contains("_and 10 more resolved findings (see the JSON/CSV)_"), "\(markdown)")
        let html = String(decoding: try HTMLReportRenderer().render(result), as: UTF8.self)
        #expect(html.contains("and 10 more resolved findings (see the JSON/CSV)"))
        let resolved = try #require(html.components(separatedBy: "<h3>Resolved in the last").dropFirst().first)
        let table = try #require(resolved.components(separatedBy: "</tbody>").first)
        #expect(table.components(separatedBy: "<td class=\"finding-kind\">forbidden</td>").count - 1 == HumanReportLimits.findings)
    }

    @Test func theJSONStillHoldsEveryRow() throws {
        let fixture = try OrgStore()
        let result = try fixture.analyze()
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(JSONReportRenderer().render(result))) as? [String: Any])
        #expect((json["projects"] as? [Any])?.count == Self.projects)
        #expect((json["findings"] as? [Any])?.count == 2 * Self.projects)
        #expect((json["snapshots"] as? [Any])?.count == 4 * Self.projects)
    }

    @Test func aSmallStoreIsNotCut() throws {
        let fixture = try RenderFixture()
        let result = try fixture.analyze()
        let markdown = String(decoding: try MarkdownRenderer().render(result), as: UTF8.self)
        let email = String(decoding: try EmailHTMLRenderer().render(result), as: UTF8.self)
        #expect(!markdown.contains("(see the JSON/CSV)"))
        #expect(!email.contains("(see the JSON/CSV)"))
        let html = String(decoding: try HTMLReportRenderer().render(result), as: UTF8.self)
        #expect(!html.contains("(see the JSON/CSV)"))
    }

    @Test func boundedCountsWhatItLeavesOut() {
        #expect(HumanReportLimits.bounded([1, 2, 3], to: 2) == ([1, 2], 1))
        #expect(HumanReportLimits.bounded([1, 2, 3], to: 3) == ([1, 2, 3], 0))
        #expect(HumanReportLimits.bounded([1, 2, 3], to: -1) == ([], 3))
    }
}
