// Reading a store directly with GRDB, to check what a run left in it beyond what `snapshots`
// shows: every table, every row. Every test that looks into a database opens it through
// `StoreInspection.read`.

import Foundation
import GRDB
import PortReportTestSupport

/// What a store holds, read with SQL of the tests' own (GRDB, not the PortReport library).
enum StoreInspection {
    /// Runs `body` on the database at `path`, opened read-only, and closes it.
    static func read<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        try StoreDump.read(path, body)
    }

    /// Every row of every table, blobs in full, and user_version, as text (`StoreDump.text`).
    static func dump(_ path: String) throws -> String {
        try StoreDump.text(path)
    }

    /// Row counts of the tables portreport keeps data in (0 for a table that does not exist).
    static func counts(_ path: String) throws -> [String: Int] {
        try read(path) { db in
            var counts: [String: Int] = [:]
            for table in ["snapshot", "source", "record"] {
                counts[table] =
                    try (db.tableExists(table) || db.viewExists(table)) ? Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 : 0
            }
            return counts
        }
    }

    /// The (port, type) keys of one snapshot's records.
    static func recordKeys(_ path: String, snapshotID: Int) throws -> Set<RecordKey> {
        try read(path) { db in
            Set(
                try Row.fetchAll(db, sql: "SELECT port, type FROM record WHERE snapshot_id = ?", arguments: [snapshotID])
                    .map { RecordKey(port: $0["port"], type: $0["type"]) })
        }
    }
}

/// "Nothing was stored" for a store path after a failed run: either there is no store file, or
/// it holds no snapshot, source or record.
func storeHoldsNothing(_ path: String) throws -> Bool {
    guard FileManager.default.fileExists(atPath: path) else { return true }
    return try StoreInspection.counts(path).values.allSatisfy { $0 == 0 }
}
