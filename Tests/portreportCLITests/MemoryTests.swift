import Foundation
import GRDB
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Peak resident memory of one portreport run.
///
/// Why not simply getrusage(RUSAGE_CHILDREN) in the test process: on Linux a child's ru_maxrss
/// starts from its parent's high-water mark (posix_spawn uses vfork, and exec records the old
/// address space's peak; fork copies the parent's resident pages), so any direct child of the
/// test runner reports at least the runner's own peak, which is not portreport's. And the runner
/// has other children at the same time, from tests running in parallel.
///
/// So the measurement runs in a tiny C helper, compiled here: it forks portreport as its only
/// child, waits, and writes getrusage(RUSAGE_CHILDREN).ru_maxrss to a file. The child then
/// starts from the helper's footprint (about a megabyte), which errs on the safe side.
///
/// Without a C compiler, the fallback spawns portreport directly and reads wait4's rusage for
/// that one child: isolated from the other tests' children, but an upper bound that includes the
/// runner's own peak (the failure message says so).
enum PeakMemory {
    struct Measurement {
        let result: RunResult
        let peakBytes: Int
        /// How it was measured, for messages.
        let method: String
    }

    static let helperSource = """
        #include <errno.h>
        #include <stdio.h>
        #include <sys/resource.h>
        #include <sys/types.h>
        #include <sys/wait.h>
        #include <unistd.h>

        /* peakrss REPORT PROGRAM ARGS...: runs PROGRAM as the only child, then writes
           "exit-status signal ru_maxrss" of RUSAGE_CHILDREN to REPORT. */
        int main(int argc, char **argv) {
            if (argc < 3) return 125;
            pid_t pid = fork();
            if (pid < 0) return 126;
            if (pid == 0) { execv(argv[2], argv + 2); _exit(127); }
            int status = 0;
            while (waitpid(pid, &status, 0) < 0) { if (errno != EINTR) return 126; }
            struct rusage usage;
            if (getrusage(RUSAGE_CHILDREN, &usage) != 0) return 126;
            FILE *report = fopen(argv[1], "w");
            if (report == NULL) return 126;
            fprintf(report, "%d %d %ld\\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                    WIFSIGNALED(status) ? WTERMSIG(status) : 0, (long)usage.ru_maxrss);
            return fclose(report) == 0 ? 0 : 126;
        }
        """

    /// ru_maxrss is in KiB on Linux, in bytes on Darwin.
    static func bytes(fromMaxRSS value: Int) -> Int {
        #if canImport(Darwin)
            return value
        #else
            return value * 1024
        #endif
    }

    /// Compiles the helper into `scratch`; nil when no C compiler is at hand.
    static func buildHelper(in scratch: Scratch) async throws -> URL? {
        let source = try scratch.write("peakrss.c", helperSource)
        let output = scratch.path("peakrss")
        var compilers: [String] = []
        if let cc = ProcessInfo.processInfo.environment["CC"], !cc.isEmpty { compilers.append(cc) }
        compilers += ["clang", "cc", "gcc"]
        for compiler in compilers {
            let result = try await Subprocess.run(URL(fileURLWithPath: "/usr/bin/env"), [compiler, "-O1", "-o", output, source])
            if result.status == 0, FileManager.default.isExecutableFile(atPath: output) {
                return URL(fileURLWithPath: output)
            }
        }
        return nil
    }

    static func measure(_ arguments: [String], scratch: Scratch) async throws -> Measurement {
        let binary = try CLI.binary()
        if let helper = try await buildHelper(in: scratch) {
            let report = scratch.path("peakrss.report")
            let run = try await Subprocess.run(helper, [report, binary.path] + arguments)
            guard run.status == 0, let text = try? String(contentsOfFile: report, encoding: .utf8) else {
                throw TestSetupError("the measuring helper failed:\n\(run)")
            }
            let fields = text.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            guard fields.count == 3 else { throw TestSetupError("the measuring helper wrote '\(text)'") }
            let result = RunResult(
                command: ["portreport"] + arguments, status: Int32(fields[1] != 0 ? fields[1] : fields[0]),
                signalled: fields[1] != 0, stdout: run.stdout, stderr: run.stderr, seconds: run.seconds)
            return Measurement(
                result: result, peakBytes: bytes(fromMaxRSS: fields[2]),
                method: "getrusage(RUSAGE_CHILDREN) in a helper process whose only child was portreport")
        }
        return try spawnDirectly(binary, arguments, scratch: scratch)
    }

