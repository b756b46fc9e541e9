import Foundation
import GRDB
import Testing

@testable import PortReport

/// Reading an SQLite file given to `import`: plain values out, the file never changed.
@Suite("Store: foreign databases")
struct ForeignDatabaseTests {
    private func makeDatabase(_ name: String = #function) throws -> String {
        let path = try Fixtures.temporaryDirectory(name).appendingPathComponent("other.sqlite").path
        try DatabaseQueue(path: path).write { db in
            try db.execute(
                sql: """
                    CREATE TABLE ports (port, type, num, note);
                    INSERT INTO ports VALUES (22, 'TCP', 3, NULL), (53, 'UDP', 1.5, x'0102');
                    """)
        }
        return path
    }

    @Test("a query gives its column names, then each row as typed values")
    func query() throws {
        let database = try ForeignDatabase(path: try makeDatabase())
        #expect(!database.isPortReportStore)
        var names: [String] = []
        var rows: [[ForeignDatabase.Value]] = []
        try database.query(
            "SELECT port, type, num, note AS Status FROM ports ORDER BY port", columns: { names = $0 }, row: { rows.append($0) })
        // Named as a column the import reads (issue 12: the cells of other columns are never read).
        #expect(names == ["port", "type", "num", "Status"])
        #expect(
            rows == [
                [.integer(22), .text("TCP"), .integer(3), .null],
                [.integer(53), .text("UDP"), .real(1.5), .blob(Data([1, 2]))]
            ])
    }

    @Test("a statement that would write, or that SQLite cannot prepare, is refused before it runs")
    func refusals() throws {
        let path = try makeDatabase()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let database = try ForeignDatabase(path: path)
        do {
            try database.query("DELETE FROM ports", columns: { _ in }, row: { _ in })
            Issue.record("a DELETE was run")
        } catch let refusal as ForeignDatabase.QueryRefusal {
            guard case .notReadOnly = refusal else { Issue.record("refused as \(refusal)"); return }
        }
        do {
            try database.query("SELECT port FROM nowhere", columns: { _ in }, row: { _ in })
            Issue.record("a query of a missing table was run")
        } catch let refusal as ForeignDatabase.QueryRefusal {
            guard case .invalid(let reason) = refusal else { Issue.record("refused as \(refusal)"); return }
            #expect(reason.contains("no such table"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test("another store's snapshots come out with their pages and records")
    func snapshotsOfAnotherStore() throws {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("theirs.sqlite").path
        let key = SnapshotKey(
            projectID: "p", enterpriseProjectID: "", category: .container,
            capturedAt: Timestamp(secondsSinceEpoch: 1_800_000_000), filters: "")
        let provenance = MetadataProvenance(
            project: "flag --project", enterpriseProject: "not given", category: "path (container)", capturedAt: "flag --captured-at")
        let records = [PortRecord(port: 22, type: .tcp, num: 3, status: .danger), PortRecord(port: 53, type: .udp, num: 1, status: nil)]
        try Store(path: path).importSession(importedAt: Timestamp(secondsSinceEpoch: 1_800_000_100)) { session in
            try session.input {
                _ = try session.add(
                    SnapshotPage(key: key, provenance: provenance, path: "a.json", entry: -1, sha256: "aa", size: 10, totalNum: 2),
                    records: records)
            }
            try session.finish { _ in }
            return .commit
        }
        let database = try ForeignDatabase(path: path)
        #expect(database.isPortReportStore)
        #expect(try database.schemaVersion() == Store.schemaVersion)
        var snapshots: [ForeignDatabase.Snapshot] = []
        try database.forEachSnapshot { snapshots.append($0) }
        #expect(snapshots.count == 1)
        #expect(snapshots.first?.key == key && snapshots.first?.provenance == provenance)
        #expect(snapshots.first?.sources.map(\.path) == ["a.json"])
        #expect(snapshots.first?.sources.first?.records == records)
        #expect(snapshots.first?.sources.first?.totalNum == 2)
    }
}
