import Foundation
import GRDB
import Testing

/// --store naming something that is not a portreport store: refused, and left alone.
@Suite("--store that is not a portreport store")
struct StorePathTests {
    /// An SQLite database of some other program (rollback journal, one table, one row).
    static func writeForeignDatabase(_ path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE notes (body TEXT NOT NULL); INSERT INTO notes VALUES ('keep me')")
        }
        try queue.close()
    }

    static func journalMode(_ path: String) throws -> String {
        try StoreInspection.read(path) { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    @Test("import into another program's SQLite database is refused and does not modify it")
    func importIntoForeignDatabase() async throws {
        try await withScratch("foreign") { scratch in
            let foreign = scratch.path("other-program.sqlite")
            try Self.writeForeignDatabase(foreign)
            let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
            try #require(try Self.journalMode(foreign) == "delete")

            let result = try await CLI.run(["import", "--store", foreign, "samples/exports/2026-11-24"])
            #expect(result.status == 1 && !result.signalled, "\(result)")
            #expect(result.err.contains("not a portreport store"), "\(result)")
            #expect(try StoreInspection.dump(foreign).contains("keep me"), "the foreign data is intact")
            #expect(try !StoreInspection.dump(foreign).contains("snapshot"), "no portreport table was added")

            let after = try Data(contentsOf: URL(fileURLWithPath: foreign))
            let mode = try Self.journalMode(foreign)
            #expect(mode == "delete", "journal mode of the refused database")
            #expect(after == before, "the refused database's bytes changed")
        }
    }

    @Test("snapshots on another program's SQLite database is refused and does not modify it")
    func listForeignDatabase() async throws {
        try await withScratch("foreign-list") { scratch in
            let foreign = scratch.path("other-program.sqlite")
            try Self.writeForeignDatabase(foreign)
            let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
            let result = try await CLI.run(["snapshots", "--store", foreign])
            #expect(result.status == 1, "\(result)")
            #expect(result.err.contains("not a portreport store"), "\(result)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
        }
    }

    @Test("a --store file that is not SQLite at all is refused and left as it was", arguments: ["import", "snapshots"])
    func notSQLite(_ command: String) async throws {
        try await withScratch("not-sqlite") { scratch in
            let text = try scratch.write("notes.sqlite", "these are not the droids\n")
            let arguments = command == "import" ? ["import", "--store", text, "samples/exports/2026-11-24"] : ["snapshots", "--store", text]
            let result = try await CLI.run(arguments)
            #expect(result.status == 1, "\(result)")
            #expect(result.err.contains("not an SQLite database"), "\(result)")
            #expect(try String(contentsOfFile: text, encoding: .utf8) == "these are not the droids\n")
        }
    }
}
