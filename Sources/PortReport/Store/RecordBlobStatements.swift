import GRDB
import GRDBSQLite

/// Reads and writes a snapshot's records blob through raw `sqlite3_*` calls on two prepared
/// statements: GRDB's arguments would copy each blob into a `Data` first, and raw binding is
/// about twice as fast as GRDB's; a blob read is decoded where SQLite holds it.
struct RecordBlobStatements {
    private let db: Database
    private let insert: Statement
    private let select: Statement

    init(_ db: Database) throws {
        self.db = db
        insert = try db.makeStatement(sql: "INSERT OR REPLACE INTO snapshot_records (snapshot_id, data) VALUES (?, ?)")
        select = try db.makeStatement(sql: "SELECT data FROM snapshot_records WHERE snapshot_id = ?")
    }

    /// The entries of the snapshot's blob; none when it has no blob.
    func entries(of snapshotID: Int64) throws -> [RecordBlob.Entry] {
        let handle = select.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, snapshotID)
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW {
            let count = Int(sqlite3_column_bytes(handle, 0))
            do {
                return try RecordBlob.View(UnsafeRawBufferPointer(start: sqlite3_column_blob(handle, 0), count: count)).entries()
            } catch {
                throw StoreDamage(message: "snapshot \(snapshotID) is damaged: \(error)")
            }
        } else if code != SQLITE_DONE {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        return []
    }

    /// Writes (or replaces) the snapshot's blob.
    func write(_ blob: [UInt8], for snapshotID: Int64) throws {
        let handle = insert.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, snapshotID)
        let code = blob.withUnsafeBytes { bytes in
            // A zero-length blob still needs a non-null pointer to be a blob rather than NULL.
            sqlite3_bind_blob(handle, 2, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(bytes.count), nil)
            return sqlite3_step(handle)
        }
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }
}
