// The drill-down step on hand-built drill-down snapshots: every expected value below is worked
// out by hand from the records written in the test (in the comments), never from the code.

import Testing

@testable import PortReport

/// Short builders for drill-down snapshots and the statistics beside them.
enum DetailFixture {
    static func time(_ text: String) -> Timestamp {
        ts(text) ?? Timestamp(secondsSinceEpoch: 0)
    }

    static func host(
        _ id: String, _ name: String, _ laddr: String, port: Int = 22, type: PortType = .tcp, status: VendorStatus? = nil
    )
        -> DetailRecord
    {
        DetailRecord(hostID: id, hostName: name, hostIP: "10.9.0.\(id.count)", laddr: laddr, port: port, type: type, status: status)
    }

    static func container(_ id: String, _ name: String, on host: String, _ laddr: String, port: Int, type: PortType = .tcp) -> DetailRecord
    {
        DetailRecord(hostID: host, hostName: host, containerID: id, containerName: name, laddr: laddr, port: port, type: type)
    }

    /// A ListPortHost snapshot (or ListPorts with `hostID`); `totalNum` defaults to the records'
    /// count (complete).
    static func snapshot(
        _ id: Int64, project: String = "p1", category: Category = .host, at text: String, kind: DetailKind = .portHosts,
        port: Int? = 22, type: PortType? = .tcp, hostID: String = "", filters: String = "", totalNum: Int64? = nil,
        complete: Bool = true, note: String = "", _ records: [DetailRecord]
    ) -> DetailSnapshot {
        let key = DetailKey(
            projectID: project, enterpriseProjectID: "", category: category, capturedAt: time(text), kind: kind, port: port, type: type,
            hostID: hostID, filters: filters)
        return DetailSnapshot(
            id: id, key: key, totalNum: totalNum ?? Int64(records.count), complete: complete, note: note,
            records: records.sorted { $0.observationKey < $1.observationKey })
    }

    static func info(_ id: Int64, project: String = "p1", category: Category = .host, at text: String) -> SnapshotInfo {
        SnapshotInfo(
            id: id, projectID: project, enterpriseProjectID: "", category: category, capturedAt: time(text), records: 1, totalNum: 1,
            complete: true, partial: false, filters: "", note: "")
    }

    static func origin(_ project: String) -> Origin { Origin(projectID: project, enterpriseProjectID: "") }

    static func records(_ pairs: [(PortKey, Int64)]) -> Aggregate {
        Dictionary(uniqueKeysWithValues: pairs.map { ($0.0, RecordValue(num: $0.1, status: nil)) })
    }

    static func entries(
        _ details: [DetailSnapshot], cutoff: String? = nil, current: [Category: [SnapshotInfo]],
        statistics: [Category: [Origin: Aggregate]]
    ) -> [DrilldownEntry] {
        DrilldownComputation(
            details: details, cutoff: cutoff.map(time), categories: Category.allCases, current: current, statistics: statistics
        ).entries()
    }

    /// `web-1 0.0.0.0 all-interfaces` per asset, in the entry's order.
    static func describe(_ assets: [DrilldownAsset]) -> [String] {
        assets.map { "\($0.displayName) \($0.laddr) \($0.exposure.rawValue)" }
    }
}

struct ExposureCase: Sendable, CustomTestStringConvertible {
    let laddr: String
    let expected: Exposure?
    var testDescription: String { "\(laddr.isEmpty ? "(empty)" : laddr) → \(expected?.rawValue ?? "not an address")" }
}

@Suite("Analysis: drill-down")
struct DrilldownTests {
    typealias F = DetailFixture

