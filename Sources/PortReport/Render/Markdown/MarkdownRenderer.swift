import Foundation

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
public struct MarkdownRenderer: ReportRenderer {
    public static let format = "markdown"

    /// The built-in layout: the embedded copy of `templates/report.md` (templates/embed).
    public static let defaultTemplate: String = EmbeddedTemplates.files["report.md"] ?? ""

    /// Placeholders that stand alone on a line and become a block.
    public enum Section: String, CaseIterable, Sendable {
        case headline
        case keyFigures = "key_figures"
        case ranking
        case breakdown
        case trends
        case findings
        case waived
        case snapshots
        case provenance
    }

    /// Placeholders that become a short piece of text inside a line.
    public enum Inline: String, CaseIterable, Sendable {
        case generatedAt = "generated_at"
        case newestCapture = "newest_capture"
        case top
        case toolVersion = "tool_version"
        case policy
        case scope
    }

    enum Piece: Sendable, Equatable {
        case literal(String)
        case value(Inline)
    }

    enum Line: Sendable, Equatable {
        case section(Section)
        case text([Piece])
    }

    let lines: [Line]

    /// The built-in layout.
    public init() {
        // The built-in template is checked by a test; it cannot fail here.
        do {
            lines = try Self.parse(Self.defaultTemplate, name: "report.md")
        } catch {
            preconditionFailure("built-in Markdown template: \(error)")
        }
    }

    /// A layout from a template's text. `templateName` is how errors name it (the path as the
    /// user gave it, e.g. `my-templates/report.md`).
    public init(template: String, templateName: String) throws(ReportError) {
        lines = try Self.parse(template, name: templateName)
    }

    /// Every placeholder name, sorted, for messages.
    public static var placeholderNames: [String] {
        (Section.allCases.map(\.rawValue) + Inline.allCases.map(\.rawValue)).sorted()
    }

