// tools/hss-export/hss_export.py --detail: ListPortHost pages fetched after the statistics, saved
// beside them by portreport's drill-down file-name convention, imported with `import --project`
// and checked in the JSON report's drilldown[]. Expected values come from the emulator's fleet
// definition (Tests/Export/hss_emulator.py: host_records, container_records, port_hosts), written
// out again here (ExpectedFleet), never from portreport's code or from the emulator's.

import Foundation
import Testing

@Suite("Exporting drill-down: hss_export.py --detail against the loopback emulator, imported and reported")
struct ExportDetailTests {
    /// forbid 300 (host, a scalar), 100-120/tcp6 (both categories), 1003-1010 (container, every
    /// protocol); a limit on 20/tcp for hosts; a waiver on 451/udp (UDP and UDP6); an allow list,
    /// which names the ports that may be open and is not read.
    static let policy = """
        forbid:
          - ports: 300
            category: host
          - ports: [100-120/tcp6]
          - ports: [1003-1010]
            category: container
        limits:
          - ports: [20/tcp4]
            category: host
            max: 1000
        waivers:
          - ports: [451/udp]
            reason: test
            ticket: T-1
            expires: 2099-12-31
        allow:
          host: [20-469]
        new_dangerous: true
        """

    /// Host ports the policy names, worked out by hand: 300 (i = 280, TCP); 100-120 of type TCP6
    /// (i % 4 == 2: ports 102, 106, 110, 114, 118; none in the container range); 20/TCP (i = 0);
    /// 451 (i = 431, UDP6). Container: 1003 (i = 1), 1006 (i = 2), 1009 (i = 3).
    static let policyPorts: [String: Set<Int>] = ["host": [20, 102, 106, 110, 114, 118, 300, 451], "container": [1003, 1006, 1009]]
    /// The risk catalogue's entries that the host statistics list with a matching protocol, by hand:
    /// 69/UDP, 111/UDP6, 123/UDP6, 137/UDP, 161/UDP, 389/UDP (21, 23, 135, 139 and 445 are there
    /// but with the other protocol). The container ports (1000–1687) hold no catalogue port.
    static let cataloguePorts: [String: Set<Int>] = ["host": [69, 111, 123, 137, 161, 389], "container": []]

    @Test(
        "--detail danger,catalogue,policy: every selected port's ListPortHost pages beside the statistics; the report names exactly the fleet's assets",
        .enabled(if: ExportVenv.ready, ExportVenv.reason))
    func endToEnd() async throws {
        try await withScratch("hssexport-detail") { scratch in
            let policy = try scratch.write("policy.yaml", Self.policy)
            let (run, emulatorLog) = try await ExportRun.perform(
                in: scratch, arguments: ["--detail", "danger,catalogue,policy", "--policy", policy])
            #expect(run.status == 0 && !run.signalled, "\(run)")
            #expect(run.err.isEmpty, "no warnings: \(run)")

            var selected: [String: Set<Int>] = [:]
            for category in ["host", "container"] {
                let danger = Set(ExpectedExport.records(category).filter { $0.status == "danger" }.map(\.port))
                selected[category] = danger.union(Self.cataloguePorts[category] ?? []).union(Self.policyPorts[category] ?? [])
            }
            // host: 113 danger + 6 catalogue + 6 policy ports not danger (300, 20 are danger); container: 77 danger + 1003, 1006.
            #expect(selected["host"]?.count == 125 && selected["container"]?.count == 79)
            let hostRecords = selected["host", default: []].map { ExpectedFleet.assets("host", port: $0).count }.reduce(0, +)
            let containerRecords = selected["container", default: []].map { ExpectedFleet.assets("container", port: $0).count }.reduce(0, +)
            #expect(
                run.out.hasSuffix(
                    ": host 450 records (3 pages), container 230 records (2 pages); ListPortHost: host 125 ports, \(hostRecords) records (125 pages), container 79 ports, \(containerRecords) records (79 pages)\n"
                ), "\(run)")

            // The files: the statistics as before, one page per selected port named by the drill-down
            // convention, and a sidecar per category folder whose `details` say what each answers.
            let out = scratch.url.appendingPathComponent("out")
            let (prefix, files) = try ExportRun.layout(under: out)
            var expectedFiles = [
                "container/page-0001.json", "container/page-0002.json", "host/page-0001.json", "host/page-0002.json", "host/page-0003.json",
                "portreport-export.json", "container/portreport-export.json", "host/portreport-export.json"
            ]
            for (category, ports) in selected {
                expectedFiles += ports.map { "\(category)/port-hosts-\($0)-offset-0.json" }
            }
            #expect(files == expectedFiles.map { prefix + $0 }.sorted(), "\(files)")
            let hostSidecar = try ExportRun.json(out.appendingPathComponent(prefix + "host/portreport-export.json"))
            #expect(hostSidecar.keys.sorted() == ["details", "format"])
            let details = try #require(hostSidecar["details"] as? [String: [String: Any]])
            #expect(Set(details.keys) == Set(selected["host", default: []].map { "port-hosts-\($0)-offset-0.json" }))
            #expect(details["port-hosts-69-offset-0.json"]?["kind"] as? String == "ListPortHost")
            #expect(details["port-hosts-69-offset-0.json"]?["port"] as? Int == 69)

            // The requests: ListPortHost after the statistics, one per port, no type, limit 200.
            let detailPath = "/v5/\(ExportScriptTests.projectID)/asset/ports/detail"
            let detailRequests = emulatorLog.filter { $0.contains(detailPath) }
            #expect(detailRequests.count == 204 && emulatorLog.count == 209, "\(emulatorLog.count) requests")
            #expect(
                detailRequests.allSatisfy { $0.hasPrefix("200 GET ") && $0.contains("limit=200&offset=0&port=") && !$0.contains("type=") })
            #expect(emulatorLog.prefix(5).allSatisfy { $0.contains("/asset/port/statistics?") }, "statistics first")
            try ExportRun.expectNoSecret(in: run, under: out)

