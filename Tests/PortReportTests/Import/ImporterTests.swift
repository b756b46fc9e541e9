import Foundation
import GRDB
import Testing

@testable import PortReport

@Suite struct ImporterTests {
    let directory: URL
    let storePath: String
    let now = Timestamp(secondsSinceEpoch: 1_795_900_000)

    init() throws {
        directory = try Fixtures.temporaryDirectory("importer")
        storePath = directory.appendingPathComponent("store.sqlite").path
    }

    private func importing(_ paths: [String], configure: (inout ImportOptions) -> Void = { _ in }) throws -> ImportReport {
        var options = ImportOptions(now: now)
        configure(&options)
        return try Importer(store: try Store(path: storePath), options: options).run(paths)
    }

    private func snapshots() throws -> [SnapshotSummary] {
        try Store(path: storePath).snapshots()
    }

    /// Distinct (port, type) records and total_num of the pages in one sample directory, read with
    /// Foundation's JSONSerialization: an oracle independent of portreport's reader.
    private func oracle(_ directory: String) throws -> (records: Int, totalNum: Int) {
        var keys = Set<String>()
        var total = -1
        // Drill-down pages (ListPortHost, ListPorts) by the documented file-name convention are
        // not statistics.
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
            .filter { !$0.hasPrefix("port-hosts-") && !$0.hasPrefix("host-ports-") }
        for name in files {
            var data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            if name.hasSuffix(".gz") {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/bin/gzip")
                process.arguments = ["-dc", directory + "/" + name]
                let pipe = Pipe()
                process.standardOutput = pipe
                try process.run()
                data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
            }
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            total = (object?["total_num"] as? Int) ?? -1
            for record in (object?["data_list"] as? [[String: Any]]) ?? [] {
                keys.insert("\(record["port"] ?? "")/\((record["type"] as? String ?? "").uppercased())")
            }
        }
        return (keys.count, total)
    }

    // MARK: Samples