    /// The fallback: posix_spawn portreport from the test process and wait4 for it.
    static func spawnDirectly(_ binary: URL, _ arguments: [String], scratch: Scratch) throws -> Measurement {
        let outPath = scratch.path("measured.stdout")
        let errPath = scratch.path("measured.stderr")
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
        #else
            var actions = posix_spawn_file_actions_t()
        #endif
        guard posix_spawn_file_actions_init(&actions) == 0 else { throw TestSetupError("posix_spawn_file_actions_init failed") }
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Do not hand the test process's descriptors (other tests' pipes) to the child.
        let descriptorDirectory = FileManager.default.fileExists(atPath: "/proc/self/fd") ? "/proc/self/fd" : "/dev/fd"
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: descriptorDirectory)) ?? [])
            .compactMap { Int32($0) }.filter { $0 > 2 && fcntl($0, F_GETFD) != -1 }
        for descriptor in open { posix_spawn_file_actions_addclose(&actions, descriptor) }

        let argv: [String] = [binary.path] + arguments
        let environment = Subprocess.environment([:]).map { "\($0.key)=\($0.value)" }
        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnvironment: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid = pid_t()
        let start = ContinuousClock.now
        let spawned = posix_spawn(&pid, binary.path, &actions, nil, cArguments, cEnvironment)
        guard spawned == 0 else { throw TestSetupError("posix_spawn \(binary.path) failed: \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 {
            guard errno == EINTR else { throw TestSetupError("wait4 failed: \(String(cString: strerror(errno)))") }
        }
        let signal = status & 0x7f
        let result = RunResult(
            command: ["portreport"] + arguments, status: signal != 0 ? signal : (status >> 8) & 0xff,
            signalled: signal != 0,
            stdout: (try? Data(contentsOf: URL(fileURLWithPath: outPath))) ?? Data(),
            stderr: (try? Data(contentsOf: URL(fileURLWithPath: errPath))) ?? Data(),
            seconds: (ContinuousClock.now - start).seconds)
        return Measurement(
            result: result, peakBytes: bytes(fromMaxRSS: Int(usage.ru_maxrss)),
            method:
                "wait4 rusage of a direct child (no C compiler for the helper): an upper bound, as on Linux it starts from the test runner's resident size at the spawn"
        )
    }
}

@Suite("Memory")
struct MemoryTests {
    static let pages = 1000
    static let recordsPerPage = 200
    static let types = ["TCP", "TCP6", "UDP", "UDP6"]
    static let statuses = ["danger", "normal", "unknown"]