            let entries = try await ExportRun.importAndReport(out, scratch: scratch)
            #expect(entries.count == 204, "one drilldown entry per selected port (each has one protocol)")
            // The policy the script read is one portreport reads too (check: 0 passed, 3 findings).
            let check = try await CLI.run(["check", "--store", scratch.store, "--policy", policy])
            #expect([0, 3].contains(check.status) && !check.err.contains("error"), "\(check)")
            for (category, ports) in selected {
                for port in ports {
                    try ExportRun.expectEntry(entries, category: category, port: port, assets: ExpectedFleet.assets(category, port: port))
                }
            }
        }
    }

    @Test(
        "a port behind more assets than one page: every page of ListPortHost, named by its offset, imported complete",
        .enabled(if: ExportVenv.ready, ExportVenv.reason))
    func paging() async throws {
        try await withScratch("hssexport-detail") { scratch in
            let policy = try scratch.write("policy.yaml", "forbid:\n  - ports: [20/tcp]\n")
            let (run, emulatorLog) = try await ExportRun.perform(
                in: scratch, mode: "many-hosts", arguments: ["--category", "host", "--detail", "policy", "--policy", policy])
            #expect(run.status == 0 && run.err.isEmpty, "\(run)")
            #expect(run.out.hasSuffix("; ListPortHost: host 1 port, 450 records (3 pages)\n"), "\(run)")
            let path = "/v5/\(ExportScriptTests.projectID)/asset/ports/detail"
            #expect(
                emulatorLog.filter { $0.contains(path) }
                    == ["0", "200", "400"].map { "200 GET \(path)?category=host&limit=200&offset=\($0)&port=20" }, "\(emulatorLog)")
            let out = scratch.url.appendingPathComponent("out")
            let (prefix, files) = try ExportRun.layout(under: out)
            let pages = files.filter { $0.contains("/port-hosts-") }
            #expect(pages == ["0", "200", "400"].map { prefix + "host/port-hosts-20-offset-\($0).json" }, "\(files)")
            for (page, count) in zip(pages, [200, 200, 50]) {
                let body = try ExportRun.json(out.appendingPathComponent(page))
                #expect(body["total_num"] as? Int == 450 && (body["data_list"] as? [Any])?.count == count, "\(page)")
            }
            let expected = ExpectedFleet.assets("host", port: 20, manyHosts: true)
            #expect(expected.count == 450)
            let entries = try await ExportRun.importAndReport(out, scratch: scratch)
            #expect(entries.count == 1)
            try ExportRun.expectEntry(entries, category: "host", port: 20, assets: expected, statisticsNum: 450)
        }
    }

    @Test(
        "a ListPortHost total that changes while paging starts that port again from offset 0, with a warning",
        .enabled(if: ExportVenv.ready, ExportVenv.reason))
    func shiftingTotal() async throws {
        try await withScratch("hssexport-detail") { scratch in
            let policy = try scratch.write("policy.yaml", "forbid:\n  - ports: [20/tcp]\n")
            let (run, emulatorLog) = try await ExportRun.perform(
                in: scratch, mode: "shifting-detail", arguments: ["--category", "host", "--detail", "policy", "--policy", policy])
            #expect(run.status == 0, "\(run)")
            #expect(
                run.err
                    == "warning: ListPortHost host port 20: the data changed while paging (total_num 450 on the first page, 451 at offset 200): starting again from offset 0\n",
                "\(run)")
            #expect(run.out.hasSuffix("; ListPortHost: host 1 port, 451 records (3 pages)\n"), "\(run)")
            #expect(
                emulatorLog.filter { $0.contains("/asset/ports/detail") }.map { $0.components(separatedBy: "offset=").last ?? "" }
                    == ["0&port=20", "200&port=20", "0&port=20", "200&port=20", "400&port=20"], "\(emulatorLog)")
            let out = scratch.url.appendingPathComponent("out")
            let (prefix, _) = try ExportRun.layout(under: out)
            let last = try ExportRun.json(out.appendingPathComponent(prefix + "host/port-hosts-20-offset-400.json"))
            #expect(last["total_num"] as? Int == 451 && (last["data_list"] as? [Any])?.count == 51)
        }
    }

    @Test(
        "an empty ListPortHost answer is saved and imported as what it is: the port's drill-down lists no asset, beside the statistics' count",
        .enabled(if: ExportVenv.ready, ExportVenv.reason))
    func emptyAnswer() async throws {
        try await withScratch("hssexport-detail") { scratch in
            let policy = try scratch.write("policy.yaml", "forbid:\n  - ports: [1003-1010]\n")
            let (run, _) = try await ExportRun.perform(
                in: scratch, mode: "empty-detail", arguments: ["--category", "container", "--detail", "policy", "--policy", policy])
            #expect(run.status == 0 && run.err.isEmpty, "\(run)")
            #expect(run.out.hasSuffix("; ListPortHost: container 3 ports, 0 records (3 pages)\n"), "\(run)")
            let out = scratch.url.appendingPathComponent("out")
            let (prefix, files) = try ExportRun.layout(under: out)
            for port in [1003, 1006, 1009] {
                let name = prefix + "container/port-hosts-\(port)-offset-0.json"
                #expect(files.contains(name), "\(files)")
                #expect(try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8) == #"{"total_num":0,"data_list":[]}"#)
            }
            let entries = try await ExportRun.importAndReport(out, scratch: scratch)
            #expect(entries.count == 3, "\(entries)")
            // Container record i = 1, 2, 3: num (13·i) mod 47 + 1 = 14, 27, 40.
            for (port, num) in [(1003, 14), (1006, 27), (1009, 40)] {
                let entry = try #require(entries.first { $0["port"] as? Int == port }, "\(port)")
                #expect((entry["assets"] as? [Any])?.isEmpty == true)
                #expect(entry["statistics_num"] as? Int == num && entry["total_num"] as? Int == 0)
                #expect(entry["mismatch"] as? Bool == true && entry["complete"] as? Bool == true)
            }
        }
    }

    @Test(
        "an API error on a ListPortHost call: one line naming it, exit 1, the statistics written and intact, no drill-down page",
        .enabled(if: ExportVenv.ready, ExportVenv.reason))
    func detailCallFails() async throws {
        try await withScratch("hssexport-detail") { scratch in
            let policy = try scratch.write("policy.yaml", "forbid:\n  - ports: [300, 1006]\n")
            let (run, emulatorLog) = try await ExportRun.perform(
                in: scratch, mode: "fail-detail", arguments: ["--detail", "policy", "--policy", policy])
            #expect(run.status == 1 && !run.signalled, "\(run)")
            #expect(run.out.isEmpty, "\(run)")
            let out = scratch.url.appendingPathComponent("out")
            let (prefix, files) = try ExportRun.layout(under: out)
            // Host 300 was fetched first (host before container), then container 1006 failed.
            #expect(emulatorLog.suffix(2).map { $0.prefix(4) } == ["200 ", "500 "], "\(emulatorLog)")
            #expect(
                run.err
                    == "error: ListPortHost (container port 1006, page at offset 0) failed: HTTP 500, HSS.0004: Internal error (request id emulator-request-0001); the statistics were written to out/\(prefix.dropLast()), without any drill-down page\n",
                "\(run)")
            #expect(
                files
                    == [
                        "container/page-0001.json", "container/page-0002.json", "host/page-0001.json", "host/page-0002.json",
                        "host/page-0003.json", "portreport-export.json"
                    ].map { prefix + $0 }, "\(files)")
            for (category, counts) in [("host", [200, 200, 50]), ("container", [200, 30])] {
                for (index, count) in counts.enumerated() {
                    let page = try ExportRun.json(out.appendingPathComponent(prefix + "\(category)/page-000\(index + 1).json"))
                    #expect((page["data_list"] as? [Any])?.count == count, "\(category) page \(index + 1)")
                }
            }
            try ExportRun.expectNoSecret(in: run, under: out)
            let entries = try await ExportRun.importAndReport(out, scratch: scratch)
            #expect(entries.isEmpty)
        }
    }

    @Test(
        "--max-detail-ports: the ports past the bound are named in a warning and not asked about",
        .enabled(if: ExportVenv.ready, ExportVenv.reason))
    func bound() async throws {
        try await withScratch("hssexport-detail") { scratch in
            let (run, emulatorLog) = try await ExportRun.perform(
                in: scratch, arguments: ["--category", "host", "--detail", "catalogue", "--max-detail-ports", "3"])
            #expect(run.status == 0, "\(run)")
            #expect(
                run.err
                    == "warning: --max-detail-ports 3: 3 selected ports left out, not asked about (host 137, 161, 389); raise --max-detail-ports to include them\n",
                "\(run)")
            #expect(
                run.out.hasSuffix(
                    "; ListPortHost: host 3 ports, \([69, 111, 123].map { ExpectedFleet.assets("host", port: $0).count }.reduce(0, +)) records (3 pages)\n"
                ), "\(run)")
            #expect(
                emulatorLog.filter { $0.contains("/asset/ports/detail") }.map { $0.components(separatedBy: "port=").last ?? "" } == [
                    "69", "111", "123"
                ])
        }
    }

    /// Usage errors, before any request: exit 64, one message, nothing written.
    @Test(
        "--detail refuses what would make it meaningless or cannot be done",
        .enabled(if: ExportVenv.ready, ExportVenv.reason),
        arguments: [
            (["--detail", "policy"], "--detail policy needs --policy FILE: the portreport policy whose ports to fetch"),
            (["--detail", "danger,everything"], "--detail: expected a comma list of danger, catalogue, policy, found 'everything'"),
            (["--policy", "p.yaml"], "--policy is read only for --detail policy: add --detail policy (or leave --policy out)"),
            (
                ["--detail", "danger", "--port", "22"],
                "--detail selects from a full export, not a filtered one (--port): the sidecar's filters would apply to the drill-down pages too; leave --port out (a full export has every danger row)"
            ),
            (["--detail", "catalogue", "--max-detail-ports", "0"], "--max-detail-ports: expected a positive number of ports, found 0"),
            (
                ["--detail", "policy", "--policy", "bad.yaml"],
                "--policy bad.yaml:2: expected a port such as 23, 23/tcp, 23/udp6 or 8000-8100/tcp, found '23/sctp'"
            ),
            (["--detail", "policy", "--policy", "missing.yaml"], "--policy missing.yaml: cannot read it (No such file or directory)")
        ])
    func usage(arguments: [String], message: String) async throws {
        try await withScratch("hssexport-detail") { scratch in
            _ = try scratch.write("bad.yaml", "forbid:\n  - ports: [22/tcp, 23/sctp]\n")
            let run = try await Subprocess.run(
                ExportVenv.python, [ExportVenv.script.path, "out", "--endpoint", "http://127.0.0.1:9"] + arguments, in: scratch.url,
                environment: [
                    "HUAWEICLOUD_SDK_AK": "AK", "HUAWEICLOUD_SDK_SK": "SK", "HUAWEICLOUD_SDK_PROJECT_ID": ExportScriptTests.projectID
                ],
                timeout: 120)
            #expect(run.status == 64, "\(run)")
            #expect(run.err.lines.last == "hss_export.py: error: \(message)" || run.err == "error: \(message)\n", "\(run)")
            #expect(try ExportRun.files(under: scratch.url.appendingPathComponent("out")).isEmpty)
        }
    }
}

