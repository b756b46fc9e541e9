import Foundation
import Testing

@testable import PortReport

@Suite("Snapshot listing")
struct SnapshotListingRenderingTests {
    static let odd = "odd\u{8}\u{c}\u{1}\"\\dir\u{2028}/é\u{7f}"

    static func summary(id: Int64, projectID: String?, note: String?, sources: [SnapshotSummary.Source]) -> SnapshotSummary {
        SnapshotSummary(
            id: id, projectID: projectID, enterpriseProjectID: "0", category: .host,
            capturedAt: Timestamp(secondsSinceEpoch: 1_795_824_000),
            records: 430, totalNum: id == 1 ? 430 : nil, complete: id == 1, partial: id != 1, filters: id == 1 ? nil : "port=22",
            note: note, digest: "ab12", importedAt: "2026-11-30T10:53:20Z", toolVersion: "0.2.0",
            provenance: .init(
                projectID: "flag --project", enterpriseProjectID: "flag --enterprise-project", category: "path (host)",
                capturedAt: "path (2026-11-28)"),
            sources: sources)
    }

    static let snapshots = [
        summary(
            id: 1, projectID: "p1", note: nil,
            sources: [
                .init(
                    path: "exports/2026-11-28/host/page-0001.json", entry: nil, sha256: "cd", size: 100, totalNum: 430, records: 200,
                    query: nil),
                .init(
                    path: "exports/2026-11-28/host/page-0002.json", entry: nil, sha256: "ef", size: 90, totalNum: 430, records: 230,
                    query: nil)
            ]),
        summary(
            id: 2, projectID: nil, note: odd,
            sources: [
                .init(path: odd + "/capture.har", entry: 3, sha256: "01", size: 5, totalNum: nil, records: 1, query: "SELECT 1")
            ]),
        summary(id: 3, projectID: "p3", note: nil, sources: [])
    ]

    @Test("the JSON is byte for byte what Foundation's JSONEncoder wrote for it before")
    func jsonAsJSONEncoderWroteIt() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let expected =
            try encoder.encode(EncodedListing(schemaVersion: 2, snapshots: Self.snapshots.map(EncodedSnapshot.init))) + Data("\n".utf8)
        let written = SnapshotListingRendering.json(Self.snapshots, schemaVersion: 2)
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(written == Array(expected))
    }

    @Test("an empty listing, as JSONEncoder spelled it")
    func emptyJSON() {
        #expect(
            String(decoding: SnapshotListingRendering.json([], schemaVersion: 2), as: UTF8.self)
                == "{\n  \"detail_snapshots\" : [\n\n  ],\n  \"schema_version\" : 2,\n  \"snapshots\" : [\n\n  ]\n}\n")
    }

    static let detail = DetailSnapshotSummary(
        id: 4, projectID: "p1", enterpriseProjectID: nil, category: .container, capturedAt: Timestamp(secondsSinceEpoch: 1_795_824_000),
        call: "ListPortHost", queryPort: 2375, queryType: "TCP", queryHostID: nil, filters: nil, records: 3, assets: 2, totalNum: 3,
        complete: true, note: nil, importedAt: "2026-11-30T10:53:20Z", toolVersion: "0.3.0",
        provenance: .init(projectID: "flag --project", enterpriseProjectID: "not given", category: "path (container)", capturedAt: "path"),
        sources: [
            .init(
                path: "exports/2026-11-28/container/port-hosts-2375-tcp.json", entry: nil, sha256: "aa", size: 10, totalNum: 3, records: 3,
                query: nil)
        ])

    @Test("drill-down snapshots follow the statistics in a table of their own, with the query in the API's parameter names")
    func detailTable() {
        let text = SnapshotListingRendering.table(
            [Self.snapshots[0]], details: [Self.detail], storePath: "s.sqlite", schemaVersion: 4)
        #expect(
            text == """
                ID  PROJECT  CATEGORY  CAPTURED AT           RECORDS  TOTAL_NUM  STATE     SOURCES
                 1  p1       host      2026-11-28T00:00:00Z      430        430  complete  2 files under exports/2026-11-28/host/
                1 snapshot in s.sqlite (schema version 4)

                ID  PROJECT  CATEGORY   CAPTURED AT           CALL          QUERY               RECORDS  ASSETS  TOTAL_NUM  STATE     SOURCES
                 4  p1       container  2026-11-28T00:00:00Z  ListPortHost  port=2375&type=TCP        3       2          3  complete  1 file: exports/2026-11-28/container/port-hosts-2375-tcp.json
                1 drill-down snapshot (ListPortHost: servers or containers behind a port; ListPorts: one server's ports)
                """)
    }

    @Test("the JSON lists drill-down snapshots under detail_snapshots, with the query's members")
    func detailJSON() throws {
        let written = SnapshotListingRendering.json([], details: [Self.detail], schemaVersion: 4)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(written)) as? [String: Any])
        let details = try #require(object["detail_snapshots"] as? [[String: Any]])
        #expect(details.count == 1)
        let d = try #require(details.first)
        #expect(d["call"] as? String == "ListPortHost")
        #expect(d["query_port"] as? Int == 2375)
        #expect(d["query_type"] as? String == "TCP")
        #expect(d["query_host_id"] is NSNull)
        #expect(d["records"] as? Int == 3 && d["assets"] as? Int == 2 && d["total_num"] as? Int == 3)
        #expect((d["sources"] as? [[String: Any]])?.first?["path"] as? String == "exports/2026-11-28/container/port-hosts-2375-tcp.json")
    }

    @Test("the table: columns aligned, sources summed up, control characters from inputs (U+2028 too) made visible")
    func table() {
        let text = SnapshotListingRendering.table(Self.snapshots, storePath: "s.sqlite", schemaVersion: 2)
        #expect(
            text == """
                ID  PROJECT    CATEGORY  CAPTURED AT           RECORDS  TOTAL_NUM  STATE                          SOURCES
                 1  p1         host      2026-11-28T00:00:00Z      430        430  complete                       2 files under exports/2026-11-28/host/
                 2  (unknown)  host      2026-11-28T00:00:00Z      430          -  incomplete, partial (port=22)  1 HAR entry: odd\\u{8}\\u{c}\\u{1}"\\dir\\u{2028}/é\\u{7f}/capture.har
                 3  p3         host      2026-11-28T00:00:00Z      430          -  incomplete, partial (port=22)  -
                3 snapshots in s.sqlite (schema version 2)
                """)
    }

    @Test(
        "the common directory of several sources",
        arguments: [
            (["a/b/c.json", "a/b/d.json"], "a/b/"), (["a/b/c.json", "a/x/d.json"], "a/"), (["c.json", "d.json"], ".")
        ])
    func commonDirectory(paths: [String], expected: String) {
        #expect(SnapshotListingRendering.commonDirectory(paths) == expected)
    }
}