    /// Writes `pages` pages of `recordsPerPage` distinct records, sorted by port then type, into
    /// `<scratch>/export/2026-11-28/host/`; returns `<scratch>/export`.
    static func writeLargeExport(_ scratch: Scratch) throws -> String {
        let total = pages * recordsPerPage
        let directory = scratch.url.appendingPathComponent("export/2026-11-28/host", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for page in 0..<pages {
            var text = "{\"total_num\": \(total), \"data_list\": ["
            text.reserveCapacity(recordsPerPage * 64)
            for index in 0..<recordsPerPage {
                let k = page * recordsPerPage + index
                if index > 0 { text += "," }
                text +=
                    "\n  {\"port\": \(k / types.count), \"type\": \"\(types[k % types.count])\", \"num\": \(1 + (k * 7919) % 500), \"status\": \"\(statuses[k % statuses.count])\"}"
            }
            text += "\n]}\n"
            let name = "page-" + String(repeating: "0", count: max(0, 4 - String(page + 1).count)) + String(page + 1) + ".json"
            try Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        return scratch.url.appendingPathComponent("export").path
    }

    @Test("one input with 3,000 projects' snapshots (an SQLite --query) peaks under 64 MB and stores each complete")
    func manySnapshotsInOneInput() async throws {
        try await withScratch("memory-many") { scratch in
            // Each project has 22/TCP on 1 host and 443/TCP on (project number mod 5) + 1 hosts.
            let database = scratch.path("many.db")
            let queue = try DatabaseQueue(path: database)
            try await queue.write { db in
                try db.execute(sql: "CREATE TABLE t (project_id TEXT, port INTEGER, type TEXT, num INTEGER, total_num INTEGER)")
                for project in 0..<3000 {
                    try db.execute(
                        sql: "INSERT INTO t VALUES (?, 22, 'TCP', 1, 2), (?, 443, 'TCP', ?, 2)",
                        arguments: ["p\(project)", "p\(project)", project % 5 + 1])
                }
            }
            try queue.close()
            let measured = try await PeakMemory.measure(
                [
                    "import", "--quiet", "--store", scratch.store, "--category", "host", "--captured-at", "2026-12-01T00:00:00Z", "--query",
                    "SELECT project_id, port, type, num, total_num FROM t", database
                ], scratch: scratch)
            #expect(measured.result.status == 0 && !measured.result.signalled, "\(measured.result)")
            let mebibytes = Double(measured.peakBytes) / 1_048_576
            #expect(measured.peakBytes < 64 << 20, "peak RSS \(String(format: "%.1f", mebibytes)) MiB, measured by \(measured.method)")
            let (_, listing) = try await CLI.listing(store: scratch.store)
            #expect(listing.snapshots.count == 3000)
            #expect(listing.snapshots.allSatisfy { $0.records == 2 && $0.complete }, "every snapshot has its two records")
            // 443/TCP summed over the projects: 600 projects each of 1…5 hosts = 600 × 15 = 9,000.
            let report = try await CLI.run(["report", "--store", scratch.store, "--format", "json", "-o", "-"])
            let root = try #require(try JSONSerialization.jsonObject(with: report.stdout) as? [String: Any], "\(report)")
            let rows = try #require(root["ranking"] as? [[String: Any]])
            #expect(rows.first { $0["port"] as? Int == 443 }?["host"] as? Int == 9000, "\(rows.prefix(3))")
        }
    }

    @Test("importing 1,000 pages (200,000 records) peaks under 64 MB and makes one complete snapshot")
    func largeImportStaysSmall() async throws {
        try await withScratch("memory") { scratch in
            let export = try Self.writeLargeExport(scratch)
            let measured = try await PeakMemory.measure(["import", "--quiet", "--store", scratch.store, export], scratch: scratch)
            #expect(measured.result.status == 0 && !measured.result.signalled, "\(measured.result)")
            let mebibytes = Double(measured.peakBytes) / 1_048_576
            print("portreport import of \(Self.pages) pages: peak RSS \(String(format: "%.1f", mebibytes)) MiB (\(measured.method))")
            #expect(measured.peakBytes < 64 << 20, "peak RSS \(String(format: "%.1f", mebibytes)) MiB, measured by \(measured.method)")

            let (_, listing) = try await CLI.listing(store: scratch.store)
            let snapshot = try #require(listing.snapshots.count == 1 ? listing.snapshots.first : nil, "\(listing.snapshots)")
            #expect(snapshot.records == Self.pages * Self.recordsPerPage)
            #expect(snapshot.totalNum == Self.pages * Self.recordsPerPage)
            #expect(snapshot.complete)
            #expect(snapshot.category == "host")
            #expect(snapshot.capturedAt == "2026-11-28T00:00:00Z")
            #expect(snapshot.sources.count == Self.pages)
            #expect(snapshot.sources.allSatisfy { $0.records == Self.recordsPerPage })
        }
    }
}
