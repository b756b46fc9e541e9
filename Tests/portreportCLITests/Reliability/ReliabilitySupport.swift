// Helpers for the reliability tests (issue 6): running the binary with a deadline, checking that
// a failure is one clear line, mounting small file systems, launching and killing an import,
// and checking a store's consistency with SQL of our own (GRDB, not the PortReport library).
//
// Everything here is named `Reliability…` so that it cannot collide with the other end-to-end
// helpers of this target (CLISupport.swift, StoreInspection.swift, SampleOracle.swift), which it
// uses: the binary runs through `CLI.run`, stores are dumped by `StoreInspection.dump`.

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

// MARK: - Settings

enum ReliabilitySettings {
    /// `PORTREPORT_LONG_TESTS=1` turns on the long variants (≥ 50 kills, bigger workloads).
    static let long: Bool = ProcessInfo.processInfo.environment["PORTREPORT_LONG_TESTS"] == "1"

    /// The deadline of every single portreport run in these tests: no input may make it hang.
    static let timeout: Double = 60

    /// A fixed time for `imported_at`, so that two stores made from the same inputs are equal.
    static let epoch = ["SOURCE_DATE_EPOCH": "1800000000"]

    /// Prints a figure into the test log (cases, kills, timings), for the README and the report.
    static func log(_ text: String) {
        print("[Reliability] \(text)")
    }
}

// MARK: - Running the binary

/// Runs of the binary shared by the reliability suites (each goes through `CLI.run`).
enum ReliabilityCLI {
    /// A store holding one sample export (2026-11-24: a host and a container snapshot).
    static func seed(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let seed = try await CLI.run(
            ["import", "--quiet", "--store", store, "samples/exports/2026-11-24"],
            environment: ReliabilitySettings.epoch, timeout: ReliabilitySettings.timeout)
        try #require(seed.status == 0 && !seed.signalled, "seeding the store failed:\n\(seed)", sourceLocation: sourceLocation)
        try #require(
            !FileManager.default.fileExists(atPath: store + "-wal"),
            "the seeding run left a WAL behind; copies of the store would not be complete", sourceLocation: sourceLocation)
    }
}

// MARK: - "One clear line"

/// Which part of the "one clear line" contract a known issue is about.
enum ReliabilityLineCheck: Hashable, Sendable {
    case noCrash, exitStatus, oneErrorLine, namesFile, namesLine, mentions, printable, notRepeated, noOtherOutput, storeUnchanged
}

