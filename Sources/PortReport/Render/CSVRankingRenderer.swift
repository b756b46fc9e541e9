/// `--format csv`: the whole ranking as RFC 4180 CSV (CRLF line ends, fields quoted when they
/// hold a comma, a quote or a line break), for spreadsheets.
public struct CSVRankingRenderer: ReportRenderer {
    public static let format = "csv"

    public init() {}

    static let header = ["rank", "port", "type", "service", "host", "container", "total", "share", "cumulative_share",
                         "container_share", "status", "range", "risk"]

    public func render(_ result: AnalysisResult) throws -> [UInt8] {
        var lines = [Self.header.map(Self.field).joined(separator: ",")]
        for row in result.ranking {
            let fields = [String(row.rank), String(row.key.port), row.key.type.rawValue, row.service ?? "", String(row.host), String(row.container),
                          String(row.total), Decimals.fixed(row.share, places: 6), Decimals.fixed(row.cumulativeShare, places: 6),
                          Decimals.fixed(row.containerShare, places: 6), row.status?.rawValue ?? "", row.range.rawValue, row.risk?.reason ?? ""]
            lines.append(fields.map(Self.field).joined(separator: ","))
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    static func field(_ text: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character that equals neither "\r" nor "\n".
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
