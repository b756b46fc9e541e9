import Foundation

/// Reads untrusted bytes the way `import` does — as a response body, else as a HAR capture —
/// without a store. Used by the fuzzer (Sources/portreport-fuzz): any input must come back as
/// a result or an error, never a crash or a hang.
public enum InputProbe {
    /// Nil when the bytes read as statistics; otherwise what `import` would say.
    public static func read(_ bytes: [UInt8]) -> String? {
        let shaped: ExportShapeReader.Content
        do {
            shaped = try bytes.withUnsafeBufferPointer { buffer throws(ResponseBodyReader.Problem) in try ExportShapeReader.read(buffer) }
        } catch {
            return "\(error.path): \(error.message)"
        }
        let content: ResponseBodyReader.Content
        switch shaped {
        case .body(let body): content = body
        case .pages(let pages, let skipped): return pages.isEmpty && !skipped.isEmpty ? "drill-down data" : nil
        case .records: return nil
        }
        switch content {
        case .page:
            return nil
        case .errorResponse(let code, let message):
            return "an HSS error response (\(ErrorBody.summary(code: code, message: message)))"
        case .harCapture:
            do {
                let contents = try bytes.withUnsafeBufferPointer { buffer throws(InputError) in try HARReader.read(buffer, file: "input") }
                for page in contents.pages {
                    if let problem = read(page.body) { return problem }
                }
                return nil
            } catch {
                return error.description
            }
        }
    }
}

/// Reads untrusted bytes as a policy file, the way `report --policy` and `check --policy` do.
/// Used by the fuzzer: any text must come back as a policy or a `PolicyError`.
public enum PolicyProbe {
    /// Nil when the bytes are a usable policy; otherwise what `check` would say.
    public static func read(_ bytes: [UInt8]) -> String? {
        guard bytes.count <= Policy.maximumFileSize else { return "over the size limit" }
        guard let text = String(bytes: bytes, encoding: .utf8) else { return "not UTF-8" }
        do {
            _ = try Policy.parse(text, file: "policy.yaml")
            return nil
        } catch {
            return error.description
        }
    }
}

/// Fills untrusted bytes as a report template (`report.xhtml`, `email.xhtml`, or a Markdown
/// `report.md`), the way `report --templates DIR` does, over an analysis of sample exports.
/// Used by the fuzzer: any template must give a report or a `ReportError`.
public enum TemplateProbe {
    /// A result to fill templates with: the analysis of `paths` imported into a store in memory.
    public static func sampleResult(_ paths: [String]) throws -> AnalysisResult {
        let store = try Store.inMemory()
        var options = ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000))
        options.skipInvalid = true
        _ = try Importer(store: store, options: options).run(paths)
        return try Analyzer(store: store).analyze(scope: AnalysisScope(), top: 20, policy: .builtIn)
    }

    /// Nil when the template filled; otherwise what `report` would say. `name` says which
    /// template the bytes replace: a name ending `.md` is the Markdown one.
    public static func render(_ bytes: [UInt8], as name: String, result: AnalysisResult) -> String? {
        var files = TemplateSet.builtIn.files
        var origins = TemplateSet.builtIn.origins
        files[name] = bytes
        origins[name] = "fuzzed \(name)"
        let templates = TemplateSet(files: files, origins: origins)
        do {
            if name.hasSuffix(".md") {
                let template = String(decoding: bytes, as: UTF8.self)
                _ = try MarkdownRenderer(template: template, templateName: "fuzzed \(name)").render(result)
            } else if name == "email.xhtml" {
                _ = try EmailHTMLRenderer(templates: templates).render(result)
            } else {
                _ = try HTMLReportRenderer(templates: templates).render(result)
            }
            return nil
        } catch {
            return "\(error)"
        }
    }
}
