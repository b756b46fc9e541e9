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
            try session.finish { outcomes.append($0) }
            return .commit
        }
        #expect(outcomes.map(\.kind) == [.stored])
        #expect(outcomes.first?.records == 2 && outcomes.first?.complete == true)
        let stored = try store.snapshots()
        #expect(stored.count == 1 && stored.first?.records == 2 && stored.first?.sources.map(\.path) == ["a.json"])
    }

    @Test("more snapshots than the writer keeps ids of: one met again is added to, a rolled-back one leaves no trace")
    func moreSnapshotsThanTheIDCache() throws {
        let store = try Store.inMemory()
        let count = SnapshotWriter.idCacheLimit + 10
        func key(_ day: Int) -> SnapshotKey {
            SnapshotKey(
                projectID: "p", enterpriseProjectID: "", category: .host,
                capturedAt: Timestamp(secondsSinceEpoch: 1_800_000_000 + Int64(day) * 86_400), filters: "")
        }
        func page(_ day: Int, _ name: String, total: Int64) -> SnapshotPage {
            SnapshotPage(
                key: key(day), provenance: provenance, path: "\(day)-\(name).json", entry: -1, sha256: "\(day)-\(name)", size: 10,
                totalNum: total)
        }
        struct Bad: Error {}
        var outcomes: [SnapshotWriter.Outcome] = []
        var again: Int?? = .none
        try store.importSession(importedAt: Timestamp(secondsSinceEpoch: 1_800_000_100)) { session in
            for day in 0..<count {
                try session.input {
                    _ = try session.add(
                        page(day, "a", total: day == 0 ? 2 : 1),
                        records: [PortRecord(port: 22, type: .tcp, num: Int64(day + 1), status: nil)])
                }
            }
            // Day 0 again, long after the cache of its id was emptied: a second page of it.
            try session.input {
                _ = try session.add(page(0, "b", total: 2), records: [PortRecord(port: 80, type: .tcp, num: 1, status: nil)])
            }
            // A new day whose input fails, then the same day again.
            do {
                try session.input {
                    _ = try session.add(page(count, "a", total: 1), records: [PortRecord(port: 22, type: .tcp, num: 7, status: nil)])
                    throw Bad()
                }
            } catch is Bad {}
            try session.input {
                _ = try session.add(page(count, "c", total: 1), records: [PortRecord(port: 443, type: .tcp, num: 2, status: nil)])
            }
            // Day 1's page again: already part of it.
            again = try session.input {
                try session.add(page(1, "a", total: 1), records: [PortRecord(port: 22, type: .tcp, num: 2, status: nil)])
            }
            try session.finish { outcomes.append($0) }
            return .commit
        }
        #expect(again == .some(nil), "day 1's page is already part of it")
        #expect(outcomes.map(\.key) == (0...count).map(key), "one outcome per snapshot, in the order first touched")
        #expect(outcomes.allSatisfy { $0.kind == .stored && $0.complete })
        #expect(Set(outcomes.map(\.id)).count == count + 1)
        #expect(outcomes.first?.records == 2 && outcomes.first?.addedSources == 2)
        #expect(outcomes.last?.records == 1 && outcomes.last?.addedSources == 1)
        let stored = try store.snapshots()
        #expect(stored.count == count + 1)
        #expect(stored.first { $0.capturedAt == key(0).capturedAt }?.sources.map(\.path) == ["0-a.json", "0-b.json"])
        #expect(stored.first { $0.capturedAt == key(count).capturedAt }?.sources.map(\.path) == ["\(count)-c.json"])
        #expect(stored.allSatisfy { $0.complete })
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
            try session.finish { _ in }
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
