// Issue 12, output: where results go.
//
// - every command that writes to standard output, with that output a full disk (/dev/full), a
//   closed descriptor, or a pipe without a reader while SIGPIPE is ignored, exits 1 with one line
//   `error: standard output: cannot write: REASON` (it trapped in FileHandle.write, or exited 0);
//   with SIGPIPE's default action the process may end by that signal instead, as other tools do;
// - `-o` onto a character device, a FIFO or a name for standard output writes into it and never
//   replaces it (as root, `-o /dev/null` replaced the device node). The devices are made with
//   mknod in the scratch directory, never the machine's own /dev nodes: a regression must not
//   damage the machine that runs the tests;
// - the same target twice is a usage error (exit 64) before anything is imported; a missing
//   directory is named; the store's -wal, -shm and -journal files are refused, existing or not.

import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

@Suite("Reliability: output targets")
struct OutputTargetReliabilityTests {
    /// Where a run's standard output goes.
    enum Sink: String, CaseIterable, Sendable, CustomStringConvertible {
        case fullDisk, closed, pipeWithoutReader
        var description: String { rawValue }

        /// strerror's words for what writing there fails with.
        var reason: String {
            switch self {
            case .fullDisk: return "No space left on device"
            case .closed: return "Bad file descriptor"
            case .pipeWithoutReader: return "Broken pipe"
            }
        }
    }

    /// The commands that print a result on standard output, run from the scratch directory on a
    /// seeded store (snapshot 1: container, 2: host, both of 2026-11-24).
    static let commands: [[String]] = [
        ["report", "--store", "store.sqlite", "-o", "-"],
        ["report", "--store", "store.sqlite", "--format", "csv"],
        ["snapshots", "--store", "store.sqlite"],
        ["snapshots", "--store", "store.sqlite", "--format", "json"],
        ["check", "--store", "store.sqlite"],
        ["diff", "--store", "store.sqlite", "1", "2"],
        ["diff", "--store", "store.sqlite", "--format", "json", "1", "2"],
        // Already imported: the summary lines are printed, the store does not change.
        ["import", "--store", "store.sqlite", PackageLayout.url("samples/exports/2026-11-24").path],
        // Help and the version are results too: a lost write is not a success.
        ["--help"], ["import", "--help"], ["--version"]
    ]

    /// Runs portreport through `sh -c script` (with `$0` the binary and `$@` the arguments), in
    /// `directory`, standard output on `stdout` (or as the script sets it), standard error into
    /// a file; killed after the reliability timeout.
    static func runThroughShell(_ script: String, _ arguments: [String], in directory: URL, stdout: FileHandle?) async throws -> RunResult {
        let errURL = directory.appendingPathComponent(".stderr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: errURL) }
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer { try? errHandle.close() }
        let child = try LaunchedProcess(
            URL(fileURLWithPath: "/bin/sh"), ["-c", script, try CLI.binary().path] + arguments, in: directory,
            environment: ReliabilitySettings.epoch, stdout: stdout, stderr: errHandle, stderrURL: errURL)
        let watchdog = Task {
            try await Task.sleep(for: .seconds(ReliabilitySettings.timeout))
            child.kill()
        }
        let (status, signalled) = await child.wait()
        watchdog.cancel()
        return RunResult(
            command: child.command + ["(\(script))"], status: status, signalled: signalled, stdout: Data(),
            stderr: (try? Data(contentsOf: errURL)) ?? Data(), seconds: (ContinuousClock.now - child.startedAt).seconds)
    }

    /// A pipe whose read end is already closed: every write to it fails with EPIPE.
    static func pipeWithoutReader() throws -> FileHandle {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw TestSetupError("pipe: \(String(cString: strerror(errno)))") }
        close(ends[0])
        return FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
    }