    // MARK: Template

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
        for (index, raw) in rawLines.enumerated() {
            let number = index + 1
            if let section = sectionLine(raw) {
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
                    throw ReportError("\(name):\(number): unclosed '{{' (placeholders look like {{name}}; known: \(placeholderNames.joined(separator: ", ")))")
                }
                let inner = String(afterOpen[..<close.lowerBound]).trimmingSpaces
                rest = afterOpen[close.upperBound...]
                if inner.hasPrefix("!") {
                    hadComment = true
                } else if Section(rawValue: inner) != nil {
                    throw ReportError("\(name):\(number): {{\(inner)}} is a section: put it on a line of its own")
                } else if let inline = Inline(rawValue: inner) {
                    if !literal.isEmpty { pieces.append(.literal(literal)) }
                    literal = ""
                    pieces.append(.value(inline))
                } else {
                    throw ReportError("\(name):\(number): unknown placeholder {{\(inner)}}; known: \(placeholderNames.joined(separator: ", "))")
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

    // MARK: Rendering

    public func render(_ result: AnalysisResult) throws -> [UInt8] {
        let sections = Sections(result)
        var out: [String] = []
        for line in lines {
            switch line {
            case .section(let section):
                out.append(contentsOf: sections.lines(section))
            case .text(let pieces):
                out.append(pieces.map { piece in
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

/// The blocks and values of one report.
private struct Sections {
    let result: AnalysisResult

    init(_ result: AnalysisResult) {
        self.result = result
    }

    typealias E = MarkdownEscaping

    func value(_ inline: MarkdownRenderer.Inline) -> String {
        switch inline {
        case .generatedAt: return result.generatedAt.rfc3339
        case .newestCapture: return result.newestCapture?.rfc3339 ?? "—"
        case .top: return String(result.top)
        case .toolVersion: return E.inline(PortReportVersion.string)
        case .policy: return E.inline(result.policySource)
        case .scope: return E.inline(scopeDescription)
        }
    }

    func lines(_ section: MarkdownRenderer.Section) -> [String] {
        switch section {
        case .headline: return ["**" + E.inline(result.headline) + "**"]
        case .keyFigures: return keyFigures()
        case .ranking: return ranking()
        case .breakdown: return breakdown()
        case .trends: return trends()
        case .findings: return findings()
        case .waived: return waived()
        case .snapshots: return snapshots()
        case .provenance: return provenance()
        }
    }

    // MARK: Pieces

    var scopeDescription: String {
        var parts: [String] = []
        parts.append(result.scope.projectID.map { "project \($0)" } ?? "all projects")
        if let enterprise = result.scope.enterpriseProjectID { parts.append("enterprise project \(enterprise)") }
        parts.append(result.scope.category.map { "\($0.rawValue) only" } ?? "hosts and containers")
        if let asOf = result.scope.asOf { parts.append("as of \(asOf.rfc3339)") }
        return parts.joined(separator: ", ")
    }

    static func percent(_ fraction: Double) -> String {
        Decimals.fixed(fraction * 100, places: 1) + " %"
    }

    static func signed(_ value: Int64) -> String {
        value > 0 ? "+\(value)" : String(value)
    }

    static func population(_ category: Category) -> String {
        category == .host ? "Hosts" : "Containers"
    }

    /// A table: header, alignment row (`r` right, anything else left), rows. Cells are already
    /// escaped (numbers and port keys need none); an empty data cell shows as "—".
    static func table(_ header: [String], _ align: String, _ rows: [[String]]) -> [String] {
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
        let rule = "|" + align.map { $0 == "r" ? "---:|" : "---|" }.joined()
        return [line(header), rule] + rows.map { line($0.map { $0.isEmpty ? "—" : $0 }) }
    }

    static func note(_ text: String) -> String { "_" + text + "_" }

    // MARK: Key figures

    func keyFigures() -> [String] {
        let host = result.ranking.reduce(Int64(0)) { $0 + $1.host }
        let container = result.ranking.reduce(Int64(0)) { $0 + $1.container }
        let danger = result.ranking.filter { $0.status == .danger }
        let risky = result.ranking.filter { $0.risk != nil }
        let shown = min(max(result.top, 0), result.ranking.count)
        var lines = [
            "- Open ports (port/protocol pairs): **\(result.ranking.count)**",
            "- Open-port instances: **\(host + container)** (hosts \(host), containers \(container))",
        ]
        for category in Category.allCases {
            let summary = category == .host ? result.breakdown.host : result.breakdown.container
            if let summary {
                lines.append("- \(Self.population(category)): \(summary.ports) ports, \(summary.instances) instances")
            } else if result.scope.categories.contains(category) {
                lines.append("- \(Self.population(category)): no complete, unfiltered snapshot in scope")
            }
        }
        lines.append("- Rated danger by the vendor: \(danger.count) ports, \(danger.reduce(Int64(0)) { $0 + $1.total }) instances")
        lines.append("- In the risk catalogue: \(risky.count) ports, \(risky.reduce(Int64(0)) { $0 + $1.total }) instances")
        if shown > 0 {
            lines.append("- The top \(shown) ports hold \(Self.percent(result.ranking[shown - 1].cumulativeShare)) of all instances")
        }
        lines.append("- Policy findings: **\(result.findings.count)** (waived: \(result.waived.count))")
        lines.append("- Snapshots in scope: \(result.snapshots.count) (used: \(result.snapshots.filter(\.used).count))")
        if !result.warnings.isEmpty {
            lines.append("- Warnings: \(result.warnings.count) (listed with the snapshots)")
        }
        return lines
    }

    // MARK: Ranking

    func ranking() -> [String] {
        guard !result.ranking.isEmpty else { return [Self.note("No open ports in the current snapshots.")] }
        let rows = result.ranking.prefix(max(result.top, 0)).map { row in
            [String(row.rank), row.key.description, E.inline(row.service ?? ""), String(row.host), String(row.container), String(row.total),
             Self.percent(row.share), row.status?.rawValue ?? "", E.inline(row.risk?.reason ?? "")]
        }
        var lines = Self.table(["#", "Port", "Service", "Hosts", "Containers", "Total", "Share", "Vendor status", "Risk"], "rllrrrrll", Array(rows))
        let hidden = result.ranking.count - rows.count
        if hidden > 0 {
            let rest = 1 - (rows.isEmpty ? 0 : result.ranking[rows.count - 1].cumulativeShare)
            lines.append("")
            lines.append(Self.note("\(hidden) more ports (\(Self.percent(max(rest, 0))) of instances) are in the full ranking (--format csv or json)."))
        }
        return lines
    }

    // MARK: Breakdown

    func breakdown() -> [String] {
        let b = result.breakdown
        guard b.host != nil || b.container != nil else { return [Self.note("No complete, unfiltered snapshot in scope.")] }
        func column(_ summary: CategoryBreakdown?, _ value: (CategoryBreakdown) -> String) -> String {
            summary.map(value) ?? "—"
        }
        var rows: [[String]] = [
            ["Ports", column(b.host) { String($0.ports) }, column(b.container) { String($0.ports) }],
            ["Instances", column(b.host) { String($0.instances) }, column(b.container) { String($0.instances) }],
        ]
        for type in PortType.allCases {
            rows.append(["\(type.rawValue) ports", column(b.host) { String($0.types[type] ?? 0) }, column(b.container) { String($0.types[type] ?? 0) }])
        }
        for range in PortRange.allCases {
            rows.append(["\(range.rawValue) ports", column(b.host) { String($0.ranges[range] ?? 0) }, column(b.container) { String($0.ranges[range] ?? 0) }])
        }
        var lines = Self.table(["Figure", "Hosts", "Containers"], "lrr", rows)
        lines.append("")
        if b.host != nil && b.container != nil {
            func list(_ keys: [PortKey]) -> String {
                let limit = 20
                guard !keys.isEmpty else { return "none" }
                let shown = keys.prefix(limit).map(\.description).joined(separator: ", ")
                return keys.count > limit ? shown + ", … (\(keys.count - limit) more)" : shown
            }
            lines.append("- Open on both hosts and containers: **\(b.both.count)** (\(list(b.both)))")
            lines.append("- Hosts only: **\(b.hostOnly.count)** (\(list(b.hostOnly)))")
            lines.append("- Containers only: **\(b.containerOnly.count)** (\(list(b.containerOnly)))")
        } else {
            let only = b.host != nil ? "host" : "container"
            lines.append(Self.note("Only \(only) snapshots are usable: the host-versus-container comparison is not possible."))
        }
        if result.perProject.count > 1 {
            lines.append("")
            let rows = result.perProject.map { row in
                [E.inline(row.origin.projectID), E.inline(row.origin.enterpriseProjectID),
                 row.host.map { String($0.id) } ?? "", String(row.hostInstances),
                 row.container.map { String($0.id) } ?? "", String(row.containerInstances)]
            }
            lines += Self.table(["Project", "Enterprise project", "Host snapshot", "Host instances", "Container snapshot", "Container instances"], "llrrrr", rows)
        }
        return lines
    }

    // MARK: Trends

    func trends() -> [String] {
        var lines: [String] = []
        for category in result.scope.categories {
            if !lines.isEmpty { lines.append("") }
            guard let trend = result.trends[category] else {
                lines.append("**\(Self.population(category))**: fewer than two complete snapshots, no trend yet.")
                continue
            }
            let head = "**\(Self.population(category))**, \(trend.from.rfc3339) → \(trend.to.rfc3339): "
                + "\(trend.new.count) new, \(trend.gone.count) gone, \(trend.changed.count) changed"
            guard !(trend.new.isEmpty && trend.gone.isEmpty && trend.changed.isEmpty) else {
                lines.append(head + "; no changes.")
                continue
            }
            lines.append(head)
            lines.append("")
            // New and gone in full; changed ports up to `top` rows (by size of the change).
            let changedShown = trend.changed.prefix(max(result.top, 0))
            let rows = trend.new.map { ("new", $0) } + trend.gone.map { ("gone", $0) } + changedShown.map { ("changed", $0) }
            lines += Self.table(["Change", "Port", "Before", "After", "Delta"], "llrrr", rows.map { kind, change in
                [kind, change.key.description, String(change.before), String(change.after), Self.signed(change.delta)]
            })
            if trend.changed.count > changedShown.count {
                lines.append("")
                lines.append(Self.note("\(trend.changed.count - changedShown.count) smaller changes are in the JSON report."))
            }
        }
        return lines.isEmpty ? [Self.note("No categories in scope.")] : lines
    }

    // MARK: Findings

    func findings() -> [String] {
        guard !result.findings.isEmpty else { return [Self.note("No policy findings.")] }
        let rows = result.findings.map { finding in
            [finding.kind.rawValue, finding.key.description, finding.category.rawValue, String(finding.num), E.inline(finding.message),
             E.inline(finding.waiver?.ticket ?? "")]
        }
        return Self.table(["Kind", "Port", "Category", "Count", "Finding", "Waiver"], "lllrll", rows)
    }

    func waived() -> [String] {
        guard !result.waived.isEmpty else { return [Self.note("No waived findings.")] }
        let rows = result.waived.map { finding in
            [finding.kind.rawValue, finding.key.description, finding.category.rawValue, String(finding.num),
             E.inline(finding.waiver?.ticket ?? ""), E.inline(finding.waiver?.reason ?? ""), E.inline(finding.waiver?.expiresOn ?? ""),
             E.inline(finding.message)]
        }
        return Self.table(["Kind", "Port", "Category", "Count", "Ticket", "Reason", "Expires", "Finding"], "lllrllll", rows)
    }

    // MARK: Snapshots and provenance

    func snapshots() -> [String] {
        var lines: [String] = result.warnings.map { "- **Warning:** " + E.inline($0) }
        if !lines.isEmpty { lines.append("") }
        guard !result.snapshots.isEmpty else { return lines + [Self.note("No snapshots in scope.")] }
        var currentIDs = Set<Int64>()
        for category in Category.allCases { currentIDs.formUnion((result.current[category] ?? []).map(\.id)) }
        let rows = result.reportedSnapshots.map { listed -> [String] in
            let info = listed.info
            let state: String
            if info.partial {
                state = "partial (" + E.inline(info.filters) + ")"
            } else if !info.complete {
                state = "incomplete" + (info.note.isEmpty ? "" : " (" + E.inline(info.note) + ")")
            } else {
                state = "complete"
            }
            let role = currentIDs.contains(info.id) ? "current" : listed.used ? "history" : "not used"
            return [String(info.id), info.category.rawValue, E.inline(info.projectID), E.inline(info.enterpriseProjectID), info.capturedAt.rfc3339,
                    String(info.records), info.totalNum.map { String($0) } ?? "", state, role]
        }
        var table = Self.table(["Snapshot", "Category", "Project", "Enterprise project", "Captured", "Records", "API total", "State", "Role"],
                               "rllllrrll", rows)
        if result.historyOnlyCount > 0 {
            table += ["", Self.note("\(result.historyOnlyCount) older snapshots feed the history lines; the JSON report lists them all.")]
        }
        return lines + table
    }

    func provenance() -> [String] {
        var lines = [
            "- Tool: portreport " + E.inline(PortReportVersion.string),
            "- Generated at: " + result.generatedAt.rfc3339,
            "- Policy: " + E.inline(result.policySource),
            "- Scope: " + E.inline(scopeDescription),
        ]
        let captured = Dictionary(result.snapshots.map { ($0.info.id, $0.info) }, uniquingKeysWith: { first, _ in first })
        var rows: [[String]] = []
        for id in result.reportedSnapshots.filter(\.used).map(\.info.id).sorted() {
            for source in result.sources[id] ?? [] {
                let place = source.entry.map { "HAR entry \($0)" } ?? source.query.map { "query: " + E.inline($0) } ?? ""
                rows.append([String(id), captured[id].map { $0.capturedAt.rfc3339 } ?? "", E.inline(source.path), place,
                             E.inline(source.sha256), String(source.size), String(source.records)])
            }
        }
        lines.append("")
        if rows.isEmpty {
            lines.append(Self.note("No input files recorded for the snapshots used."))
        } else {
            lines += Self.table(["Snapshot", "Captured", "Input file", "Part", "SHA-256", "Bytes", "Records"], "rllllrr", rows)
        }
        return lines
    }
}

/// Turns data into Markdown text that shows as itself and cannot start any structure.
enum MarkdownEscaping {
    /// For a value inside a line or a table cell: line breaks and other control characters become
    /// single spaces (runs of white space collapse, ends are trimmed); Markdown's punctuation is
    /// backslash-escaped; `<` becomes `&lt;` (no raw HTML, no autolinks, whatever the Markdown
    /// dialect) and `&` before something that reads as an entity becomes `&amp;`; a leading
    /// list marker (`- `, `+ `, `1. `, `1) `), `--`, `==` is escaped so that a value at the start
    /// of a line is no list item, thematic break or heading underline (`-1` and `0.1.0` stay).
    static func inline(_ text: String) -> String {
        // 1. White space: line breaks, tabs and control characters become one space.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let isSpace = v <= 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0xFEFF
            if isSpace {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if pendingSpace { scalars.append(" ") }
            pendingSpace = false
            scalars.append(scalar)
        }

        // 2. Escapes.
        var out = String.UnicodeScalarView()
        var index = 0
        // A leading ordered-list marker: digits then "." or ")".
        var leadingDigits = 0
        while leadingDigits < scalars.count, ("0"..."9").contains(scalars[leadingDigits]) { leadingDigits += 1 }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", ">", "#", "|", "~", "$":
                out.append("\\")
                out.append(scalar)
            case "<":
                out.append(contentsOf: "&lt;".unicodeScalars)
            case "&" where entityFollows(scalars, after: index):
                out.append(contentsOf: "&amp;".unicodeScalars)
            case "-" where index == 0 && markerEnds(scalars, at: 1, repeating: "-"),
                 "+" where index == 0 && markerEnds(scalars, at: 1, repeating: "+"),
                 "=" where index == 0 && markerEnds(scalars, at: 1, repeating: "="),
                 "." where index == leadingDigits && leadingDigits > 0 && markerEnds(scalars, at: index + 1, repeating: nil),
                 ")" where index == leadingDigits && leadingDigits > 0 && markerEnds(scalars, at: index + 1, repeating: nil):
                out.append("\\")
                out.append(scalar)
            default:
                out.append(scalar)
            }
            index += 1
        }
        return String(out)
    }

    /// A list marker, heading underline or thematic break ends here: the value ends, a space
    /// follows, or the marker character repeats.
    private static func markerEnds(_ scalars: [Unicode.Scalar], at index: Int, repeating marker: Unicode.Scalar?) -> Bool {
        index >= scalars.count || scalars[index] == " " || scalars[index] == marker
    }

    /// `&name;`, `&#123;` or `&#x1F;` starts at `index`.
    private static func entityFollows(_ scalars: [Unicode.Scalar], after index: Int) -> Bool {
        var i = index + 1
        let start = i
        while i < scalars.count, i - start <= 32 {
            let s = scalars[i]
            if s == ";" { return i > start }
            guard s.isASCII, s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "#" else { return false }
            i += 1
        }
        return false
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[first...last])
        return String(view)
    }
}
