@testable import PortReport

/// A fixed analysis result, written out by hand (no store, no analyzer), for the renderer tests
/// that compare with canned files in `Expected/`: a few ports of both categories, a trend per
/// category, a history-only snapshot, an incomplete one, a finding and a waived one.
///
/// The figures agree with each other as an analysis would make them:
///
/// | Port     | Hosts | Containers | Total | Share | Vendor | Catalogue |
/// |----------|------:|-----------:|------:|------:|--------|-----------|
/// | 443/TCP  |     3 |          5 |     8 |  40 % | normal |           |
/// | 80/TCP   |     2 |          3 |     5 |  25 % | danger |           |
/// | 22/TCP   |     4 |          0 |     4 |  20 % | normal |           |
/// | 23/TCP   |     2 |          0 |     2 |  10 % | danger | listed    |
/// | 2375/TCP |     0 |          1 |     1 |   5 % | –      | listed    |
///
/// Host exports: 20th (history only), 27th (443 3, 80 2, 22 3, 53/UDP 1), 28th (current),
/// 28th 04:00 (incomplete, not used). Container exports: 27th (443 4, 80 3), 28th (current).
enum ReportFixture {
    static let project = "p1"

    static func time(_ secondsSinceEpoch: Int64) -> Timestamp { Timestamp(secondsSinceEpoch: secondsSinceEpoch) }
    static let nov20 = time(1_795_132_800)
    static let nov27 = time(1_795_737_600)
    static let nov28 = time(1_795_824_000)
    static let nov28at4 = time(1_795_838_400)
    static let generatedAt = time(1_795_845_600)  // 2026-11-28T06:00:00Z

    static func snapshot(
        _ id: Int64, _ category: Category, _ capturedAt: Timestamp, records: Int, totalNum: Int64? = nil,
        complete: Bool = true, note: String = ""
    ) -> SnapshotInfo {
        SnapshotInfo(
            id: id, projectID: project, enterpriseProjectID: "0", category: category, capturedAt: capturedAt, records: records,
            totalNum: totalNum ?? Int64(records), complete: complete, partial: false, filters: "", note: note)
    }

    static let hostHistory = snapshot(1, .host, nov20, records: 4)
    static let hostBefore = snapshot(2, .host, nov27, records: 4)
    static let containerBefore = snapshot(3, .container, nov27, records: 2)
    static let hostCurrent = snapshot(4, .host, nov28, records: 4)
    static let containerCurrent = snapshot(5, .container, nov28, records: 3)
    static let hostIncomplete = snapshot(6, .host, nov28at4, records: 2, totalNum: 6, complete: false, note: "2 of 6 records: 4 missing")

    static func key(_ port: Int, _ type: PortType = .tcp) -> PortKey { PortKey(port: port, type: type) }

    static func change(_ key: PortKey, _ before: Int64, _ after: Int64) -> TrendChange {
        TrendChange(key: key, before: before, after: after)
    }

    static let telnet = RiskEntry(
        port: 23, transport: .tcp, service: "telnet", reason: #"Telnet sends credentials and sessions in clear text, "as typed""#,
        source: "CIS Controls v8, 4.8")
    static let docker = RiskEntry(
        port: 2375, transport: .tcp, service: "docker", reason: "an unauthenticated Docker API gives root on the host",
        source: "Docker documentation: protect the daemon socket")

    static func row(
        _ rank: Int, _ key: PortKey, host: Int64, container: Int64, status: VendorStatus?, service: String?,
        share: Double, cumulative: Double, risk: RiskEntry? = nil
    ) -> RankingRow {
        RankingRow(
            rank: rank, key: key, host: host, container: container, status: status, service: service, range: PortRange(port: key.port),
            share: share, cumulativeShare: cumulative, containerShare: Double(container) / Double(host + container), risk: risk)
    }

    static let ranking = [
        row(1, key(443), host: 3, container: 5, status: .normal, service: "https", share: 0.4, cumulative: 0.4),
        row(2, key(80), host: 2, container: 3, status: .danger, service: "http", share: 0.25, cumulative: 0.65),
        row(3, key(22), host: 4, container: 0, status: .normal, service: "ssh", share: 0.2, cumulative: 0.85),
        row(4, key(23), host: 2, container: 0, status: .danger, service: "telnet", share: 0.1, cumulative: 0.95, risk: telnet),
        row(5, key(2375), host: 0, container: 1, status: nil, service: nil, share: 0.05, cumulative: 1, risk: docker)
    ]