    static func run(_ arguments: [String], into sink: Sink, in directory: URL) async throws -> RunResult {
        switch sink {
        case .fullDisk:
            return try await runThroughShell(#"exec "$0" "$@" >/dev/full"#, arguments, in: directory, stdout: nil)
        case .closed:
            return try await runThroughShell(#"exec "$0" "$@" >&-"#, arguments, in: directory, stdout: nil)
        case .pipeWithoutReader:
            let handle = try pipeWithoutReader()
            defer { try? handle.close() }
            return try await runThroughShell(#"trap '' PIPE; exec "$0" "$@""#, arguments, in: directory, stdout: handle)
        }
    }

    static func fileType(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    static func bytes(_ path: String) -> Data? {
        try? Data(contentsOf: URL(fileURLWithPath: path))
    }

    // MARK: - Standard output that cannot be written

    @Test(
        "a result that cannot be written to standard output: exit 1, one line with the reason, the store unchanged",
        arguments: commands, Sink.allCases)
    func standardOutputFails(arguments: [String], sink: Sink) async throws {
        try await withScratch("out-stdout") { scratch in
            try await ReliabilityCLI.seed(scratch.store)
            let before = try StoreInspection.dump(scratch.store)
            let result = try await Self.run(arguments, into: sink, in: scratch.url)
            #expect(!result.signalled && result.status == 1, "\(result)")
            let lines = result.err.lines.filter { !$0.hasPrefix("warning: ") }
            // An import's summary comes after the import is stored: its line says so (issue 12, F13).
            let kept =
                arguments.first == "import" && !arguments.contains("--help")
                ? "; the import was stored all the same (see `portreport snapshots`), only this summary was lost" : ""
            #expect(lines == ["error: standard output: cannot write: \(sink.reason)\(kept)"], "\(result)")
            #expect(!result.err.contains("Fatal error"), "\(result)")
            #expect(try StoreInspection.dump(scratch.store) == before, "the store changed")
            #expect(try ReliabilityStoreHealth.read(scratch.store).problems.isEmpty)
        }
    }

    @Test("with SIGPIPE's default action, a reader that left ends the run by SIGPIPE or by exit 1 and one line, never by a trap")
    func brokenPipeWithDefaultSignal() async throws {
        try await withScratch("out-sigpipe") { scratch in
            try await ReliabilityCLI.seed(scratch.store)
            let handle = try Self.pipeWithoutReader()
            defer { try? handle.close() }
            let result = try await Self.runThroughShell(
                #"exec env --default-signal=PIPE "$0" "$@""#, ["report", "--store", "store.sqlite", "-o", "-"], in: scratch.url,
                stdout: handle)
            let bySignal = result.signalled && result.status == SIGPIPE
            let byError =
                !result.signalled && result.status == 1 && result.err.lines == ["error: standard output: cannot write: Broken pipe"]
            #expect(bySignal || byError, "\(result)")
        }
    }

    @Test(
        "standard error that cannot be written never traps: the run ends with its own status",
        arguments: [
            (#"exec "$0" "$@" 2>/dev/full >/dev/null"#, ["diff", "--store", "store.sqlite", "1", "2"], Int32(0)),
            (#"exec "$0" "$@" 2>&- >/dev/null"#, ["diff", "--store", "store.sqlite", "1", "2"], Int32(0)),
            (#"exec "$0" "$@" 2>&- >/dev/full"#, ["snapshots", "--store", "store.sqlite"], Int32(1)),
            (#"exec "$0" "$@" 2>/dev/full"#, ["report", "--store", "missing/store.sqlite"], Int32(1))
        ])
    func standardErrorFails(script: String, arguments: [String], status: Int32) async throws {
        try await withScratch("out-stderr") { scratch in
            try await ReliabilityCLI.seed(scratch.store)
            let before = try StoreInspection.dump(scratch.store)
            let result = try await Self.runThroughShell(script, arguments, in: scratch.url, stdout: nil)
            #expect(!result.signalled && result.status == status, "\(result)")
            #expect(try StoreInspection.dump(scratch.store) == before, "the store changed")
        }
    }

    // MARK: - -o onto something that is not a regular file

    /// Makes a character device at `path` with the device number of `model` (/dev/null, /dev/full).
    static func makeDevice(_ path: String, like model: String) throws {
        var info = stat()
        guard stat(model, &info) == 0 else { try endAsSkipped("\(model) is missing") }
        guard mknod(path, S_IFCHR | 0o666, info.st_rdev) == 0 else {
            try endAsSkipped("mknod is not permitted here (\(String(cString: strerror(errno)))): run as root to check character devices")
        }
    }

    @Test("report -o a character device (a null device made with mknod) writes into it: it stays that device")
    func nullDeviceStaysADevice() async throws {
        try await withScratch("out-null") { scratch in
            try await ReliabilityCLI.seed(scratch.store)
            let device = scratch.path("null")
            try Self.makeDevice(device, like: "/dev/null")
            var before = stat()
            #expect(stat(device, &before) == 0)
            let result = try await CLI.run(
                ["report", "--store", "store.sqlite", "--format", "json", "-o", "null"], in: scratch.url,
                timeout: ReliabilitySettings.timeout)
            #expect(result.status == 0 && !result.signalled, "\(result)")
            // Without --policy the only line is the warning that the built-in baseline was used.
            let lines = result.err.lines
            #expect(lines.count == 1 && lines.first?.hasPrefix(ReliabilityMessages.baselineWarning) == true, "\(result)")
            var after = stat()
            #expect(lstat(device, &after) == 0)
            #expect(after.st_mode & S_IFMT == S_IFCHR, "the device was replaced by a file of mode \(String(after.st_mode, radix: 8))")
            #expect(after.st_rdev == before.st_rdev && after.st_ino == before.st_ino, "the device node changed")
            #expect(OutputReliabilityNames.temporaries(in: scratch.url.path).isEmpty)
        }
    }

    @Test("report -o a full device (made with mknod) fails with one line naming it; the device stays a device")
    func fullDeviceIsReported() async throws {
        try await withScratch("out-full") { scratch in
            try await ReliabilityCLI.seed(scratch.store)
            let device = scratch.path("full")
            try Self.makeDevice(device, like: "/dev/full")
            let result = try await CLI.run(
                ["report", "--store", "store.sqlite", "--format", "json", "-o", "full"], in: scratch.url,
                timeout: ReliabilitySettings.timeout)
            ReliabilityMessages.expectCleanFailure(
                result, file: "full", mentions: ["No space left on device"],
                allowedOtherLines: [ReliabilityMessages.baselineWarning])
            #expect(Self.fileType(device) == S_IFCHR, "the device was replaced")
            #expect(OutputReliabilityNames.temporaries(in: scratch.url.path).isEmpty)
        }
    }

    @Test("report -o a FIFO with a reader: the reader gets the whole report, the FIFO stays a FIFO")
    func fifoWithReader() async throws {
        try await withScratch("out-fifo") { scratch in
            try await ReliabilityCLI.seed(scratch.store)
            let fifo = scratch.path("pipe.json")
            try #require(mkfifo(fifo, 0o600) == 0)
            let expected = try await CLI.run(
                ["report", "--store", "store.sqlite", "-o", "-"], in: scratch.url, timeout: ReliabilitySettings.timeout)
            try #require(expected.status == 0, "\(expected)")
            // The reader opens without blocking (a writer that never comes must not hang the test)
            // and reads until the writer has finished and the FIFO is empty. It polls on a thread
            // of its own: on one of the concurrency pool's (two on this machine, shared with the
            // other tests) it could wait behind them while the writer waited for it, past the
            // run's timeout.
            let finished = OutputReliabilityFlag()
            let opened = OutputReliabilityFlag()
            let reader = Task { () -> Data in
                await withCheckedContinuation { continuation in
                    Thread.detachNewThread {
                        let descriptor = open(fifo, O_RDONLY | O_NONBLOCK)
                        opened.set()
                        guard descriptor >= 0 else { return continuation.resume(returning: Data()) }
                        defer { close(descriptor) }
                        var data = Data()
                        var buffer = [UInt8](repeating: 0, count: 65536)
                        while true {
                            let count = read(descriptor, &buffer, buffer.count)
                            if count > 0 {
                                data.append(contentsOf: buffer[0..<count])
                            } else if count == 0 && finished.isSet {
                                return continuation.resume(returning: data)
                            } else {
                                usleep(2000)
                            }
                        }
                    }
                }
            }
            while !opened.isSet { try await Task.sleep(for: .milliseconds(5)) }
            let result = try await CLI.run(["report", "--store", "store.sqlite", "-o", "pipe.json"], in: scratch.url, timeout: 60)
            finished.set()
            let received = await reader.value
            #expect(result.status == 0 && !result.signalled, "\(result)")
            #expect(received == expected.stdout, "the reader got \(received.count) bytes of \(expected.stdout.count)")
            #expect(Self.fileType(fifo) == S_IFIFO, "the FIFO was replaced")
        }
    }

    @Test(
        "report -o a name for standard output (a link into /proc/self/fd, /dev/fd/1) writes there and replaces nothing",
        arguments: ["LINK", "/dev/fd/1", "/proc/self/fd/1"] + (geteuid() == 0 ? [] : ["/dev/stdout"]))
    func standardOutputByName(target: String) async throws {
        try await withScratch("out-devstdout") { scratch in
            try await ReliabilityCLI.seed(scratch.store)
            // A link of our own with /dev/stdout's target: as root, a regression would replace the
            // machine's /dev/stdout.
            let link = scratch.path("stdout.csv")
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "/proc/self/fd/1")
            let output = target == "LINK" ? "stdout.csv" : target
            let expected = try await CLI.run(
                ["report", "--store", "store.sqlite", "--format", "csv", "-o", "-"], in: scratch.url, timeout: ReliabilitySettings.timeout)
            let result = try await CLI.run(
                ["report", "--store", "store.sqlite", "--format", "csv", "-o", output], in: scratch.url,
                timeout: ReliabilitySettings.timeout)
            #expect(result.status == 0 && !result.signalled, "\(result)")
            #expect(result.stdout == expected.stdout, "standard output got \(result.stdout.count) bytes of \(expected.stdout.count)")
            #expect(Self.fileType(link) == S_IFLNK, "the link was replaced")
            #expect(Self.fileType("/dev/stdout") == S_IFLNK, "/dev/stdout was replaced")
        }
    }

    @Test("report -o a symbolic link to a regular file writes the file (atomically) and leaves the link a link")
    func linkToRegularFile() async throws {
        try await withScratch("out-link") { scratch in
            try await ReliabilityCLI.seed(scratch.store)
            try scratch.write("real/report.json", "old")
            try FileManager.default.createSymbolicLink(atPath: scratch.path("link.json"), withDestinationPath: "real/report.json")
            let result = try await CLI.run(
                ["report", "--store", "store.sqlite", "-o", "link.json"], in: scratch.url, timeout: ReliabilitySettings.timeout)
            #expect(result.status == 0 && !result.signalled, "\(result)")
            #expect(Self.fileType(scratch.path("link.json")) == S_IFLNK, "the link was replaced by a file")
            let written = try #require(Self.bytes(scratch.path("real/report.json")))
            #expect(written.starts(with: Data("{".utf8)) && written.count > 1000, "the link's target holds \(written.count) bytes")
            #expect(OutputReliabilityNames.temporaries(in: scratch.path("real")).isEmpty)
        }
    }

    // MARK: - Targets refused before anything happens

    @Test(
        "the same -o target twice is a usage error naming both, before anything is imported or written",
        arguments: [
            ["a.json", "./a.json"], ["a.json", "sub/../a.json"], ["a.json", "ABSOLUTE/a.json"], ["a.json", "link.json"], ["-", "-"]
        ])
    func sameTargetTwice(targets: [String]) async throws {
        try await withScratch("out-twice") { scratch in
            try await ReliabilityCLI.seed(scratch.store)
            try FileManager.default.createDirectory(atPath: scratch.path("sub"), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: scratch.path("link.json"), withDestinationPath: "a.json")
            let spelled = targets.map { $0.replacingOccurrences(of: "ABSOLUTE", with: scratch.url.path) }
            let before = try StoreInspection.dump(scratch.store)
            let namesBefore = reliabilityDirectoryNames(scratch.url.path)
            let result = try await CLI.run(
                [
                    "report", "--store", "store.sqlite", "-o", spelled[0], "-o", spelled[1],
                    PackageLayout.url("samples/exports/2026-11-25").path
                ],
                in: scratch.url, environment: ReliabilitySettings.epoch, timeout: ReliabilitySettings.timeout)
            #expect(result.status == 64 && !result.signalled, "\(result)")
            let named = result.err.lines.filter { $0.contains("-o \(spelled[0]) and -o \(spelled[1])") }
            #expect(named.count == 1, "no one line names both targets:\n\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(try StoreInspection.dump(scratch.store) == before, "something was imported")
            #expect(reliabilityDirectoryNames(scratch.url.path) == namesBefore, "a file was written")
        }
    }

    @Test(
        "report -o into a directory that does not exist names the directory, before anything is imported",
        arguments: [("out/x/report.html", "out/x"), ("missing/report.json", "missing"), ("ABSOLUTE/none/r.md", "ABSOLUTE/none")])
    func missingDirectory(target: String, directory: String) async throws {
        try await withScratch("out-missing") { scratch in
            try await ReliabilityCLI.seed(scratch.store)
            let target = target.replacingOccurrences(of: "ABSOLUTE", with: scratch.url.path)
            let directory = directory.replacingOccurrences(of: "ABSOLUTE", with: scratch.url.path)
            let before = try StoreInspection.dump(scratch.store)
            let namesBefore = reliabilityDirectoryNames(scratch.url.path)
            let result = try await CLI.run(
                ["report", "--store", "store.sqlite", "-o", target, PackageLayout.url("samples/exports/2026-11-25").path],
                in: scratch.url, environment: ReliabilitySettings.epoch, timeout: ReliabilitySettings.timeout)
            #expect(result.status == 1 && !result.signalled, "\(result)")
            #expect(result.err.lines == ["error: \(target): the directory \(directory) does not exist"], "\(result)")
            #expect(try StoreInspection.dump(scratch.store) == before, "something was imported")
            #expect(reliabilityDirectoryNames(scratch.url.path) == namesBefore, "something was created")
        }
    }

    @Test(
        "report -o the store's -wal, -shm or -journal file is refused, whether the file exists or not",
        arguments: ["-wal", "-shm", "-journal"], ["store.sqlite", "./store.sqlite", "ABSOLUTE", "LINK"])
    func storeSideFiles(suffix: String, spelling: String) async throws {
        for exists in [false, true] {
            try await withScratch("out-wal") { scratch in
                try await ReliabilityCLI.seed(scratch.store)
                try FileManager.default.createSymbolicLink(atPath: scratch.path("link.sqlite"), withDestinationPath: "store.sqlite")
                let side = scratch.store + suffix
                if exists { try Data("keep".utf8).write(to: URL(fileURLWithPath: side)) }
                let storeBytes = try #require(Self.bytes(scratch.store))
                let target: String
                var store = "store.sqlite"
                switch spelling {
                case "ABSOLUTE": target = side
                case "LINK":
                    target = "store.sqlite" + suffix
                    store = "link.sqlite"
                default: target = spelling + suffix
                }
                let result = try await CLI.run(
                    ["report", "--store", store, "--format", "json", "-o", target], in: scratch.url, timeout: ReliabilitySettings.timeout)
                #expect(result.status == 1 && !result.signalled, "\(exists ? "existing" : "missing") \(suffix): \(result)")
                #expect(
                    result.err.lines == ["error: \(target) is the store: refusing to write a report over it"],
                    "\(exists ? "existing" : "missing") \(suffix): \(result)")
                #expect(Self.bytes(scratch.store) == storeBytes, "the store's bytes changed")
                #expect(Self.bytes(side) == (exists ? Data("keep".utf8) : nil), "\(side) was written")
            }
        }
    }
}

/// Set once by one task, read by another.
final class OutputReliabilityFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

enum OutputReliabilityNames {
    /// Names a temporary report file could have (`.NAME.portreport-PID.tmp`).
    static func temporaries(in directory: String) -> [String] {
        reliabilityDirectoryNames(directory).filter { $0.contains(".portreport-") || $0.hasSuffix(".tmp") }
    }
}