    static let exposureCases: [ExposureCase] = [
        // IPv4.
        ExposureCase(laddr: "0.0.0.0", expected: .allInterfaces),
        ExposureCase(laddr: "127.0.0.1", expected: .loopback),
        ExposureCase(laddr: "127.255.3.4", expected: .loopback),  // all of 127.0.0.0/8
        ExposureCase(laddr: "128.0.0.1", expected: .specific),
        ExposureCase(laddr: "10.0.0.5", expected: .specific),
        // IPv6, in full and short forms.
        ExposureCase(laddr: "::", expected: .allInterfaces),
        ExposureCase(laddr: "0:0:0:0:0:0:0:0", expected: .allInterfaces),
        ExposureCase(laddr: "::1", expected: .loopback),
        ExposureCase(laddr: "0:0:0:0:0:0:0:1", expected: .loopback),
        ExposureCase(laddr: "::2", expected: .specific),
        ExposureCase(laddr: "2001:db8::1", expected: .specific),
        // IPv4-mapped IPv6: as the IPv4 address.
        ExposureCase(laddr: "::ffff:0.0.0.0", expected: .allInterfaces),
        ExposureCase(laddr: "::ffff:127.0.0.1", expected: .loopback),
        ExposureCase(laddr: "::ffff:10.1.2.3", expected: .specific),
        // Brackets and zones.
        ExposureCase(laddr: "[::]", expected: .allInterfaces),
        ExposureCase(laddr: "[::1]", expected: .loopback),
        ExposureCase(laddr: "fe80::1%eth0", expected: .specific),
        ExposureCase(laddr: "[fe80::1%2]", expected: .specific),
        // Not addresses.
        ExposureCase(laddr: "", expected: nil),
        ExposureCase(laddr: "localhost", expected: nil),
        ExposureCase(laddr: "256.0.0.1", expected: nil),
        ExposureCase(laddr: "1.2.3", expected: nil),
        ExposureCase(laddr: "fe80::1%", expected: nil),
        ExposureCase(laddr: ":::", expected: nil),
        ExposureCase(laddr: "[127.0.0.1", expected: nil)
    ]

    @Test("exposure class of a listen address", arguments: exposureCases)
    func exposureClass(_ example: ExposureCase) {
        #expect(Exposure(laddr: example.laddr) == example.expected)
    }

    /// Statistics: 22/TCP on 3 hosts. Drill-down: web-1 on 0.0.0.0 and 127.0.0.1, db-1 on
    /// 10.0.0.5 — two distinct hosts, one in each class (web-1 counts in two).
    @Test("one project: exposure counts, assets in exposure order, the mismatch with the statistics noted")
    func exposureCountsAndMismatch() throws {
        let detail = F.snapshot(
            1, at: "2026-11-28",
            [F.host("h2", "db-1", "10.0.0.5"), F.host("h1", "web-1", "127.0.0.1"), F.host("h1", "web-1", "0.0.0.0")])
        let entries = F.entries(
            [detail], current: [.host: [F.info(10, at: "2026-11-28")]],
            statistics: [.host: [F.origin("p1"): F.records([(k(22, .tcp), 3)])]])
        let entry = try #require(entries.count == 1 ? entries.first : nil)
        #expect(entry.key == k(22, .tcp) && entry.category == .host && entry.source == .portHosts)
        #expect(F.describe(entry.assets) == ["web-1 0.0.0.0 all-interfaces", "web-1 127.0.0.1 loopback", "db-1 10.0.0.5 specific"])
        #expect(entry.exposure == ExposureCounts(allInterfaces: 1, loopback: 1, specific: 1))
        #expect(entry.assetCount == 2)
        #expect(entry.statisticsNum == 3)
        #expect(entry.mismatch)
        #expect(entry.totalNum == 3 && entry.complete)
        #expect(entry.capturedAt == F.time("2026-11-28"))
        #expect(entry.changes == nil)
        #expect(entry.notes == ["the statistics say 22/TCP is open on 3 hosts; the drill-down lists 2"])
    }

