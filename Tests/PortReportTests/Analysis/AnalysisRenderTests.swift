import Foundation
import Testing

@testable import PortReport

/// The JSON report read back with JSONSerialization (not with the tool's own types).
private func parse(_ bytes: [UInt8]) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
}

private func isNull(_ value: Any?) -> Bool { value is NSNull }

/// A small RFC 4180 reader: records separated by CRLF, fields by commas, quotes doubled.
private func readCSV(_ text: String) -> [[String]] {
    var records: [[String]] = [], record: [String] = [], field = ""
    var quoted = false, index = text.unicodeScalars.startIndex
    let scalars = text.unicodeScalars
    while index < scalars.endIndex {
        let c = scalars[index]
        let next = scalars.index(after: index)
        if quoted {
            if c == "\"" {
                if next < scalars.endIndex, scalars[next] == "\"" {
                    field.unicodeScalars.append("\"")
                    index = scalars.index(after: next)
                    continue
                }
                quoted = false
            } else {
                field.unicodeScalars.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            record.append(field)
            field = ""
        } else if c == "\r", next < scalars.endIndex, scalars[next] == "\n" {
            record.append(field)
            records.append(record)
            record = []
            field = ""
            index = scalars.index(after: next)
            continue
        } else {
            field.unicodeScalars.append(c)
        }
        index = next
    }
    if !field.isEmpty || !record.isEmpty {
        record.append(field)
        records.append(record)
    }
    return records
}

@Suite("Analysis: JSON report")
struct AnalysisJSONReportTests {
    @Test("schema fields: schema, generated_at, scope, snapshots[], the whole ranking, breakdown, trends, series, findings")
    func schemaFields() throws {
        let s = try RankingFixture.build()
        let json = try parse(try JSONReportRenderer().render(try s.analyze(top: 2)))
        let schema = try #require(json["schema"] as? String)
        #expect(!schema.isEmpty)
        #expect(json["generated_at"] as? String == "2026-11-27T00:00:00Z", "the newest capture in scope")
        #expect(json["scope"] is [String: Any])
        #expect(json["series"] is [Any])
        #expect((json["findings"] as? [Any])?.isEmpty == true)
        #expect(json["trends"] is [String: Any])

        let snapshots = try #require(json["snapshots"] as? [[String: Any]])
        #expect(snapshots.count == 2)
        for snapshot in snapshots {
            for field in ["id", "project_id", "category", "captured_at", "records", "total_num", "complete", "partial"] {
                #expect(snapshot[field] != nil, "snapshots[] lacks \(field)")
            }
            #expect(snapshot["id"] is Int)
            #expect(isNull(snapshot["project_id"]))
            #expect(snapshot["captured_at"] as? String == "2026-11-27T00:00:00Z")
            #expect(snapshot["complete"] as? Bool == true)
            #expect(snapshot["partial"] as? Bool == false)
        }
        let host = try #require(snapshots.first { $0["category"] as? String == "host" })
        #expect(host["records"] as? Int == 10 && host["total_num"] as? Int == 10)
        let container = try #require(snapshots.first { $0["category"] as? String == "container" })
        #expect(container["records"] as? Int == 9 && container["total_num"] as? Int == 9)

        // Every row, not only the top 2.
        let ranking = try #require(json["ranking"] as? [[String: Any]])
        #expect(ranking.count == 15)
        for (index, (row, want)) in zip(ranking, RankingFixture.expected).enumerated() {
            for field in ["rank", "port", "type", "host", "container", "total", "status", "service", "range", "share"] {
                #expect(row[field] != nil, "ranking[\(index)] lacks \(field)")
            }
            #expect(row["rank"] as? Int == index + 1)
            #expect(row["port"] as? Int == want.key.port)
            #expect(row["type"] as? String == want.key.type.rawValue)
            #expect(row["host"] as? Int == Int(want.host))
            #expect(row["container"] as? Int == Int(want.container))
            #expect(row["total"] as? Int == Int(want.host + want.container))
            if let status = want.status {
                #expect(row["status"] as? String == status.rawValue, "\(want.key)")
            } else {
                #expect(isNull(row["status"]), "\(want.key)")
            }
            let share = try #require(row["share"] as? Double)
            #expect(abs(share - Double(want.host + want.container) / 52) < 1e-6, "\(want.key)")
        }
        #expect(ranking[0]["service"] as? String == "https")
        #expect(ranking[0]["range"] as? String == "well-known")
        let unassigned = try #require(ranking.first { $0["port"] as? Int == 4 })
        #expect(isNull(unassigned["service"]))
        #expect(ranking.first { $0["port"] as? Int == 65535 }?["range"] as? String == "dynamic")
        #expect(ranking.first { $0["port"] as? Int == 1024 }?["range"] as? String == "registered")

        let breakdown = try #require(json["breakdown"] as? [String: Any])
        let hostBreakdown = try #require(breakdown["host"] as? [String: Any])
        #expect(hostBreakdown["ports"] as? Int == 10)
        #expect(hostBreakdown["instances"] as? Int == 28)
        #expect(hostBreakdown["types"] as? [String: Int] == ["TCP": 5, "TCP6": 1, "UDP": 2, "UDP6": 2])
        let containerBreakdown = try #require(breakdown["container"] as? [String: Any])
        #expect(containerBreakdown["ports"] as? Int == 9)
        #expect(containerBreakdown["instances"] as? Int == 24)
        #expect(containerBreakdown["types"] as? [String: Int] == ["TCP": 3, "TCP6": 2, "UDP": 3, "UDP6": 1])
        #expect(breakdown["both"] as? Int == 4)
        #expect(breakdown["host_only"] as? Int == 6)
        #expect(breakdown["container_only"] as? Int == 5)
    }

    @Test("trends and findings in JSON: from, to, new[] / gone[] / changed[] with before/after/delta")
    func trendsInJSON() throws {
        let (s, _) = try TrendFixture.build()
        let json = try parse(try JSONReportRenderer().render(try s.analyze()))
        let trends = try #require(json["trends"] as? [String: Any])
        let host = try #require(trends["host"] as? [String: Any])
        #expect(host["from"] as? String == "2026-11-27T00:00:00Z")
        #expect(host["to"] as? String == "2026-11-28T00:00:00Z")
        let new = try #require(host["new"] as? [[String: Any]])
        #expect(new.map { "\($0["port"] ?? "")/\($0["type"] ?? "")" } == TrendFixture.new.map(\.key.description))
        #expect(new.map { $0["after"] as? Int } == TrendFixture.new.map { Int($0.after) })
        let gone = try #require(host["gone"] as? [[String: Any]])
        #expect(gone.map { "\($0["port"] ?? "")/\($0["type"] ?? "")" } == ["8080/TCP", "53/UDP6"])
        #expect(gone.map { $0["before"] as? Int } == [2, 1])
        let changed = try #require(host["changed"] as? [[String: Any]])
        #expect(changed.map { $0["port"] as? Int } == [80, 22, 443, 8443])
        #expect(changed.map { $0["before"] as? Int } == [5, 10, 3, 7])
        #expect(changed.map { $0["after"] as? Int } == [1, 12, 5, 5])
        #expect(changed.map { $0["delta"] as? Int } == [-4, 2, 2, -2])
        #expect(isNull(trends["container"]) || trends["container"] == nil)

        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.map { $0["kind"] as? String } == ["new-dangerous", "new-dangerous"])
        #expect(findings.map { $0["port"] as? Int } == [23, 3389])
        let series = try #require(json["series"] as? [[String: Any]])
        #expect(series.contains { $0["port"] as? Int == 3389 })
        // generated_at: the newest capture in scope, 11-28.
        #expect(json["generated_at"] as? String == "2026-11-28T00:00:00Z")
    }

    @Test("generated_at follows now when given")
    func generatedAtNow() throws {
        let s = try RankingFixture.build()
        let json = try parse(try JSONReportRenderer().render(try s.analyze(now: ts("2026-12-01T10:20:30Z"))))
        #expect(json["generated_at"] as? String == "2026-12-01T10:20:30Z")
    }

    @Test("deterministic: two analyses of the same store render the same bytes")
    func deterministic() throws {
        let (s, _) = try TrendFixture.build()
        let first = try JSONReportRenderer().render(try s.analyze())
        let reopened = try Store(path: s.storePath, readOnly: true)
        let second = try JSONReportRenderer().render(try Analyzer(store: reopened).analyze(scope: AnalysisScope()))
        #expect(first == second)
        #expect(
            try CSVRankingRenderer().render(try s.analyze())
                == CSVRankingRenderer().render(try Analyzer(store: reopened).analyze(scope: AnalysisScope())))
    }
}

