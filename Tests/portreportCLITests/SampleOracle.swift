// Expected values for the bundled samples, worked out here from the files themselves with
// Foundation (JSONSerialization, the gzip command for .json.gz), independently of portreport.

import Foundation
import Testing

/// One (port, type) record: the identity of a record within a snapshot.
struct RecordKey: Hashable, Comparable, CustomStringConvertible {
    let port: Int
    let type: String
    static func < (a: RecordKey, b: RecordKey) -> Bool { (a.port, a.type) < (b.port, b.type) }
    var description: String { "\(port)/\(type)" }
}

/// A saved statistics page (a 200 body): its total_num and its records in order.
struct SamplePage {
    let totalNum: Int
    let records: [(key: RecordKey, num: Int)]

    init(json data: Data, what: String) throws {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestSetupError("\(what): not a JSON object")
        }
        guard let total = root["total_num"] as? Int, let list = root["data_list"] as? [[String: Any]] else {
            throw TestSetupError("\(what): no total_num/data_list")
        }
        totalNum = total
        records = try list.enumerated().map { index, item in
            guard let port = item["port"] as? Int, let type = item["type"] as? String, let num = item["num"] as? Int else {
                throw TestSetupError("\(what): data_list[\(index)] lacks port/type/num")
            }
            return (RecordKey(port: port, type: type), num)
        }
    }
}

/// What `snapshots --format json` should say about one snapshot (its sources as the listing
/// writes them).
struct ExpectedSnapshot: CustomStringConvertible {
    let category: String
    let capturedAt: String
    let projectID: String?
    let enterpriseProjectID: String?
    /// Distinct (port, type) over all pages.
    let records: Int
    let totalNum: Int
    var complete: Bool { records == totalNum }
    let sources: [Listing.Source]

    var description: String { "\(category) \(capturedAt) project \(projectID ?? "unknown"): \(records) of \(totalNum)" }
}

enum SampleOracle {
    /// The bytes of a sample file, inflated with the system's gzip when it ends in .gz.
    static func contents(_ url: URL) async throws -> Data {
        guard url.pathExtension == "gz" else { return try Data(contentsOf: url) }
        let result = try await Subprocess.run(URL(fileURLWithPath: "/usr/bin/env"), ["gzip", "-dc", url.path])
        guard result.status == 0, !result.signalled else {
            throw TestSetupError("cannot inflate \(url.path) with gzip (needed to check .json.gz samples independently):\n\(result)")
        }
        return result.stdout
    }

    /// Snapshots of raw-body exports laid out as `<base>/<YYYY-MM-DD>/<host|container>/page-*.json[.gz]`:
    /// one per leaf directory, captured at midnight UTC of the directory's date.
    static func exportSnapshots(under base: String) async throws -> [ExpectedSnapshot] {
        let manager = FileManager.default
        let baseURL = PackageLayout.url(base)
        var snapshots: [ExpectedSnapshot] = []
        for day in try manager.contentsOfDirectory(atPath: baseURL.path).sorted() where !day.hasPrefix(".") {
            for category in try manager.contentsOfDirectory(atPath: baseURL.appendingPathComponent(day).path).sorted()
            where !category.hasPrefix(".") {
                let directory = baseURL.appendingPathComponent(day).appendingPathComponent(category)
                let files = try manager.contentsOfDirectory(atPath: directory.path)
                    .filter { $0.hasSuffix(".json") || $0.hasSuffix(".json.gz") }
                    // Drill-down pages (ListPortHost, ListPorts) by the documented file-name
                    // convention: not statistics.
                    .filter { !$0.hasPrefix("port-hosts-") && !$0.hasPrefix("host-ports-") }
                    .sorted()
                var distinct = Set<RecordKey>()
                var totals = Set<Int>()
                var sources: [Listing.Source] = []
                for file in files {
                    let url = directory.appendingPathComponent(file)
                    let relative = "\(base)/\(day)/\(category)/\(file)"
                    let page = try SamplePage(json: try await contents(url), what: relative)
                    distinct.formUnion(page.records.map(\.key))
                    totals.insert(page.totalNum)
                    let size = try manager.attributesOfItem(atPath: url.path)[.size] as? Int ?? -1
                    sources.append(.init(path: relative, entry: nil, records: page.records.count, totalNum: page.totalNum, size: size))
                }
                guard totals.count == 1, let total = totals.first else {
                    throw TestSetupError(
                        "\(base)/\(day)/\(category): pages disagree on total_num \(totals.sorted()); the oracle assumes they agree")
                }
                snapshots.append(
                    ExpectedSnapshot(
                        category: category, capturedAt: "\(day)T00:00:00Z", projectID: nil, enterpriseProjectID: nil,
                        records: distinct.count, totalNum: total, sources: sources))
            }
        }
        return snapshots
    }

