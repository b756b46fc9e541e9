/// `--format csv`: the whole ranking as RFC 4180 CSV (CRLF line ends, fields quoted when they
/// hold a comma, a quote or a line break), for spreadsheets.
struct CSVRankingRenderer: ReportRenderer {
    static let format = "csv"

    init() {}

    static let header = [
        "rank", "port", "type", "service", "host", "container", "total", "share", "cumulative_share",
        "container_share", "status", "range", "risk"
    ]

    func render(_ result: AnalysisResult) throws -> [UInt8] {
        Self.write(result, flushingTo: nil)
    }

    /// The same bytes, handed to `sink` about a megabyte at a time (the ranking of 100 projects
    /// is 100,000 rows).
    func render(_ result: AnalysisResult, streamingTo sink: @escaping ([UInt8]) -> Void) throws {
        sink(Self.write(result, flushingTo: sink))
    }

    /// The document, or with `flush` what is left of it after every full megabyte went there.
    private static func write(_ result: AnalysisResult, flushingTo flush: (([UInt8]) -> Void)?) -> [UInt8] {
        // Appended field by field into one buffer: a line of joined Strings per row was most of
        // this renderer's time on a year's ranking.
        var bytes: [UInt8] = []
        let threshold = JSONWriter.flushThreshold
        bytes.reserveCapacity(flush == nil ? 64 + result.ranking.count * 96 : threshold + 4096)
        func line(_ fields: [String]) {
            if let flush, bytes.count >= threshold {
                flush(bytes)
                bytes.removeAll(keepingCapacity: true)
            }
            for (index, field) in fields.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                var text = Self.field(field)
                text.withUTF8 { bytes.append(contentsOf: $0) }
            }
            bytes.append(0x0D)
            bytes.append(0x0A)
        }
        line(Self.header)
        for row in result.ranking {
            line([
                String(row.rank), String(row.key.port), row.key.type.rawValue, row.service ?? "", String(row.host), String(row.container),
                String(row.total), Decimals.fixed(row.share, places: 6), Decimals.fixed(row.cumulativeShare, places: 6),
                Decimals.fixed(row.containerShare, places: 6), row.status?.rawValue ?? "", row.range.rawValue, row.risk?.reason ?? ""
            ])
        }
        return bytes
    }

    static func field(_ text: String) -> String {
        // Bytes, not Characters: "\r\n" is one Character that equals neither "\r" nor "\n".
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) else {
            return text
        }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