enum ReliabilityMessages {
    /// True when `text` has no C0/C1 control character and no DEL: what a terminal shows as is.
    static func isPrintable(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value))
        }
    }

    /// Records an expectation, or, when `knownIssues` lists its kind, the same expectation as a
    /// known issue (so that the test keeps running and turns red once the bug is fixed).
    static func expect(
        _ kind: ReliabilityLineCheck, _ condition: Bool, _ comment: @autoclosure () -> String,
        knownIssues: [ReliabilityLineCheck: String], sourceLocation: SourceLocation
    ) {
        let text = comment()
        if let issue = knownIssues[kind] {
            withKnownIssue(Comment(rawValue: issue)) {
                #expect(condition, Comment(rawValue: text), sourceLocation: sourceLocation)
            }
        } else {
            #expect(condition, Comment(rawValue: text), sourceLocation: sourceLocation)
        }
    }

    /// The failure contract of `import`: exit status 1 (not a signal), exactly one `error:` line on
    /// standard error naming `file` (as `file:line:` when `line` is given) and mentioning each of
    /// `mentions`, printable, saying nothing twice; besides it only the documented closing line
    /// `nothing was imported: …`.
    /// What `check` and `report` print on standard error when given no `--policy`.
    static let baselineWarning = "warning: no --policy given: the built-in baseline was used"

    static func expectCleanFailure(
        _ result: RunResult, file: String, line: Int? = nil, mentions: [String] = [],
        status: Int32 = 1, allowedOtherLines: [String] = ["nothing was imported:"],
        knownIssues: [ReliabilityLineCheck: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expect(
            .exitStatus, result.status == status && !result.signalled, "expected exit status \(status), no signal:\n\(result)",
            knownIssues: knownIssues, sourceLocation: sourceLocation)
        let lines = result.err.lines
        let errors = lines.filter { $0.hasPrefix("error: ") }
        expect(
            .oneErrorLine, errors.count == 1, "expected exactly one 'error:' line:\n\(result)",
            knownIssues: knownIssues, sourceLocation: sourceLocation)
        let others = lines.filter { line in !line.hasPrefix("error: ") && !allowedOtherLines.contains { line.hasPrefix($0) } }
        expect(
            .noOtherOutput, others.isEmpty, "unexpected lines on standard error: \(others)\n\(result)",
            knownIssues: knownIssues, sourceLocation: sourceLocation)
        guard let error = errors.first else { return }
        expect(
            .namesFile, error.contains(file), "the error line does not name \(file):\n\(error)",
            knownIssues: knownIssues, sourceLocation: sourceLocation)
        if let line {
            expect(
                .namesLine, error.contains("\(file):\(line):"), "the error line does not say \(file):\(line)::\n\(error)",
                knownIssues: knownIssues, sourceLocation: sourceLocation)
        }
        for mention in mentions {
            expect(
                .mentions, error.contains(mention), "the error line does not say \"\(mention)\":\n\(error)",
                knownIssues: knownIssues, sourceLocation: sourceLocation)
        }
        expect(
            .printable, isPrintable(error), "the error line carries control characters (raw terminal escapes?): \(error.debugDescription)",
            knownIssues: knownIssues, sourceLocation: sourceLocation)
        expect(
            .notRepeated, !hasRepeatedClause(error), "the error line says the same thing twice: \(error)",
            knownIssues: knownIssues, sourceLocation: sourceLocation)
    }

    /// A parenthesised clause that occurs twice, or a sentence repeated: `x (nothing stored) (nothing stored)`.
    static func hasRepeatedClause(_ text: String) -> Bool {
        var clauses: [Substring] = []
        var depth = 0
        var start: String.Index?
        for index in text.indices {
            if text[index] == "(" {
                if depth == 0 { start = text.index(after: index) }
                depth += 1
            } else if text[index] == ")" && depth > 0 {
                depth -= 1
                if depth == 0, let begin = start { clauses.append(text[begin..<index]) }
            }
        }
        for clause in clauses where clause.count >= 12 {
            if text.components(separatedBy: String(clause)).count > 2 { return true }
        }
        return false
    }
}

// MARK: - Mounts (root only)

/// mount, umount and chattr, for the tests that need a read-only, immutable or full store.
enum ReliabilityMounts {
    /// Runs mount/umount/chattr; returns the result (never throws for a failing command).
    @discardableResult
    static func command(_ executable: String, _ arguments: [String]) async throws -> RunResult {
        try await Subprocess.run(URL(fileURLWithPath: executable), arguments, timeout: 30)
    }

