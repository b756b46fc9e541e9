import CLibXML2
import Foundation

/// Renders several formats of one analysis at once, as `report -o a.html -o a.json …` does.
///
/// Work the formats share is done once (the HTML and the XHTML are the same filled template,
/// serialised twice; the message reuses the Markdown, the email HTML and the full report), and
/// the independent renderings run side by side on the machine's cores. Each format's bytes are
/// what its renderer alone gives: the order in which the threads finish changes nothing.
public enum ReportBatch {
    /// The bytes of each of `formats` (and of the formats `eml` is built from, when it is asked for).
    public static func render(_ formats: [String], _ result: AnalysisResult, options: RenderOptions) throws -> [String: [UInt8]] {
        var wanted = Set(formats)
        if wanted.contains(EMLRenderer.format) {
            wanted.formUnion([MarkdownRenderer.format, EmailHTMLRenderer.format])
            if options.attachFull { wanted.insert(HTMLReportRenderer.format) }
        }
        // Biggest first, so that two threads finish at about the same time.
        var jobs: [@Sendable () throws -> [(String, [UInt8])]] = []
        let templates = options.templates
        if wanted.contains(HTMLReportRenderer.format) && wanted.contains(XHTMLReportRenderer.format) {
            jobs.append {
                let tree = try XHTMLTemplateRendering(templates: templates, template: "report.xhtml").filledTree(result)
                // XHTML first: writing HTML drops the namespaces from the tree.
                let xhtml = tree.xhtml()
                return [(XHTMLReportRenderer.format, xhtml), (HTMLReportRenderer.format, tree.html())]
            }
            wanted.subtract([HTMLReportRenderer.format, XHTMLReportRenderer.format])
        }
        let order = [HTMLReportRenderer.format, XHTMLReportRenderer.format, EmailHTMLRenderer.format, JSONReportRenderer.format,
                     MarkdownRenderer.format, CSVRankingRenderer.format]
        for format in order where wanted.contains(format) {
            guard let renderer = try ReportFormats.renderer(format, options: options) else { continue }
            jobs.append { [(format, try renderer.render(result))] }
        }
        for format in wanted.subtracting(order + [EMLRenderer.format]).sorted() {
            throw ReportError("unknown format \(format)")
        }

        // libxml2 must be initialised once, on one thread, before threads use it.
        xmlInitParser()
        let allJobs = jobs
        let outcomes = IndexedSlots<Result<[(String, [UInt8])], any Error>>(count: allJobs.count)
        DispatchQueue.concurrentPerform(iterations: allJobs.count) { index in
            outcomes.set(index, Result { try allJobs[index]() })
        }
        var rendered: [String: [UInt8]] = [:]
        for outcome in outcomes.all {
            // The first failure in job order, whichever thread met it first.
            guard let outcome else { throw ReportError("a rendering did not finish") }
            for (format, bytes) in try outcome.get() { rendered[format] = bytes }
        }
        if formats.contains(EMLRenderer.format) {
            var messageOptions = options
            messageOptions.rendered = rendered
            rendered[EMLRenderer.format] = try EMLRenderer(options: messageOptions).render(result)
        }
        return rendered
    }
}
