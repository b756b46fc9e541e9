import CLibXML2
import Foundation

/// Renders several formats of one analysis at once, as `report -o a.html -o a.json …` does.
///
/// Work the formats share is done once (the HTML and the XHTML are the same filled template,
/// serialised twice; the message reuses the Markdown, the email HTML and the full report), and
/// the independent renderings run side by side on the machine's cores. Each format's bytes are
/// what its renderer alone gives: the order in which the threads finish changes nothing.
enum ReportBatch {
    /// The formats rendered on their own threads, biggest first, so that two threads finish at
    /// about the same time. (`eml` comes last: it is assembled from the others.)
    static let renderingOrder: [ReportFormat] = [.html, .xhtml, .email, .json, .markdown, .csv, .assets]

    /// The formats that can be written into their file as they are rendered (`streaming`).
    static let streamable: [ReportFormat] = [.json, .csv]

    /// The bytes of each of `formats` (and of the formats `eml` is built from, when it is asked
    /// for), except those in `streaming`: each of those is rendered straight into its file,
    /// which is finished (closed) but not yet renamed over its target.
    static func render(
        _ formats: [ReportFormat], _ result: AnalysisResult, options: RenderOptions, streaming: [ReportFormat: StagedFile] = [:]
    ) throws -> [ReportFormat: [UInt8]] {
        var wanted = Set(formats)
        if wanted.contains(.eml) {
            wanted.formUnion([.markdown, .email])
            if options.attachFull { wanted.insert(.html) }
        }
        var jobs: [@Sendable () throws -> [(ReportFormat, [UInt8])]] = []
        let templates = options.templates
        if wanted.contains(.html) && wanted.contains(.xhtml) {
            jobs.append {
                let tree = try XHTMLTemplateRendering(templates: templates, template: "report.xhtml").filledTree(
                    result, bounded: HumanReportLimits.reportLists)
                // XHTML first: writing HTML drops the namespaces from the tree.
                let xhtml = tree.xhtml()
                return [(.xhtml, xhtml), (.html, tree.html())]
            }
            wanted.subtract([.html, .xhtml])
        }
        for format in renderingOrder where wanted.contains(format) {
            let renderer = try format.makeRenderer(options: options)
            if let file = streaming[format], streamable.contains(format) {
                jobs.append {
                    try renderer.render(result) { file.write($0) }
                    try file.finish()
                    return []
                }
            } else {
                jobs.append { [(format, try renderer.render(result))] }
            }
        }

        // libxml2 must be initialised once, on one thread, before threads use it.
        xmlInitParser()
        let allJobs = jobs
        let outcomes = IndexedSlots<Result<[(ReportFormat, [UInt8])], any Error>>(count: allJobs.count)
        DispatchQueue.concurrentPerform(iterations: allJobs.count) { index in
            outcomes.set(index, Result { try allJobs[index]() })
        }
        var rendered: [ReportFormat: [UInt8]] = [:]
        for outcome in outcomes.all {
            // The first failure in job order, whichever thread met it first.
            guard let outcome else { throw ReportError("a rendering did not finish") }
            for (format, bytes) in try outcome.get() { rendered[format] = bytes }
        }
        if formats.contains(.eml) {
            var messageOptions = options
            messageOptions.rendered = Dictionary(uniqueKeysWithValues: rendered.map { ($0.key.rawValue, $0.value) })
            rendered[.eml] = try EMLRenderer(options: messageOptions).render(result)
        }
        return rendered
    }
}
