// tools/hss-export/hss_export.py with the vendor's real SDK (from the virtual environment that
// .ci/bootstrap makes) against the loopback emulator Tests/Export/hss_emulator.py, then its output
// imported with portreport. Expected values come from the emulator's data definition, written out
// again here (ExpectedExport), never from portreport's code or from the emulator's.

import Foundation
import GRDB
import PortReportTestSupport
import Testing

@Suite("Exporting from HSS: tools/hss-export against a loopback emulator, with the real SDK")
struct ExportScriptTests {
    static let projectID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
    static let accessKey = "AKEXPORTTEST0123456789"
    static let secretKey = "sk-Export-Secret-9f8e7d6c5b4a39281706"
    static let securityToken = "tok-Export-Session-7c1d2e3f4a5b6c7d8e9f"

    @Test(
        "a full export: host and container pages at limit=200, the sidecar, imported with the figures the emulator served",
        .enabled(if: ExportVenv.ready, ExportVenv.reason))
    func fullExport() async throws {
        try await withScratch("hssexport") { scratch in
            let started = Date()
            let (run, emulatorLog) = try await ExportRun.perform(in: scratch)
            let ended = Date()
            #expect(run.status == 0 && !run.signalled, "\(run)")
            #expect(run.err.isEmpty, "no warnings: \(run)")

            // The layout: OUT/project-<id>/<stamp>/{host,container}/page-NNNN.json and the sidecar, nothing else.
            let out = scratch.url.appendingPathComponent("out")
            let files = try ExportRun.files(under: out)
            let stamps = Set(files.compactMap { $0.split(separator: "/").dropFirst().first.map(String.init) })
            try #require(stamps.count == 1, "one export directory: \(files)")
            let stamp = try #require(stamps.first)
            let prefix = "project-\(Self.projectID)/\(stamp)/"
            #expect(
                files
                    == [
                        "container/page-0001.json", "container/page-0002.json", "host/page-0001.json", "host/page-0002.json",
                        "host/page-0003.json", "portreport-export.json"
                    ].map { prefix + $0 }, "\(files)")

            // The stamp is the start of the export, in UTC, to the second.
            let capturedAt = try #require(ExportRun.rfc3339(fromStamp: stamp), "stamp \(stamp)")
            let captured = try #require(parseISO8601(capturedAt))
            #expect(captured >= Date(timeIntervalSince1970: started.timeIntervalSince1970.rounded(.down)) && captured <= ended)
            #expect(run.out == "wrote out/\(prefix.dropLast()): host 450 records (3 pages), container 230 records (2 pages)\n", "\(run)")

            // The pages are the bodies as the API sent them: the unknown member first_seen is kept,
            // an absent status stays absent (to_dict() would write null).
            for (category, counts) in [("host", [200, 200, 50]), ("container", [200, 30])] {
                for (index, count) in counts.enumerated() {
                    let page = try ExportRun.json(out.appendingPathComponent(prefix + "\(category)/page-000\(index + 1).json"))
                    #expect(page["total_num"] as? Int == (category == "host" ? 450 : 230))
                    #expect((page["data_list"] as? [Any])?.count == count, "\(category) page \(index + 1)")
                }
            }
            let firstHost = try ExportRun.json(out.appendingPathComponent(prefix + "host/page-0001.json"))
            let records = try #require(firstHost["data_list"] as? [[String: Any]])
            #expect(records[0]["first_seen"] as? Int == 1_764_547_200)
            #expect(records[3].keys.sorted() == ["num", "port", "type"], "23/UDP6 has no status: \(records[3])")

            // The sidecar of the shared contract.
            let sidecar = try ExportRun.json(out.appendingPathComponent(prefix + "portreport-export.json"))
            #expect(
                sidecar.keys.sorted() == ["captured_at", "enterprise_project_id", "exported_by", "format", "project_id", "query", "region"])
            // No --enterprise-project: the request has none (below), which the API reads as 0.
            #expect(sidecar["enterprise_project_id"] as? String == "0")
            #expect(sidecar["format"] as? String == "portreport-export/1")
            #expect(sidecar["project_id"] as? String == Self.projectID)
            #expect(sidecar["region"] as? String == "cn-north-4")
            #expect(sidecar["captured_at"] as? String == capturedAt)
            let query = try #require(sidecar["query"] as? [String: Any])
            #expect(query["path"] as? String == "/v5/{project_id}/asset/port/statistics")
            #expect((query["filters"] as? [String: Any])?.isEmpty == true)
            #expect(query["limit"] as? Int == 200)
            #expect(sidecar["exported_by"] as? String == "portreport hss-export 0.4.1 (huaweicloudsdkhss 3.1.219)")

