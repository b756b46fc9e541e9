import GRDB

/// One import run's hold on the store: one IMMEDIATE transaction, a savepoint per input, and
/// the `SnapshotWriter` that adds pages inside them.
///
/// Made only by `Store.importSession(importedAt:_:)`, and valid only inside its body.
final class ImportSession {
    /// What the body of an import session decides: keep what it wrote, or none of it.
    enum Verdict {
        case commit
        case rollBack
    }

    private let db: Database
    private let writer: SnapshotWriter
    /// Drill-down pages (ListPortHost, ListPorts); see `DetailWriter`.
    let details: DetailWriter

    fileprivate init(db: Database, importedAt: Timestamp, importAgain: Bool) throws {
        self.db = db
        writer = try SnapshotWriter(db: db, importedAt: importedAt, importAgain: importAgain)
        details = try DetailWriter(db: db, importedAt: importedAt, importAgain: importAgain)
    }

    /// Runs `body` for one input inside a savepoint: when it throws, everything the input wrote
    /// is undone (in the file and in the writer's memory) and the error passes on.
    func input<T>(_ body: () throws -> T) throws -> T {
        // Held records are written out before the savepoint, so that no input's savepoint
        // covers them.
        try writer.beginInput()
        // What `db.inSavepoint` does, with cached statements: it prepares its SAVEPOINT
        // statements anew each time, which showed in profiles of a year's import (one savepoint
        // per file).
        try db.cachedStatement(sql: "SAVEPOINT input").execute()
        let result: T
        do {
            result = try body()
        } catch {
            writer.rollBackInput()
            try db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT input").execute()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT input").execute()
            throw error
        }
        try db.cachedStatement(sql: "RELEASE SAVEPOINT input").execute()
        return result
    }

    /// Adds a page's records; see `SnapshotWriter.add(_:records:)`. Throws `RecordRejection`
    /// for a record the store refuses.
    func add(_ page: SnapshotPage, records: [PortRecord]) throws -> Int? {
        try writer.add(page, records: records)
    }

    /// Whether this exact file (or HAR entry, or query) is already part of the snapshot `key`.
    func hasSource(key: SnapshotKey, sha256: String, entry: Int) throws -> Bool {
        try writer.hasSource(key: key, sha256: sha256, entry: entry)
    }

    /// Records that a page of the existing snapshot `key` was seen again, unchanged.
    func noteUnchanged(_ key: SnapshotKey) throws {
        try writer.noteUnchanged(key)
    }

    /// How many snapshots the session has touched so far.
    var touchedCount: Int { writer.touchedCount }

    /// Settles every snapshot this session touched and says what became of each, one at a time.
    func finish(_ each: (SnapshotWriter.Outcome) throws -> Void) throws {
        try writer.finish(each)
    }
}

extension Store {
    /// Runs one import: `body` adds pages through the session, inside one IMMEDIATE transaction
    /// that is committed or rolled back as the body says (and rolled back when it throws).
    ///
    /// A failure of the store itself comes out as a `StoreError` that says nothing was stored;
    /// the body's own errors pass through unchanged. With `importAgain`, a page the store holds
    /// under another snapshot key is stored again under its new one (see `PageIdentity`).
    func importSession(
        importedAt: Timestamp, importAgain: Bool = false, _ body: (ImportSession) throws -> ImportSession.Verdict
    ) throws {
        try refuseWritingIfOpenedForReading()
        do {
            try database.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    switch try body(ImportSession(db: db, importedAt: importedAt, importAgain: importAgain)) {
                    case .commit: return .commit
                    case .rollBack: return .rollback
                    }
                }
            }
        } catch let error as DatabaseError {
            throw StoreError(path: path, message: Store.describe(error) + " (nothing from this run was stored)")
        } catch let error as StoreDamage {
            throw StoreError(path: path, message: Store.describe(error) + " (nothing from this run was stored)")
        }
    }
}
