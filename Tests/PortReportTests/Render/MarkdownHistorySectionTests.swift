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
