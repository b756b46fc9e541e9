import Foundation
import GRDB
import Testing

@testable import PortReport

/// The limits of one `--query`: a time limit through SQLite's progress handler, and a row limit.
/// The CLI suite (InputLimitReliabilityTests) runs the row limit at its real size; the time
/// limit is tried here with a small one passed in, so that the test takes a second.
@Suite("Store: --query limits")
struct ForeignDatabaseLimitTests {
    private func makeDatabase(_ name: String = #function) throws -> String {
        let path = try Fixtures.temporaryDirectory(name).appendingPathComponent("other.sqlite").path
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "CREATE TABLE ports (port, type, num); INSERT INTO ports VALUES (22, 'TCP', 3)")
        }
        return path
    }

    @Test("a query that runs past the time limit is stopped, even while it gives no rows")
    func timeLimit() throws {
        let path = try makeDatabase()
        let database = try ForeignDatabase(path: path)
        let endless = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"
        let start = ContinuousClock.now
        do {
            try database.query(endless, limits: .init(maximumRows: 10, maximumSeconds: 1), columns: { _ in }, row: { _ in })
            Issue.record("the endless query ended")
        } catch let error as InputError {
            #expect(
                error.description
                    == "\(path): --query: the query ran for more than 1 seconds, the limit for one import: it may never end (a recursive WITH without a bound?)"
            )
        }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed < .seconds(10), "took \(elapsed)")
        // The database is usable afterwards: the handler is gone.
        var rows = 0
        try database.query("SELECT port, type, num FROM ports", columns: { _ in }, row: { _ in rows += 1 })
        #expect(rows == 1)
    }

    @Test("rows past the row limit are an error; up to it they are all given")
    func rowLimit() throws {
        let path = try makeDatabase()
        let database = try ForeignDatabase(path: path)
        let query = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r LIMIT 6) SELECT n FROM r"
        var given = 0
        try database.query(query, limits: .init(maximumRows: 6, maximumSeconds: 60), columns: { _ in }, row: { _ in given += 1 })
        #expect(given == 6)
        given = 0
        do {
            try database.query(query, limits: .init(maximumRows: 5, maximumSeconds: 60), columns: { _ in }, row: { _ in given += 1 })
            Issue.record("six rows passed a limit of five")
        } catch let error as InputError {
            #expect(
                error.description
                    == "\(path): --query: the query returned more than 5 rows, the limit for one import: narrow it with WHERE or LIMIT, or import it in parts"
            )
        }
        #expect(given == 5)
    }

    @Test("the standard limits are the documented ones")
    func standard() {
        #expect(ForeignDatabase.QueryLimits.standard.maximumRows == 1_000_000)
        #expect(ForeignDatabase.QueryLimits.standard.maximumSeconds == 60)
    }
}
