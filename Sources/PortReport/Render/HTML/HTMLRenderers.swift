import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

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
    /// of the built-in file of the same name. A path that is not a readable directory, and a
    /// template that is not a readable regular file, are errors that say which and why.
    public static func overriding(with directory: String) throws(ReportError) -> TemplateSet {
        let expected = "--templates expects a directory of .xhtml/.css/.md files"
        if let problem = directoryProblem(directory) {
            throw ReportError("\(TerminalText.value(directory)): \(problem); \(expected)")
        }
        var files = builtIn.files
        var origins = builtIn.origins
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory).sorted() else {
            throw ReportError("\(TerminalText.value(directory)): cannot list the directory; \(expected)")
        }
        for name in names where [".xhtml", ".css", ".md"].contains(where: { name.hasSuffix($0) }) {
            let path = (directory as NSString).appendingPathComponent(name)
            if let problem = templateFileProblem(path) {
                throw ReportError("\(TerminalText.value(path)): \(problem); a template must be a readable file")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ReportError("\(TerminalText.value(path)): cannot read the template")
            }
            files[name] = [UInt8](data)
            origins[name] = path
        }
        return TemplateSet(files: files, origins: origins)
    }

    /// Why `path` cannot be read as a directory, in words (`is not a directory`), or nil.
    private static func directoryProblem(_ path: String) -> String? {
        guard let handle = opendir(path) else { return reason(errno: errno, directory: true) }
        closedir(handle)
        return nil
    }

    /// Why `path` cannot be read as a template file (`is a directory`, `permission denied`), or
    /// nil. Only regular files are read: a FIFO named `x.css` would block the report.
    private static func templateFileProblem(_ path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return reason(errno: errno, directory: false) }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return "is a directory"
        default: return "is not a regular file"
        }
        return access(path, R_OK) == 0 ? nil : "cannot be read (permission denied)"
    }

    /// `errno` from opening a directory or a file, in words, without the system's own phrasing
    /// of error domains.
    private static func reason(errno code: Int32, directory: Bool) -> String {
        switch code {
        case ENOENT: return directory ? "no such directory" : "no such file (a dangling link?)"
        case ENOTDIR: return "is not a directory"
        case EACCES, EPERM: return "cannot be read (permission denied)"
        case ELOOP: return "is a loop of symbolic links"
        case ENAMETOOLONG: return "the path is too long"
        default: return "cannot be read (\(String(cString: strerror(code))))"
        }
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

    /// `attachment`: see `ReportView.make`. `bounded`: the lists cut to `HumanReportLimits`,
    /// each with its `KEY_more` note.
    func filledTree(
        _ result: AnalysisResult, attachment: String? = nil, bounded: [HumanReportLimits.ViewList]
    ) throws(ReportError) -> XMLTree {
        let tree = try templates.tree(template)
        var partials = templates.files
        partials[template] = nil
        var view = ReportView.make(result, attachment: attachment)
        HumanReportLimits.boundLists(&view, bounded)
        try TemplateEngine(partials: partials).fill(tree, with: view)
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
        try XHTMLTemplateRendering(templates: templates, template: "report.xhtml").filledTree(
            result, bounded: HumanReportLimits.reportLists
        ).html()
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
        try XHTMLTemplateRendering(templates: templates, template: "report.xhtml").filledTree(
            result, bounded: HumanReportLimits.reportLists
        ).xhtml()
    }
}

/// `--format email`: an HTML summary built for mail clients (tables, inline styles, no SVG).
///
/// On its own it mentions no full report; inside a message with `--attach-full` it says that
/// the full report is attached, under which name (`attachment`).
public struct EmailHTMLRenderer: ReportRenderer {
    public static let format = "email"
    let templates: TemplateSet
    /// The name the full report is attached under, in the message that carries this HTML.
    let attachment: String?

    init(templates: TemplateSet = .builtIn, attachment: String? = nil) {
        self.templates = templates
        self.attachment = attachment
    }

    public func render(_ result: AnalysisResult) throws -> [UInt8] {
        try XHTMLTemplateRendering(templates: templates, template: "email.xhtml").filledTree(
            result, attachment: attachment, bounded: HumanReportLimits.emailLists
        )
        .html()
    }
}
