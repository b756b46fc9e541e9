import Foundation

/// The report templates: the built-in ones, each replaceable by a file of the same name in a
/// directory given with `--templates` (which may also add partials for `t:include`).
public struct TemplateSet: Sendable {
    let files: [String: [UInt8]]
    /// Where each file came from, for messages.
    let origins: [String: String]

    static let builtIn = TemplateSet(
        files: EmbeddedTemplates.files.mapValues { Array($0.utf8) },
        origins: Dictionary(uniqueKeysWithValues: EmbeddedTemplates.files.keys.map { ($0, "built-in " + $0) }))

    /// The built-in templates with every `.xhtml`, `.css` and `.md` file of `directory` in place
    /// of the built-in file of the same name.
    public static func overriding(with directory: String) throws(ReportError) -> TemplateSet {
        var files = builtIn.files
        var origins = builtIn.origins
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw ReportError("\(directory): cannot read the templates directory: \(error.localizedDescription)")
        }
        for name in names where [".xhtml", ".css", ".md"].contains(where: { name.hasSuffix($0) }) {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else { throw ReportError("\(path): cannot read the template") }
            files[name] = [UInt8](data)
            origins[name] = path
        }
        return TemplateSet(files: files, origins: origins)
    }

    func tree(_ name: String) throws(ReportError) -> XMLTree {
        guard let bytes = files[name] else { throw ReportError("no template named \(name)") }
        return try XMLTree(parsing: bytes, name: origins[name] ?? name)
    }

    func text(_ name: String) throws(ReportError) -> (String, String) {
        guard let bytes = files[name] else { throw ReportError("no template named \(name)") }
        return (String(decoding: bytes, as: UTF8.self), origins[name] ?? name)
    }
}

/// Fills `report.xhtml` (or `email.xhtml`) and writes it as HTML5 or XHTML.
struct XHTMLTemplateRendering {
    let templates: TemplateSet
    let template: String

    func filledTree(_ result: AnalysisResult) throws(ReportError) -> XMLTree {
        let tree = try templates.tree(template)
        var partials = templates.files
        partials[template] = nil
        try TemplateEngine(partials: partials).fill(tree, with: ReportView.make(result))
        return tree
    }
}

/// `--format html`: the full report as one self-contained HTML5 file.
struct HTMLReportRenderer: ReportRenderer {
    static let format = "html"
    let templates: TemplateSet

    init(templates: TemplateSet = .builtIn) {
        self.templates = templates
    }

    func render(_ result: AnalysisResult) throws -> [UInt8] {
        try XHTMLTemplateRendering(templates: templates, template: "report.xhtml").filledTree(result).html()
    }
}

/// `--format xhtml`: the full report as well-formed XML (`application/xhtml+xml`).
struct XHTMLReportRenderer: ReportRenderer {
    static let format = "xhtml"
    let templates: TemplateSet

    init(templates: TemplateSet = .builtIn) {
        self.templates = templates
    }

    func render(_ result: AnalysisResult) throws -> [UInt8] {
        try XHTMLTemplateRendering(templates: templates, template: "report.xhtml").filledTree(result).xhtml()
    }
}

/// `--format email`: an HTML summary built for mail clients (tables, inline styles, no SVG).
public struct EmailHTMLRenderer: ReportRenderer {
    public static let format = "email"
    let templates: TemplateSet

    init(templates: TemplateSet = .builtIn) {
        self.templates = templates
    }

    public func render(_ result: AnalysisResult) throws -> [UInt8] {
        try XHTMLTemplateRendering(templates: templates, template: "email.xhtml").filledTree(result).html()
    }
}
