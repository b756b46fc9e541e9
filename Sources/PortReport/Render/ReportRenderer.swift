/// One output format of `portreport report`. Renderers only read the analysis result; the same
/// result and options give the same bytes.
public protocol ReportRenderer: Sendable {
    /// The `--format` name.
    static var format: String { get }
    func render(_ result: AnalysisResult) throws -> [UInt8]
}

/// What the renderers that need more than the analysis are given.
public struct RenderOptions: Sendable {
    public var templates: TemplateSet = .builtIn
    /// For `eml`: the message's addresses and subject (default: the headline).
    public var from: String?
    public var to: [String] = []
    public var subject: String?
    /// For `eml`: attach the full HTML report.
    public var attachFull = false
    /// Outputs already rendered in this run, by format, which `eml` reuses instead of
    /// rendering the Markdown, the email HTML and the full report again.
    public var rendered: [String: [UInt8]] = [:]

    public init() {}
}

/// The formats this build can write, by `--format` name and file extension.
public enum ReportFormats {
    public static let names = ["csv", "email", "eml", "html", "json", "markdown", "xhtml"]

    static let extensions = ["json": "json", "csv": "csv", "html": "html", "htm": "html", "xhtml": "xhtml", "md": "markdown", "eml": "eml"]

    /// The format for an output file's extension (`report.html` → `html`, `summary.email.html`
    /// → `email`), if one is known.
    public static func format(forPath path: String) -> String? {
        if path.lowercased().hasSuffix(".email.html") { return EmailHTMLRenderer.format }
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        return extensions[String(path[path.index(after: dot)...]).lowercased()]
    }

    public static func renderer(_ name: String, options: RenderOptions) throws(ReportError) -> (any ReportRenderer)? {
        switch name {
        case JSONReportRenderer.format: return JSONReportRenderer()
        case CSVRankingRenderer.format: return CSVRankingRenderer()
        case HTMLReportRenderer.format: return HTMLReportRenderer(templates: options.templates)
        case XHTMLReportRenderer.format: return XHTMLReportRenderer(templates: options.templates)
        case EmailHTMLRenderer.format: return EmailHTMLRenderer(templates: options.templates)
        case MarkdownRenderer.format:
            let (template, templateName) = try options.templates.text("report.md")
            return try MarkdownRenderer(template: template, templateName: templateName)
        case EMLRenderer.format: return EMLRenderer(options: options)
        default: return nil
        }
    }
}
