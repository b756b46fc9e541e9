/// One page (a file, a HAR entry, a query result, another store's snapshot) to add to a snapshot.
struct SnapshotPage {
    let key: SnapshotKey
    let provenance: MetadataProvenance
    /// Path as shown to the user.
    let path: String
    /// HAR entry index; -1 for a whole file.
    let entry: Int
    let sha256: String
    let size: Int
    let totalNum: Int64?
    /// The query that read a foreign database; empty otherwise.
    var query: String = ""
    /// The file's canonical path (links and `.`/`..` resolved, absolute), so that the identity
    /// check knows a file however it was named; empty for standard input and merged stores.
    var realPath: String = ""
}

/// Why the store refused one record of a page: which record, and what is wrong with it.
///
/// The importer turns it into an `InputError` that names the record's place in its file.
struct RecordRejection: Error, Sendable {
    /// Where the store has already seen a record.
    struct Location: Sendable, Equatable {
        let path: String
        /// HAR entry index; -1 for a whole file.
        let entry: Int
    }

    enum Reason: Sendable, Equatable {
        /// A value the store's layout cannot hold, in words (`port 70000 is outside 0–65535`).
        case unstorable(String)
        /// The snapshot already has this port and type with other values: `other` is the page
        /// it came from, nil when it is the same page.
        case conflict(
            port: Int, type: PortType, num: Int64, status: VendorStatus?,
            otherNum: Int64, otherStatus: VendorStatus?, other: Location?)
    }

    /// The record's position in the array given to `add`.
    let index: Int
    let reason: Reason
}
