/// `--format eml`: a complete MIME message, `multipart/alternative` of the Markdown text and the
/// email HTML, with the full HTML report attached when asked — ready for `sendmail -t`.
struct EMLRenderer: ReportRenderer {
    static let format = "eml"
    let options: RenderOptions

    init(options: RenderOptions) {
        self.options = options
    }

    func render(_ result: AnalysisResult) throws -> [UInt8] {
        let (template, name) = try options.templates.text("report.md")
        let text = try options.rendered[MarkdownRenderer.format] ?? MarkdownRenderer(template: template, templateName: name).render(result)
        var attachment: MIMEMessage.Attachment?
        if options.attachFull {
            let full = try options.rendered[HTMLReportRenderer.format] ?? HTMLReportRenderer(templates: options.templates).render(result)
            attachment = MIMEMessage.Attachment(filename: "portreport-\(result.generatedAt.dateString).html", bytes: full)
        }
        // The email HTML says the full report is attached only when it is: with an attachment
        // it is this message's own, not the standalone `--format email` rendering.
        let html =
            try attachment.map { try EmailHTMLRenderer(templates: options.templates, attachment: $0.filename).render(result) }
            ?? options.rendered[EmailHTMLRenderer.format] ?? EmailHTMLRenderer(templates: options.templates).render(result)
        guard !options.to.isEmpty else { throw ReportError("--format eml needs at least one --to address") }
        let message = MIMEMessage(
            from: options.from ?? "portreport@localhost", to: options.to,
            subject: options.subject ?? MIMEMessage.defaultSubject(for: result),
            date: result.generatedAt, text: text, html: html, attachment: attachment)
        return try message.encoded()
    }
}