            // The requests (the query in the SDK's signing order): offset paging at limit=200 until total_num, each signed (the emulator
            // answers 401 to a request without the AK).
            let path = "/v5/\(Self.projectID)/asset/port/statistics"
            #expect(
                emulatorLog
                    == [
                        "200 GET \(path)?category=host&limit=200&offset=0", "200 GET \(path)?category=host&limit=200&offset=200",
                        "200 GET \(path)?category=host&limit=200&offset=400", "200 GET \(path)?category=container&limit=200&offset=0",
                        "200 GET \(path)?category=container&limit=200&offset=200"
                    ], "\(emulatorLog)")

            try ExportRun.expectNoSecret(in: run, under: out)

            // What the script writes imports with no flags: the sidecar and the path say project, category and capture time.
            let imported = try await CLI.run(["import", "--store", scratch.store, out.path])
            #expect(imported.status == 0 && !imported.signalled, "\(imported)")
            #expect(imported.err.isEmpty, "no warnings: \(imported)")

            let (_, listing) = try await CLI.listing(store: scratch.store)
            try #require(listing.snapshots.count == 2, "\(listing.snapshots)")
            for category in ["host", "container"] {
                let snapshot = try #require(listing.snapshots.first { $0.category == category }, "\(listing.snapshots)")
                let expected = ExpectedExport.records(category)
                // The definition's arithmetic, checked by hand on a few records.
                let spotChecks =
                    category == "host"
                    ? [
                        ExpectedExport.Record(port: 20, type: "TCP", num: 1, status: "danger"),
                        ExpectedExport.Record(port: 22, type: "TCP6", num: 75, status: "unknown"),
                        ExpectedExport.Record(port: 23, type: "UDP6", num: 11, status: nil),
                        ExpectedExport.Record(port: 469, type: "UDP", num: 50, status: "normal")
                    ]
                    : [
                        ExpectedExport.Record(port: 1003, type: "UDP", num: 14, status: "normal"),
                        ExpectedExport.Record(port: 1687, type: "UDP", num: 17, status: "normal")
                    ]
                #expect(spotChecks.allSatisfy(expected.contains), "\(category): \(spotChecks)")
                #expect(snapshot.capturedAt == capturedAt)
                #expect(snapshot.projectID == Self.projectID)
                #expect(snapshot.enterpriseProjectID == "0")
                #expect(snapshot.records == expected.count && snapshot.totalNum == expected.count, "\(snapshot)")
                #expect(snapshot.complete && !snapshot.partial, "\(snapshot)")
                let stored = try StoreInspection.read(scratch.store) { db in
                    try ExpectedExport.Record.fetchAll(db, snapshotID: snapshot.id)
                }
                #expect(stored == expected.sorted(), "\(category): the stored records are the served ones")
            }
        }
    }

    @Test(
        "a filtered export records its filter in the sidecar's query and asks the API for it",
        .enabled(if: ExportVenv.ready, ExportVenv.reason))
    func filteredExport() async throws {
        try await withScratch("hssexport") { scratch in
            let (run, emulatorLog) = try await ExportRun.perform(
                in: scratch, arguments: ["--status", "danger", "--enterprise-project", "0"])
            #expect(run.status == 0 && !run.signalled && run.err.isEmpty, "\(run)")
            let out = scratch.url.appendingPathComponent("out")
            let files = try ExportRun.files(under: out)
            let sidecarPath = try #require(files.first { $0.hasSuffix("/portreport-export.json") }, "\(files)")
            let sidecar = try ExportRun.json(out.appendingPathComponent(sidecarPath))
            #expect(sidecar["enterprise_project_id"] as? String == "0")
            let query = try #require(sidecar["query"] as? [String: Any])
            #expect(query["filters"] as? [String: String] == ["status": "danger"])
            // danger: host i % 4 == 0 (i = 0, 4, …, 448: 113 records), container i % 3 == 0 (0, 3, …, 228: 77).
            #expect(
                run.out.hasSuffix(": host 113 records (1 page), container 77 records (1 page) (partial: filtered by status=danger)\n"),
                "\(run)")
            let path = "/v5/\(Self.projectID)/asset/port/statistics"
            #expect(
                emulatorLog
                    == [
                        "200 GET \(path)?category=host&enterprise_project_id=0&limit=200&offset=0&status=danger",
                        "200 GET \(path)?category=container&enterprise_project_id=0&limit=200&offset=0&status=danger"
                    ], "\(emulatorLog)")
            try ExportRun.expectNoSecret(in: run, under: out)
        }
    }

    @Test(
        "a total that changes while paging starts the category again from offset 0, with a warning",
        .enabled(if: ExportVenv.ready, ExportVenv.reason))
    func shiftingTotal() async throws {
        try await withScratch("hssexport") { scratch in
            let (run, emulatorLog) = try await ExportRun.perform(in: scratch, mode: "shifting-host", arguments: ["--category", "host"])
            #expect(run.status == 0 && !run.signalled, "\(run)")
            #expect(
                run.err
                    == "warning: host: the data changed while paging (total_num 450 on the first page, 451 at offset 200): starting again from offset 0\n",
                "\(run)")
            #expect(run.out.hasSuffix(": host 451 records (3 pages)\n"), "\(run)")
            #expect(
                emulatorLog.map { $0.components(separatedBy: "offset=").last ?? "" } == ["0", "200", "0", "200", "400"], "\(emulatorLog)")
            let files = try ExportRun.files(under: scratch.url.appendingPathComponent("out"))
            #expect(
                files.map { $0.split(separator: "/").dropFirst(2).joined(separator: "/") }.sorted() == [
                    "host/page-0001.json", "host/page-0002.json", "host/page-0003.json", "portreport-export.json"
                ])
        }
    }

    /// A failure of the API or of the paging: one line naming it, exit 1, nothing written (no
    /// half export: the host pages fetched before a container failure are not kept), no secret.
    @Test(
        "a failed export writes nothing and says why in one line",
        .enabled(if: ExportVenv.ready, ExportVenv.reason),
        arguments: [
            (
                "fail-container", [String](),
                "error: ListPortStatistics (container page at offset 0) failed: HTTP 400, HSS.0001: Invalid parameter (request id emulator-request-0001); nothing was written"
            ),
            (
                "wrong-key", [],
                "error: ListPortStatistics (host page at offset 0) failed: HTTP 401, APIGW.0301: Incorrect IAM authentication information: unknown access key (request id emulator-request-0001); nothing was written"
            ),
            (
                "short-host", [],
                "error: host: the page at offset 200 has 0 records, but total_num says 450 records in all: the export would be incomplete; nothing was written"
            )
        ])
    func failedExport(mode: String, arguments: [String], expected: String) async throws {
        try await withScratch("hssexport") { scratch in
            let (run, _) = try await ExportRun.perform(
                in: scratch, mode: mode == "wrong-key" ? "normal" : mode, arguments: arguments,
                emulatorAccessKey: mode == "wrong-key" ? "AKSOMEONEELSE" : Self.accessKey)
            #expect(run.status == 1 && !run.signalled, "\(run)")
            #expect(run.err == expected + "\n", "\(run)")
            #expect(run.out.isEmpty, "\(run)")
            let out = scratch.url.appendingPathComponent("out")
            #expect(try ExportRun.files(under: out).isEmpty, "nothing written")
            try ExportRun.expectNoSecret(in: run, under: out)
        }
    }

    @Test("the emulator ends by itself after its lifetime, even when nobody stops it", .enabled(if: ExportVenv.ready, ExportVenv.reason))
    func emulatorLifetime() async throws {
        try await withScratch("hssexport") { scratch in
            let portFile = scratch.path("emulator.port")
            let emulator = try LaunchedProcess(
                ExportVenv.python, [ExportVenv.emulator.path, "--port-file", portFile, "--lifetime", "1"], stderrURL: nil)
            defer { emulator.kill() }
            let deadline = Task {
                try await Task.sleep(for: .seconds(60))
                emulator.kill()
            }
            let (status, signalled) = await emulator.wait()
            deadline.cancel()
            #expect(status == 0 && !signalled, "ended by itself with status 0, not killed")
            #expect(FileManager.default.fileExists(atPath: portFile), "it wrote its port")
        }
    }

    @Test("credentials come from the environment only: without them it is a usage error", .enabled(if: ExportVenv.ready, ExportVenv.reason))
    func missingCredentials() async throws {
        try await withScratch("hssexport") { scratch in
            let run = try await Subprocess.run(
                ExportVenv.python, [ExportVenv.script.path, "out", "--endpoint", "http://127.0.0.1:9", "--project-id", Self.projectID],
                in: scratch.url, environment: ["HUAWEICLOUD_SDK_AK": "", "HUAWEICLOUD_SDK_SK": ""], timeout: 120)
            #expect(run.status == 64, "\(run)")
            #expect(
                run.err
                    == "error: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK not set: export the access key pair in the environment (never on the command line)\n",
                "\(run)")
            #expect(try ExportRun.files(under: scratch.url.appendingPathComponent("out")).isEmpty)
        }
    }
}

