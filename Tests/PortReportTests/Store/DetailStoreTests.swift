import Testing

@testable import PortReport

/// Drill-down pages in the store (schema 4): grouping by query, repeats, conflicts,
/// completeness, undo, and reading back.
@Suite("Store: drill-down snapshots")
struct DetailStoreTests {
    let time = Timestamp(secondsSinceEpoch: 1_800_000_000)
    let provenance = MetadataProvenance(
        project: "flag --project", enterpriseProject: "not given", category: "path", capturedAt: "path")

    func key(port: Int = 2375, category: Category = .container, at time: Timestamp? = nil) -> DetailKey {
        DetailKey(
            projectID: "p1", enterpriseProjectID: "", category: category, capturedAt: time ?? self.time, kind: .portHosts, port: port,
            type: .tcp, hostID: "", filters: "")
    }

    func page(_ path: String, sha256: String, key: DetailKey? = nil, totalNum: Int64?) -> DetailPage {
        DetailPage(key: key ?? self.key(), provenance: provenance, path: path, entry: -1, sha256: sha256, size: 100, totalNum: totalNum)
    }

    let web = DetailRecord(
        hostID: "h1", hostName: "web-1", hostIP: "10.0.0.1", containerID: "c1", containerName: "dockerd-proxy", laddr: "0.0.0.0",
        pid: 41, path: "/usr/bin/dockerd", port: 2375, type: .tcp, status: .danger, agentID: "a1")
    let local = DetailRecord(
        hostID: "h2", hostName: "db-1", hostIP: "10.0.0.2", containerID: "c2", containerName: "sidecar", laddr: "127.0.0.1", pid: 7,
        path: "/bin/socat", port: 2375, type: .tcp, status: .danger, agentID: "a2")

    func read(
        _ store: Store, scope: AnalysisScope = AnalysisScope(), cutoff: Timestamp? = nil, newest: Int = .max
    ) throws
        -> [DetailSnapshot]
    {
        try store.withAnalysisReader { reader in try reader.detailSnapshots(in: scope, cutoff: cutoff, newestPerQuery: newest) }
    }

    @Test("two pages of one query make one snapshot; a repeated record is kept once; complete when the records reach total_num")
    func grouping() throws {
        let store = try Store.inMemory()
        var outcomes: [DetailOutcome] = []
        var added: [Int?] = []
        try store.importSession(importedAt: time) { session in
            try session.input { added.append(try session.addDetail(page("a.json", sha256: "aa", totalNum: 2), records: [web])) }
            // The second page repeats `web` (the data shifted while paging) and adds `local`.
            try session.input { added.append(try session.addDetail(page("b.json", sha256: "bb", totalNum: 2), records: [web, local])) }
            // The same file again: not read twice.
            try session.input { added.append(try session.addDetail(page("a.json", sha256: "aa", totalNum: 2), records: [web])) }
            outcomes = try session.finishDetails()
            return .commit
        }
        #expect(added == [1, 1, nil])
        #expect(outcomes.count == 1)
        #expect(outcomes.first?.records == 2 && outcomes.first?.complete == true && outcomes.first?.created == true)
        let stored = try read(store)
        #expect(stored.count == 1)
        #expect(stored.first?.key == key())
        // Sorted by observation: h1 before h2.
        #expect(stored.first?.records == [web, local])
        #expect(stored.first?.totalNum == 2 && stored.first?.complete == true && stored.first?.note == "")
    }

    @Test("the listing counts each query's records and distinct assets, and names its pages")
    func listing() throws {
        let store = try Store.inMemory()
        // h1 listens on two addresses: two records, one asset.
        let webLocal = DetailRecord(
            hostID: "h1", hostName: "web-1", hostIP: "10.0.0.1", containerID: "c1", containerName: "dockerd-proxy",
            laddr: "127.0.0.1", pid: 41, path: "/usr/bin/dockerd", port: 2375, type: .tcp, status: .danger, agentID: "a1")
        try store.importSession(importedAt: time) { session in
            try session.input { _ = try session.addDetail(page("a.json", sha256: "aa", totalNum: 3), records: [web, webLocal]) }
            try session.input { _ = try session.addDetail(page("b.json", sha256: "bb", totalNum: 3), records: [local]) }
            _ = try session.finishDetails()
            return .commit
        }
        let listing = try store.detailSnapshotListing()
        #expect(listing.count == 1)
        let d = try #require(listing.first)
        #expect(d.call == "ListPortHost" && d.queryPort == 2375 && d.queryType == "TCP" && d.queryHostID == nil)
        #expect(d.query == "port=2375&type=TCP")
        #expect(d.records == 3 && d.assets == 2 && d.totalNum == 3 && d.complete)
        #expect(d.sources.map(\.path) == ["a.json", "b.json"])
        #expect(d.projectID == "p1" && d.enterpriseProjectID == nil && d.category == .container)
    }

