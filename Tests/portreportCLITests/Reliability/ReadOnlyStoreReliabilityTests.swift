// Issue 6: a read-only store, beyond the corpus (which covers `import` into one). The tests run as
// root here, and root ignores file modes: chmod 0444 on the store and 0555 on its directory do
// not stop root from writing. So the modes are tested for what they do, in two tests of which
// one is skipped (refused for other users; for root, a consistent store either way), and
// "read-only" is made real for root with a read-only bind mount (and with chattr +i in the
// corpus), skipped where this process may not mount.
//
// Measured here: the suite takes ≈ 0.2 s.

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Reliability: read-only stores")
struct ReadOnlyStoreReliabilityTests {
    /// BUG (or at least a limitation the README does not state): reading commands open the store
    /// read-only, yet a WAL-mode store on a read-only file system cannot be opened without its
    /// -shm file: `snapshots` and `report` fail with "cannot open the file (does its directory
    /// exist, and may it be written?)". Repro: mount --bind d ro && mount -o remount,bind,ro ro;
    /// portreport snapshots --store ro/store.sqlite → exit 1.
    @Test(
        "a store on a read-only file system can still be listed and reported on", .requires(.readOnlyBindMount),
        arguments: ["snapshots", "report"])
    func readCommandsOnReadOnlyMount(command: String) async throws {
        try await withScratch("ro-read") { scratch in
            try await ReliabilityCLI.seed(scratch.store)
            let source = scratch.path("rw"), target = scratch.path("ro")
            try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: scratch.store, toPath: source + "/store.sqlite")
            let expected = try await CLI.run(
                command == "snapshots"
                    ? ["snapshots", "--store", source + "/store.sqlite", "--format", "json"]
                    : ["report", "--store", source + "/store.sqlite", "--format", "json"], timeout: ReliabilitySettings.timeout)
            try #require(expected.status == 0, "\(expected)")
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: source + "/store.sqlite" + suffix) }
            if let reason = try await ReliabilityMounts.readOnlyBind(source, at: target) {
                try endAsSkipped("read-only bind mount: \(reason)")
            }
            do {
                let store = target + "/store.sqlite"
                let arguments =
                    command == "snapshots"
                    ? ["snapshots", "--store", store, "--format", "json"] : ["report", "--store", store, "--format", "json"]
                let result = try await CLI.run(arguments, timeout: ReliabilitySettings.timeout)
                #expect(!result.signalled, "\(result)")
                if result.status != 0 {
                    ReliabilityMessages.expectCleanFailure(result, file: store, allowedOtherLines: [])
                }
                #expect(result.status == 0, "\(result)")
                if result.status == 0, command == "report" {
                    #expect(result.stdout == expected.stdout, "the report differs from the same store's report on a writable disk")
                }
                #expect(reliabilityDirectoryNames(source) == ["store.sqlite"])
            } catch {
                await ReliabilityMounts.unmount(target)
                throw error
            }
            await ReliabilityMounts.unmount(target)
        }
    }

    /// A store made read-only by its file modes (0444, its directory 0555), seeded and ready; the
    /// dump of its content before anything was tried.
    static func readOnlyByModes(in scratch: Scratch) async throws -> (store: String, dump: String) {
        let directory = scratch.path("vault")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = directory + "/store.sqlite"
        try await ReliabilityCLI.seed(store)
        let dump = try StoreInspection.dump(store)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: store)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: directory)
        return (store, dump)
    }

    /// Gives the store of `readOnlyByModes` its modes back, so that the scratch directory can go.
    static func restoreModes(_ store: String) {
        try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: (store as NSString).deletingLastPathComponent)
        try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: store)
    }

    @Test(
        "a store made read-only by file modes (0444, directory 0555): import refused cleanly, the store unchanged",
        .enabled(if: geteuid() != 0, "root ignores file modes (DAC override): run the tests as another user to check this"))
    func readOnlyModes() async throws {
        try await withScratch("ro-modes") { scratch in
            let (store, dumpBefore) = try await Self.readOnlyByModes(in: scratch)
            defer { Self.restoreModes(store) }
            let result = try await CLI.run(
                ["import", "--store", store, "samples/exports/2026-11-25"],
                environment: ReliabilitySettings.epoch, timeout: ReliabilitySettings.timeout)
            #expect(!result.signalled && result.seconds < ReliabilitySettings.timeout, "\(result)")
            ReliabilityMessages.expectCleanFailure(result, file: store, mentions: [])
            // Reading is allowed.
            let listing = try await CLI.run(["snapshots", "--store", store], timeout: ReliabilitySettings.timeout)
            #expect(listing.status == 0, "\(listing)")
            // Our own look inside needs the modes back: SQLite opens a WAL store only with a -shm
            // file, which it cannot make in a directory this user may not write.
            Self.restoreModes(store)
            #expect(try StoreInspection.dump(store) == dumpBefore, "the read-only store changed")
            #expect(try ReliabilityStoreHealth.read(store).problems.isEmpty)
        }
    }

    @Test(
        "a store made read-only by file modes, as root (which writes anyway): the import succeeds or fails cleanly, the store stays consistent",
        .enabled(if: geteuid() == 0, "only root ignores file modes"))
    func readOnlyModesAsRoot() async throws {
        try await withScratch("ro-modes-root") { scratch in
            let (store, dumpBefore) = try await Self.readOnlyByModes(in: scratch)
            defer { Self.restoreModes(store) }
            let result = try await CLI.run(
                ["import", "--store", store, "samples/exports/2026-11-25"],
                environment: ReliabilitySettings.epoch, timeout: ReliabilitySettings.timeout)
            #expect(!result.signalled && result.seconds < ReliabilitySettings.timeout, "\(result)")
            #expect(result.status == 0 || result.status == 1, "\(result)")
            if result.status == 1 {
                ReliabilityMessages.expectCleanFailure(result, file: store)
                #expect(try StoreInspection.dump(store) == dumpBefore)
            }
            #expect(try ReliabilityStoreHealth.read(store).problems.isEmpty)
            let listing = try await CLI.run(["snapshots", "--store", store], timeout: ReliabilitySettings.timeout)
            #expect(listing.status == 0, "\(listing)")
        }
    }
}
