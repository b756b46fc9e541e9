import Testing

@testable import PortReport

/// The store query behind the per-asset history: one query's drill-down snapshots up to a given
/// one, oldest first, with only the ports asked for.
@Suite("Store: drill-down history of one query")
struct DetailHistoryReaderTests {
    let provenance = MetadataProvenance(project: "flag --project", enterpriseProject: "not given", category: "path", capturedAt: "path")

    static func day(_ n: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: 1_800_000_000 + n * 86_400) }

    func key(_ n: Int64, type: PortType? = .tcp, filters: String = "", project: String = "p1") -> DetailKey {
        DetailKey(
            projectID: project, enterpriseProjectID: "", category: .host, capturedAt: Self.day(n), kind: .portHosts, port: 22, type: type,
            hostID: "", filters: filters)
    }

    /// Days 0–3 of `port=22&type=TCP` (day 3 after the one asked about), and on day 1 the same
    /// port without a type, filtered, and of another project: other queries. Day 2 also lists
    /// 2222/TCP, which is not asked for.
    @Test("only the query's snapshots up to the given one, oldest first, with the ports asked for")
    func walk() throws {
        let store = try Store.inMemory()
        var ids: [String: Int64] = [:]
        let record = { (host: String, port: Int) in DetailRecord(hostID: host, laddr: "0.0.0.0", port: port, type: .tcp) }
        let pages: [(String, DetailKey, [DetailRecord])] = [
            ("d0", key(0), [record("h1", 22)]),
            ("d1", key(1), [record("h2", 22), record("h1", 22)]),
            ("d2", key(2), [record("h1", 22), record("h1", 2222)]),
            ("d3", key(3), [record("h3", 22)]),
            ("untyped", key(1, type: nil), [record("h8", 22)]),
            ("filtered", key(1, filters: "host_name=web"), [record("h8", 22)]),
            ("other", key(1, project: "p2"), [record("h8", 22)])
        ]
        try store.importSession(importedAt: Self.day(9)) { session in
            for (name, key, records) in pages {
                try session.input {
                    _ = try session.addDetail(
                        DetailPage(
                            key: key, provenance: provenance, path: "\(name).json", entry: -1, sha256: name, size: 1,
                            totalNum: Int64(records.count)),
                        records: records)
                }
            }
            for outcome in try session.finishDetails() {
                if let name = pages.first(where: { $0.1 == outcome.key })?.0 { ids[name] = outcome.id }
            }
            return .commit
        }
        let newest = try #require(ids["d2"])
        var steps: [DetailHistoryStep] = []
        try store.withAnalysisReader { reader in
            try reader.forEachDetailHistoryStep(ofQueryOf: newest, ports: [k(22, .tcp)]) { steps.append($0) }
        }
        #expect(steps.map(\.id) == [ids["d0"], ids["d1"], ids["d2"]].compactMap { $0 })
        #expect(steps.map(\.capturedAt) == [Self.day(0), Self.day(1), Self.day(2)])
        // Sorted by observation (h1 before h2); 2222 is not read.
        #expect(steps.map { $0.records.map(\.hostID) } == [["h1"], ["h1", "h2"], ["h1"]])
        #expect(steps.allSatisfy { $0.complete && $0.projectID == "p1" && $0.category == .host })
        var none = 0
        try store.withAnalysisReader { reader in
            try reader.forEachDetailHistoryStep(ofQueryOf: newest, ports: []) { _ in none += 1 }
            try reader.forEachDetailHistoryStep(ofQueryOf: 999, ports: [k(22, .tcp)]) { _ in none += 1 }
        }
        #expect(none == 0)
    }
}