// MARK: - The virtual environment, the emulator and one run of the script

/// `.build/hss-export-venv`, made by `.ci/bootstrap` from tools/hss-export/requirements.txt.
enum ExportVenv {
    static let directory = PackageLayout.url(".build/hss-export-venv")
    static let python = directory.appendingPathComponent("bin/python3")
    static let script = PackageLayout.url("tools/hss-export/hss_export.py")
    static let emulator = PackageLayout.url("Tests/Export/hss_emulator.py")
    static let reason: Comment =
        "the HSS SDK's virtual environment is missing (.build/hss-export-venv): run .ci/bootstrap, which installs it from PyPI"

    /// The environment exists and was completed (bootstrap writes the stamp last).
    static let ready: Bool =
        FileManager.default.isExecutableFile(atPath: python.path)
        && FileManager.default.fileExists(atPath: directory.appendingPathComponent(".requirements.sha256").path)
}

enum ExportRun {
    /// Starts the emulator (its own lifetime 300 s; stopped by pid when the run ends), runs the
    /// script into `out/` of the scratch directory with the test's credentials, and returns the
    /// script's run and the emulator's request log.
    static func perform(
        in scratch: Scratch, mode: String = "normal", arguments: [String] = [], emulatorAccessKey: String = ExportScriptTests.accessKey
    ) async throws -> (RunResult, [String]) {
        let portFile = scratch.path("emulator.port")
        let log = scratch.path("emulator.log")
        // Its standard error is kept, so that an emulator that did not start says why (under a
        // loaded machine the start has taken most of a minute).
        let errors = scratch.url.appendingPathComponent("emulator.stderr")
        guard FileManager.default.createFile(atPath: errors.path, contents: nil) else {
            throw TestSetupError("cannot create \(errors.path)")
        }
        let errorHandle = try FileHandle(forWritingTo: errors)
        defer { try? errorHandle.close() }
        let emulator = try LaunchedProcess(
            ExportVenv.python,
            [
                ExportVenv.emulator.path, "--port-file", portFile, "--lifetime", "300", "--project-id", ExportScriptTests.projectID,
                "--access-key", emulatorAccessKey, "--mode", mode, "--log", log
            ], stderr: errorHandle, stderrURL: errors)
        defer { emulator.kill() }
        var port: String?
        let deadline = ContinuousClock.now + .seconds(150)
        while port == nil, ContinuousClock.now < deadline, emulator.isRunning {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            if port?.isEmpty == true { port = nil }
            if port == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let listening = try #require(
            port,
            "the emulator did not start (\(emulator.isRunning ? "still running after 150 s" : "it exited")): \(emulator.stderr)")
        let run = try await Subprocess.run(
            ExportVenv.python,
            [ExportVenv.script.path, "out", "--endpoint", "http://127.0.0.1:\(listening)", "--region", "cn-north-4"] + arguments,
            in: scratch.url,
            environment: [
                "HUAWEICLOUD_SDK_AK": ExportScriptTests.accessKey, "HUAWEICLOUD_SDK_SK": ExportScriptTests.secretKey,
                "HUAWEICLOUD_SDK_SECURITY_TOKEN": ExportScriptTests.securityToken,
                "HUAWEICLOUD_SDK_PROJECT_ID": ExportScriptTests.projectID,
                "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"
            ], timeout: 120)
        let requests = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").lines
        return (run, requests)
    }

