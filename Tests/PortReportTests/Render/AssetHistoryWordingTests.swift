import Testing

@testable import PortReport

/// The human formats' words for the per-asset history, on `AssetHistoryFixture` (its table and
/// the ages worked out there): h3 new, h1 (since 11-24) and h6 (since 11-27) persisting, h2
/// reopened; h4 and h5 resolved in the 30-day window.
@Suite("Render: per-asset history in words")
struct AssetHistoryWordingTests {
    @Test("one phrase per finding, a since cell per asset, in the Markdown and the HTML")
    func words() throws {
        let s = try AssetHistoryFixture.build()
        let result = try AssetHistoryFixture.analyze(s)
        let finding = try #require(result.findings.first { $0.id == "forbidden:host:22/TCP" })
        let phrase = "assets since: 1 new, 2 persisting (the oldest since 2026-11-24), 1 reopened; 2 resolved in the last 30 days"
        #expect(result.assetHistory.phrase(for: finding, windowDays: 30) == phrase)
        let markdown = String(decoding: try MarkdownRenderer().render(result), as: UTF8.self)
        #expect(markdown.contains("drill-down 4; " + phrase + "."))
        #expect(markdown.contains("| web-1 | 10.0.0.1 | — | 0.0.0.0 | all-interfaces | — | — | — | 2026-11-24 (4 d, persisting) |"))
        #expect(markdown.contains("| db-1 | 10.0.0.2 | — | 0.0.0.0 | all-interfaces | — | — | — | 2026-11-28 (0 d, reopened) |"))
        let html = String(decoding: try HTMLReportRenderer().render(result), as: UTF8.self)
        #expect(html.contains("statistics num 4 &middot; drill-down 4 &middot; " + phrase))
    }

    @Test("nothing is said when a finding has no per-asset history")
    func silent() throws {
        let finding = Finding(kind: .forbidden, key: k(22, .tcp), category: .host, num: 1, message: "m", waiver: nil)
        #expect(AssetHistory().phrase(for: finding, windowDays: 30) == "")
    }
}
