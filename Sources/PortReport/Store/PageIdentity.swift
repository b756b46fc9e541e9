import GRDB

/// The identity rule of an import: a page (a file, a HAR entry, a query's rows, a merged store's
/// page) that the store already holds, from the same path, under another snapshot key is refused,
/// unless the run says `--import-again`. Importing the same files once with `--project X` and
/// again without it would otherwise store every record twice, under two projects, and double
/// every count.
///
/// A page is known as `source` rows know it: the SHA-256 of its file, its HAR entry (-1 for a
/// whole file), its query ('' unless read from another database with `--query`), and its path as
/// the command line named it. The path is part of it because equal bytes alone do not make the
/// same export: the daily exports of an estate that did not change are byte for byte alike, at
/// other paths, and host and container pages of a small estate can be too. Exempt:
/// - a page with no records (`{"total_num": 0, "data_list": []}` is the same for every project
///   with nothing open, and adds nothing that could be counted twice);
/// - pages written earlier in this run (one file may hold pages of several snapshots: a
///   query's rows grouped by category, several documents in one file);
/// - standard input, which has no path, unless the capture time is the same too (the same
///   body piped twice under two projects is refused; yesterday's identical body is not).
struct PageIdentity {
    private let db: Database
    /// The first `source.id` this run can write: rows from before the run have smaller ids.
    private let firstSourceIDOfRun: Int64
    /// Whether the store held any `source` row when the run began. Without one (a new store, a
    /// cold import) no page can have been imported before, and `check` has nothing to look up:
    /// the query below cost 60,000 instructions a page, 10 % of a cold import's writing thread.
    private let storeHadSources: Bool

    init(db: Database) throws {
        self.db = db
        let maxID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM source")
        firstSourceIDOfRun = (maxID ?? 0) + 1
        storeHadSources = maxID != nil
    }

    /// Throws the refusal when `page` (with `recordCount` records) is already stored, from the
    /// same path, under a snapshot other than `snapshotID`.
    func check(_ page: SnapshotPage, recordCount: Int, snapshotID: Int64) throws {
        guard recordCount > 0, storeHadSources else { return }
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT source.snapshot_id, source.path, source.entry, snapshot.project_id, snapshot.enterprise_project_id,
                            snapshot.category, snapshot.captured_at, snapshot.filters
                        FROM source JOIN snapshot ON snapshot.id = source.snapshot_id
                        WHERE source.sha256 = ? AND source.entry = ? AND source.query = ? AND (source.path = ? OR (? <> '' AND source.real_path = ?)) AND source.snapshot_id <> ?
                            AND source.id < ? AND (? = 0 OR snapshot.captured_at = ?)
                        ORDER BY source.snapshot_id, source.id LIMIT 1
                        """),
                arguments: [
                    page.sha256, page.entry, page.query, page.path, page.realPath, page.realPath, snapshotID, firstSourceIDOfRun,
                    page.path == "-" ? 1 : 0,
                    page.key.capturedAt.rfc3339
                ])
        else { return }
        throw Self.refusal(row, what: "snapshot \(row["snapshot_id"] as Int64)", path: page.path, entry: page.entry, query: page.query)
    }

    /// The refusal for a page found stored in `row` (its snapshot's key columns and its `path`
    /// and `entry`); `what` names that snapshot, `query` describes it when it is a drill-down one.
    static func refusal(_ row: Row, what: String, path: String, entry: Int, query: String, describing: String? = nil) -> InputError {
        let project: String = row["project_id"], enterprise: String = row["enterprise_project_id"]
        let category: String = row["category"], capturedAt: String = row["captured_at"], filters: String = row["filters"]
        var key = describing.map { [$0] } ?? []
        key.append(project.isEmpty ? "project unknown" : "project \(project)")
        if !enterprise.isEmpty { key.append("enterprise project \(enterprise)") }
        key += [category, capturedAt]
        if !filters.isEmpty { key.append("filters \(filters)") }
        let storedPath: String = row["path"], storedEntry: Int = row["entry"]
        let from = TerminalText.value(storedPath) + (storedEntry >= 0 ? " log.entries[\(storedEntry)]" : "")
        return InputError(
            file: path, place: entry >= 0 ? "log.entries[\(entry)]" : query.isEmpty ? nil : "--query",
            message:
                "already imported as \(what) (\(key.joined(separator: ", "))) from \(from); pass --import-again to store it again under another name on purpose"
        )
    }
}
