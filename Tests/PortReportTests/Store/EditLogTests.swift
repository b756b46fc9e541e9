// The edit log (schema v3): remove and relabel through the Store's own API, in one transaction
// each, and the identity rule of SnapshotWriter. Expected values are written out by hand.

import Foundation
import GRDB
import Testing

@testable import PortReport

@Suite("Store: the edit log")
struct EditLogTests {
    static let context = EditContext(editedAt: Timestamp(secondsSinceEpoch: 1_800_000_000), arguments: "test")

    /// A store with a host snapshot (22/TCP ×3) and a container snapshot (2375/TCP ×1) of
    /// 2026-11-28, project unknown: ids 1 (host) and 2 (container).
    static func seeded() throws -> (store: Store, directory: URL) {
        let directory = try Fixtures.temporaryDirectory("editlog")
        let host = try Fixtures.write(Fixtures.body(total: 1, [(22, "TCP", 3, "normal")]), to: "a/host/page.json", in: directory)
        let container = try Fixtures.write(
            Fixtures.body(total: 1, [(2375, "TCP", 1, "danger")]), to: "a/container/page.json", in: directory)
        let store = try Store(path: directory.appendingPathComponent("store.sqlite").path)
        var options = ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000))
        options.capturedAt = Timestamp(rfc3339: "2026-11-28T00:00:00Z")
        _ = try Importer(store: store, options: options).run([host, container])
        return (store, directory)
    }

    @Test("a new store has the edit table and the index on source.sha256 (schema version 3's migration)")
    func schema() throws {
        let store = try Store.inMemory()
        #expect(Store.migrations.map(\.name).dropFirst(2).first == "v3: the edit log, and pages by SHA-256")
        let (hasTable, indexes) = try store.read { db in
            (
                try db.tableExists("edit"),
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'source'")
            )
        }
        #expect(hasTable && indexes.contains("source_by_sha256"), "\(indexes)")
        #expect(try store.edits() == [])
    }

    @Test("relabel sets the values, their provenance and a digest equal to a fresh import's under the new name")
    func relabel() throws {
        let (store, directory) = try Self.seeded()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcomes = try store.relabel([1], to: SnapshotRelabel(projectID: "P"), context: Self.context)
        guard case .relabelled(let edit) = outcomes.first else {
            Issue.record("expected a relabel, got \(outcomes)")
            return
        }
        #expect(edit.id == 1 && edit.snapshotID == 1 && edit.command == .relabel && edit.editedAt == "2027-01-15T08:00:00Z")
        #expect(edit.before.projectID == "" && edit.after?.projectID == "P")
        #expect(edit.after?.provenance.projectID == "relabel (edit 1)")
        #expect(edit.after?.provenance.category == edit.before.provenance.category)
        let listed = try #require(try store.snapshots().first { $0.id == 1 })
        #expect(listed.projectID == "P" && listed.relabelEdits == [1] && listed.provenance.projectID == "relabel (edit 1)")
        #expect(listed.digest == edit.after?.digest)

        // The same page imported under project P into a fresh store has the same digest.
        let fresh = try Store.inMemory()
        var options = ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000))
        options.capturedAt = Timestamp(rfc3339: "2026-11-28T00:00:00Z")
        options.projectID = "P"
        _ = try Importer(store: fresh, options: options).run([directory.appendingPathComponent("a/host/page.json").path])
        #expect(try fresh.snapshots().first?.digest == listed.digest)

        // Asking for the values it has changes nothing and logs nothing.
        #expect(try store.relabel([1], to: SnapshotRelabel(projectID: "P"), context: Self.context) == [.unchanged(snapshotID: 1)])
        #expect(try store.edits().count == 1)
    }

    @Test("relabel onto another snapshot's key, or of an unknown id, throws and leaves the store as it was")
    func refusals() throws {
        let (store, directory) = try Self.seeded()
        defer { try? FileManager.default.removeItem(at: directory) }
        let before = try dumpStore(store.path)
        do {
            _ = try store.relabel([2], to: SnapshotRelabel(category: .host), context: Self.context)
            Issue.record("relabel onto snapshot 1's key was accepted")
        } catch {
            #expect(
                error.message.contains(
                    "snapshot 2 cannot be relabelled to project unknown, host, 2026-11-28T00:00:00Z: snapshot 1 has that key"))
        }
        do {
            _ = try store.remove([2, 5], context: Self.context)
            Issue.record("removing an unknown id was accepted")
        } catch {
            #expect(error.message == "no snapshot 5 in this store (portreport snapshots lists them); nothing was changed")
        }
        #expect(try dumpStore(store.path) == before)
    }

    @Test("remove deletes rows, sources and blob, logs the snapshot as it was, and its id is never given out again")
    func remove() throws {
        let (store, directory) = try Self.seeded()
        defer { try? FileManager.default.removeItem(at: directory) }
        let edits = try store.remove([2], context: Self.context)
        #expect(edits.count == 1 && edits.first?.after == nil && edits.first?.before.category == "container" && edits.first?.records == 1)
        let counts = try store.read { db in
            [
                try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshot WHERE id = 2"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM source WHERE snapshot_id = 2"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM snapshot_records WHERE snapshot_id = 2")
            ]
        }
        #expect(counts == [0, 0, 0])
        // Snapshot 2 was the newest: a new import takes 3, not 2 again.
        var options = ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000))
        options.capturedAt = Timestamp(rfc3339: "2026-11-29T00:00:00Z")
        let report = try Importer(store: store, options: options).run([directory.appendingPathComponent("a/container/page.json").path])
        #expect(report.snapshots.map(\.id) == [3])
    }

    @Test("identity: the same file under another key is refused; with importAgain, or empty, it is stored")
    func identity() throws {
        let directory = try Fixtures.temporaryDirectory("identity")
        defer { try? FileManager.default.removeItem(at: directory) }
        let page = try Fixtures.write(Fixtures.body(total: 1, [(22, "TCP", 3, nil)]), to: "p/host/page.json", in: directory)
        let empty = try Fixtures.write("{\"total_num\": 0, \"data_list\": []}", to: "p/host/empty.json", in: directory)
        let store = try Store(path: directory.appendingPathComponent("store.sqlite").path)
        var options = ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000))
        options.capturedAt = Timestamp(rfc3339: "2026-11-28T00:00:00Z")
        options.projectID = "A"
        _ = try Importer(store: store, options: options).run([page, empty])
        options.projectID = "B"
        do {
            _ = try Importer(store: store, options: options).run([page])
            Issue.record("the same page under project B was stored")
        } catch let failure as ImportFailure {
            #expect(
                failure.errors.map(\.message) == [
                    "already imported as snapshot 1 (project A, host, 2026-11-28T00:00:00Z) from \(page); pass --import-again to store it again under another name on purpose"
                ])
        }
        #expect(try Importer(store: store, options: options).run([empty]).snapshots.map(\.outcome) == [.stored])
        options.importAgain = true
        #expect(try Importer(store: store, options: options).run([page]).snapshots.map(\.outcome) == [.merged])
    }
}