extension ExportRun {
    /// The export's `project-<id>/<stamp>/` prefix and every file under `out`, relative and sorted.
    static func layout(under out: URL) throws -> (prefix: String, files: [String]) {
        let files = try files(under: out)
        let stamps = Set(files.compactMap { $0.split(separator: "/").dropFirst().first.map(String.init) })
        try #require(stamps.count == 1, "one export directory: \(files)")
        let stamp = try #require(stamps.first)
        return ("project-\(ExportScriptTests.projectID)/\(stamp)/", files)
    }

    /// `portreport import --project P out` into a fresh store (no warning), then the JSON report's drilldown[].
    static func importAndReport(
        _ out: URL, scratch: Scratch, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [[String: Any]] {
        let imported = try await CLI.run(["import", "--store", scratch.store, "--project", ExportScriptTests.projectID, out.path])
        #expect(imported.status == 0 && !imported.signalled, "\(imported)", sourceLocation: sourceLocation)
        #expect(imported.err.isEmpty, "no warnings: \(imported)", sourceLocation: sourceLocation)
        let report = try await CLI.run(["report", "--store", scratch.store, "--format", "json"])
        #expect(report.status == 0, "\(report)", sourceLocation: sourceLocation)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(report.out.utf8)) as? [String: Any])
        return try #require(root["drilldown"] as? [[String: Any]], "drilldown[]")
    }

    /// The one drilldown entry of `port` in `category` names exactly `assets`, complete, with the statistics' num beside it.
    static func expectEntry(
        _ entries: [[String: Any]], category: String, port: Int, assets: [ExpectedFleet.Asset], statisticsNum: Int? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let matching = entries.filter { $0["category"] as? String == category && $0["port"] as? Int == port }
        let entry = try #require(
            matching.count == 1 ? matching.first : nil, "one entry for \(category) \(port)", sourceLocation: sourceLocation)
        let got = try #require(entry["assets"] as? [[String: Any]], sourceLocation: sourceLocation).map {
            ExpectedFleet.Asset(
                hostID: $0["host_id"] as? String ?? "", hostName: $0["host_name"] as? String ?? "",
                containerID: $0["container_id"] as? String ?? "",
                laddr: $0["laddr"] as? String ?? "", pid: $0["pid"] as? Int ?? -1, path: $0["path"] as? String ?? "")
        }
        #expect(got.sorted() == assets.sorted(), "assets of \(category) \(port)", sourceLocation: sourceLocation)
        let num = statisticsNum ?? assets.count
        #expect(entry["type"] as? String == ExpectedFleet.type(category, port: port), sourceLocation: sourceLocation)
        #expect(
            entry["statistics_num"] as? Int == num && entry["total_num"] as? Int == num, "\(category) \(port)",
            sourceLocation: sourceLocation)
        #expect(
            entry["complete"] as? Bool == true && entry["mismatch"] as? Bool == false, "\(category) \(port)", sourceLocation: sourceLocation
        )
    }
}

