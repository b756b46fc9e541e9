// Issue 6, part 2: crash safety. A large import is killed with SIGKILL at a random moment
// (seeded, uniform over the measured duration of an uninterrupted import); after each kill the
// store must pass PRAGMA integrity_check, every snapshot in it must be complete with exactly
// `record_count` rows in `record` and consistent sources, the killed run must have stored all of
// its snapshots or none (one run, one transaction), and running the import again must complete
// and give the same `snapshots --format json` as the uninterrupted import, byte for byte
// (SOURCE_DATE_EPOCH fixes `imported_at`).
//
// Default (CI): 3 kills of an import of 10 days × (2,000 host + 2,000 container records)
//   = 40,014 records in 209 files. Measured here (2 cores, debug build): generating ≈ 0.35 s,
//   an uninterrupted import ≈ 0.35 s, the test ≈ 2.2 s alone (≈ 10 s beside the other suites).
// Long (PORTREPORT_LONG_TESTS=1): 50 kills of an import of 30 days × 4,000 records = 120,010
//   records in 628 files (`generate_exports.py --days 30 --host-records 2000
//   --container-records 2000`). Measured here: an uninterrupted import ≈ 1.0 s, the test ≈ 76 s
//   alone; seed 20261128: 49 of the 50 kills landed mid-run (48 left nothing of the run, 1 came
//   after the commit and left all of it, 1 came after the exit), all 50 stores passed.
// PORTREPORT_CRASH_SEED=N replays another kill schedule; PORTREPORT_CRASH_KILLS=N sets the count.
//
//   PORTREPORT_LONG_TESTS=1 swift test --filter CrashSafetyReliability

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Reliability: crash safety (SIGKILL during import)", .serialized)
struct CrashSafetyReliabilityTests {
    static var kills: Int {
        if let text = ProcessInfo.processInfo.environment["PORTREPORT_CRASH_KILLS"], let count = Int(text), count > 0 { return count }
        return ReliabilitySettings.long ? 50 : 3
    }

    static var seed: UInt64 {
        if let text = ProcessInfo.processInfo.environment["PORTREPORT_CRASH_SEED"], let seed = UInt64(text) { return seed }
        return 20_261_128
    }

    static var days: Int { ReliabilitySettings.long ? 30 : 10 }