/// The listing as the command line encoded it with JSONEncoder before it had its own renderer.
private struct EncodedListing: Encodable {
    let schemaVersion: Int
    let snapshots: [EncodedSnapshot]
    /// Added with drill-down (schema 4): empty when the store has none.
    let detailSnapshots: [String] = []
    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", snapshots, detailSnapshots = "detail_snapshots"
    }
}

private struct EncodedSnapshot: Encodable {
    let s: SnapshotSummary

    init(_ s: SnapshotSummary) { self.s = s }

    enum Keys: String, CodingKey {
        case id, projectID = "project_id", enterpriseProjectID = "enterprise_project_id", category, capturedAt = "captured_at"
        case records, totalNum = "total_num", complete, partial, filters, note, digest, importedAt = "imported_at"
        case toolVersion = "tool_version", provenance = "metadata_from", sources
    }

    enum ProvenanceKeys: String, CodingKey {
        case projectID = "project_id", enterpriseProjectID = "enterprise_project_id", category, capturedAt = "captured_at"
    }

    enum SourceKeys: String, CodingKey {
        case path, entry, sha256, size, totalNum = "total_num", records, query
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(s.id, forKey: .id)
        try c.encode(s.projectID, forKey: .projectID)
        try c.encode(s.enterpriseProjectID, forKey: .enterpriseProjectID)
        try c.encode(s.category.rawValue, forKey: .category)
        try c.encode(s.capturedAt.rfc3339, forKey: .capturedAt)
        try c.encode(s.records, forKey: .records)
        try c.encode(s.totalNum, forKey: .totalNum)
        try c.encode(s.complete, forKey: .complete)
        try c.encode(s.partial, forKey: .partial)
        try c.encode(s.filters, forKey: .filters)
        try c.encode(s.note, forKey: .note)
        try c.encode(s.digest, forKey: .digest)
        try c.encode(s.importedAt, forKey: .importedAt)
        try c.encode(s.toolVersion, forKey: .toolVersion)
        var p = c.nestedContainer(keyedBy: ProvenanceKeys.self, forKey: .provenance)
        try p.encode(s.provenance.projectID, forKey: .projectID)
        try p.encode(s.provenance.enterpriseProjectID, forKey: .enterpriseProjectID)
        try p.encode(s.provenance.category, forKey: .category)
        try p.encode(s.provenance.capturedAt, forKey: .capturedAt)
        var sources = c.nestedUnkeyedContainer(forKey: .sources)
        for source in s.sources {
            var e = sources.nestedContainer(keyedBy: SourceKeys.self)
            try e.encode(source.path, forKey: .path)
            try e.encode(source.entry, forKey: .entry)
            try e.encode(source.sha256, forKey: .sha256)
            try e.encode(source.size, forKey: .size)
            try e.encode(source.totalNum, forKey: .totalNum)
            try e.encode(source.records, forKey: .records)
            try e.encode(source.query, forKey: .query)
        }
    }
}