/// The emulator's fleet (hss_emulator.py, port_hosts), written out again: for statistics record i
/// of a port, its num assets k = 0..<num. Host record i: server j = (7i + k) mod 500. Container
/// record i: container c = (5i + k) mod 60, `ctr-CCC`, on server c mod 20. Server j: `host-JJJ`,
/// `srv-JJJ`, 10.1.(j / 250).(j mod 250 + 1). Asset k listens on 0.0.0.0 / :: (k mod 3 = 0),
/// 127.0.0.1 / ::1 (1), the server's IP / fd00::1:<j hex> (2), for TCP/UDP and TCP6/UDP6; pid
/// 1000 + k; path /usr/sbin/svc-PORT.
enum ExpectedFleet {
    struct Asset: Comparable, CustomStringConvertible {
        let hostID: String
        let hostName: String
        let containerID: String
        let laddr: String
        let pid: Int
        let path: String
        var description: String { "\(containerID.isEmpty ? hostID : containerID)@\(laddr) pid \(pid) \(path)" }
        static func < (a: Asset, b: Asset) -> Bool { (a.hostID, a.containerID, a.laddr) < (b.hostID, b.containerID, b.laddr) }
    }

    static func type(_ category: String, port: Int) -> String? {
        ExpectedExport.records(category).first { $0.port == port }?.type
    }

    static func assets(_ category: String, port: Int, manyHosts: Bool = false) -> [Asset] {
        var result: [Asset] = []
        for (i, record) in ExpectedExport.records(category).enumerated() where record.port == port {
            let num = manyHosts && category == "host" && i == 0 ? 450 : record.num
            let six = record.type.hasSuffix("6")
            for k in 0..<num {
                let c = (5 * i + k) % 60
                let j = category == "host" ? (7 * i + k) % 500 : c % 20
                let ip = "10.1.\(j / 250).\(j % 250 + 1)"
                let laddr = [six ? "::" : "0.0.0.0", six ? "::1" : "127.0.0.1", six ? "fd00::1:" + String(j, radix: 16) : ip][k % 3]
                result.append(
                    Asset(
                        hostID: "host-" + padded(j), hostName: "srv-" + padded(j),
                        containerID: category == "host" ? "" : "ctr-" + padded(c),
                        laddr: laddr, pid: 1000 + k, path: "/usr/sbin/svc-\(port)"))
            }
        }
        return result
    }

    private static func padded(_ number: Int) -> String {
        String(repeating: "0", count: max(0, 3 - String(number).count)) + String(number)
    }
}