    /// One statistics entry of a HAR capture.
    struct HAREntry {
        let index: Int
        let started: Date
        let status: Int
        let url: URLComponents
        let body: Data?
        var projectID: String { url.path.split(separator: "/").map(String.init)[1] }
        func query(_ name: String) -> String? { url.queryItems?.first { $0.name == name }?.value }
    }

    /// The entries of a HAR whose request is GET /v5/{project_id}/asset/port/statistics.
    static func statisticsEntries(ofHAR data: Data, what: String) throws -> [HAREntry] {
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let log = root["log"] as? [String: Any], let entries = log["entries"] as? [[String: Any]]
        else {
            throw TestSetupError("\(what): not a HAR (no log.entries)")
        }
        var result: [HAREntry] = []
        for (index, entry) in entries.enumerated() {
            guard let request = entry["request"] as? [String: Any], let urlText = request["url"] as? String,
                let url = URLComponents(string: urlText)
            else {
                throw TestSetupError("\(what): entry \(index) has no request.url")
            }
            let parts = url.path.split(separator: "/").map(String.init)
            guard parts.count == 5, parts[0] == "v5", Array(parts[2...]) == ["asset", "port", "statistics"],
                (request["method"] as? String ?? "GET").uppercased() == "GET"
            else { continue }
            guard let response = entry["response"] as? [String: Any], let status = response["status"] as? Int,
                let startedText = entry["startedDateTime"] as? String, let started = parseISO8601(startedText)
            else {
                throw TestSetupError("\(what): entry \(index) lacks response.status or a startedDateTime")
            }
            var body: Data?
            if let content = response["content"] as? [String: Any], let text = content["text"] as? String {
                if (content["encoding"] as? String)?.lowercased() == "base64" {
                    body = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
                } else {
                    body = Data(text.utf8)
                }
            }
            result.append(HAREntry(index: index, started: started, status: status, url: url, body: body))
        }
        return result
    }

    /// The snapshot a HAR capture of one paged export makes: its successful statistics entries,
    /// captured when the first of them started (UTC, truncated to the second).
    static func harSnapshot(_ relative: String) throws -> ExpectedSnapshot {
        let url = PackageLayout.url(relative)
        let data = try Data(contentsOf: url)
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? -1
        let successful = try statisticsEntries(ofHAR: data, what: relative)
            .filter { $0.status == 200 }
            .sorted { $0.started < $1.started }
        guard let first = successful.first else { throw TestSetupError("\(relative): no successful statistics entry") }
        var distinct = Set<RecordKey>()
        var totals = Set<Int>()
        var sources: [Listing.Source] = []
        for entry in successful {
            guard let body = entry.body else { throw TestSetupError("\(relative): entry \(entry.index) has no body") }
            let page = try SamplePage(json: body, what: "\(relative) entry \(entry.index)")
            distinct.formUnion(page.records.map(\.key))
            totals.insert(page.totalNum)
            sources.append(.init(path: relative, entry: entry.index, records: page.records.count, totalNum: page.totalNum, size: size))
            #expect(
                entry.projectID == first.projectID && entry.query("category") == first.query("category"),
                "the oracle assumes one export in \(relative)")
        }
        guard totals.count == 1, let total = totals.first else {
            throw TestSetupError("\(relative): entries disagree on total_num \(totals.sorted())")
        }
        return ExpectedSnapshot(
            category: first.query("category") ?? "host", capturedAt: utcSeconds(first.started),
            projectID: first.projectID, enterpriseProjectID: first.query("enterprise_project_id"),
            records: distinct.count, totalNum: total, sources: sources.sorted { ($0.entry ?? -1) < ($1.entry ?? -1) })
    }

    /// total_num per export directory as samples/MANIFEST.md documents it: a cross-check of the
    /// oracle's own parsing.
    static let manifestTotals: [String: Int] = [
        "2026-11-24/host": 430, "2026-11-24/container": 250,
        "2026-11-25/host": 433, "2026-11-25/container": 252,
        "2026-11-26/host": 432, "2026-11-26/container": 248,
        "2026-11-27/host": 428, "2026-11-27/container": 250,
        "2026-11-28/host": 427, "2026-11-28/container": 251,
        "2026-11-29/host": 500
    ]
}
