/// One output format of `portreport report`. Renderers only read the analysis result; the same
/// result and options give the same bytes.
protocol ReportRenderer: Sendable {
    /// The `--format` name (`ReportFormat.rawValue`).
    static var format: String { get }
    func render(_ result: AnalysisResult) throws -> [UInt8]
    /// The same bytes, in pieces, as they are made; by default all at once.
    func render(_ result: AnalysisResult, streamingTo sink: @escaping ([UInt8]) -> Void) throws
}

extension ReportRenderer {
    func render(_ result: AnalysisResult, streamingTo sink: @escaping ([UInt8]) -> Void) throws {
        sink(try render(result))
    }
}

/// What the renderers that need more than the analysis are given.
public struct RenderOptions: Sendable {
    var templates: TemplateSet = .builtIn
    /// For `eml`: the message's addresses and subject (default: the headline).
    public var from: String?
    public var to: [String] = []
    public var subject: String?
    /// For `eml`: attach the full HTML report.
    public var attachFull = false
    /// Outputs already rendered in this run, by `--format` name, which `eml` reuses instead of
    /// rendering the Markdown, the email HTML and the full report again.
    var rendered: [String: [UInt8]] = [:]

    init() {}
}

/// The formats this build can write: each one's `--format` name, the file extensions that
/// imply it, and its renderer. The one list of formats; everything else derives from it.
public enum ReportFormat: String, CaseIterable, Sendable {
    // In the order the extensions are named in messages.
    case html, xhtml, markdown, json, csv, assets, eml, email

    /// The `--format` names, alphabetically, as help and messages list them.
    public static let names = allCases.map(\.rawValue).sorted()

    /// The file extensions (without the dot, lower case) that imply this format; the first is
    /// the one messages name.
    var fileExtensions: [String] {
        switch self {
        case .html: return ["html", "htm"]
        case .xhtml: return ["xhtml"]
        case .markdown: return ["md"]
        case .json: return ["json"]
        case .csv: return ["csv"]
        // Longer than `csv`, so that `fleet.assets.csv` is the drill-down, not the ranking.
        case .assets: return ["assets.csv"]
        case .eml: return ["eml"]
        // Longer than `html`, so that `summary.email.html` is the email, not the full report.
        case .email: return ["email.html"]
        }
    }

    /// The format for an output file's extension (`report.html` → `html`, `summary.email.html`
    /// → `email`, case aside), if one is known.
    init?(forPath path: String) {
        let lowered = path.lowercased()
        var best: (format: ReportFormat, length: Int)?
        for format in ReportFormat.allCases {
            for fileExtension in format.fileExtensions where lowered.hasSuffix("." + fileExtension) {
                if fileExtension.count > best?.length ?? 0 { best = (format, fileExtension.count) }
            }
        }
        guard let best else { return nil }
        self = best.format
    }

    /// The message for an output file whose extension names no format.
    static func unknownExtensionMessage(_ path: String) -> String {
        let extensions = allCases.compactMap(\.fileExtensions.first).map { "." + $0 }
        return "cannot tell the format of '\(path)' from its extension (\(extensions.joined(separator: ", "))): give --format"
    }

    /// The message for a `--format` value that names no format.
    public static func unknownNameMessage(_ name: String) -> String {
        "--format expects one of \(names.joined(separator: ", ")), not '\(name)'"
    }

    /// The renderer that writes this format alone. (`ReportBatch` renders several at once and
    /// shares the work they have in common.)
    func makeRenderer(options: RenderOptions) throws(ReportError) -> any ReportRenderer {
        switch self {
        case .json: return JSONReportRenderer()
        case .csv: return CSVRankingRenderer()
        case .assets: return CSVAssetsRenderer()
        case .html: return HTMLReportRenderer(templates: options.templates)
        case .xhtml: return XHTMLReportRenderer(templates: options.templates)
        case .email: return EmailHTMLRenderer(templates: options.templates)
        case .markdown:
            let (template, templateName) = try options.templates.text("report.md")
            return try MarkdownRenderer(template: template, templateName: templateName)
        case .eml: return EMLRenderer(options: options)
        }
    }
}