    @Test("a page stored under one project is refused under another, unless --import-again; an empty page is not")
    func identity() throws {
        let store = try Store.inMemory()
        try store.importSession(importedAt: time) { session in
            try session.input { _ = try session.addDetail(page("a.json", sha256: "aa", totalNum: 1), records: [web]) }
            try session.input { _ = try session.addDetail(page("e.json", sha256: "ee", key: key(port: 23), totalNum: 0), records: []) }
            _ = try session.finishDetails()
            return .commit
        }
        var other = key()
        other.projectID = "p2"
        var refusal: InputError?
        do {
            try store.importSession(importedAt: time) { session in
                try session.input { _ = try session.addDetail(page("a.json", sha256: "aa", key: other, totalNum: 1), records: [web]) }
                return .commit
            }
        } catch let error as InputError {
            refusal = error
        }
        #expect(
            refusal?.message
                == "already imported as drill-down snapshot 1 (ListPortHost port=2375&type=TCP, project p1, container, \(time.rfc3339)) from a.json; pass --import-again to store it again under another name on purpose"
        )
        #expect(try read(store).count == 2)  // 2375 and the empty page of 23, both of p1
        // The same bytes at another path are another export (an estate that did not change).
        try store.importSession(importedAt: time) { session in
            try session.input { _ = try session.addDetail(page("b.json", sha256: "aa", key: other, totalNum: 1), records: [web]) }
            var empty = key(port: 23)
            empty.projectID = "p2"
            try session.input { _ = try session.addDetail(page("e.json", sha256: "ee", key: empty, totalNum: 0), records: []) }
            _ = try session.finishDetails()
            return .commit
        }
        var third = key()
        third.projectID = "p3"
        try store.importSession(importedAt: time, importAgain: true) { session in
            try session.input { _ = try session.addDetail(page("a.json", sha256: "aa", key: third, totalNum: 1), records: [web]) }
            _ = try session.finishDetails()
            return .commit
        }
        #expect(
            try read(store).map { "\($0.key.projectID) \($0.key.port ?? 0)" }.sorted() == [
                "p1 23", "p1 2375", "p2 23", "p2 2375", "p3 2375"
            ])
    }

    @Test("a page short of total_num leaves the snapshot incomplete, with the count in words")
    func incomplete() throws {
        let store = try Store.inMemory()
        try store.importSession(importedAt: time) { session in
            try session.input { _ = try session.addDetail(page("a.json", sha256: "aa", totalNum: 3), records: [web]) }
            _ = try session.finishDetails()
            return .commit
        }
        let stored = try read(store)
        #expect(stored.first?.complete == false)
        #expect(stored.first?.note == "1 of 3 records: 2 missing (a page was not saved?)")
    }

    @Test("the same observation with another pid is a conflict naming the other page, and the input is undone")
    func conflict() throws {
        let store = try Store.inMemory()
        var changed = web
        changed.pid = 42
        var rejection: DetailRecordRejection?
        try store.importSession(importedAt: time) { session in
            try session.input { _ = try session.addDetail(page("a.json", sha256: "aa", totalNum: 2), records: [web]) }
            do {
                try session.input { _ = try session.addDetail(page("b.json", sha256: "bb", totalNum: 2), records: [local, changed]) }
            } catch let error as DetailRecordRejection {
                rejection = error
            }
            _ = try session.finishDetails()
            return .commit
        }
        #expect(rejection?.index == 1)
        #expect(rejection?.existing.pid == 41)
        #expect(rejection?.other == RecordRejection.Location(path: "a.json", entry: -1))
        // b.json's input was undone: `local` is not stored, and its source is gone.
        #expect(try read(store).first?.records == [web])
        #expect(try read(store).first?.note == "1 of 2 records: 1 missing (a page was not saved?)")
    }

    @Test("pages of other queries or times are other snapshots; the scope's project, category and time select them")
    func scope() throws {
        let store = try Store.inMemory()
        let later = Timestamp(secondsSinceEpoch: 1_800_086_400)
        var telnet = web
        telnet.port = 23
        telnet.containerID = ""
        telnet.containerName = ""
        try store.importSession(importedAt: time) { session in
            try session.input { _ = try session.addDetail(page("a.json", sha256: "aa", totalNum: 1), records: [web]) }
            try session.input {
                _ = try session.addDetail(page("b.json", sha256: "bb", key: key(at: later), totalNum: 1), records: [web])
            }
            try session.input {
                _ = try session.addDetail(page("c.json", sha256: "cc", key: key(port: 23, category: .host), totalNum: 1), records: [telnet])
            }
            _ = try session.finishDetails()
            return .commit
        }
        #expect(try read(store).count == 3)
        #expect(try read(store, scope: AnalysisScope(asOf: time)).map(\.key.capturedAt) == [time, time])
        #expect(try read(store, scope: AnalysisScope(category: .host)).map(\.key.port) == [23])
        #expect(try read(store, scope: AnalysisScope(projectID: "other")).isEmpty)
        // The asset table holds each asset once: container c1 (twice observed) and host h1.
        let assets = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM asset") }
        #expect(assets == 2)
    }

    /// 2375/TCP asked on four days (day 0 … day 3) and 23/TCP on day 0. A report at day 2 uses,
    /// per query, the newest two at or before it: 2375 of day 1 and day 2, and 23 of day 0; day 0
    /// of 2375 (history) and day 3 (after the cutoff) are not read.
    @Test("the analysis reads per query only the newest two snapshots at the report's time")
    func newestPerQuery() throws {
        let store = try Store.inMemory()
        let day = { (n: Int64) in Timestamp(secondsSinceEpoch: 1_800_000_000 + n * 86_400) }
        var telnet = web
        telnet.port = 23
        try store.importSession(importedAt: time) { session in
            for n: Int64 in 0...3 {
                try session.input {
                    _ = try session.addDetail(page("d\(n).json", sha256: "d\(n)", key: key(at: day(n)), totalNum: 1), records: [web])
                }
            }
            try session.input {
                _ = try session.addDetail(page("t.json", sha256: "tt", key: key(port: 23), totalNum: 1), records: [telnet])
            }
            _ = try session.finishDetails()
            return .commit
        }
        let used = try read(store, cutoff: day(2), newest: 2)
        #expect(
            used.map { "\($0.key.port ?? 0) \($0.key.capturedAt.rfc3339)" } == [
                "23 \(day(0).rfc3339)", "2375 \(day(1).rfc3339)", "2375 \(day(2).rfc3339)"
            ])
        #expect(used.allSatisfy { $0.records.count == 1 })
        #expect(try read(store).count == 5)
    }

    @Test("a page with no total_num is of unknown completeness")
    func unknownCompleteness() throws {
        let store = try Store.inMemory()
        try store.importSession(importedAt: time) { session in
            try session.input { _ = try session.addDetail(page("a.json", sha256: "aa", totalNum: nil), records: [web]) }
            _ = try session.finishDetails()
            return .commit
        }
        let stored = try read(store).first
        #expect(stored.map { Completeness.isUnknown(complete: $0.complete, totalNum: $0.totalNum, note: $0.note) } == true)
    }

    @Test("the drill-down migrations: v4 its tables, v5 the edit log's target")
    func migration() throws {
        #expect(
            Store.migrations.dropFirst(3).prefix(2).map(\.name) == [
                "v4: drill-down observations and assets", "v5: the edit log names drill-down snapshots"
            ])
        let store = try Store.inMemory()
        let tables = try store.read { db in
            try ["asset", "detail_snapshot", "detail_source", "observation"].map { try db.tableExists($0) }
        }
        #expect(tables == [true, true, true, true])
    }
}