    /// p1: drill-down at 11-27 (a-1), 11-28 (a-1, c-3) and 11-29 (z-9, after the cutoff 11-28 12:00).
    /// p2: drill-down at 11-28 (b-2). Statistics: p1 2, p2 1 → 3, the same as the 3 assets listed.
    @Test("several projects: each project's newest at or before the report's time, summed; opened since the previous")
    func projectsSummedNearestBefore() throws {
        let details = [
            F.snapshot(1, at: "2026-11-27", [F.host("h1", "a-1", "0.0.0.0")]),
            F.snapshot(2, at: "2026-11-28", [F.host("h1", "a-1", "0.0.0.0"), F.host("h3", "c-3", "0.0.0.0")]),
            F.snapshot(3, at: "2026-11-29", [F.host("h9", "z-9", "0.0.0.0")]),
            F.snapshot(4, project: "p2", at: "2026-11-28", [F.host("h2", "b-2", "::")])
        ]
        let entries = F.entries(
            details, cutoff: "2026-11-28T12:00:00Z",
            current: [.host: [F.info(10, at: "2026-11-28"), F.info(11, project: "p2", at: "2026-11-28")]],
            statistics: [
                .host: [F.origin("p1"): F.records([(k(22, .tcp), 2)]), F.origin("p2"): F.records([(k(22, .tcp), 1)])]
            ])
        let entry = try #require(entries.first)
        #expect(entries.count == 1)
        #expect(entry.assets.map(\.hostID) == ["h1", "h2", "h3"])
        #expect(entry.assets.map(\.projectID) == ["p1", "p2", "p1"])
        #expect(entry.statisticsNum == 3 && !entry.mismatch)
        #expect(entry.totalNum == 3)  // 2 (p1's snapshot 2) + 1 (p2's snapshot 4)
        #expect(entry.exposure == ExposureCounts(allInterfaces: 3, loopback: 0, specific: 0))
        let changes = try #require(entry.changes)
        #expect(changes.since == F.time("2026-11-27"))
        #expect(changes.opened.map(\.hostID) == ["h3"])
        #expect(changes.closed.isEmpty)
        #expect(entry.notes.isEmpty)
    }

    /// Previous: h1, h2; now: h1 on another address. h2 closed; h1 did not open or close.
    @Test("closed: an asset in the previous snapshot of the query and not in the newest")
    func closedAssets() throws {
        let details = [
            F.snapshot(1, at: "2026-11-27", [F.host("h1", "a-1", "0.0.0.0"), F.host("h2", "b-2", "0.0.0.0")]),
            F.snapshot(2, at: "2026-11-28", [F.host("h1", "a-1", "10.0.0.1")])
        ]
        let entries = F.entries(
            details, current: [.host: [F.info(10, at: "2026-11-28")]], statistics: [.host: [F.origin("p1"): F.records([(k(22, .tcp), 1)])]])
        let changes = try #require(entries.first?.changes)
        #expect(changes.opened.isEmpty)
        #expect(changes.closed.map(\.hostID) == ["h2"])
    }

