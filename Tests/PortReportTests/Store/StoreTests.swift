import Foundation
import GRDB
import Testing

@testable import PortReport

@Suite struct StoreTests {
    @Test func aNewStoreHasTheCurrentSchemaInWALMode() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("s.sqlite").path
        let store = try Store(path: path)
        #expect(try store.storedSchemaVersion() == Store.schemaVersion)
        let mode = try DatabaseQueue(path: path).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let applicationID = try DatabaseQueue(path: path).read { try Int32.fetchOne($0, sql: "PRAGMA application_id") }
        #expect(applicationID == 0x5052_5054)
    }

    @Test func readingAnEmptyFileSaysTheStoreIsEmpty() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("empty.sqlite").path
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        do {
            _ = try Store(path: path, readOnly: true)
            Issue.record("an empty file was read as a store")
        } catch {
            #expect(error.message.contains("this store is empty"))
        }
    }

    @Test func aStoreOpenedForReadingRefusesWritesThoughItsFileIsWritable() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("s.sqlite").path
        try Store(path: path).close()
        #expect(Store.isWritablePortReportStore(path))
        let store = try Store(path: path, readOnly: true)
        do {
            try store.importSession(importedAt: Timestamp(secondsSinceEpoch: 0)) { _ in .commit }
            Issue.record("a store opened for reading took an import")
        } catch let error as StoreError {
            #expect(error.message.contains("opened for reading only"))
        }
        // Reads run with PRAGMA query_only, as on a read-only connection.
        #expect(throws: StoreError.self) {
            try store.read { db in try db.execute(sql: "CREATE TABLE t (x)") }
        }
        try store.close()
        #expect(try Store(path: path, readOnly: true).storedSchemaVersion() == Store.schemaVersion)
    }

    @Test func onlyAPortReportStoreIsOpenedForWritingToRead() throws {
        let directory = try Fixtures.temporaryDirectory()
        let foreign = directory.appendingPathComponent("other.sqlite").path
        let queue = try DatabaseQueue(path: foreign)
        try queue.write { db in try db.execute(sql: "CREATE TABLE notes (body TEXT)") }
        try queue.close()
        #expect(!Store.isWritablePortReportStore(foreign))
        let text = try Fixtures.write("SQLite format 3", to: "short.sqlite", in: directory)
        #expect(!Store.isWritablePortReportStore(text))
        #expect(!Store.isWritablePortReportStore(directory.appendingPathComponent("missing.sqlite").path))
        // A FIFO is not read (that would wait for a writer that never comes).
        let fifo = directory.appendingPathComponent("fifo.sqlite").path
        try #require(mkfifo(fifo, 0o600) == 0)
        #expect(!Store.isWritablePortReportStore(fifo))
    }

    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftAlone() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = try Fixtures.write(#"{"total_num": 0, "data_list": []}"#, to: "page.json", in: directory)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            _ = try Store(path: path)
            Issue.record("a JSON file was opened as a store")
        } catch {
            #expect(error.message.contains("not an SQLite database"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
