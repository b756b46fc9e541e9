// Helpers for the end-to-end tests: where the package and the built `portreport` are, running
// it as a child process, fresh scratch directories, and reading what it prints.
//
// Nothing here uses the PortReport library: expected values come from the samples themselves,
// parsed with Foundation (see SampleOracle.swift).

import Foundation
import PortReportTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - The package

/// Where the package is (found by PortReportTestSupport, as for the unit tests).
enum PackageLayout {
    static let root: URL = PackageRoot.url

    /// A path inside the package, e.g. `samples/capture.har`.
    static func url(_ relative: String) -> URL {
        root.appendingPathComponent(relative)
    }
}

// MARK: - Scratch directories

/// A fresh, empty directory for one test. Made with `withScratch`, which removes it afterwards
/// (explicitly, not in a deinit: paths taken from it must stay valid until the test ends).
struct Scratch: Sendable {
    let url: URL

    fileprivate init(_ label: String) throws {
        // No date-like digit runs or host/container words that the tool could read as metadata:
        // the UUID is hex with dashes, and the label is chosen by the test.
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("portreport-cli-\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the scratch directory.
    func path(_ relative: String) -> String {
        url.appendingPathComponent(relative).path
    }

    /// The store file every test points `--store` at.
    var store: String { path("store.sqlite") }

    /// Writes `data` at `relative`, creating directories; returns the absolute path.
    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> String {
        let target = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: target)
        return target.path
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, Data(text.utf8))
    }
}

/// Runs `body` with a fresh scratch directory and removes the directory afterwards.
func withScratch<T>(_ label: String = "test", _ body: (Scratch) async throws -> T) async throws -> T {
    let scratch = try Scratch(label)
    defer { try? FileManager.default.removeItem(at: scratch.url) }
    return try await body(scratch)
}

// MARK: - Tests that cannot check here

/// Ends the current test when something it needs turns out to be missing only once it runs (a
/// condition known beforehand belongs in an `.enabled(if:)` trait instead). Swift 6.3 reports
/// the test as cancelled, with `reason`; older toolchains cannot cancel a test, so there it
/// fails: a test that did not check must never be reported as passed.
func endAsSkipped(_ reason: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Never {
    #if compiler(>=6.3)
        try Test.cancel(Comment(rawValue: reason), sourceLocation: sourceLocation)
    #else
        throw TestSetupError("not checked, and this toolchain cannot mark a test as skipped: \(reason)")
    #endif
}

// MARK: - Running processes

/// What a child process did.
struct RunResult: Sendable, CustomStringConvertible {
    let command: [String]
    /// The exit status, or the signal number when `signalled`.
    let status: Int32
    let signalled: Bool
    let stdout: Data
    let stderr: Data
    /// Wall time from the start to the end of the child, for deadlines and the figures tests log.
    let seconds: Double

    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }

    /// For failure messages: the command, its status and (the start of) both outputs.
    var description: String {
        func clip(_ text: String) -> String {
            text.count > 6000 ? String(text.prefix(6000)) + "\n[... \(text.count - 6000) more characters]" : text
        }
        return """
            $ \(command.joined(separator: " "))
            → \(signalled ? "killed by signal" : "exit status") \(status)
            --- stdout ---
            \(clip(out))
            --- stderr ---
            \(clip(err))
            """
    }
}

/// What a test needed and could not set up (a helper that failed, an unexpected output shape):
/// a failure of the test's preparation, not a finding about portreport.
struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A child process started in the background: it can be killed by its own pid, and awaited. Every
/// process the tests start goes through here (`Subprocess.run` waits for one).
final class LaunchedProcess: @unchecked Sendable {
    private let process: Process
    private let ended: AsyncStream<(status: Int32, signalled: Bool)>
    let command: [String]
    let startedAt: ContinuousClock.Instant
    /// Where its standard error goes, when the launcher chose a file.
    let stderrURL: URL?

