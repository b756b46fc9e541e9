import GRDB

// SCAFFOLD (issue 13 contract): the store helper replaces this file's bodies with the real
// schema-4 writer and reader. Nothing here may land on main as it is.

extension ImportSession {
    /// Adds one drill-down page's records to the drill-down snapshot of `page.key`. Returns how
    /// many records were added; nil when this page (same SHA-256, entry, query) is already part of
    /// that snapshot. Throws `RecordRejection`-like errors for a record the store refuses (a
    /// conflict with a record already in the snapshot names the other page).
    func addDetail(_ page: DetailPage, records: [DetailRecord]) throws -> Int? {
        throw StoreError(path: "", message: "drill-down storage is not built yet (scaffold)")
    }
}

extension AnalysisReader {
    /// Every drill-down snapshot in `scope` (project, enterprise project, category, captured at or
    /// before `asOf`), oldest first, with its records.
    func detailSnapshots(in scope: AnalysisScope) throws -> [DetailSnapshot] {
        throw StoreError(path: "", message: "drill-down storage is not built yet (scaffold)")
    }
}