@Suite("Analysis: CSV ranking")
struct AnalysisCSVTests {
    @Test("header, one line per ranking row, CRLF line ends, figures match")
    func csv() throws {
        let s = try RankingFixture.build()
        let result = try s.analyze(top: 3)
        let bytes = try CSVRankingRenderer().render(result)
        let text = String(decoding: bytes, as: UTF8.self)
        // Every line feed is preceded by a carriage return, and the file ends with CRLF.
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            #expect(index > 0 && bytes[index - 1] == 0x0D, "bare LF at byte \(index)")
        }
        #expect(text.hasSuffix("\r\n"))
        #expect(text.components(separatedBy: "\r\n").count - 1 == result.ranking.count + 1)

        let records = readCSV(text)
        #expect(records.count == 16, "header + 15 rows")
        let header = try #require(records.first)
        for column in ["rank", "port", "type", "host", "container", "total", "share"] {
            #expect(header.contains(column), "header \(header)")
        }
        #expect(records.allSatisfy { $0.count == header.count })
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        for (index, (row, want)) in zip(records.dropFirst(), RankingFixture.expected).enumerated() {
            #expect(row[column("rank")] == String(index + 1))
            #expect(row[column("port")] == String(want.key.port))
            #expect(row[column("type")] == want.key.type.rawValue)
            #expect(row[column("host")] == String(want.host))
            #expect(row[column("container")] == String(want.container))
            #expect(row[column("total")] == String(want.host + want.container))
            let share = try #require(Double(row[column("share")]))
            #expect(abs(share - Double(want.host + want.container) / 52) < 1e-6)
        }
    }

    @Test("fields with a comma, a quote or a line break are quoted (RFC 4180)")
    func quoting() {
        #expect(CSVRankingRenderer.field("plain") == "plain")
        #expect(CSVRankingRenderer.field("a,b") == "\"a,b\"")
        #expect(CSVRankingRenderer.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVRankingRenderer.field("two\r\nlines") == "\"two\r\nlines\"")
        #expect(CSVRankingRenderer.field("one\nline") == "\"one\nline\"")
        // And the reader above gets the text back.
        let line = ["x", "a,b", "say \"hi\""].map(CSVRankingRenderer.field).joined(separator: ",") + "\r\n"
        #expect(readCSV(line) == [["x", "a,b", "say \"hi\""]])
    }
}
