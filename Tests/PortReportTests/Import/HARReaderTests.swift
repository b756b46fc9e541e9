import Foundation
import Testing

@testable import PortReport

@Suite struct HARReaderTests {
    private func read(_ text: String) throws -> HARReader.Contents {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { try HARReader.read($0, file: "t.har") }
    }

    private func entry(url: String, started: String, status: Int = 200, text: String, encoding: String? = nil) -> String {
        let content: [String: Any] =
            encoding.map { ["mimeType": "application/json", "text": text, "encoding": $0] } ?? [
                "mimeType": "application/json", "text": text
            ]
        let object: [String: Any] = [
            "startedDateTime": started,
            "request": ["method": "GET", "url": url, "headers": [["name": "X-Auth-Token", "value": "secret"]]],
            "response": ["status": status, "content": content]
        ]
        let data = try? JSONSerialization.data(withJSONObject: object)
        return String(decoding: data ?? Data(), as: UTF8.self)
    }

    @Test func readsTheSampleCapture() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.sample("capture.har")))
        let contents = try [UInt8](data).withUnsafeBufferPointer { try HARReader.read($0, file: "capture.har") }
        // Independently: the entries whose URL path is the statistics endpoint and status 200.
        let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let entries = ((root?["log"] as? [String: Any])?["entries"] as? [[String: Any]]) ?? []
        let statistics = entries.enumerated().filter { _, e in
            let url = ((e["request"] as? [String: Any])?["url"] as? String) ?? ""
            let status = (e["response"] as? [String: Any])?["status"] as? Int
            return URLComponents(string: url)?.path.hasSuffix("/asset/port/statistics") == true && status == 200
        }
        #expect(contents.pages.filter { $0.detail == nil }.map(\.entry) == statistics.map(\.offset))
        // The capture's ListPorts entry (`/asset/ports?host_id=…`, no category: host) is read as one.
        let listPorts = entries.enumerated().filter { _, e in
            let url = ((e["request"] as? [String: Any])?["url"] as? String) ?? ""
            return URLComponents(string: url)?.path.hasSuffix("/asset/ports") == true
        }
        let detail = contents.pages.filter { $0.detail != nil }
        #expect(detail.map(\.entry) == listPorts.map(\.offset))
        #expect(
            detail.first?.detail
                == HARReader.DetailQuery(kind: .hostPorts, port: nil, type: nil, hostID: "ee0b38b5-39ab-73c9-76d8-536b1b05ab9c"))
        #expect(detail.first?.key.category == .host)
        let firstStarted = try #require(statistics.first?.element["startedDateTime"] as? String)
        let expectedTime = try #require(Timestamp(rfc3339: firstStarted))
        for page in contents.pages where page.detail == nil {
            #expect(page.key.capturedAt == expectedTime)
            #expect(page.key.category == .container)
            #expect(page.key.projectID == "0f6c2d1e9b5a4c3d8e7f6a5b4c3d2e1f")
            #expect(page.key.enterpriseProjectID == "0")
            #expect(page.key.filters == "")
        }
        #expect(contents.notes.contains { $0.contains("HTTP 401") && $0.contains("APIGW.0301") })
        #expect(contents.notes.contains { $0.contains("other URLs skipped") })
    }

    @Test func decodesBase64BodiesAndReadsFiltersAsPartial() throws {
        let body = #"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 3}]}"#
        let base = "https://hss.example/v5/p1/asset/port/statistics"
        let text =
            "{\"log\": {\"entries\": ["
            + [
                entry(
                    url: base + "?category=host&limit=200&offset=0&port=22", started: "2026-11-28T02:00:00Z",
                    text: Data(body.utf8).base64EncodedString(), encoding: "base64")
            ].joined(separator: ",") + "]}}"
        let contents = try read(text)
        let page = try #require(contents.pages.first)
        #expect(page.body == Array(body.utf8))
        #expect(page.key.filters == "port=22")
        #expect(page.key.isPartial)
        #expect(page.key.category == .host)
    }

    /// HSS-API.md: `enterprise_project_id` defaults to `0`. A request without it (as the
    /// console's ListPorts call in the sample capture) answers for the same enterprise project as
    /// one that names `0`; read as "" it was another origin, and its drill-down matched no
    /// statistics beside it.
    @Test("a request URL without enterprise_project_id is enterprise project 0, the API's default, and says so")
    func enterpriseProjectDefaultsToTheAPIDefault() throws {
        let body = #"{"total_num": 0, "data_list": []}"#
        let base = "https://hss.example/v5/p1/asset/port/statistics?category=host&limit=200&offset=0"
        let text =
            "{\"log\": {\"entries\": ["
            + [
                entry(url: base, started: "2026-11-28T02:00:00Z", text: body),
                entry(url: base + "&enterprise_project_id=ep-7", started: "2026-11-28T03:00:00Z", text: body),
                entry(url: base + "&enterprise_project_id=0", started: "2026-11-28T04:00:00Z", text: body)
            ].joined(separator: ",") + "]}}"
        let pages = try read(text).pages
        #expect(pages.map(\.key.enterpriseProjectID) == ["0", "ep-7", "0"])
        #expect(
            pages.map(\.provenance.enterpriseProject) == [
                "API default (0; no enterprise_project_id in the request URL)", "HAR request URL", "HAR request URL"
            ])
    }

    @Test func groupsPagesOfOneRunUnderTheFirstPagesTime() throws {
        let base = "https://hss.example/v5/p1/asset/port/statistics?category=container&limit=10"
        let body = #"{"total_num": 0, "data_list": []}"#
        let text =
            "{\"log\": {\"entries\": ["
            + [
                entry(url: base + "&offset=0", started: "2026-11-28T02:00:00.500Z", text: body),
                entry(url: base + "&offset=10", started: "2026-11-28T02:00:01.700Z", text: body),
                entry(url: base + "&offset=0", started: "2026-11-28T08:00:00Z", text: body),
                entry(url: base + "&offset=10", started: "2026-11-28T08:00:02Z", text: body)
            ].joined(separator: ",") + "]}}"
        let contents = try read(text)
        #expect(
            contents.pages.map(\.key.capturedAt.rfc3339) == [
                "2026-11-28T02:00:00Z", "2026-11-28T02:00:00Z", "2026-11-28T08:00:00Z", "2026-11-28T08:00:00Z"
            ])
    }

    @Test func namesTheEntryOfABadURLCategory() throws {
        let text =
            "{\"log\": {\"entries\": ["
            + entry(url: "https://h/v5/p/asset/port/statistics?category=vm", started: "2026-11-28T02:00:00Z", text: "{}") + "]}}"
        #expect(
            throws: InputError(
                file: "t.har", place: "log.entries[0].request.url",
                message: "expected category=host or category=container, found category=vm")
        ) {
            try read(text)
        }
    }

    @Test func rejectsADocumentWithoutEntries() {
        #expect(throws: InputError.self) { try read(#"{"log": {}}"#) }
    }
}