    @Test func importsEverySampleSnapshotWithTheRightCounts() throws {
        let report = try importing([Fixtures.sample("exports"), Fixtures.sample("capture.har"), Fixtures.sample("incomplete")])
        #expect(report.skipped.isEmpty)
        let listed = try snapshots()
        let days = try FileManager.default.contentsOfDirectory(atPath: Fixtures.sample("exports")).sorted()
        for day in days {
            for category in ["host", "container"] {
                let expected = try oracle(Fixtures.sample("exports/\(day)/\(category)"))
                let snapshot = try #require(
                    listed.first { $0.capturedAt.rfc3339 == "\(day)T00:00:00Z" && $0.category.rawValue == category })
                #expect(snapshot.records == expected.records, "\(day) \(category)")
                #expect(snapshot.totalNum == Int64(expected.totalNum))
                #expect(snapshot.complete)
                #expect(!snapshot.partial)
                #expect(snapshot.projectID == nil)
                #expect(snapshot.provenance.capturedAt.hasPrefix("path"))
            }
        }
        let incomplete = try #require(listed.first { $0.sources.first?.path.contains("incomplete") == true })
        let expectedIncomplete = try oracle(Fixtures.sample("incomplete/2026-11-29/host"))
        #expect(!incomplete.complete)
        #expect(incomplete.records == expectedIncomplete.records)
        #expect(incomplete.totalNum == Int64(expectedIncomplete.totalNum))
        #expect(incomplete.note?.contains("\(expectedIncomplete.records) of \(expectedIncomplete.totalNum) records") == true)
        let har = try #require(listed.first { $0.projectID == "0f6c2d1e9b5a4c3d8e7f6a5b4c3d2e1f" })
        #expect(har.category == .container)
        #expect(har.complete)
        #expect(har.sources.allSatisfy { $0.entry != nil })
        #expect(listed.count == days.count * 2 + 2)
    }

    @Test func reimportingTheSameContentChangesNothing() throws {
        let inputs = [Fixtures.sample("exports"), Fixtures.sample("capture.har")]
        _ = try importing(inputs)
        let before = try dumpStore(storePath)
        let again = try importing(inputs)
        #expect(again.records == 0)
        #expect(again.snapshots.allSatisfy { $0.outcome == .alreadyImported })
        #expect(try dumpStore(storePath) == before)
    }

    // MARK: Merging pages

    @Test func mergesPagesAndKeepsAnIdenticalDuplicateOnce() throws {
        let day = "2026-11-28/host"
        try Fixtures.write(
            Fixtures.body(total: 3, [(22, "TCP", 90, "normal"), (80, "TCP", 10, nil)]), to: "\(day)/page-1.json", in: directory)
        // The record for 80/TCP shifted onto the next page too, with the same values.
        try Fixtures.write(
            Fixtures.body(total: 3, [(80, "tcp", 10, nil), (443, "TCP", 40, "normal")]), to: "\(day)/page-2.json", in: directory)
        let report = try importing([directory.appendingPathComponent("2026-11-28").path])
        let snapshot = try #require(try snapshots().first)
        #expect(snapshot.records == 3)
        #expect(snapshot.complete)
        #expect(snapshot.sources.count == 2)
        #expect(report.records == 3)
    }

    @Test func aConflictingDuplicateNamesBothFilesAndStoresNothing() throws {
        _ = try importing([Fixtures.sample("exports/2026-11-24")])
        let before = try dumpStore(storePath)
        let first = try Fixtures.write(Fixtures.body(total: 2, [(22, "TCP", 90, nil)]), to: "2026-11-28/host/page-1.json", in: directory)
        let second = try Fixtures.write(
            Fixtures.body(total: 2, [(22, "TCP", 91, nil), (80, "TCP", 1, nil)]), to: "2026-11-28/host/page-2.json", in: directory)
        do {
            _ = try importing([first, second])
            Issue.record("a conflict was accepted")
        } catch let failure as ImportFailure {
            let message = failure.errors.map(\.description).joined()
            #expect(message.contains(first))
            #expect(message.contains(second))
            #expect(message.contains("num 91 here but num 90"))
            #expect(failure.errors.first?.place == "data_list[0]")
        }
        #expect(try dumpStore(storePath) == before)
    }

    @Test func pagesThatDisagreeOnTotalNumMakeAnIncompleteSnapshot() throws {
        try Fixtures.write(Fixtures.body(total: 2, [(22, "TCP", 9, nil)]), to: "2026-11-28/host/p1.json", in: directory)
        try Fixtures.write(Fixtures.body(total: 3, [(80, "TCP", 9, nil)]), to: "2026-11-28/host/p2.json", in: directory)
        _ = try importing([directory.path])
        let snapshot = try #require(try snapshots().first)
        #expect(!snapshot.complete)
        #expect(snapshot.note?.contains("disagree on total_num (2, 3)") == true)
    }

    @Test func aMissingPageImportedLaterCompletesTheSnapshot() throws {
        let p1 = try Fixtures.write(Fixtures.body(total: 2, [(22, "TCP", 9, nil)]), to: "2026-11-28/container/p1.json", in: directory)
        _ = try importing([p1])
        #expect(try snapshots().first?.complete == false)
        let p2 = try Fixtures.write(Fixtures.body(total: 2, [(80, "TCP", 3, nil)]), to: "2026-11-28/container/p2.json", in: directory)
        let report = try importing([p2])
        #expect(report.snapshots.first?.outcome == .merged)
        let snapshot = try #require(try snapshots().first)
        #expect(snapshot.complete)
        #expect(snapshot.records == 2)
        #expect(try snapshots().count == 1)
    }

    @Test func aFilteredExportIsPartial() throws {
        let path = try Fixtures.write(Fixtures.body(total: 1, [(22, "TCP", 9, nil)]), to: "2026-11-28/host/port22.json", in: directory)
        _ = try importing([path]) { $0.filters = [(name: "type", value: "TCP"), (name: "port", value: "22")] }
        let snapshot = try #require(try snapshots().first)
        #expect(snapshot.partial)
        #expect(snapshot.filters == "port=22&type=TCP")
    }

    // MARK: Metadata

    @Test func flagsWinOverThePathAndThePathOverDefaults() throws {
        let path = try Fixtures.write(Fixtures.body(total: 1, [(22, "TCP", 9, nil)]), to: "2026-11-28/container/p1.json", in: directory)
        _ = try importing([path]) {
            $0.category = .host
            $0.projectID = "proj-1"
        }
        let snapshot = try #require(try snapshots().first)
        #expect(snapshot.category == .host)
        #expect(snapshot.capturedAt.rfc3339 == "2026-11-28T00:00:00Z")
        #expect(snapshot.projectID == "proj-1")
        #expect(snapshot.provenance.category == "flag --category")
        #expect(snapshot.provenance.projectID == "flag --project")
        #expect(snapshot.provenance.capturedAt.contains("2026-11-28"))
    }

    @Test func withNothingToGoOnTheModificationTimeIsUsedWithAWarning() throws {
        let path = try Fixtures.write(Fixtures.body(total: 1, [(22, "TCP", 9, nil)]), to: "export/p1.json", in: directory)
        let mtime = Date(timeIntervalSince1970: 1_795_831_200)
        try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: path)
        let report = try importing([path])
        let snapshot = try #require(try snapshots().first)
        #expect(snapshot.capturedAt.rfc3339 == "2026-11-28T02:00:00Z")
        #expect(snapshot.category == .host)
        #expect(snapshot.provenance.category.contains("default"))
        #expect(report.warnings.contains { $0.contains("modification time") })
    }

    @Test func anAmbiguousPathAsksForTheCategory() throws {
        let path = try Fixtures.write(Fixtures.body(total: 0, []), to: "2026-11-28/host-and-container.json", in: directory)
        #expect(throws: ImportFailure.self) { try importing([path]) }
        _ = try importing([path]) { $0.category = .container }
        #expect(try snapshots().first?.category == .container)
    }

    // MARK: Bad input

    @Test func anErrorBodyIsReportedAsWhatItIs() throws {
        do {
            _ = try importing([Fixtures.sample("errors")])
            Issue.record("an error body was imported")
        } catch let failure as ImportFailure {
            #expect(
                failure.errors.map(\.description) == [
                    "\(Fixtures.sample("errors/2026-11-29/host/page-0001.json")) is an HSS error response (HSS.0001: Invalid parameter), not port statistics: export it again"
                ])
        }
    }

    @Test func errorsNameTheFileTheLineAndThePath() throws {
        let path = try Fixtures.write(
            "{\n\"total_num\": 1,\n\"data_list\": [\n{\"port\": \"22\", \"type\": \"TCP\", \"num\": 1}\n]}\n",
            to: "2026-11-28/host/bad.json", in: directory)
        do {
            _ = try importing([path])
            Issue.record("accepted")
        } catch let failure as ImportFailure {
            #expect(
                failure.errors.map(\.description) == ["\(path):4: data_list[0].port: expected an integer 0–65535, found the string \"22\""])
        }
    }

    @Test func oneBadInputStoresNothingUnlessSkipInvalid() throws {
        _ = try importing([Fixtures.sample("exports/2026-11-24")])
        let before = try dumpStore(storePath)
        let good = Fixtures.sample("exports/2026-11-25")
        let bad = try Fixtures.write("{\"total_num\": 1, \"data_list\": [", to: "2026-11-28/host/truncated.json", in: directory)
        #expect(throws: ImportFailure.self) { try importing([good, bad]) }
        #expect(try dumpStore(storePath) == before)

        let report = try importing([good, bad]) { $0.skipInvalid = true }
        #expect(report.skipped.map(\.file) == [bad])
        #expect(try snapshots().count == 4)
    }

    @Test func aMissingPathIsAnError() throws {
        do {
            _ = try importing([directory.appendingPathComponent("nope").path])
            Issue.record("accepted")
        } catch let failure as ImportFailure {
            #expect(failure.errors.first?.message == "no such file or directory")
        }
    }

    // MARK: SQLite inputs

    private func makeForeignDatabase() throws -> String {
        let path = directory.appendingPathComponent("inventory.db").path
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE open_ports (day TEXT, kind TEXT, port INTEGER, proto TEXT, hosts INTEGER, verdict TEXT);
                    INSERT INTO open_ports VALUES ('2026-11-27', 'host', 22, 'tcp', 100, 'normal');
                    INSERT INTO open_ports VALUES ('2026-11-27', 'host', 23, 'TCP', 2, 'danger');
                    INSERT INTO open_ports VALUES ('2026-11-28', 'host', 22, 'TCP', 101, NULL);
                    INSERT INTO open_ports VALUES ('2026-11-28', 'container', 8080, 'TCP6', 40, 'unknow');
                    """)
        }
        return path
    }

    @Test func readsAForeignDatabaseWithAQueryAndLeavesItUntouched() throws {
        let path = try makeForeignDatabase()
        let digestBefore = SHA256Hasher.hex(of: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
        let query = "SELECT port, proto AS type, hosts AS num, verdict AS status, kind AS category, day AS captured_at FROM open_ports"
        _ = try importing([path]) { $0.query = query }
        let listed = try snapshots()
        #expect(
            listed.map { "\($0.capturedAt.dateString) \($0.category.rawValue) \($0.records)" } == [
                "2026-11-27 host 2", "2026-11-28 container 1", "2026-11-28 host 1"
            ])
        #expect(listed.allSatisfy { $0.sources.first?.query == query })
        #expect(SHA256Hasher.hex(of: [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))) == digestBefore)
        // The same query again is a no-op.
        let again = try importing([path]) { $0.query = query }
        #expect(again.records == 0)
    }

    @Test func aForeignDatabaseNeedsAQueryWithTheRightColumns() throws {
        let path = try makeForeignDatabase()
        do {
            _ = try importing([path])
            Issue.record("accepted without --query")
        } catch let failure as ImportFailure {
            #expect(failure.errors.first?.message.contains("pass --query") == true)
        }
        do {
            _ = try importing([path]) { $0.query = "SELECT port, proto AS type FROM open_ports" }
            Issue.record("accepted without num")
        } catch let failure as ImportFailure {
            #expect(failure.errors.first?.message.contains("no 'num'") == true)
        }
        do {
            _ = try importing([path]) { $0.query = "SELECT port, proto AS type, verdict AS num, day AS captured_at FROM open_ports" }
            Issue.record("accepted a text num")
        } catch let failure as ImportFailure {
            #expect(failure.errors.first?.place == "query row 1, column num")
        }
        do {
            _ = try importing([path]) { $0.query = "DELETE FROM open_ports" }
            Issue.record("accepted a DELETE")
        } catch let failure as ImportFailure {
            #expect(failure.errors.first != nil)
        }
        #expect(try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM open_ports") } == 4)
    }

    @Test func mergesAnotherStoreSnapshotBySnapshot() throws {
        let otherPath = directory.appendingPathComponent("other.sqlite").path
        var options = ImportOptions(now: now)
        options.projectID = "p-9"
        _ = try Importer(store: try Store(path: otherPath), options: options).run([
            Fixtures.sample("exports/2026-11-24"), Fixtures.sample("capture.har")
        ])
        let theirs = try Store(path: otherPath).snapshots()

        _ = try importing([Fixtures.sample("exports/2026-11-25")])
        let report = try importing([otherPath])
        #expect(report.snapshots.filter { $0.outcome == .stored }.count == theirs.count)
        let ours = try snapshots()
        for snapshot in theirs {
            let copy = try #require(ours.first { $0.digest == snapshot.digest })
            #expect(copy.records == snapshot.records)
            #expect(copy.capturedAt == snapshot.capturedAt)
            #expect(copy.projectID == snapshot.projectID)
            #expect(copy.sources.map(\.sha256) == snapshot.sources.map(\.sha256))
        }
        let before = try dumpStore(storePath)
        let again = try importing([otherPath])
        #expect(again.records == 0)
        #expect(try dumpStore(storePath) == before)
    }

    @Test func refusesAStoreFromANewerPortreport() throws {
        _ = try importing([Fixtures.sample("exports/2026-11-24")])
        try DatabaseQueue(path: storePath).writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = 99") }
        #expect(throws: StoreError.self) { try Store(path: storePath) }
        let target = directory.appendingPathComponent("target.sqlite").path
        do {
            _ = try Importer(store: try Store(path: target), options: ImportOptions(now: now)).run([storePath])
            Issue.record("merged a newer store")
        } catch let failure as ImportFailure {
            #expect(failure.errors.first?.message.contains("newer portreport") == true)
        }
    }

    @Test func refusesToUseAnotherDatabaseAsTheStore() throws {
        let path = try makeForeignDatabase()
        do {
            _ = try Store(path: path)
            Issue.record("opened a foreign database as the store")
        } catch {
            #expect(error.message.contains("not a portreport store"))
        }
    }
}
