import Foundation
import GRDB
import Testing

@testable import PortReport

/// The packed layout of a snapshot's records (schema v2), the `record` view over it, and the
/// migration from the one-row-per-record layout of schema v1.
@Suite("Store: packed records")
struct RecordBlobTests {
    // MARK: The codec

    @Test("entries pack to 16 big-endian bytes each, in the documented field order")
    func layout() throws {
        let entry = RecordBlob.Entry(port: 0x1F90, type: .udp6, status: .normal, sourceID: 0x0102_0304, num: 0x0506)
        // 8080 = 0x1F90; UDP6 = 3; normal = 2; source 0x01020304; num 0x0506.
        #expect(RecordBlob.encode([entry]) == [0x1F, 0x90, 3, 2, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0x05, 0x06])
    }

    @Test("decoding gives back what was packed; a key is found by binary search, an absent one is not")
    func roundTrip() throws {
        let entries = [
            RecordBlob.Entry(port: 0, type: .tcp, status: nil, sourceID: 1, num: 0),
            RecordBlob.Entry(port: 22, type: .tcp, status: .danger, sourceID: 7, num: 12),
            RecordBlob.Entry(port: 22, type: .tcp6, status: .unknown, sourceID: 7, num: Int64.max),
            RecordBlob.Entry(port: 53, type: .udp, status: .normal, sourceID: 8, num: 3),
            RecordBlob.Entry(port: 65_535, type: .udp6, status: nil, sourceID: Int64(UInt32.max), num: 1)
        ]
        let bytes = RecordBlob.encode(entries)
        try bytes.withUnsafeBytes { raw in
            let view = try RecordBlob.View(raw)
            #expect(try view.entries() == entries)
            for (position, entry) in entries.enumerated() {
                #expect(view.index(of: entry.key) == position)
                #expect(view.num(at: position) == entry.num)
            }
            #expect(view.index(of: PortKeyCode.of(22, .udp)) == nil)
            #expect(view.index(of: PortKeyCode.of(23, .tcp)) == nil)
            #expect(view.index(of: PortKeyCode.of(65_535, .udp)) == nil)
        }
    }

    @Test(
        "a damaged blob is refused, not misread",
        arguments: [
            ("a length that is not a multiple of 16", Array(repeating: UInt8(0), count: 17)),
            ("a type code past UDP6", [0, 22, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]),
            ("a status code past unknown", [0, 22, 0, 9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]),
            ("a negative num", [0, 22, 0, 0, 0, 0, 0, 1, 0x80, 0, 0, 0, 0, 0, 0, 1]),
            ("keys out of order", [0, 23, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1] + [0, 22, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]),
            ("a key twice", [0, 22, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1] + [0, 22, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2])
        ] as [(String, [UInt8])])
    func damage(_ what: String, _ bytes: [UInt8]) {
        let refused = bytes.withUnsafeBytes { raw in
            do {
                _ = try RecordBlob.View(raw).entries()
                return false
            } catch {
                return true
            }
        }
        #expect(refused, "\(what)")
    }

    // MARK: The store

