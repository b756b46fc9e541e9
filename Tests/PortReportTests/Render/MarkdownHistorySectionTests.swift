import Foundation
import Testing

@testable import PortReport

@Suite("Render: the Markdown history section")
struct MarkdownHistorySectionTests {
    @Test("since when, resolved with the mean time to close, on the hand-worked history")
    func history() throws {
        let s = try HistoryFixture.build()
        let lines = MarkdownSections(try HistoryFixture.analyze(s)).history()
        // The values of FindingHistoryTests, as rows.
        #expect(lines.contains("| forbidden:host:23/TCP | 2026-11-25T00:00:00Z | 0 | reopened | — |"))
        #expect(lines.contains("| forbidden:host:21/TCP | 2026-11-01T00:00:00Z | 24 | persisting | — |"))
        #expect(lines.contains("| over-limit:host:22/TCP | 2026-11-05T00:00:00Z | 2026-11-20T00:00:00Z | 15 |"))
        #expect(lines.contains("Mean time to close: over-limit 9.5 days (2)"))
        #expect(lines.contains("_No waiver expires within 14 days._"))
        // No rule names a control: no table by control.
        #expect(!lines.contains { $0.hasPrefix("By control") })
    }
}

@Suite("Render: the HTML history tables")
struct HTMLHistoryTests {
    @Test("resolved and expiring tables in the HTML report, from the hand-worked history")
    func tables() throws {
        let s = try HistoryFixture.build()
        let html = String(decoding: try HTMLReportRenderer().render(try HistoryFixture.analyze(s)), as: UTF8.self)
        #expect(html.contains("<h3>Resolved in the last <span>30</span> days</h3>"))
        #expect(html.contains("Mean time to close: <span>over-limit 9.5 days (2)</span>"))
        #expect(
            html.contains(
                [
                    "<td class=\"finding-kind\">over-limit</td>", "<td>host</td>", "<td><code>22/TCP</code></td>",
                    "<td>2026-11-05T00:00:00Z</td>",
                    "<td>2026-11-20T00:00:00Z</td>", "<td class=\"num\">15</td>"
                ].joined(separator: "\n")
            ))
        // No waivers in this policy: no expiring table.
        #expect(!html.contains("Waivers expiring within"))
    }

    /// FindingHistoryTests' values: 23/TCP reopened on 2026-11-25 (0 days), 21/TCP held since
    /// 2026-11-01 (24 days); shown in the findings table's Since column.
    @Test("each finding says since when it holds, its age and its state")
    func since() throws {
        let s = try HistoryFixture.build()
        let html = String(decoding: try HTMLReportRenderer().render(try HistoryFixture.analyze(s)), as: UTF8.self)
        #expect(html.contains("<th>Since</th>"))
        #expect(html.contains("<td class=\"muted\">2026-11-25 (0 d, reopened)</td>"))
        #expect(html.contains("<td class=\"muted\">2026-11-01 (24 d, persisting)</td>"))
        // No rule names a control: no table by control.
        #expect(!html.contains("<h3>By control</h3>"))
    }

    @Test("the expiring table names the owner, or a dash")
    func expiring() throws {
        let s = try HistoryFixture.build()
        let html = String(decoding: try HTMLReportRenderer().render(try ExpiringWaiverTests.expiring(s)), as: UTF8.self)
        #expect(html.contains("<h3>Waivers expiring within <span>14</span> days</h3>"))
        // C (0 days left, ops), then A (14, net-team); B (15) is outside the window.
        #expect(html.contains("<td>C</td>\n<td>ops</td>\n<td>2026-11-25</td>\n<td class=\"num\">0</td>"))
        #expect(html.contains("<td>A</td>\n<td>net-team</td>\n<td>2026-12-09</td>\n<td class=\"num\">14</td>"))
        #expect(!html.contains("<td>B</td>\n<td>–</td>"))
        #expect(html.contains("<td>B</td>"), "B is still listed among the waived findings")
    }
}

@Suite("Render: the email's history lines")
struct EmailHistoryTests {
    @Test("the email names resolved findings and expiring waivers in one line each")
    func lines() throws {
        let s = try HistoryFixture.build()
        let resolved = String(decoding: try EmailHTMLRenderer().render(try HistoryFixture.analyze(s)), as: UTF8.self)
        #expect(resolved.contains("<span>over-limit</span> <span>22/TCP</span> (<span>15</span> days open)"))
        #expect(resolved.contains("mean time to close: <span>over-limit 9.5 days (2)</span>"))
        let expiring = String(decoding: try EmailHTMLRenderer().render(try ExpiringWaiverTests.expiring(s)), as: UTF8.self)
        #expect(expiring.contains("<span>21/TCP</span> (<span>A</span>, <span>net-team</span>, <span>14</span> days left)"))
    }
}