    @Test("SIGKILL at random moments of a large import: store intact, all-or-nothing, a re-run completes it")
    func killDuringImport() async throws {
        try await withScratch("crash") { scratch in
            let clock = ContinuousClock()
            let testStart = clock.now
            let workload = scratch.path("workload")
            try await ReliabilityWorkload.generate(into: workload, days: Self.days)
            let generated = clock.now - testStart

            // The seed: one sample export, in a store that every iteration starts from.
            let seedStore = scratch.path("seed.sqlite")
            try await ReliabilityCLI.seed(seedStore)
            let seedHealth = try ReliabilityStoreHealth.read(seedStore)
            try #require(seedHealth.problems.isEmpty && seedHealth.snapshots.count == 2, "\(seedHealth)")
            let seedCopy = scratch.path("seed-pristine.sqlite")
            try FileManager.default.copyItem(atPath: seedStore, toPath: seedCopy)

            let arguments = { (store: String) in ["import", "--quiet", "--store", store, workload] }

            // The uninterrupted import: its duration is the window the kills are spread over.
            let referenceStore = scratch.path("reference.sqlite")
            try FileManager.default.copyItem(atPath: seedCopy, toPath: referenceStore)
            let reference = try await CLI.run(
                arguments(referenceStore), environment: ReliabilitySettings.epoch, timeout: ReliabilitySettings.timeout)
            try #require(reference.status == 0 && !reference.signalled, "\(reference)")
            let referenceHealth = try ReliabilityStoreHealth.read(referenceStore)
            try #require(referenceHealth.problems.isEmpty, "\(referenceHealth.problems)")
            let referenceNew = referenceHealth.snapshots.filter { row in !seedHealth.snapshots.contains { $0.id == row.id } }
            try #require(referenceNew.count == 2 * Self.days, "\(referenceHealth)")
            let (referenceListing, _) = try await CLI.listing(store: referenceStore)
            let records = referenceNew.reduce(0) { $0 + $1.recordCount }

            // The window kills are spread over: the duration of the latest full import, first the
            // uninterrupted one, then each re-run that had to import everything again (so that the
            // window follows the machine's load when other suites run beside this one).
            var window = reference.seconds
            var rng = ReliabilityRNG(seed: Self.seed)
            var landed = 0, finishedFirst = 0, emptyAfterKill = 0, fullAfterKill = 0
            var longestRerun = 0.0
            for iteration in 1...Self.kills {
                let store = scratch.path("killed.sqlite")
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
                try FileManager.default.copyItem(atPath: seedCopy, toPath: store)
                let delay = Double.random(in: 0..<1, using: &rng) * window
                let context =
                    "kill \(iteration) of \(Self.kills), seed \(Self.seed), \(String(format: "%.3f", delay)) s into a \(String(format: "%.3f", window)) s import"

                let launch = try CLI.launch(
                    arguments(store), environment: ReliabilitySettings.epoch, stderrURL: scratch.url.appendingPathComponent("killed.stderr")
                )
                let remaining = delay - (ContinuousClock.now - launch.startedAt).seconds
                if remaining > 0 { try await Task.sleep(for: .seconds(remaining)) }
                launch.kill()
                let outcome = await launch.wait()
                if outcome.signalled {
                    #expect(outcome.status == SIGKILL, "\(context): ended by signal \(outcome.status), not our SIGKILL:\n\(launch.stderr)")
                    landed += 1
                } else {
                    #expect(outcome.status == 0, "\(context): the import finished before the kill, but failed:\n\(launch.stderr)")
                    finishedFirst += 1
                }

                // The store as the kill left it.
                let health = try ReliabilityStoreHealth.read(store)
                #expect(health.problems.isEmpty, "\(context): \(health.problems)\n\(health)")
                let seedRows = health.snapshots.filter { row in seedHealth.snapshots.contains { $0.id == row.id } }
                #expect(seedRows == seedHealth.snapshots, "\(context): the snapshots that were there before changed:\n\(health)")
                let fromRun = health.snapshots.filter { row in !seedHealth.snapshots.contains { $0.id == row.id } }
                #expect(
                    fromRun.isEmpty || fromRun == referenceNew,
                    "\(context): the killed run left part of its import (one run is one transaction):\n\(fromRun.count) of \(referenceNew.count) snapshots\n\(health)"
                )
                if fromRun.isEmpty { emptyAfterKill += 1 } else { fullAfterKill += 1 }

                // A re-run completes the import: the same listing as the uninterrupted import.
                let rerun = try await CLI.run(
                    arguments(store), environment: ReliabilitySettings.epoch, timeout: ReliabilitySettings.timeout)
                longestRerun = max(longestRerun, rerun.seconds)
                if fromRun.isEmpty && rerun.status == 0 { window = rerun.seconds }
                #expect(rerun.status == 0 && !rerun.signalled, "\(context): the re-run failed:\n\(rerun)")
                let after = try ReliabilityStoreHealth.read(store)
                #expect(after.problems.isEmpty, "\(context): after the re-run: \(after.problems)")
                let (listing, parsed) = try await CLI.listing(store: store)
                if listing != referenceListing {
                    let (_, referenceParsed) = try await CLI.listing(store: referenceStore)
                    let difference = ReliabilityListing.difference(
                        ReliabilityListing.projection(parsed), ReliabilityListing.projection(referenceParsed))
                    Issue.record(
                        Comment(
                            rawValue:
                                "\(context): after the re-run, snapshots --format json differs from the uninterrupted import's:\n\(difference)"
                        ))
                }
            }
            let total = (clock.now - testStart).seconds
            ReliabilitySettings.log(
                """
                crash safety: \(Self.kills) SIGKILLs (seed \(Self.seed)) of an import of \(records) records in \(Self.days) days; \
                \(landed) killed it mid-run, \(finishedFirst) came after it had finished; after the kill \(emptyAfterKill) stores held \
                nothing of the run and \(fullAfterKill) all of it, none a part; every store passed integrity_check and every re-run \
                completed; generation \(String(format: "%.2f", generated.seconds)) s, uninterrupted import \
                \(String(format: "%.2f", reference.seconds)) s, slowest re-run \(String(format: "%.2f", longestRerun)) s, \
                test \(String(format: "%.1f", total)) s
                """)
            #expect(landed > 0 || Self.kills < 3, "no kill landed while the import ran: the window is wrong")
        }
    }
}