    static func tool(_ name: String) -> String? {
        ["/usr/bin/\(name)", "/bin/\(name)", "/usr/sbin/\(name)", "/sbin/\(name)"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Mounts a tmpfs of `sizeKiB` at `directory`; nil on success, else why not (not root, no
    /// CAP_SYS_ADMIN, no mount tool).
    static func tmpfs(at directory: String, sizeKiB: Int) async throws -> String? {
        guard let mount = tool("mount") else { return "no mount executable" }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let result = try await command(mount, ["-t", "tmpfs", "-o", "size=\(sizeKiB)k,mode=0755", "tmpfs", directory])
        return result.status == 0
            ? nil : "mount -t tmpfs is not permitted here (\(result.err.trimmingCharacters(in: .whitespacesAndNewlines)))"
    }

    /// Bind-mounts `source` at `target`, read-only; nil on success, else why not.
    static func readOnlyBind(_ source: String, at target: String) async throws -> String? {
        guard let mount = tool("mount") else { return "no mount executable" }
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let bind = try await command(mount, ["--bind", source, target])
        guard bind.status == 0 else {
            return "mount --bind is not permitted here (\(bind.err.trimmingCharacters(in: .whitespacesAndNewlines)))"
        }
        let remount = try await command(mount, ["-o", "remount,bind,ro", target])
        guard remount.status == 0 else {
            await unmount(target)
            return "mount -o remount,bind,ro failed (\(remount.err.trimmingCharacters(in: .whitespacesAndNewlines)))"
        }
        return nil
    }

    static func unmount(_ directory: String) async {
        guard let umount = tool("umount") else { return }
        // Lazy, so that a child still holding a file there cannot keep the mount alive.
        _ = try? await command(umount, ["-l", directory])
    }
}

// MARK: - What this machine allows (root only)

/// A privilege a test needs beyond reading and writing files of its own: mounting (root, or
/// CAP_SYS_ADMIN) or the immutable attribute (root, and a file system that has it).
///
/// Each is tried once, on a scratch directory of its own, before the first test that needs it
/// runs, so that the test is skipped by its `.enabled` trait — reported as skipped, with the
/// reason — instead of starting and returning early, which would report it as passed.
enum ReliabilityPrivilege: String, Sendable {
    case tmpfsMount = "mount -t tmpfs"
    case readOnlyBindMount = "a read-only bind mount"
    case immutableFile = "chattr +i on the temporary directory's file system"

    /// The trait's comment: what is needed, and why it can be missing.
    var requirement: Comment {
        Comment(rawValue: "needs \(rawValue) (root or CAP_SYS_ADMIN; not granted to this process)")
    }

    /// Whether this process may do it here; tried once per test process.
    var isGranted: Bool {
        get async {
            switch self {
            case .tmpfsMount: return await Self.tmpfsProbe.value
            case .readOnlyBindMount: return await Self.bindProbe.value
            case .immutableFile: return await Self.immutableProbe.value
            }
        }
    }

    private static let tmpfsProbe = Task {
        await probe { directory in
            let point = directory + "/mount"
            guard try await ReliabilityMounts.tmpfs(at: point, sizeKiB: 64) == nil else { return false }
            await ReliabilityMounts.unmount(point)
            return true
        }
    }

    private static let bindProbe = Task {
        await probe { directory in
            let source = directory + "/rw", target = directory + "/ro"
            try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
            guard try await ReliabilityMounts.readOnlyBind(source, at: target) == nil else { return false }
            await ReliabilityMounts.unmount(target)
            return true
        }
    }

    private static let immutableProbe = Task {
        await probe { directory in
            guard let chattr = ReliabilityMounts.tool("chattr") else { return false }
            let file = directory + "/file"
            guard FileManager.default.createFile(atPath: file, contents: Data("x".utf8)) else { return false }
            guard try await ReliabilityMounts.command(chattr, ["+i", file]).status == 0 else { return false }
            _ = try await ReliabilityMounts.command(chattr, ["-i", file])
            return true
        }
    }

    /// Runs `attempt` in a fresh directory under the temporary directory (where the tests' scratch
    /// directories are), then removes it; false when the attempt throws.
    private static func probe(_ attempt: (String) async throws -> Bool) async -> Bool {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portreport-probe-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            return try await attempt(directory)
        } catch {
            return false
        }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only where `privilege` is granted; elsewhere it is reported as skipped.
    static func requires(_ privilege: ReliabilityPrivilege, sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        .enabled(privilege.requirement, sourceLocation: sourceLocation) { await privilege.isGranted }
    }
}

// MARK: - Store consistency, with our own SQL

struct ReliabilityStoreHealth: CustomStringConvertible {
    struct SnapshotRow: Equatable, CustomStringConvertible {
        let id: Int64
        let category: String
        let capturedAt: String
        let recordCount: Int
        let recordRows: Int
        let totalNum: Int64?
        let complete: Bool
        let sources: Int
        let sourceRecords: Int
        var description: String {
            "#\(id) \(category) \(capturedAt): record_count \(recordCount), \(recordRows) rows in record, total_num \(totalNum.map(String.init) ?? "null"), complete \(complete), \(sources) sources holding \(sourceRecords) records"
        }
    }

    let integrity: [String]
    let foreignKeyViolations: Int
    let snapshots: [SnapshotRow]
    /// Records whose snapshot does not exist.
    let orphanRecords: Int
    /// Sources whose snapshot does not exist.
    let orphanSources: Int
    /// Records whose source_id is not a source of the same snapshot.
    let misattributedRecords: Int
    let userVersion: Int

    /// Every problem found, in words; empty for a consistent store.
    var problems: [String] {
        var problems: [String] = []
        if integrity != ["ok"] { problems.append("PRAGMA integrity_check: \(integrity.prefix(5))") }
        if foreignKeyViolations > 0 { problems.append("PRAGMA foreign_key_check: \(foreignKeyViolations) violations") }
        if orphanRecords > 0 { problems.append("\(orphanRecords) records of no snapshot") }
        if orphanSources > 0 { problems.append("\(orphanSources) sources of no snapshot") }
        if misattributedRecords > 0 { problems.append("\(misattributedRecords) records whose source is not one of their snapshot's") }
        for snapshot in snapshots {
            if snapshot.recordRows != snapshot.recordCount { problems.append("snapshot \(snapshot): rows ≠ record_count") }
            if snapshot.sources == 0 { problems.append("snapshot \(snapshot): no source") }
            if snapshot.sourceRecords < snapshot.recordCount {
                problems.append("snapshot \(snapshot): its sources hold fewer records than it")
            }
            if snapshot.complete, let total = snapshot.totalNum, total != Int64(snapshot.recordCount) {
                problems.append("snapshot \(snapshot): complete but record_count ≠ total_num")
            }
        }
        return problems
    }

    var description: String {
        (["integrity \(integrity), user_version \(userVersion), \(snapshots.count) snapshots"] + snapshots.map { "  \($0)" }).joined(
            separator: "\n")
    }

    static func read(_ path: String) throws -> ReliabilityStoreHealth {
        try StoreInspection.read(path) { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let fk = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count
            // `record` is a table in schema v1 and a view (over the blobs) from v2 on.
            let hasTables =
                try db.tableExists("snapshot") && db.tableExists("source") && (db.tableExists("record") || db.viewExists("record"))
            var snapshots: [SnapshotRow] = []
            var orphanRecords = 0, orphanSources = 0, misattributed = 0
            if hasTables {
                snapshots = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT s.id, s.category, s.captured_at, s.record_count, s.total_num, s.complete,
                               (SELECT count(*) FROM record r WHERE r.snapshot_id = s.id) AS rows,
                               (SELECT count(*) FROM source o WHERE o.snapshot_id = s.id) AS sources,
                               (SELECT coalesce(sum(o.records), 0) FROM source o WHERE o.snapshot_id = s.id) AS source_records
                        FROM snapshot s ORDER BY s.id
                        """
                ).map { row in
                    SnapshotRow(
                        id: row["id"], category: row["category"], capturedAt: row["captured_at"], recordCount: row["record_count"],
                        recordRows: row["rows"], totalNum: row["total_num"], complete: (row["complete"] as Int) == 1,
                        sources: row["sources"], sourceRecords: row["source_records"])
                }
                orphanRecords =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE snapshot_id NOT IN (SELECT id FROM snapshot)") ?? 0
                orphanSources =
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM source WHERE snapshot_id NOT IN (SELECT id FROM snapshot)") ?? 0
                misattributed =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT count(*) FROM record r
                            WHERE NOT EXISTS (SELECT 1 FROM source o WHERE o.id = r.source_id AND o.snapshot_id = r.snapshot_id)
                            """) ?? 0
            }
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? -1
            return ReliabilityStoreHealth(
                integrity: integrity, foreignKeyViolations: fk, snapshots: snapshots, orphanRecords: orphanRecords,
                orphanSources: orphanSources, misattributedRecords: misattributed, userVersion: version)
        }
    }
}

/// What `snapshots --format json` says about the content of a store, without ids and import
/// times: two stores with equal projections hold the same snapshots from the same files, in
/// whatever order they were imported.
enum ReliabilityListing {
    static func projection(_ listing: Listing) -> [String] {
        listing.snapshots.map { snapshot in
            let sources = snapshot.sources.map(\.description).sorted().joined(separator: "; ")
            return "\(snapshot.projectID ?? "-") \(snapshot.enterpriseProjectID ?? "-") \(snapshot.category) \(snapshot.capturedAt) "
                + "filters=\(snapshot.filters ?? "") records=\(snapshot.records) total=\(snapshot.totalNum.map(String.init) ?? "null") "
                + "complete=\(snapshot.complete) partial=\(snapshot.partial) note=\(snapshot.note ?? "") sources=[\(sources)]"
        }.sorted()
    }

    static func projection(store: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        projection(try await CLI.listing(store: store, sourceLocation: sourceLocation).listing)
    }

    /// The lines only one side has, for failure messages.
    static func difference(_ left: [String], _ right: [String]) -> String {
        let l = Set(left), r = Set(right)
        return "only in the first (\(l.subtracting(r).count)):\n"
            + l.subtracting(r).sorted().prefix(10).map { "  " + $0 }.joined(separator: "\n")
            + "\nonly in the second (\(r.subtracting(l).count)):\n"
            + r.subtracting(l).sorted().prefix(10).map { "  " + $0 }.joined(separator: "\n")
    }
}

// MARK: - Workloads

enum ReliabilityWorkload {
    /// `samples/generate_exports.py` into `directory` (exports under `directory/exports/DAY/CATEGORY/`),
    /// starting on 2027-01-01 so that nothing merges with the sample exports of 2026-11.
    static func generate(into directory: String, days: Int, hostRecords: Int = 2000, containerRecords: Int = 2000) async throws {
        guard
            let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first(where: { FileManager.default.isExecutableFile(atPath: $0) })
                ?? ReliabilityMounts.tool("python3")
        else {
            throw TestSetupError("python3 is needed to generate the workload (samples/generate_exports.py)")
        }
        let result = try await Subprocess.run(
            URL(fileURLWithPath: python),
            [
                PackageLayout.url("samples/generate_exports.py").path, "--out", directory, "--start", "2027-01-01", "--days", String(days),
                "--host-records", String(hostRecords), "--container-records", String(containerRecords)
            ],
            timeout: 300)
        guard result.status == 0 else { throw TestSetupError("generate_exports.py failed:\n\(result)") }
    }

    /// The day directories of a generated workload, in order.
    static func days(in directory: String) throws -> [String] {
        let exports = (directory as NSString).appendingPathComponent("exports")
        return try FileManager.default.contentsOfDirectory(atPath: exports).filter { !$0.hasPrefix(".") }.sorted()
            .map { (exports as NSString).appendingPathComponent($0) }
    }
}

/// SplitMix64: a small seeded generator, so that a failing kill schedule can be replayed.
struct ReliabilityRNG: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Copies a store file (and its -wal/-shm, when present) to `target`.
func reliabilityCopyStore(_ source: String, to target: String) throws {
    for suffix in ["", "-wal", "-shm"] {
        try? FileManager.default.removeItem(atPath: target + suffix)
        if FileManager.default.fileExists(atPath: source + suffix) {
            try FileManager.default.copyItem(atPath: source + suffix, toPath: target + suffix)
        }
    }
}

/// The names in a directory, sorted, for "nothing else was left there" checks.
func reliabilityDirectoryNames(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
}
