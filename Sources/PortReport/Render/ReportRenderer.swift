/// One output format of `portreport report`. Renderers only read the analysis result; the same
/// result and options give the same bytes.
public protocol ReportRenderer: Sendable {
    /// The `--format` name and usual file extension.
    static var format: String { get }
    func render(_ result: AnalysisResult) throws -> [UInt8]
}

/// The formats this build can write, by `--format` name.
public enum ReportFormats {
    public static let all: [String: any ReportRenderer] = [
        JSONReportRenderer.format: JSONReportRenderer(),
        CSVRankingRenderer.format: CSVRankingRenderer(),
    ]

    /// The format for an output file's extension (`report.json` → `json`), if one is known.
    public static func format(forPath path: String) -> String? {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        let ext = String(path[path.index(after: dot)...]).lowercased()
        return all[ext] != nil ? ext : nil
    }
}