    @Test("an imported page's records are in the record view as the file has them, each with its page")
    func viewShowsTheFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        let store = directory.appendingPathComponent("s.sqlite").path
        let page = Fixtures.sample("exports/2026-11-25/host/page-0001.json")
        _ = try Importer(store: try Store(path: store), options: ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000))).run([page]
        )
        // The oracle: the file read with Foundation's JSONSerialization.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: page))) as? [String: Any])
        let list = try #require(json["data_list"] as? [[String: Any]])
        var expected: [String] = []
        for item in list {
            let status = (item["status"] as? String).map { $0 == "unknow" ? "unknown" : $0 } ?? "-"
            expected.append(
                "\(item["port"] as? Int ?? -1) \((item["type"] as? String ?? "?").uppercased()) \(item["num"] as? Int ?? -1) \(status)")
        }
        let rows = try DatabaseQueue(path: store).read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT record.port, record.type, record.num, record.status, source.path
                    FROM record JOIN source ON source.id = record.source_id AND source.snapshot_id = record.snapshot_id
                    """)
        }
        #expect(rows.count == list.count && !rows.isEmpty)
        #expect(
            Set(
                rows.map { row in
                    "\(row["port"] as Int) \(row["type"] as String) \(row["num"] as Int64) \((row["status"] as String?) ?? "-")"
                }) == Set(expected))
        #expect(Set(rows.map { $0["path"] as String }) == [page])
    }

    @Test("the snapshot digest is SHA-256 of the documented text: key lines, then one line per record by port and type")
    func digest() throws {
        let directory = try Fixtures.temporaryDirectory()
        let storePath = directory.appendingPathComponent("s.sqlite").path
        let body = Fixtures.body(total: 3, [(443, "tcp", 12, "danger"), (22, "TCP", 5, nil), (22, "TCP6", 987_654_321, "unknow")])
        let page = try Fixtures.write(body, to: "2026-11-25/container/page-1.json", in: directory)
        _ = try Importer(store: try Store(path: storePath), options: ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000))).run([
            page
        ])
        let text = """
            portreport snapshot v1
            project=
            enterprise_project=
            category=container
            captured_at=2026-11-25T00:00:00Z
            filters=
            22 TCP 5 -
            22 TCP6 987654321 unknown
            443 TCP 12 danger

            """
        var hasher = SHA256Hasher()
        hasher.update(text)
        let expected = hasher.finalizeHex()
        let stored = try DatabaseQueue(path: storePath).read { try String.fetchOne($0, sql: "SELECT digest FROM snapshot") }
        #expect(stored == expected)
    }

    /// A v1 store as portreport 0.1.0 wrote it (its migration, then rows): snapshot 1 has three
    /// records from two pages, snapshot 2 none.
    private func makeVersion1Store(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try Store.migrations[0].apply(db)
            try db.execute(sql: "PRAGMA application_id = 1347571796; PRAGMA user_version = 1")
            try db.execute(
                sql: """
                    INSERT INTO snapshot VALUES (1, 'p', '', 'host', '2026-11-25T00:00:00Z', '', 3, 3, 1, 0, '', 'd1', 'flag', 'not given', 'path', 'path', '2026-11-25T01:00:00Z', '0.1.0');
                    INSERT INTO snapshot VALUES (2, 'p', '', 'container', '2026-11-25T00:00:00Z', '', 0, 0, 1, 0, '', 'd2', 'flag', 'not given', 'path', 'path', '2026-11-25T01:00:00Z', '0.1.0');
                    INSERT INTO source VALUES (10, 1, 'a.json', -1, 'aa', 100, 3, 2, '');
                    INSERT INTO source VALUES (11, 1, 'b.json', -1, 'bb', 100, 3, 1, '');
                    INSERT INTO record VALUES (1, 443, 'TCP', 12, 'danger', 10);
                    INSERT INTO record VALUES (1, 22, 'TCP6', 5, NULL, 11);
                    INSERT INTO record VALUES (1, 22, 'TCP', 7, 'normal', 10);
                    """)
        }
        try queue.close()
    }

    @Test("a schema v1 store is migrated: same records, same digests, the record view in the table's place")
    func migratesVersion1() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("v1.sqlite").path
        try makeVersion1Store(path)

        let store = try Store(path: path)
        #expect(try store.storedSchemaVersion() == Store.schemaVersion)
        let check = try DatabaseQueue(path: path)
        try check.read { db in
            #expect(try db.viewExists("record"))
            let rows = try Row.fetchAll(
                db, sql: "SELECT snapshot_id, port, type, num, status, source_id FROM record ORDER BY snapshot_id, port, type")
            #expect(
                rows.map {
                    "\($0[0] as Int) \($0[1] as Int) \($0[2] as String) \($0[3] as Int) \(($0[4] as String?) ?? "-") \($0[5] as Int)"
                } == [
                    "1 22 TCP 7 normal 10", "1 22 TCP6 5 - 11", "1 443 TCP 12 danger 10"
                ])
            #expect(try String.fetchAll(db, sql: "SELECT digest FROM snapshot ORDER BY id") == ["d1", "d2"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshot_records") == 2)
        }
        try check.close()
        let records = try store.withAnalysisReader { reader in try reader.records(of: 1) }
        #expect(
            records == [
                PortKey(port: 22, type: .tcp): RecordValue(num: 7, status: .normal),
                PortKey(port: 22, type: .tcp6): RecordValue(num: 5, status: nil),
                PortKey(port: 443, type: .tcp): RecordValue(num: 12, status: .danger)
            ])
        let nums = try store.withAnalysisReader { reader in
            try reader.nums(of: [PortKey(port: 443, type: .tcp), PortKey(port: 80, type: .tcp), PortKey(port: 22, type: .tcp6)], in: 1)
        }
        #expect(nums == [12, 0, 5])
    }

    @Test("reading a schema v1 store (a report) upgrades it first")
    func readingUpgrades() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("v1.sqlite").path
        try makeVersion1Store(path)
        let store = try Store(path: path, readOnly: true)
        #expect(try store.storedSchemaVersion() == Store.schemaVersion)
        let records = try store.withAnalysisReader { reader in try reader.records(of: 1) }
        #expect(records.count == 3)
        #expect(records[PortKey(port: 443, type: .tcp)] == RecordValue(num: 12, status: .danger))
    }

    @Test("a schema v1 store given to import is merged from its record table, page by page")
    func mergesVersion1() throws {
        let directory = try Fixtures.temporaryDirectory()
        let old = directory.appendingPathComponent("v1.sqlite").path
        try makeVersion1Store(old)
        let path = directory.appendingPathComponent("new.sqlite").path
        let report = try Importer(store: try Store(path: path), options: ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000)))
            .run([old])
        #expect(report.records == 3)
        let rows = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT record.port, record.type, record.num, source.path FROM record JOIN source ON source.id = record.source_id
                    JOIN snapshot ON snapshot.id = record.snapshot_id WHERE snapshot.category = 'host' ORDER BY record.port, record.type
                    """)
        }
        #expect(
            rows.map { "\($0[0] as Int) \($0[1] as String) \($0[2] as Int) \($0[3] as String)" } == [
                "22 TCP 7 a.json", "22 TCP6 5 b.json", "443 TCP 12 a.json"
            ])
        // The v1 file itself is left as it was.
        #expect(try DatabaseQueue(path: old).read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == 1)
    }
}

/// A key as the blob sorts it, worked out here rather than with `Entry.key`.
enum PortKeyCode {
    static func of(_ port: Int, _ type: PortType) -> UInt32 {
        let order: UInt32 =
            switch type {
            case .tcp: 0
            case .tcp6: 1
            case .udp: 2
            case .udp6: 3
            }
        return UInt32(port) * 4 + order
    }
}
