import Foundation
import Testing

/// Reading a store writes nothing: no -wal or -shm file is left beside it (a store copied or
/// attached to a ticket is then the one file people see), and its bytes are the same afterwards.
@Suite("reading commands leave the store as they found it")
struct ReadingCommandsTests {
    static let commands: [[String]] = [
        ["snapshots"], ["snapshots", "--format", "json"], ["report", "--format", "json"], ["report", "--format", "markdown"],
        ["check"], ["edits"]
    ]

    @Test("after a reading command the directory holds only the store, byte for byte as before", arguments: commands)
    func readingLeavesNoTrace(_ command: [String]) async throws {
        try await withScratch("reading") { scratch in
            let seed = try await CLI.run(["import", "--quiet", "--store", scratch.store, "samples/exports/2026-11-24"])
            try #require(seed.status == 0, "\(seed)")
            try #require(reliabilityDirectoryNames(scratch.url.path) == ["store.sqlite"], "the import left files beside the store")
            let before = try Data(contentsOf: URL(fileURLWithPath: scratch.store))

            let result = try await CLI.run(command + ["--store", scratch.store])
            // check exits 3 when it has findings; either way it read the store.
            #expect(result.status == 0 || (command == ["check"] && result.status == 3), "\(result)")
            #expect(!result.stdout.isEmpty, "\(result)")
            #expect(reliabilityDirectoryNames(scratch.url.path) == ["store.sqlite"], "\(command) left files beside the store")
            #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.store)) == before, "\(command) changed the store's bytes")
        }
    }

    @Test("a reading command and an import at once: both succeed, and the import's snapshots are all there afterwards")
    func readingBesideAnImport() async throws {
        try await withScratch("reading-import") { scratch in
            let seed = try await CLI.run(["import", "--quiet", "--store", scratch.store, "samples/exports/2026-11-24"])
            try #require(seed.status == 0, "\(seed)")
            async let report = CLI.run(["report", "--format", "json", "--store", scratch.store])
            async let more = CLI.run(["import", "--quiet", "--store", scratch.store, "samples/exports/2026-11-25"])
            let (read, write) = try await (report, more)
            #expect(read.status == 0, "\(read)")
            #expect(write.status == 0, "\(write)")
            let listing = try await CLI.listing(store: scratch.store)
            let days = Set(listing.listing.snapshots.map { String($0.capturedAt.prefix(10)) })
            #expect(days == ["2026-11-24", "2026-11-25"], "\(days)")
            #expect(reliabilityDirectoryNames(scratch.url.path) == ["store.sqlite"])
        }
    }
}