    /// Starts `executable` in `directory` with `Subprocess.environment(overrides)`, feeding `stdin`
    /// (through a pipe, like `cat file |`) or /dev/null, writing standard output and error to the
    /// given handles (/dev/null when nil).
    init(
        _ executable: URL, _ arguments: [String], in directory: URL = PackageLayout.root, environment overrides: [String: String] = [:],
        stdin: Data? = nil, stdout: FileHandle? = nil, stderr: FileHandle? = nil, stderrURL: URL? = nil
    ) throws {
        _ = Subprocess.ignoreSIGPIPE
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = Subprocess.environment(overrides)
        process.standardOutput = stdout ?? FileHandle.nullDevice
        process.standardError = stderr ?? FileHandle.nullDevice
        let inputPipe = stdin.map { _ in Pipe() }
        process.standardInput = inputPipe ?? FileHandle.nullDevice
        let (stream, continuation) = AsyncStream.makeStream(of: (status: Int32, signalled: Bool).self, bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { finished in
            continuation.yield((finished.terminationStatus, finished.terminationReason == .uncaughtSignal))
            continuation.finish()
        }
        self.process = process
        self.ended = stream
        self.command = [executable.lastPathComponent] + arguments
        self.stderrURL = stderrURL
        self.startedAt = ContinuousClock.now
        do {
            try process.run()
        } catch {
            throw TestSetupError("cannot start \(executable.path): \(error)")
        }
        if let inputPipe, let stdin {
            let writer = inputPipe.fileHandleForWriting
            DispatchQueue.global().async {
                // EPIPE when the child exits without reading everything: not our concern here.
                try? writer.write(contentsOf: stdin)
                try? writer.close()
            }
        }
    }

    var isRunning: Bool { process.isRunning }

    /// Sends SIGKILL to this child (by its pid) if it is still running; true when it was sent.
    @discardableResult
    func kill() -> Bool {
        guard process.isRunning else { return false }
        return sendSignal(SIGKILL, to: process.processIdentifier)
    }

    /// Sends SIGTERM to this child if it is still running.
    func terminate() {
        if process.isRunning { process.terminate() }
    }

    /// Waits for the child to end; the exit status or signal, and whether it was signalled.
    func wait() async -> (status: Int32, signalled: Bool) {
        for await outcome in ended { return outcome }
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    /// What it wrote to `stderrURL`, so far.
    var stderr: String { stderrURL.flatMap { try? String(contentsOf: $0, encoding: .utf8) } ?? "" }
}

/// kill(2), outside the class whose method is also called `kill`.
private func sendSignal(_ signal: Int32, to pid: pid_t) -> Bool {
    kill(pid, signal) == 0
}

/// Running a child to its end with its output captured, and the environment every child gets.
enum Subprocess {
    /// A broken pipe (a child that exits before reading all of its standard input) must be an
    /// error on write, not a signal that kills the test runner.
    fileprivate static let ignoreSIGPIPE: Void = {
        _ = signal(SIGPIPE, SIG_IGN)
    }()

    /// The environment children get: ours, without the variables that change portreport's
    /// behaviour, plus `overrides`.
    static func environment(_ overrides: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PORTREPORT_STORE"] = nil
        environment["SOURCE_DATE_EPOCH"] = nil
        for (name, value) in overrides { environment[name] = value }
        return environment
    }

    /// Runs `executable` with `arguments` in `directory`, feeding `stdin` (through a pipe) or
    /// /dev/null, and capturing standard output and error in files so that no amount of output
    /// can block the child. Sends SIGTERM to the child after `timeout` seconds.
    static func run(
        _ executable: URL, _ arguments: [String], in directory: URL = PackageLayout.root,
        environment overrides: [String: String] = [:], stdin: Data? = nil, timeout: Double = 600
    ) async throws -> RunResult {
        let io = try Scratch("io")
        defer { try? FileManager.default.removeItem(at: io.url) }
        let outURL = io.url.appendingPathComponent("stdout")
        let errURL = io.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }
        let child = try LaunchedProcess(
            executable, arguments, in: directory, environment: overrides, stdin: stdin,
            stdout: outHandle, stderr: errHandle)
        let watchdog = Task {
            try await Task.sleep(for: .seconds(timeout))
            child.terminate()
        }
        let (status, signalled) = await child.wait()
        watchdog.cancel()
        let seconds = (ContinuousClock.now - child.startedAt).seconds
        return RunResult(
            command: child.command, status: status, signalled: signalled,
            stdout: (try? Data(contentsOf: outURL)) ?? Data(), stderr: (try? Data(contentsOf: errURL)) ?? Data(), seconds: seconds)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

// MARK: - The binary under test

enum CLI {
    /// The built `portreport`: next to the test bundle (that is where SwiftPM puts every product
    /// of the same build), else `.build/debug/portreport` under the package root. The environment
    /// variable PORTREPORT_CLI overrides both.
    static let located: Result<URL, TestSetupError> = {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["PORTREPORT_CLI"], !explicit.isEmpty {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        let main = Bundle.main.bundleURL
        candidates.append(main.appendingPathComponent("portreport"))
        candidates.append(main.deletingLastPathComponent().appendingPathComponent("portreport"))
        if let executable = Bundle.main.executableURL {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("portreport"))
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("portreport"))
        }
        candidates.append(PackageLayout.root.appendingPathComponent(".build/debug/portreport"))
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate.path)
            {
                return .success(candidate.standardizedFileURL)
            }
        }
        return .failure(
            TestSetupError(
                """
                the portreport executable was not found; build it first (swift build), or set PORTREPORT_CLI. Looked at:
                \(candidates.map { "  " + $0.path }.joined(separator: "\n"))
                """))
    }()

    static func binary() throws -> URL {
        try located.get()
    }

