/// `--format markdown`: GitHub-flavoured Markdown that also reads as plain text (ticket systems,
/// the text part of `--format eml`).
///
/// The layout comes from a template (`templates/report.md`, built in as `defaultTemplate`):
/// ordinary Markdown with placeholders. A section placeholder (`{{ranking}}`) stands alone on its
/// line and becomes a block (a table, a list, a paragraph); an inline placeholder
/// (`{{generated_at}}`) may stand anywhere in a line. `{{! ...}}` is a comment, left out (a line
/// holding only comments is left out entirely). The template is checked when the renderer is
/// made: an unknown placeholder is an error naming the template and the line.
///
/// Every value that comes from the data (project ids, policy reasons and tickets, file paths,
/// the headline, …) goes through `MarkdownEscaping.inline`: line breaks become spaces, `|` and
/// Markdown's punctuation are backslash-escaped and `<` becomes `&lt;`, so no value can start a
/// table row, a heading, a link, emphasis or raw HTML. Output depends only on the result and the
/// template: lists come from the result's arrays in their order, dictionaries are read in a
/// fixed key order.
struct MarkdownRenderer: ReportRenderer {
    static let format = "markdown"

    /// The built-in layout: the embedded copy of `templates/report.md` (templates/embed).
    static let defaultTemplate: String = EmbeddedTemplates.files["report.md"] ?? ""

    /// Placeholders that stand alone on a line and become a block.
    enum Section: String, CaseIterable, Sendable {
        case headline
        case keyFigures = "key_figures"
        case ranking
        case breakdown
        case trends
        case findings
        case waived
        /// Since when findings hold, what was resolved, waivers about to expire, by control.
        case history
        case snapshots
        case provenance
    }

    /// Placeholders that become a short piece of text inside a line.
    enum Inline: String, CaseIterable, Sendable {
        case generatedAt = "generated_at"
        case newestCapture = "newest_capture"
        case top
        case toolVersion = "tool_version"
        case policy
        case scope
    }

    let lines: [Line]

    /// The built-in layout.
    init() {
        // The built-in template is checked by a test; it cannot fail here.
        do {
            lines = try Self.parse(Self.defaultTemplate, name: "report.md")
        } catch {
            preconditionFailure("built-in Markdown template: \(error)")
        }
    }

    /// A layout from a template's text. `templateName` is how errors name it (the path as the
    /// user gave it, e.g. `my-templates/report.md`).
    init(template: String, templateName: String) throws(ReportError) {
        lines = try Self.parse(template, name: templateName)
    }

    /// Every placeholder name, sorted, for messages.
    static var placeholderNames: [String] {
        (Section.allCases.map(\.rawValue) + Inline.allCases.map(\.rawValue)).sorted()
    }

    // MARK: Rendering

    func render(_ result: AnalysisResult) throws -> [UInt8] {
        let sections = MarkdownSections(result)
        var out: [String] = []
        for line in lines {
            switch line {
            case .section(let section):
                out.append(contentsOf: sections.lines(section))
            case .text(let pieces):
                out.append(
                    pieces.map { piece in
                        switch piece {
                        case .literal(let text): return text
                        case .value(let inline): return sections.value(inline)
                        }
                    }.joined())
            }
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return Array((out.joined(separator: "\n") + "\n").utf8)
    }
}