    static let waiver = Waiver(
        ports: [], category: .host, kinds: [.overLimit], reason: "bastions & jump hosts until the VPN is in place", ticket: "SEC-12",
        expiresOn: "2027-01-31", validUntil: time(1_801_439_999))

    static func source(
        _ path: String, entry: Int? = nil, digit: Character, size: Int, records: Int, query: String? = nil
    ) -> SnapshotSummary.Source {
        SnapshotSummary.Source(
            path: path, entry: entry, sha256: String(repeating: digit, count: 64), size: size, totalNum: Int64(records),
            records: records, query: query)
    }

    static let breakdown = Breakdown(
        host: CategoryBreakdown(ports: 4, instances: 11, types: [.tcp: 4], ranges: [.wellKnown: 4]),
        container: CategoryBreakdown(ports: 3, instances: 9, types: [.tcp: 3], ranges: [.wellKnown: 2, .registered: 1]),
        both: [key(80), key(443)], hostOnly: [key(22), key(23)], containerOnly: [key(2375)])

    /// The result, with `scope`, `top` and `breakdown` as given (the defaults are those of the
    /// canned files).
    static func result(
        scope: AnalysisScope = AnalysisScope(), top: Int = 3, breakdown: Breakdown = ReportFixture.breakdown,
        findingAssets: [DrilldownAsset] = [], ranking: [RankingRow] = ReportFixture.ranking
    ) -> AnalysisResult {
        AnalysisResult(
            generatedAt: generatedAt,
            scope: scope,
            top: top,
            snapshots: [hostHistory, hostBefore, containerBefore, hostCurrent, containerCurrent].map {
                ListedSnapshot(info: $0, used: true)
            }
                + [ListedSnapshot(info: hostIncomplete, used: false)],
            current: [.host: [hostCurrent], .container: [containerCurrent]],
            warnings: [
                "snapshot 6 (host, 2026-11-28T04:00:00Z) is incomplete (2 of 6 records: 4 missing) and was not used; the figures use 2026-11-28T00:00:00Z"
            ],
            ranking: ranking,
            breakdown: breakdown,
            perProject: [
                ProjectRow(
                    origin: Origin(projectID: project, enterpriseProjectID: "0"), host: hostCurrent, container: containerCurrent,
                    hostInstances: 11, containerInstances: 9)
            ],
            trends: [
                .host: CategoryTrend(
                    category: .host, from: nov27, to: nov28, new: [change(key(23), 0, 2)], gone: [change(key(53, .udp), 1, 0)],
                    changed: [change(key(22), 3, 4)]),
                .container: CategoryTrend(
                    category: .container, from: nov27, to: nov28, new: [change(key(2375), 0, 1)], gone: [],
                    changed: [change(key(443), 4, 5)])
            ],
            series: [
                PortSeries(
                    key: key(443), reasons: ["top"],
                    points: [
                        SeriesPoint(capturedAt: nov20, host: 3, container: nil), SeriesPoint(capturedAt: nov27, host: 3, container: 4),
                        SeriesPoint(capturedAt: nov28, host: 3, container: 5)
                    ],
                    firstSeen: nov20, lastSeen: nov28, change7d: 1, change30d: nil)
            ],
            movers: Movers(
                from: nov27, to: nov28, risers: [change(key(23), 0, 2), change(key(443), 7, 8)], fallers: [change(key(53, .udp), 1, 0)]),
            findings: [
                Finding(
                    kind: .forbidden, key: key(2375), category: .container, num: 1,
                    message: "2375/TCP is open in 1 container: an unauthenticated Docker API gives root on the host (forbidden)",
                    waiver: nil, assets: findingAssets)
            ],
            waived: [
                Finding(
                    kind: .overLimit, key: key(22), category: .host, num: 4,
                    message: "22/TCP is open on 4 hosts, over the limit of 2: jump hosts only", waiver: waiver)
            ],
            headline: "1 forbidden TCP port open: 2375/TCP in 1 container",
            sources: [
                2: [source("exports/2026-11-27/host/page-1.json", digit: "2", size: 812, records: 4)],
                3: [source("capture-27.har", entry: 3, digit: "3", size: 2_048, records: 2)],
                4: [source("exports/2026-11-28/host/page-1.json", digit: "4", size: 815, records: 4)],
                5: [source("hss.sqlite", digit: "5", size: 8_192, records: 3, query: "SELECT * FROM container_ports")]
            ],
            policySource: "policy.yaml",
            sparklines: [key(23): [0, 0, 2], key(22): [3, 3, 4], key(2375): [0, 1]])
    }
}
