import Foundation

/// The Markdown template language: a template's text parsed into lines of literal text, inline
/// placeholders and section placeholders (see `MarkdownRenderer` for the syntax). Parsing checks
/// every placeholder, so rendering cannot meet an unknown one.
extension MarkdownRenderer {
    /// A part of a text line: template text as written, or an inline placeholder.
    enum Piece: Sendable, Equatable {
        case literal(String)
        case value(Inline)
    }

    /// A template line: a section placeholder alone, or text with inline placeholders.
    enum Line: Sendable, Equatable {
        case section(Section)
        case text([Piece])
    }

    /// Most section placeholders (`{{ranking}}`, each a table that may run to thousands of
    /// lines) in one template: a report uses each once or twice, and 64 copies of the largest
    /// stay tens of MB, where a template of nothing but `{{ranking}}` lines made gigabytes.
    static let maximumSections = 64
    /// Most inline placeholders (`{{project}}`) in one template.
    static let maximumInlinePlaceholders = 10_000

    static func parse(_ template: String, name: String) throws(ReportError) -> [Line] {
        var text = template
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // Line ends as any editor writes them; "\r\n" is one Character, so split on scalars.
        var rawLines: [String] = []
        var current = String.UnicodeScalarView()
        var previousCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !previousCR { rawLines.append(String(current)); current = .init() }
                previousCR = false
            } else if scalar == "\r" {
                rawLines.append(String(current)); current = .init()
                previousCR = true
            } else {
                current.append(scalar)
                previousCR = false
            }
        }
        rawLines.append(String(current))
        // A final line end does not open another line.
        if rawLines.count > 1, rawLines.last == "" { rawLines.removeLast() }

        var result: [Line] = []
        var sections = 0, inlines = 0
        for (index, raw) in rawLines.enumerated() {
            let number = index + 1
            if let section = sectionLine(raw) {
                sections += 1
                guard sections <= maximumSections else {
                    throw ReportError(
                        "\(name):\(number): more than \(maximumSections) section placeholders, the limit for a template (each can be a long table): use each section once"
                    )
                }
                result.append(.section(section))
                continue
            }
            var pieces: [Piece] = []
            var literal = ""
            var hadComment = false
            var rest = Substring(raw)
            while let open = rest.range(of: "{{") {
                literal += rest[..<open.lowerBound]
                let afterOpen = rest[open.upperBound...]
                guard let close = afterOpen.range(of: "}}") else {
                    throw ReportError(
                        "\(name):\(number): unclosed '{{' (placeholders look like {{name}}; known: \(placeholderNames.joined(separator: ", ")))"
                    )
                }
                let inner = String(afterOpen[..<close.lowerBound]).trimmingSpaces
                rest = afterOpen[close.upperBound...]
                if inner.hasPrefix("!") {
                    hadComment = true
                } else if Section(rawValue: inner) != nil {
                    throw ReportError("\(name):\(number): {{\(inner)}} is a section: put it on a line of its own")
                } else if let inline = Inline(rawValue: inner) {
                    inlines += 1
                    guard inlines <= maximumInlinePlaceholders else {
                        throw ReportError(
                            "\(name):\(number): more than \(maximumInlinePlaceholders) placeholders, the limit for a template: use fewer"
                        )
                    }
                    if !literal.isEmpty { pieces.append(.literal(literal)) }
                    literal = ""
                    pieces.append(.value(inline))
                } else {
                    throw ReportError(
                        "\(name):\(number): unknown placeholder {{\(inner)}}; known: \(placeholderNames.joined(separator: ", "))")
                }
            }
            literal += rest
            // A line that held only comments is left out entirely.
            if hadComment, pieces.isEmpty, literal.trimmingSpaces.isEmpty { continue }
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            result.append(.text(pieces))
        }
        return result
    }

    /// The section a line holds alone (spaces around it allowed), if any.
    private static func sectionLine(_ raw: String) -> Section? {
        let trimmed = raw.trimmingSpaces
        guard trimmed.hasPrefix("{{"), trimmed.hasSuffix("}}"), trimmed.count >= 4 else { return nil }
        let inner = String(trimmed.dropFirst(2).dropLast(2))
        guard !inner.contains("{{"), !inner.contains("}}") else { return nil }
        return Section(rawValue: inner.trimmingSpaces)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[first...last])
        return String(view)
    }
}