    /// Every regular file under `directory`, relative and sorted (hidden ones included); none when it does not exist.
    static func files(under directory: URL) throws -> [String] {
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var found: [String] = []
        for case let url as URL in walker {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            found.append(String(url.standardizedFileURL.path.dropFirst(directory.standardizedFileURL.path.count + 1)))
        }
        return found.sorted()
    }

    static func json(_ url: URL) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: try Data(contentsOf: url))
        guard let object = value as? [String: Any] else { throw TestSetupError("\(url.path): not a JSON object") }
        return object
    }

    /// `2026-12-01T235524Z` → `2026-12-01T23:55:24Z`.
    static func rfc3339(fromStamp stamp: String) -> String? {
        let characters = Array(stamp)
        guard characters.count == 18, characters[10] == "T", characters[17] == "Z" else { return nil }
        let date = String(characters[0..<10]), time = characters[11..<17]
        guard time.allSatisfy(\.isNumber) else { return nil }
        let digits = String(time)
        return "\(date)T\(digits.prefix(2)):\(digits.dropFirst(2).prefix(2)):\(digits.suffix(2))Z"
    }

    /// Neither the secret key nor the security token appears in what the script printed or wrote,
    /// nor the access key id (which is no secret, but never needs to be shown either).
    static func expectNoSecret(in run: RunResult, under directory: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for secret in [ExportScriptTests.secretKey, ExportScriptTests.securityToken, ExportScriptTests.accessKey] {
            #expect(!run.out.contains(secret) && !run.err.contains(secret), "printed: \(run)", sourceLocation: sourceLocation)
            for file in try files(under: directory) {
                let data = try Data(contentsOf: directory.appendingPathComponent(file))
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(file) holds a credential", sourceLocation: sourceLocation)
            }
        }
    }
}

