import Testing

@testable import PortReport

/// The store's import session, on a store in memory: what it keeps, what it undoes, and the
/// typed errors it gives for records it refuses.
@Suite("Store: import session")
struct ImportSessionTests {
    let key = SnapshotKey(
        projectID: "p", enterpriseProjectID: "", category: .host,
        capturedAt: Timestamp(secondsSinceEpoch: 1_800_000_000), filters: "")
    let provenance = MetadataProvenance(
        project: "flag --project", enterpriseProject: "not given", category: "flag --category", capturedAt: "flag --captured-at")

    func page(_ path: String, sha256: String, totalNum: Int64? = 2) -> SnapshotPage {
        SnapshotPage(key: key, provenance: provenance, path: path, entry: -1, sha256: sha256, size: 10, totalNum: totalNum)
    }

    @Test("a committed session keeps its snapshot; a rolled-back one keeps nothing")
    func verdict() throws {
        let store = try Store.inMemory()
        try store.importSession(importedAt: Timestamp(secondsSinceEpoch: 1_800_000_100)) { session in
            try session.input {
                _ = try session.add(page("a.json", sha256: "aa"), records: [PortRecord(port: 22, type: .tcp, num: 3, status: nil)])
            }
            return .rollBack
        }
        #expect(try store.snapshots().isEmpty)
        var outcomes: [SnapshotWriter.Outcome] = []
        try store.importSession(importedAt: Timestamp(secondsSinceEpoch: 1_800_000_100)) { session in
            try session.input {
                _ = try session.add(
                    page("a.json", sha256: "aa"),
                    records: [
                        PortRecord(port: 22, type: .tcp, num: 3, status: nil),
                        PortRecord(port: 53, type: .udp, num: 1, status: .normal)
                    ])
            }
            outcomes = try session.finish()
            return .commit
        }
        #expect(outcomes.map(\.kind) == [.stored])
        #expect(outcomes.first?.records == 2 && outcomes.first?.complete == true)
        let stored = try store.snapshots()
        #expect(stored.count == 1 && stored.first?.records == 2 && stored.first?.sources.map(\.path) == ["a.json"])
    }

    @Test("an input that throws is undone, and the rest of the session goes on")
    func inputUndone() throws {
        let store = try Store.inMemory()
        struct Bad: Error {}
        try store.importSession(importedAt: Timestamp(secondsSinceEpoch: 1_800_000_100)) { session in
            do {
                try session.input {
                    _ = try session.add(page("bad.json", sha256: "bb"), records: [PortRecord(port: 80, type: .tcp, num: 1, status: nil)])
                    throw Bad()
                }
                Issue.record("the input's error was lost")
            } catch is Bad {}
            try session.input {
                _ = try session.add(page("a.json", sha256: "aa"), records: [PortRecord(port: 22, type: .tcp, num: 3, status: nil)])
            }
            _ = try session.finish()
            return .commit
        }
        let stored = try store.snapshots()
        #expect(stored.first?.records == 1 && stored.first?.sources.map(\.path) == ["a.json"])
    }

    @Test("a record the layout cannot hold and a conflicting duplicate are typed errors naming the record")
    func rejections() throws {
        let store = try Store.inMemory()
        try store.importSession(importedAt: Timestamp(secondsSinceEpoch: 1_800_000_100)) { session in
            do {
                try session.input {
                    _ = try session.add(
                        page("a.json", sha256: "aa"),
                        records: [
                            PortRecord(port: 22, type: .tcp, num: 3, status: nil),
                            PortRecord(port: 70_000, type: .tcp, num: 1, status: nil)
                        ])
                }
                Issue.record("port 70000 was stored")
            } catch let rejection as RecordRejection {
                #expect(rejection.index == 1)
                #expect(rejection.reason == .unstorable("port 70000 is outside 0–65535"))
            }
            try session.input {
                _ = try session.add(page("a.json", sha256: "aa"), records: [PortRecord(port: 22, type: .tcp, num: 3, status: nil)])
            }
            do {
                try session.input {
                    _ = try session.add(
                        page("b.json", sha256: "bb"),
                        records: [
                            PortRecord(port: 53, type: .udp, num: 1, status: nil),
                            PortRecord(port: 22, type: .tcp, num: 4, status: .danger)
                        ])
                }
                Issue.record("a conflicting duplicate was stored")
            } catch let rejection as RecordRejection {
                #expect(rejection.index == 1)
                #expect(
                    rejection.reason
                        == .conflict(
                            port: 22, type: .tcp, num: 4, status: .danger, otherNum: 3, otherStatus: nil,
                            other: RecordRejection.Location(path: "a.json", entry: -1)))
            }
            return .rollBack
        }
    }

    @Test("an in-memory store has the current schema")
    func inMemorySchema() throws {
        let store = try Store.inMemory()
        #expect(try store.storedSchemaVersion() == Store.schemaVersion)
        #expect(store.path == ":memory:")
    }
}
