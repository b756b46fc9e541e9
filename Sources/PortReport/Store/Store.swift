import Foundation
import GRDB

/// The portreport store: one SQLite file that keeps every snapshot ever imported.
///
/// Only this layer talks to SQLite. The schema is created and upgraded by named, append-only
/// migrations; `schemaVersion` (also `PRAGMA user_version`) is what users see.
public final class Store: Sendable {
    public let path: String
    let database: DatabaseQueue
    /// Opened by a reading command: every write is refused (`refuseWritingIfOpenedForReading`).
    let openedForReading: Bool

    /// `PRAGMA application_id` of a portreport store ("PRPT"), so that a store can be told apart
    /// from other SQLite files when it is given to `import`.
    static let applicationID: Int32 = 0x5052_5054
    /// The first 16 bytes of every SQLite database file.
    static let sqliteMagic: [UInt8] = Array("SQLite format 3\u{0}".utf8)
    /// The newest schema this build knows.
    public static var schemaVersion: Int { migrations.count }

    /// Opens (creating when absent) the store at `path`.
    public init(path: String, readOnly: Bool = false, busyTimeoutSeconds: Double = 60) throws(StoreError) {
        self.path = path
        // SQLite says "disk I/O error" (or "unable to open") for a directory; say what it is.
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw StoreError(path: path, message: "is a directory; --store expects a file")
        }
        var configuration = Configuration()
        // A read-only connection cannot checkpoint the write-ahead log, so it leaves the -wal
        // and -shm files it makes beside the store. A reading command on a store it could write
        // therefore opens the file for writing, yet writes nothing: every read runs with
        // PRAGMA query_only (GRDB's `read`), and the store's two ways to write (`importSession`,
        // `edit`) refuse a store opened for reading. The last connection to close then
        // checkpoints and removes those files. Only for a file whose own header says it is a
        // portreport store: any other file is opened read-only.
        openedForReading = readOnly
        configuration.readonly = readOnly && !Store.isWritablePortReportStore(path)
        // A second process waits for the first instead of failing at once.
        configuration.busyMode = .timeout(busyTimeoutSeconds)
        configuration.label = "portreport store"
        do {
            let usual = try? DatabaseQueue(path: path, configuration: configuration)
            if let usual, !readOnly || (try? usual.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }) != nil {
                database = usual
            } else if readOnly, FileManager.default.fileExists(atPath: path), let immutable = Store.immutableURI(path) {
                // A WAL store on a read-only file system cannot be read the usual way (SQLite
                // cannot make its -shm file); nothing can change it there, so read it as
                // immutable instead.
                database = try DatabaseQueue(path: immutable, configuration: configuration)
            } else {
                database = try DatabaseQueue(path: path, configuration: configuration)
            }
        } catch {
            throw StoreError(path: path, message: "cannot open the store: \(Store.describe(error))")
        }
        do {
            let version = try database.read { db in try Store.checkIdentity(db, path: path) }
            if readOnly {
                guard version > 0 else {
                    throw StoreError(path: path, message: "this store is empty: import some exports first (portreport import PATH)")
                }
                if version < Store.schemaVersion {
                    // A store from an older portreport: upgrade it once (its migrations keep every
                    // snapshot), then read it as usual; one that cannot be written but needs no
                    // upgrade to be read is read as it is.
                    do {
                        _ = try Store(path: path, readOnly: false, busyTimeoutSeconds: busyTimeoutSeconds)
                    } catch {
                        // Readable as it is: its edit log is empty, and it stays unchanged.
                        guard version >= Store.oldestReadableSchemaVersion else {
                            throw StoreError(
                                path: path,
                                message:
                                    "this store has schema version \(version), from an older portreport, and cannot be upgraded here (\(error.message)): run portreport import on it where it can be written, or on a copy"
                            )
                        }
                    }
                }
            } else {
                // Only once the file is known to be ours (or new) is anything written to it.
                // Switching a new file to WAL takes an exclusive lock, for which SQLite may
                // answer BUSY at once (rather than wait) while another process creates the same
                // store: retry until the busy timeout, as every other write waits.
                let deadline = Date().addingTimeInterval(busyTimeoutSeconds)
                while true {
                    do {
                        try prepareForWriting(path: path)
                        break
                    } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                        Thread.sleep(forTimeInterval: 0.05)
                    }
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, message: "cannot open the store: \(Store.describe(error))")
        }
    }

    /// A new, empty store in memory, with the current schema: for tests, which then need no
    /// files. Its `path` is `:memory:`.
    static func inMemory() throws(StoreError) -> Store {
        do {
            return try Store(inMemory: ())
        } catch {
            throw StoreError(path: ":memory:", message: "cannot make a store in memory: \(Store.describe(error))")
        }
    }

    private init(inMemory: Void) throws {
        path = ":memory:"
        openedForReading = false
        var configuration = Configuration()
        configuration.label = "portreport store"
        database = try DatabaseQueue(configuration: configuration)
        try prepareForWriting(path: path)
    }

    /// WAL mode, then the identity check and the migrations in one IMMEDIATE transaction, so
    /// that processes creating the same new store at once take turns.
    private func prepareForWriting(path: String) throws {
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.inTransaction(.immediate) {
                let current = try Store.checkIdentity(db, path: path)
                for (index, migration) in Store.migrations.enumerated() where index >= current {
                    try migration.apply(db)
                }
                if current < Store.migrations.count {
                    try db.execute(sql: "PRAGMA application_id = \(Store.applicationID); PRAGMA user_version = \(Store.migrations.count)")
                }
                return .commit
            }
        }
    }

    /// Whether the file at `path` starts with an SQLite header that names a portreport store
    /// (`PRAGMA application_id` at byte 68) and both it and its directory may be written (for the
    /// -wal and -shm files). Reads 100 bytes; any doubt answers no.
    static func isWritablePortReportStore(_ path: String) -> Bool {
        // A regular file only: opening a FIFO to read its header would wait for a writer.
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        let directory = (path as NSString).deletingLastPathComponent
        guard access(path, W_OK) == 0, access(directory.isEmpty ? "." : directory, W_OK) == 0,
            let handle = FileHandle(forReadingAtPath: path)
        else { return false }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 100), header.count == 100 else { return false }
        let bytes = [UInt8](header)
        guard bytes.starts(with: Store.sqliteMagic) else { return false }
        let applicationID = bytes[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return applicationID == UInt32(bitPattern: Store.applicationID)
    }

    /// `file:PATH?immutable=1`, percent-encoding what a URI path may not hold.
    static func immutableURI(_ path: String) -> String? {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        guard let encoded = absolute.addingPercentEncoding(withAllowedCharacters: allowed) else { return nil }
        return "file:" + encoded + "?immutable=1"
    }

    /// Refuses files that are not portreport stores and stores from a newer portreport; returns
    /// the schema version (0 for a new, empty file).
    @discardableResult
    static func checkIdentity(_ db: Database, path: String) throws -> Int {
        let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
        let tableCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
        if tableCount > 0 && applicationID != Store.applicationID {
            throw StoreError(path: path, message: "this SQLite database is not a portreport store (choose another --store path)")
        }
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if version > Store.schemaVersion {
            throw StoreError(
                path: path,
                message:
                    "the store has schema version \(version), written by a newer portreport; this one (\(PortReportVersion.string)) knows up to version \(Store.schemaVersion): upgrade portreport"
            )
        }
        return version
    }

    /// Named, append-only migrations; the store's `PRAGMA user_version` is how many are applied.
    /// They run inside one IMMEDIATE transaction with the identity check, so that processes that
    /// create the same new store at once wait for each other instead of racing.
    static let migrations: [(name: String, apply: @Sendable (Database) throws -> Void)] = [
        (
            name: "v1: snapshots, sources, records",
            apply: { db in
                try db.execute(
                    sql: """
                        CREATE TABLE snapshot (
                            id INTEGER PRIMARY KEY,
                            project_id TEXT NOT NULL,               -- '' when unknown
                            enterprise_project_id TEXT NOT NULL,    -- '' when not given
                            category TEXT NOT NULL CHECK (category IN ('host', 'container')),
                            captured_at TEXT NOT NULL,              -- RFC 3339, UTC, whole seconds
                            filters TEXT NOT NULL,                  -- '' when unfiltered, else e.g. 'port=22&type=TCP'
                            record_count INTEGER NOT NULL,
                            total_num INTEGER,                      -- as the pages reported; NULL when the source has none
                            complete INTEGER NOT NULL CHECK (complete IN (0, 1)),
                            partial INTEGER NOT NULL CHECK (partial IN (0, 1)),
                            note TEXT NOT NULL,                     -- why it is incomplete, in words
                            digest TEXT NOT NULL,                   -- SHA-256 of the key and the normalised records
                            project_source TEXT NOT NULL,
                            enterprise_project_source TEXT NOT NULL,
                            category_source TEXT NOT NULL,
                            captured_at_source TEXT NOT NULL,
                            imported_at TEXT NOT NULL,
                            tool_version TEXT NOT NULL,
                            UNIQUE (project_id, enterprise_project_id, category, captured_at, filters)
                        );
                        CREATE INDEX snapshot_by_category_time ON snapshot (category, captured_at);
                        CREATE INDEX snapshot_by_digest ON snapshot (digest);
                        CREATE TABLE source (
                            id INTEGER PRIMARY KEY,
                            snapshot_id INTEGER NOT NULL REFERENCES snapshot (id) ON DELETE CASCADE,
                            path TEXT NOT NULL,
                            entry INTEGER NOT NULL,                 -- HAR entry index; -1 for a whole file
                            sha256 TEXT NOT NULL,                   -- of the file as on disk
                            size INTEGER NOT NULL,
                            total_num INTEGER,
                            records INTEGER NOT NULL,               -- records on this page
                            query TEXT NOT NULL,                    -- the --query for a foreign database; '' otherwise
                            UNIQUE (snapshot_id, sha256, entry, query)
                        );
                        CREATE TABLE record (
                            snapshot_id INTEGER NOT NULL,
                            port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),
                            -- Checks are written with OR, not IN (...): SQLite builds an ephemeral table for
                            -- an IN list on every row inserted, which tripled the cost of an import.
                            type TEXT NOT NULL CHECK (type = 'TCP' OR type = 'TCP6' OR type = 'UDP' OR type = 'UDP6'),
                            num INTEGER NOT NULL CHECK (num >= 0),
                            status TEXT CHECK (status = 'danger' OR status = 'normal' OR status = 'unknown'),
                            source_id INTEGER NOT NULL,             -- the page it came from
                            PRIMARY KEY (snapshot_id, port, type)
                        ) WITHOUT ROWID;
                        """)
            }
        ),
        (name: "v2: a snapshot's records as one blob", apply: { db in try RecordBlob.migrateRecordTable(db) }),
        (name: "v3: the edit log, and pages by SHA-256", apply: { db in try EditLog.migrate(db) }),
        (name: "v4: drill-down observations and assets", apply: { db in try DetailSchema.migrate(db) }),
        (name: "v5: the edit log names drill-down snapshots", apply: { db in try EditLog.migrateTarget(db) }),
        (name: "v6: snapshots with a num over the maximum, found once", apply: { db in try RecordBlob.migrateOverMaximum(db) })
    ]

    /// The oldest schema a read-only store can be read in without its upgrade: version 3 only
    /// adds the edit log (empty in an older store) and an index, version 4 the drill-down tables
    /// (no drill-down data in an older store) and version 5 a column of the edit log (every edit
    /// of an older store is of a statistics snapshot) and version 6 a table found from the blobs
    /// (which the reader then reads instead), so a version 2 to 5 store on a read-only medium
    /// stays readable as it is.
    static let oldestReadableSchemaVersion = 2

    /// Closes the connection now rather than when the store is released. The last connection to
    /// close checkpoints the write-ahead log into the file (a write and an fsync).
    public func close() throws(StoreError) {
        do {
            try database.close()
        } catch {
            throw StoreError(path: path, message: "cannot close the store: \(Store.describe(error))")
        }
    }

    /// Refuses a write to a store opened for reading (its connection may write, to tidy its
    /// write-ahead log on closing, but portreport never changes a store it was asked to read).
    func refuseWritingIfOpenedForReading() throws(StoreError) {
        if openedForReading {
            throw StoreError(path: path, message: "the store was opened for reading only; nothing was changed")
        }
    }

    /// The schema version of the store on disk.
    public func storedSchemaVersion() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try database.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path: path, message: Store.describe(error))
        }
    }

    /// What SQLite's `error` means, in words for the user. `foreign` is for a database given to
    /// `import` (not the store): another program, not portreport, holds its lock.
    static func describe(_ error: any Error, foreign: Bool = false) -> String {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                if foreign { return "the database is locked by another program (try again when it has finished with it)" }
                return "the store is busy: another portreport process is writing to it (try again when it has finished)"
            case .SQLITE_FULL:
                return "the disk is full"
            case .SQLITE_READONLY:
                return "the store is read-only (check the file's permissions)"
            case .SQLITE_NOTADB:
                return "this file is not an SQLite database"
            case .SQLITE_CORRUPT:
                return "the store is damaged (SQLite reports corruption): restore it from a backup"
            case .SQLITE_CANTOPEN:
                return "cannot open the file (does its directory exist, and may it be written?)"
            default:
                return error.message ?? "\(error)"
            }
        }
        return "\(error)"
    }
}
