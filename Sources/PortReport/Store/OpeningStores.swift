import Foundation

extension Store {
    /// Opens an existing store for reading, with the message every reading command gives when
    /// there is none (opening would create an empty one).
    public static func openForReading(_ path: String) throws(StoreError) -> Store {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(
                path: path, message: "no store here: import some exports first (portreport import PATH), or name the store with --store")
        }
        return try Store(path: path, readOnly: true)
    }

    /// The files a store at `path` is made of: the database, SQLite's write-ahead log and its
    /// index beside it, and the rollback journal SQLite would use outside WAL mode.
    static func files(at path: String) -> [String] {
        ["", "-wal", "-shm", "-journal"].map { path + $0 }
    }
}
