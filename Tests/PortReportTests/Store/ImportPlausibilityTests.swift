import Foundation
import Testing

@testable import PortReport

/// The plausibility check after an import takes the types and statuses of the snapshots the
/// import wrote from the import itself (`RecordKinds`) instead of reading their blobs back; it
/// must come to what reading the blobs comes to.
@Suite("Store: the import's plausibility check from what the import wrote")
struct ImportPlausibilityTests {
    /// Ports 1001…1000+count; every third UDP, the others TCP; the first 32 rated danger, then
    /// (unless `allDanger`) every fifth with no status and the others normal.
    private func records(count: Int, allDanger: Bool) -> [(port: Int, type: String, num: Int, status: String?)] {
        (1...count).map { index in
            let status: String? = allDanger || index <= 32 ? "danger" : index % 5 == 0 ? nil : "normal"
            return (port: 1000 + index, type: index % 3 == 0 ? "UDP" : "TCP", num: 2, status: status)
        }
    }

    @Test("one run stores a full export and a filtered one: the kinds are the records', and the suspect is the blobs' suspect")
    func sameAsTheBlobs() throws {
        let directory = try Fixtures.temporaryDirectory("plausibilityKinds")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Fixtures.write(
            Fixtures.body(total: 450, records(count: 450, allDanger: false)), to: "in/2026-11-28/host/page-1.json", in: directory)
        try Fixtures.write(
            Fixtures.body(total: 32, records(count: 32, allDanger: true)), to: "in/2026-12-01/host/page-1.json", in: directory)
        let store = try Store(path: directory.appendingPathComponent("store.sqlite").path)
        var options = ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000))
        options.projectID = "p"
        let report = try Importer(store: store, options: options).run([directory.appendingPathComponent("in").path])

        #expect(report.snapshots.map(\.id) == [1, 2])
        let full = try #require(report.snapshots.first?.kinds)
        let filtered = try #require(report.snapshots.last?.kinds)
        #expect(full.types == [.tcp, .udp])
        #expect(full.statuses == [.danger, .normal, nil])
        #expect(filtered.types == [.tcp, .udp])
        #expect(filtered.statuses == [.danger])

        let known = Dictionary(uniqueKeysWithValues: report.snapshots.compactMap { line in line.kinds.map { (line.id, $0) } })
        let fromImport = try store.suspectSnapshots([1, 2], known: known)
        // Snapshot 2: 450 → 32 ports falls by 418 > 32, and all 32 are danger.
        #expect(
            fromImport.map(\.reason) == [
                "possibly a filtered export: 32 ports, 450 before (snapshot 1, 2026-11-28T00:00:00Z); every record has status danger"
            ])
        #expect(fromImport.map(\.snapshotID) == [2])
        #expect(fromImport == (try store.suspectSnapshots([1, 2])))
        // Without what the import knew, every snapshot is read from its blob: the same.
        #expect(try store.suspectSnapshots([1, 2], known: [:]) == fromImport)
    }

    @Test("the kinds of no records are empty sets; of one record, its type and status")
    func kindsOfEntries() {
        #expect(RecordKinds([]).types.isEmpty && RecordKinds([]).statuses.isEmpty)
        let one = RecordKinds([RecordBlob.Entry(port: 22, type: .udp6, status: nil, sourceID: 1, num: 3)])
        #expect(one.types == [.udp6])
        #expect(one.statuses == [nil])
    }
}