    /// A container drill-down captured a day before the statistics, one page of two missing, and
    /// filtered by host name: three notes, and the one listed container equals the statistics' 1.
    @Test("notes: incomplete, filtered, older than the statistics")
    func notesForDoubtfulDetail() throws {
        let detail = F.snapshot(
            7, category: .container, at: "2026-11-27", port: 2375, filters: "host_name=node-*", totalNum: 2, complete: false,
            note: "1 of 2 records", [F.container("c1", "docker-api", on: "n1", "0.0.0.0", port: 2375)])
        let entries = F.entries(
            [detail], current: [.container: [F.info(20, category: .container, at: "2026-11-28")]],
            statistics: [.container: [F.origin("p1"): F.records([(k(2375, .tcp), 1)])]])
        let entry = try #require(entries.first)
        #expect(!entry.complete && entry.totalNum == 2 && entry.statisticsNum == 1 && !entry.mismatch)
        let name = "drill-down snapshot 7 (ListPortHost port=2375&type=TCP&host_name=node-* (container), project p1, 2026-11-27T00:00:00Z)"
        #expect(
            entry.notes == [
                "\(name) is incomplete (1 of 2 records): assets may be missing",
                "\(name) is filtered (host_name=node-*): it lists only the assets that match",
                "\(name) is older than the statistics beside it (snapshot 20, 2026-11-28T00:00:00Z): assets may have opened or closed the port since"
            ])
        #expect(entry.assets.first?.displayName == "docker-api")
        #expect(entry.olderThanStatistics)
    }

    /// Drill-down of project p1 saved without an enterprise project; the statistics of p1 are of
    /// enterprise project 0 (a HAR URL without enterprise_project_id, which the API reads as 0,
    /// or `--enterprise-project 0`). They are one project's: the entry compares the 2 listed with
    /// the statistics' 2 and says why it paired them. With a second enterprise project of p1 in
    /// the statistics the pairing would be a guess: it is not made.
    @Test("drill-down without an enterprise project is compared with its project's only statistics, and says so")
    func pairsAnUnknownEnterpriseProject() throws {
        let detail = F.snapshot(1, at: "2026-11-28", [F.host("h1", "db-1", "0.0.0.0"), F.host("h2", "db-2", "10.0.0.5")])
        func info(_ id: Int64, _ enterprise: String) -> SnapshotInfo {
            SnapshotInfo(
                id: id, projectID: "p1", enterpriseProjectID: enterprise, category: .host, capturedAt: F.time("2026-11-28"), records: 1,
                totalNum: 1, complete: true, partial: false, filters: "", note: "")
        }
        let zero = Origin(projectID: "p1", enterpriseProjectID: "0")
        let entry = try #require(
            F.entries([detail], current: [.host: [info(20, "0")]], statistics: [.host: [zero: F.records([(k(22, .tcp), 2)])]]).first)
        #expect(entry.statisticsNum == 2 && !entry.mismatch)
        #expect(
            entry.notes == [
                "the drill-down, project p1 has enterprise project not given, the statistics 0 (the project's only statistics; the API reads a query without one as 0): compared as one"
            ])
        let other = Origin(projectID: "p1", enterpriseProjectID: "ep-2")
        let two = try #require(
            F.entries(
                [detail], current: [.host: [info(20, "0"), info(21, "ep-2")]],
                statistics: [.host: [zero: F.records([(k(22, .tcp), 2)]), other: F.records([(k(22, .tcp), 1)])]]
            ).first)
        #expect(two.statisticsNum == nil)
        #expect(
            two.notes.contains(
                "2 projects without drill-down for 22/TCP (p1 enterprise project 0, p1 enterprise project ep-2): their 3 in the statistics are not listed"
            ), "\(two.notes)")
    }

    /// A full ListPortHost of 22/TCP at 00:00 lists db-1 and db-2; a look-up with host_name=web a
    /// minute later lists nobody. The look-up must not stand for the port: the entry is the full
    /// one (2 assets, as the statistics say), with no note about a filter.
    @Test("a newer filtered query does not replace an unfiltered one")
    func unfilteredOverNewerFiltered() throws {
        let full = F.snapshot(1, at: "2026-11-28T00:00:00Z", [F.host("h1", "db-1", "0.0.0.0"), F.host("h2", "db-2", "0.0.0.0")])
        let lookUp = F.snapshot(2, at: "2026-11-28T00:01:00Z", filters: "host_name=web", [])
        let entries = F.entries(
            [lookUp, full], current: [.host: [F.info(20, at: "2026-11-28T00:00:00Z")]],
            statistics: [.host: [F.origin("p1"): F.records([(k(22, .tcp), 2)])]])
        let entry = try #require(entries.count == 1 ? entries.first : nil, "\(entries)")
        #expect(F.describe(entry.assets) == ["db-1 0.0.0.0 all-interfaces", "db-2 0.0.0.0 all-interfaces"])
        #expect(entry.notes.isEmpty && !entry.mismatch && !entry.olderThanStatistics, "\(entry.notes)")
    }

    /// A server's ListPorts captured at 18:00 beside host statistics of 00:00 the same day (the
    /// later statistics were not used): the one asset equals the statistics' 1, but six hours lie
    /// between the two, which a note says; a drill-down at the statistics' own time has no note.
    @Test("notes: newer than the statistics, none at the same time")
    func newerThanStatistics() throws {
        let later = F.snapshot(
            8, at: "2026-11-28T18:00:00Z", kind: .hostPorts, port: nil, type: nil, hostID: "h1", [F.host("h1", "web-1", "0.0.0.0")])
        let same = F.snapshot(9, at: "2026-11-28T12:00:00Z", [F.host("h1", "web-1", "0.0.0.0")])
        let current: [Category: [SnapshotInfo]] = [.host: [F.info(20, at: "2026-11-28T12:00:00Z")]]
        let statistics: [Category: [Origin: Aggregate]] = [.host: [F.origin("p1"): F.records([(k(22, .tcp), 1)])]]
        let entry = try #require(F.entries([later], current: current, statistics: statistics).first)
        #expect(entry.source == .hostPorts && !entry.mismatch)
        #expect(
            entry.notes.contains(
                "drill-down snapshot 8 (ListPorts host_id=h1 (host), project p1, 2026-11-28T18:00:00Z) is newer than the statistics beside it (snapshot 20, 2026-11-28T12:00:00Z): assets may have opened or closed the port in between"
            ), "\(entry.notes)")
        let sameTime = try #require(F.entries([same], current: current, statistics: statistics).first)
        #expect(sameTime.notes.isEmpty, "\(sameTime.notes)")
    }

    /// An empty ListPortHost page for port 2375 without a type: the statistics list 2375/TCP (1)
    /// and 2375/TCP6 (2), so the page says no asset has either, and both disagree.
    @Test("an empty page without a queried type covers the types the statistics list")
    func emptyTypelessPage() {
        let detail = F.snapshot(3, at: "2026-11-28", port: 2375, type: nil, [])
        let entries = F.entries(
            [detail], current: [.host: [F.info(10, at: "2026-11-28")]],
            statistics: [.host: [F.origin("p1"): F.records([(k(2375, .tcp), 1), (k(2375, .tcp6), 2), (k(22, .tcp), 9)])]])
        #expect(entries.map(\.key) == [k(2375, .tcp), k(2375, .tcp6)])
        #expect(entries.map(\.assetCount) == [0, 0])
        #expect(entries.map(\.statisticsNum) == [1, 2])
        #expect(entries.map(\.mismatch) == [true, true])
    }

    /// p1 has drill-down for 22/TCP, p2 has the port (4) but no drill-down: statistics_num is p1's
    /// 1 only, and a note names p2 with its 4.
    @Test("a project without drill-down is named, and its num is not compared")
    func projectWithoutDetail() throws {
        let entries = F.entries(
            [F.snapshot(1, at: "2026-11-28", [F.host("h1", "a-1", "0.0.0.0")])],
            current: [.host: [F.info(10, at: "2026-11-28"), F.info(11, project: "p2", at: "2026-11-28")]],
            statistics: [.host: [F.origin("p1"): F.records([(k(22, .tcp), 1)]), F.origin("p2"): F.records([(k(22, .tcp), 4)])]])
        let entry = try #require(entries.first)
        #expect(entry.statisticsNum == 1 && !entry.mismatch)
        #expect(entry.notes == ["1 project without drill-down for 22/TCP (p2): their 4 in the statistics are not listed"])
    }

    /// ListPorts of server h1 lists 22/TCP and 8080/TCP; ListPortHost covers 22/TCP (h1, h2). So
    /// 22/TCP comes from ListPortHost, 8080/TCP from ListPorts, with h1's name from ListPortHost.
    @Test("ListPorts data fills ports without ListPortHost, and says it covers only the servers asked about")
    func hostPortsEntries() throws {
        let listPorts = F.snapshot(
            5, at: "2026-11-28", kind: .hostPorts, port: nil, type: nil, hostID: "h1",
            [
                DetailRecord(hostID: "h1", laddr: "0.0.0.0", port: 22, type: .tcp),
                DetailRecord(hostID: "h1", laddr: "127.0.0.1", pid: 812, path: "/usr/bin/app", port: 8080, type: .tcp)
            ])
        let listPortHost = F.snapshot(6, at: "2026-11-28", [F.host("h1", "web-1", "0.0.0.0"), F.host("h2", "web-2", "0.0.0.0")])
        let entries = F.entries(
            [listPorts, listPortHost], current: [.host: [F.info(10, at: "2026-11-28")]],
            statistics: [.host: [F.origin("p1"): F.records([(k(22, .tcp), 2), (k(8080, .tcp), 5)])]])
        #expect(entries.map(\.key) == [k(22, .tcp), k(8080, .tcp)])
        #expect(entries.map(\.source) == [.portHosts, .hostPorts])
        let ssh = try #require(entries.first), app = try #require(entries.last)
        #expect(ssh.assets.map(\.hostID) == ["h1", "h2"] && ssh.notes.isEmpty)
        #expect(app.assets.map(\.hostName) == ["web-1"])
        #expect(app.assets.map(\.pid) == [812] && app.assets.map(\.path) == ["/usr/bin/app"])
        #expect(
            app.notes == [
                "from ListPorts of 1 server asked about, project p1 (h1): other servers with 8080/TCP open are not listed",
                "the statistics say 8080/TCP is open on 5 hosts; the drill-down lists 1"
            ])
    }

    /// A port the statistics do not list (the drill-down is newer than what they saw).
    @Test("a port with drill-down but not in the statistics says so")
    func notInStatistics() throws {
        let entries = F.entries(
            [F.snapshot(1, at: "2026-11-28", port: 9999, [F.host("h1", "a-1", "0.0.0.0", port: 9999)])],
            current: [.host: [F.info(10, at: "2026-11-28")]], statistics: [.host: [F.origin("p1"): F.records([(k(22, .tcp), 1)])]])
        let entry = try #require(entries.first)
        #expect(entry.statisticsNum == nil && !entry.mismatch)
        #expect(entry.notes == ["the current host statistics do not list 9999/TCP"])
    }

    /// Two queries for 22/TCP in one project at the same time: the unfiltered one is used.
    @Test("at the same time an unfiltered query is used over a filtered one")
    func unfilteredPreferred() throws {
        let details = [
            F.snapshot(1, at: "2026-11-28", filters: "host_name=a-*", [F.host("h1", "a-1", "0.0.0.0")]),
            F.snapshot(2, at: "2026-11-28", [F.host("h1", "a-1", "0.0.0.0"), F.host("h2", "b-2", "0.0.0.0")])
        ]
        let entries = F.entries(
            details, current: [.host: [F.info(10, at: "2026-11-28")]], statistics: [.host: [F.origin("p1"): F.records([(k(22, .tcp), 2)])]])
        #expect(entries.first?.assets.map(\.hostID) == ["h1", "h2"])
        #expect(entries.first?.notes == [])
    }

    /// Dangerous ports: 2375/TCP (risk catalogue) on c1 (0.0.0.0); 22/TCP is not dangerous, but
    /// h1's record says danger, and a finding names 22/TCP for h2. So: c1 [2375] with 1 wide;
    /// h1 [22] 1 wide; h2 [22] 0 wide; ordered by port count, then wide ones, then name.
    @Test("asset ranking: dangerous ports and ports of findings per asset")
    func assetRanking() throws {
        let entries = F.entries(
            [
                F.snapshot(
                    1, at: "2026-11-28",
                    [F.host("h1", "a-1", "0.0.0.0", status: .danger), F.host("h2", "b-2", "10.0.0.2")]),
                F.snapshot(
                    2, category: .container, at: "2026-11-28", port: 2375,
                    [F.container("c1", "docker-api", on: "n1", "0.0.0.0", port: 2375)])
            ],
            current: [.host: [F.info(10, at: "2026-11-28")], .container: [F.info(11, category: .container, at: "2026-11-28")]],
            statistics: [
                .host: [F.origin("p1"): F.records([(k(22, .tcp), 2)])], .container: [F.origin("p1"): F.records([(k(2375, .tcp), 1)])]
            ])
        let h2 = try #require(entries.first?.assets.first { $0.hostID == "h2" })
        let finding = Finding(kind: .forbidden, key: k(22, .tcp), category: .host, num: 1, message: "m", waiver: nil, assets: [h2])
        let ranking = AssetRanking.make(entries: entries, findings: [finding], statistics: [:])
        #expect(ranking.map(\.displayName) == ["a-1", "docker-api", "b-2"])
        #expect(ranking.map(\.ports) == [[k(22, .tcp)], [k(2375, .tcp)], [k(22, .tcp)]])
        #expect(ranking.map(\.allInterfaces) == [1, 1, 0])
        #expect(ranking.map(\.anchor) == ["asset-host-h1", "asset-container-c1", "asset-host-h2"])
    }

    /// A ListPorts of h1, and a look-up of h1 filtered by port=22 a minute later: one server
    /// asked about, listed once (from the unfiltered query), not twice.
    @Test("a server asked about twice by ListPorts is listed once")
    func oneListPortsQueryPerServer() throws {
        let full = F.snapshot(
            1, at: "2026-11-28T00:00:00Z", kind: .hostPorts, port: nil, type: nil, hostID: "h1",
            [
                DetailRecord(hostID: "h1", laddr: "0.0.0.0", port: 22, type: .tcp),
                DetailRecord(hostID: "h1", laddr: "::", port: 80, type: .tcp)
            ])
        let lookUp = F.snapshot(
            2, at: "2026-11-28T00:01:00Z", kind: .hostPorts, port: nil, type: nil, hostID: "h1", filters: "port=22",
            [DetailRecord(hostID: "h1", laddr: "0.0.0.0", port: 22, type: .tcp)])
        let entries = F.entries(
            [full, lookUp], current: [.host: [F.info(10, at: "2026-11-28")]],
            statistics: [.host: [F.origin("p1"): F.records([(k(22, .tcp), 1), (k(80, .tcp), 1)])]])
        let ssh = try #require(entries.first { $0.key == k(22, .tcp) })
        #expect(ssh.assets.map(\.laddr) == ["0.0.0.0"])
        #expect(ssh.notes == ["from ListPorts of 1 server asked about, project p1 (h1): other servers with 22/TCP open are not listed"])
    }

    /// The day before, 22/TCP was on h2 only; now h1 listens on 0.0.0.0 and on ::. h1 opened the
    /// port once (its widest address first), h2 closed it.
    @Test("changes are per asset: a server on two addresses opened the port once")
    func changesPerAsset() throws {
        let before = F.snapshot(1, at: "2026-11-27", [F.host("h2", "db-2", "10.0.0.5")])
        let now = F.snapshot(2, at: "2026-11-28", [F.host("h1", "web-1", "0.0.0.0"), F.host("h1", "web-1", "::")])
        let entry = try #require(
            F.entries(
                [before, now], current: [.host: [F.info(10, at: "2026-11-28")]],
                statistics: [.host: [F.origin("p1"): F.records([(k(22, .tcp), 1)])]]
            ).first)
        #expect(F.describe(entry.changes?.opened ?? []) == ["web-1 0.0.0.0 all-interfaces"])
        #expect(F.describe(entry.changes?.closed ?? []) == ["db-2 10.0.0.5 specific"])
    }

    /// 23/TCP was on old-telnet in a drill-down; the current statistics no longer list 23/TCP.
    /// The catalogue rates 23/TCP dangerous, but the port is not open now: old-telnet is not ranked.
    @Test("asset ranking leaves out ports the current statistics do not list")
    func assetRankingLeavesOutClosedPorts() throws {
        let entries = F.entries(
            [F.snapshot(1, at: "2026-11-01", port: 23, [F.host("h9", "old-telnet", "0.0.0.0", port: 23)])],
            current: [.host: [F.info(10, at: "2026-12-01")]], statistics: [.host: [F.origin("p1"): F.records([(k(22, .tcp), 4)])]])
        #expect(entries.map(\.key) == [k(23, .tcp)])
        #expect(AssetRanking.make(entries: entries, findings: [], statistics: [:]).isEmpty)
    }

    /// web-1 listened on 127.0.0.1 and now on 0.0.0.0; db-2 on 10.0.0.5 before and now also on
    /// 127.0.0.1; app-3 on :: both times. Nothing opened or closed, but web-1 went from loopback
    /// to every interface and db-2 gained loopback; app-3 did not change.
    @Test("changes name the assets whose exposure classes changed")
    func exposureChanges() throws {
        let before = F.snapshot(
            1, at: "2026-11-27", [F.host("h1", "web-1", "127.0.0.1"), F.host("h2", "db-2", "10.0.0.5"), F.host("h3", "app-3", "::")])
        let now = F.snapshot(
            2, at: "2026-11-28",
            [
                F.host("h1", "web-1", "0.0.0.0"), F.host("h2", "db-2", "10.0.0.5"), F.host("h2", "db-2", "127.0.0.1"),
                F.host("h3", "app-3", "::")
            ])
        let entry = try #require(
            F.entries(
                [before, now], current: [.host: [F.info(10, at: "2026-11-28")]],
                statistics: [.host: [F.origin("p1"): F.records([(k(22, .tcp), 3)])]]
            ).first)
        let changes = try #require(entry.changes)
        #expect(changes.opened.isEmpty && changes.closed.isEmpty)
        #expect(
            changes.exposureChanged.map { "\($0.asset.displayName) \($0.before.map(\.rawValue)) -> \($0.after.map(\.rawValue))" } == [
                "web-1 [\"loopback\"] -> [\"all-interfaces\"]", "db-2 [\"specific\"] -> [\"loopback\", \"specific\"]"
            ])
    }
}