/// What the emulator serves, from its definition (Tests/Export/hss_emulator.py, host_records and
/// container_records), written out again.
enum ExpectedExport {
    struct Record: Comparable, CustomStringConvertible {
        let port: Int
        let type: String
        let num: Int
        let status: String?
        var description: String { "\(port)/\(type) num \(num) status \(status ?? "none")" }
        static func < (a: Record, b: Record) -> Bool { (a.port, a.type) < (b.port, b.type) }

        static func fetchAll(_ db: Database, snapshotID: Int) throws -> [Record] {
            try Row.fetchAll(
                db, sql: "SELECT port, type, num, status FROM record WHERE snapshot_id = ? ORDER BY port, type", arguments: [snapshotID]
            )
            .map { Record(port: $0["port"], type: $0["type"], num: $0["num"], status: $0["status"]) }
        }
    }

    /// Host record i (0..<450): port 20 + i, type TCP, UDP, TCP6, UDP6 by i % 4, num (i·37) mod 101 + 1,
    /// status danger, normal, unknown, none by i % 4. Container record i (0..<230): port 1000 + 3i,
    /// TCP for even i and UDP for odd, num (i·13) mod 47 + 1, status danger, normal, unknown by i % 3.
    static func records(_ category: String) -> [Record] {
        if category == "host" {
            let types = ["TCP", "UDP", "TCP6", "UDP6"]
            let statuses: [String?] = ["danger", "normal", "unknown", nil]
            return (0..<450).map { i in Record(port: 20 + i, type: types[i % 4], num: (i * 37) % 101 + 1, status: statuses[i % 4]) }
        }
        let statuses = ["danger", "normal", "unknown"]
        return (0..<230).map { i in
            Record(port: 1000 + 3 * i, type: i % 2 == 0 ? "TCP" : "UDP", num: (i * 13) % 47 + 1, status: statuses[i % 3])
        }
    }
}