    /// Runs `portreport arguments...` from the package root (so sample paths are relative, as a
    /// user would type them), and ends it after `timeout` seconds.
    static func run(
        _ arguments: [String], in directory: URL = PackageLayout.root, environment: [String: String] = [:],
        stdin: Data? = nil, timeout: Double = 600
    ) async throws -> RunResult {
        try await Subprocess.run(try binary(), arguments, in: directory, environment: environment, stdin: stdin, timeout: timeout)
    }

    /// Starts `portreport arguments...` from the package root in the background, standard output
    /// to /dev/null and standard error into `stderrURL`, to be killed or awaited.
    static func launch(_ arguments: [String], environment: [String: String] = [:], stderrURL: URL) throws -> LaunchedProcess {
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        return try LaunchedProcess(
            try binary(), arguments, environment: environment,
            stderr: try FileHandle(forWritingTo: stderrURL), stderrURL: stderrURL)
    }

    /// `portreport snapshots --store STORE --format json`, parsed; records an issue (with both
    /// outputs) and throws when it does not succeed.
    static func listing(store: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> (raw: Data, listing: Listing) {
        let result = try await run(["snapshots", "--store", store, "--format", "json"])
        try #require(result.status == 0 && !result.signalled, "\(result)", sourceLocation: sourceLocation)
        return (result.stdout, try Listing(json: result.stdout))
    }
}

// MARK: - Reading `snapshots --format json`

/// The JSON listing, read with JSONSerialization (not with the tool's own types).
struct Listing {
    struct Source: Equatable, CustomStringConvertible {
        let path: String
        let entry: Int?
        let records: Int
        let totalNum: Int?
        let size: Int
        var description: String {
            "\(path)\(entry.map { "#\($0)" } ?? ""): \(records) records, total_num \(totalNum.map(String.init) ?? "null"), \(size) bytes"
        }
    }

    struct Snapshot: CustomStringConvertible {
        let id: Int
        let projectID: String?
        let enterpriseProjectID: String?
        let category: String
        let capturedAt: String
        let records: Int
        let totalNum: Int?
        let complete: Bool
        let partial: Bool
        let filters: String?
        let note: String?
        let importedAt: String
        let metadataFrom: [String: String]
        let sources: [Source]
        var description: String {
            "#\(id) \(category) \(capturedAt) project \(projectID ?? "null"): \(records)/\(totalNum.map(String.init) ?? "null") complete=\(complete) partial=\(partial)"
        }
    }

    let schemaVersion: Int
    let snapshots: [Snapshot]

    init(json: Data) throws {
        guard let root = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw TestSetupError("snapshots --format json: expected an object at the top")
        }
        schemaVersion = try Self.value(root, "schema_version")
        let items: [[String: Any]] = try Self.value(root, "snapshots")
        snapshots = try items.map { item in
            let sources: [[String: Any]] = try Self.value(item, "sources")
            return Snapshot(
                id: try Self.value(item, "id"),
                projectID: try Self.optional(item, "project_id"),
                enterpriseProjectID: try Self.optional(item, "enterprise_project_id"),
                category: try Self.value(item, "category"),
                capturedAt: try Self.value(item, "captured_at"),
                records: try Self.value(item, "records"),
                totalNum: try Self.optional(item, "total_num"),
                complete: try Self.value(item, "complete"),
                partial: try Self.value(item, "partial"),
                filters: try Self.optional(item, "filters"),
                note: try Self.optional(item, "note"),
                importedAt: try Self.value(item, "imported_at"),
                metadataFrom: try Self.value(item, "metadata_from"),
                sources: try sources.map { source in
                    Source(
                        path: try Self.value(source, "path"), entry: try Self.optional(source, "entry"),
                        records: try Self.value(source, "records"), totalNum: try Self.optional(source, "total_num"),
                        size: try Self.value(source, "size"))
                })
        }
    }

    private static func value<T>(_ object: [String: Any], _ key: String) throws -> T {
        guard let raw = object[key] else { throw TestSetupError("snapshots --format json: no \"\(key)\" in \(object.keys.sorted())") }
        guard let value = raw as? T else { throw TestSetupError("snapshots --format json: \"\(key)\" is \(raw), not \(T.self)") }
        return value
    }

    private static func optional<T>(_ object: [String: Any], _ key: String) throws -> T? {
        guard let raw = object[key] else { throw TestSetupError("snapshots --format json: no \"\(key)\" in \(object.keys.sorted())") }
        if raw is NSNull { return nil }
        guard let value = raw as? T else { throw TestSetupError("snapshots --format json: \"\(key)\" is \(raw), not \(T.self) or null") }
        return value
    }
}

// MARK: - Small helpers

extension String {
    /// The lines of the text, without the empty last one.
    var lines: [String] {
        split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }
}

/// RFC 3339 in UTC with whole seconds (`2026-11-28T18:00:00Z`), truncating any fraction.
func utcSeconds(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
}

/// Parses an ISO 8601 date-time with or without fractional seconds and with any offset.
func parseISO8601(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)
}
