import Foundation
import Testing

@testable import PortReport

/// The drill-down parts of the reports (issue 13), fed a hand-written result: the fixture plus
/// two containers behind 2375/TCP, one on every interface, one on loopback, the statistics
/// counting 1 where the pages list 2.
@Suite struct DrilldownRenderTests {
    static let onAll = DrilldownAsset(
        category: .container, projectID: "p1", hostID: "h-1", hostName: "node-a", hostIP: "10.0.0.5", containerID: "c-9",
        containerName: "=cmd", laddr: "0.0.0.0:2375", exposure: .allInterfaces, pid: 4242, path: "/usr/bin/docker-proxy",
        status: .danger)
    static let onLoopback = DrilldownAsset(
        category: .container, projectID: "p1", hostID: "h-0", hostName: "node, b", hostIP: "10.0.0.4", containerID: "c-1",
        containerName: "db", laddr: "127.0.0.1:2375", exposure: .loopback, pid: 0, path: "", status: nil)

    static func result(findingAssets: [DrilldownAsset] = [onAll, onLoopback]) -> AnalysisResult {
        var result = ReportFixture.result(findingAssets: findingAssets)
        result.drilldown = [
            DrilldownEntry(
                key: ReportFixture.key(2375), category: .container, source: .portHosts, capturedAt: ReportFixture.nov28, totalNum: 2,
                complete: true, statisticsNum: 1, exposure: ExposureCounts(allInterfaces: 1, loopback: 1, specific: 0),
                assets: [onAll, onLoopback], changes: nil, notes: ["the statistics count 1 container, the drill-down 2"])
        ]
        return result
    }

    static func json(_ result: AnalysisResult) throws -> [String: Any] {
        let bytes = try JSONReportRenderer().render(result)
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func jsonDrilldownHasTheIssueMembers() throws {
        let object = try Self.json(Self.result())
        let drilldown = try #require(object["drilldown"] as? [[String: Any]])
        #expect(drilldown.count == 1)
        let entry = try #require(drilldown.first)
        #expect(entry["port"] as? Int == 2375)
        #expect(entry["type"] as? String == "TCP")
        #expect(entry["category"] as? String == "container")
        #expect(entry["captured_at"] as? String == "2026-11-28T00:00:00Z")
        #expect(entry["total_num"] as? Int == 2)
        #expect(entry["complete"] as? Bool == true)
        #expect(entry["statistics_num"] as? Int == 1)
        #expect(entry["asset_count"] as? Int == 2)
        #expect(entry["mismatch"] as? Bool == true)
        let exposure = try #require(entry["exposure"] as? [String: Int])
        #expect(exposure == ["all_interfaces": 1, "loopback": 1, "specific": 0])
        let assets = try #require(entry["assets"] as? [[String: Any]])
        #expect(assets.count == 2)
        let first = try #require(assets.first)
        #expect(first["host_id"] as? String == "h-1")
        #expect(first["host_name"] as? String == "node-a")
        #expect(first["host_ip"] as? String == "10.0.0.5")
        #expect(first["container_id"] as? String == "c-9")
        #expect(first["container_name"] as? String == "=cmd")
        #expect(first["laddr"] as? String == "0.0.0.0:2375")
        #expect(first["exposure"] as? String == "all-interfaces")
        #expect(first["pid"] as? Int == 4242)
        #expect(first["path"] as? String == "/usr/bin/docker-proxy")
        #expect(first["status"] as? String == "danger")
        #expect(first["anchor"] as? String == "asset-container-c-9")
        // Empty texts and a missing status are null, not "".
        let second = try #require(assets.last)
        #expect(second["path"] is NSNull)
        #expect(second["status"] is NSNull)
        #expect(second["pid"] as? Int == 0)
    }

    @Test func jsonFindingsCarryTheirAssets() throws {
        let object = try Self.json(Self.result())
        let findings = try #require(object["findings"] as? [[String: Any]])
        let assets = try #require(findings.first?["assets"] as? [[String: Any]])
        #expect(assets.map { $0["container_id"] as? String } == ["c-9", "c-1"])
        let waived = try #require(object["waived"] as? [[String: Any]])
        #expect((waived.first?["assets"] as? [Any])?.isEmpty == true)
    }

    @Test func jsonWithoutDetailHasEmptyArrays() throws {
        let object = try Self.json(ReportFixture.result())
        #expect((object["drilldown"] as? [Any])?.isEmpty == true)
        #expect((object["asset_ranking"] as? [Any])?.isEmpty == true)
    }

    @Test func assetsCSVIsOneRowPerAssetSorted() throws {
        let bytes = try CSVAssetsRenderer().render(Self.result())
        let expected =
            "port,type,category,project_id,host_id,host_name,host_ip,container_id,container_name,laddr,exposure,pid,path,status,captured_at,complete,statistics_num\r\n"
            + "2375,TCP,container,p1,h-0,\"node, b\",10.0.0.4,c-1,db,127.0.0.1:2375,loopback,0,,,2026-11-28T00:00:00Z,true,1\r\n"
            + "2375,TCP,container,p1,h-1,node-a,10.0.0.5,c-9,'=cmd,0.0.0.0:2375,all-interfaces,4242,/usr/bin/docker-proxy,danger,2026-11-28T00:00:00Z,true,1\r\n"
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test func assetsCSVWithoutDetailIsTheHeaderOnly() throws {
        let bytes = try CSVAssetsRenderer().render(ReportFixture.result())
        #expect(String(decoding: bytes, as: UTF8.self).split(separator: "\r\n").count == 1)
    }

    @Test func assetsFormatIsChosenByTheLongerExtension() {
        #expect(ReportFormat.assets.fileExtensions == ["assets.csv"])
        #expect(ReportFormat(rawValue: "assets") == .assets)
    }
}

/// The drill-down parts of the HTML and XHTML reports on the bundled samples. Expected values are
/// read off the ListPortHost pages of 2026-11-28 (samples/MANIFEST.md, "Drill-down") and the
/// statistics page beside them: 2375/TCP in container dind-runner-b (c-9b7e22 on build-42,
/// 10.20.0.42, 0.0.0.0, pid 91, /usr/local/bin/dockerd, danger), statistics num 1; 21/TCP on
/// ftp-21 only (::1) where the statistics count 2; 3389/TCP on win-rdp-14 (::) and build-42
/// (127.0.0.1), statistics num 2.
@Suite struct DrilldownHTMLTests {
    static func rendered() throws -> (html: [UInt8], xhtml: [UInt8]) {
        let result = try HTMLRendererTests.sampleResult()
        return (try HTMLReportRenderer().render(result), try XHTMLReportRenderer().render(result))
    }

    @Test func eachFormatListsTheFindingsAssetsUnderStableAnchors() throws {
        let (html, xhtml) = try Self.rendered()
        for (name, bytes) in [("html", html), ("xhtml", xhtml)] {
            let (names, byID, _) = HTMLRendererTests.elements(bytes)
            #expect(names.contains("details") && names.contains("summary"), "\(name)")
            // The forbidden 2375/TCP finding: its one container, every column.
            let row = try #require(byID["asset-container-c-9b7e22.tcp-2375"], "\(name)")
            #expect(row.contains("build-42") && row.contains("10.20.0.42") && row.contains("dind-runner-b (c-9b7e22)"), "\(name)")
            #expect(row.contains("0.0.0.0") && row.contains("all-interfaces") && row.contains("91"), "\(name)")
            #expect(row.contains("/usr/local/bin/dockerd") && row.contains("danger"), "\(name)")
            // Dangerous ports: 3389/TCP's two hosts, all-interfaces first.
            let rdp = try #require(byID["asset-host-host-0014.tcp-3389"], "\(name)")
            #expect(rdp.contains("win-rdp-14") && rdp.contains("::") && rdp.contains("1204") && rdp.contains("/usr/sbin/xrdp"))
            let loopback = try #require(byID["asset-host-host-0042.tcp-3389"], "\(name)")
            #expect(loopback.contains("127.0.0.1") && loopback.contains("loopback") && loopback.contains("3310"))
            #expect(byID["asset-host-host-0021.tcp-21"]?.contains("ftp-21") == true, "\(name)")
            #expect(byID["asset-host-host-0007.tcp-23"]?.contains("/usr/sbin/in.telnetd") == true, "\(name)")
        }
    }

    @Test func theStatisticsNumStandsBesideTheDetailCountAndAMismatchIsFlagged() throws {
        let (html, xhtml) = try Self.rendered()
        for bytes in [html, xhtml] {
            let text = HTMLRendererTests.elements(bytes).text
            // 2375/TCP: 1 and 1, no flag; 21/TCP: 2 against 1, flagged; 3389/TCP: 2 and 2.
            #expect(text.contains("1 container behind 2375/TCP (container): 1 on all interfaces, 0 on loopback, 0 on a specific address"))
            #expect(text.contains("statistics num 1 · drill-down 1"))
            #expect(text.contains("statistics num 2 · drill-down 1"))
            let markup = String(decoding: bytes, as: UTF8.self)
            #expect(markup.contains(#"<strong class="mismatch">mismatch: the statistics count 2, the drill-down lists 1</strong>"#))
            #expect(text.contains("2 hosts behind 3389/TCP (host): 1 on all interfaces, 1 on loopback, 0 on a specific address"))
            #expect(text.contains("statistics num 2 · drill-down 2"))
            // Exactly one flag of each kind: 21/TCP's count, 6379/TCP absent from the statistics.
            #expect(markup.components(separatedBy: #"class="mismatch""#).count - 1 == 2)
        }
    }

    @Test func assetsAreRankedByTheirRiskyPorts() throws {
        let (html, _) = try Self.rendered()
        let (_, byID, _) = HTMLRendererTests.elements(html)
        // One risky port each; all-interfaces first (dind-runner-b, web-07, win-rdp-14), then by
        // name (build-42, the ListPorts server known by its id only, ftp-21).
        let ranked = [
            ("asset-container-c-9b7e22", "1dind-runner-b"), ("asset-host-host-0007", "2web-07"),
            ("asset-host-host-0014", "3win-rdp-14"), ("asset-host-host-0042", "4build-42"),
            ("asset-host-ee0b38b5-39ab-73c9-76d8-536b1b05ab9c", "5ee0b38b5"), ("asset-host-host-0021", "6ftp-21")
        ]
        for (id, start) in ranked {
            let row = try #require(byID[id], "\(id)")
            #expect(row.filter { !$0.isWhitespace }.hasPrefix(start), "\(id): \(row)")
        }
        #expect(byID["asset-host-host-0042"]?.filter { !$0.isWhitespace }.hasSuffix("103389/TCP") == true)
        #expect(byID["assets"] == "Assets by risky ports")
    }

    @Test func withoutDrilldownTheHTMLHasNoneOfItsParts() throws {
        let html = String(decoding: try HTMLReportRenderer().render(ReportFixture.result()), as: UTF8.self)
        #expect(!html.contains("<details"))
        #expect(!html.contains("Assets by risky ports"))
        #expect(!html.contains("drill-down parts"))
    }

    @Test func aPortOnMoreAssetsThanTheLimitSaysHowManyMore() throws {
        var result = ReportFixture.result()
        let assets = (0..<(ReportView.htmlAssetsPerPort + 3)).map { index in
            DrilldownAsset(
                category: .host, projectID: "p", hostID: String(format: "h-%04d", index), hostName: "", hostIP: "", containerID: "",
                containerName: "", laddr: "10.0.0.1", exposure: .specific, pid: 0, path: "", status: nil)
        }
        result.drilldown = [
            DrilldownEntry(
                key: ReportFixture.key(23), category: .host, source: .portHosts, capturedAt: ReportFixture.nov28, totalNum: 203,
                complete: true, statisticsNum: 203, exposure: ExposureCounts(specific: 203), assets: assets, changes: nil, notes: [])
        ]
        let html = try HTMLReportRenderer().render(result)
        let (_, byID, text) = HTMLRendererTests.elements(html)
        #expect(byID["asset-host-h-0199.tcp-23"] != nil)
        #expect(byID["asset-host-h-0200.tcp-23"] == nil)
        #expect(text.contains("and 3 more (see the JSON report's drilldown[] or the assets CSV)"))
    }
}

/// The Markdown and email parts: per finding its assets (a table of at most 10 rows in Markdown,
/// the count and the first 3 names in the email), on `DrilldownRenderTests.result()` (2375/TCP:
/// `=cmd` on node-a at 0.0.0.0:2375, `db` on "node, b" at 127.0.0.1:2375; the statistics count 1)
/// and on the samples (2375/TCP: dind-runner-b only, as its ListPortHost page of 2026-11-28 says).
@Suite struct DrilldownSummaryTests {
    static func manyContainers(_ count: Int) -> AnalysisResult {
        let assets = (0..<count).map { index in
            DrilldownAsset(
                category: .container, projectID: "p1", hostID: "h-1", hostName: "node-a", hostIP: "10.0.0.5",
                containerID: "c-\(index + 10)", containerName: "runner-\(index + 10)", laddr: "10.0.0.5", exposure: .specific, pid: 0,
                path: "", status: nil)
        }
        var result = ReportFixture.result(findingAssets: assets)
        result.drilldown = [
            DrilldownEntry(
                key: ReportFixture.key(2375), category: .container, source: .portHosts, capturedAt: ReportFixture.nov28,
                totalNum: Int64(count), complete: true, statisticsNum: Int64(count), exposure: ExposureCounts(specific: count),
                assets: assets, changes: nil, notes: [])
        ]
        return result
    }

    static func markdown(_ result: AnalysisResult) throws -> String {
        String(decoding: try MarkdownRenderer().render(result), as: UTF8.self)
    }

    static func email(_ result: AnalysisResult) throws -> String {
        HTMLRendererTests.elements(try EmailHTMLRenderer().render(result)).text
    }

    /// The entry's notes stand under the count line, as in the HTML report.
    @Test func markdownListsAFindingsAssetsWithTheMismatch() throws {
        let markdown = try Self.markdown(DrilldownRenderTests.result())
        let expected = """

            **Assets of 2375/TCP (container)**: 2 containers; statistics num 1, drill-down 2 — **mismatch**: the statistics count 1, the drill-down lists 2.

            - the statistics count 1 container, the drill-down 2

            | Host | IP | Container | Listen address | Exposure | PID | Path | Status | Since |
            |---|---|---|---|---|---:|---|---|---|
            | node-a | 10.0.0.5 | =cmd (c-9) | 0.0.0.0:2375 | all-interfaces | 4242 | /usr/bin/docker-proxy | danger | — |
            | node, b | 10.0.0.4 | db (c-1) | 127.0.0.1:2375 | loopback | — | — | — | — |

            """
        #expect(markdown.contains(expected), "\(markdown)")
    }

    @Test func markdownStopsAtTenRowsAndSaysHowManyMore() throws {
        let markdown = try Self.markdown(Self.manyContainers(12))
        #expect(markdown.contains("| node-a | 10.0.0.5 | runner-19 (c-19) |"))
        #expect(!markdown.contains("runner-20"))
        #expect(markdown.contains("\n\n_and 2 more (see the JSON report's drilldown[] or the assets CSV)_\n"))
        #expect(!(try Self.markdown(Self.manyContainers(10))).contains("more (see the JSON"))
    }

    @Test func emailNamesTheFirstThreeAndCountsTheRest() throws {
        #expect(
            try Self.email(DrilldownRenderTests.result()).contains(
                "Assets: 2 containers: =cmd, db (mismatch: the statistics count 1, the drill-down lists 2)"))
        let email = try Self.email(Self.manyContainers(12))
        #expect(email.contains("Assets: 12 containers: runner-10, runner-11, runner-12 and 9 more"), "\(email)")
        #expect(try Self.email(Self.manyContainers(3)).contains("Assets: 3 containers: runner-10, runner-11, runner-12\n"))
        #expect(!(try Self.email(ReportFixture.result())).contains("Assets:"))
    }

    /// A rule narrowed by exposure counts only its assets: the finding keeps `=cmd` (all
    /// interfaces) of the two the drill-down lists, and a rule that matched none says so.
    @Test func aNarrowedFindingShowsOnlyItsAssets() throws {
        var result = DrilldownRenderTests.result(findingAssets: [DrilldownRenderTests.onAll])
        let html = HTMLRendererTests.elements(try HTMLReportRenderer().render(result)).text
        #expect(html.contains("1 container behind 2375/TCP (container), of the 2 the drill-down lists: 1 on all interfaces, 1 on loopback"))
        #expect(try Self.markdown(result).contains("**Assets of 2375/TCP (container)**: 1 container; statistics num 1, drill-down 2"))
        #expect(try Self.email(result).contains("Assets: 1 container: =cmd (mismatch"))
        result = DrilldownRenderTests.result(findingAssets: [])
        #expect(try Self.email(result).contains("Assets: none of the 2 in the drill-down is named by the rule"))
        #expect(!(try Self.markdown(result)).contains("| Host | IP |"))
    }

    @Test func theSamplesFindingShowsItsContainer() throws {
        let result = try HTMLRendererTests.sampleResult()
        let markdown = try Self.markdown(result)
        // dind-runner-b is listed on 11-28 only (new, 1 day before the report's 11-29T06:00);
        // dind-runner-a, listed on 11-27, is gone on 11-28: resolved.
        #expect(
            markdown.contains(
                "**Assets of 2375/TCP (container)**: 1 container; statistics num 1, drill-down 1; assets since: 1 new; 1 resolved in the last 30 days.\n"
            ))
        #expect(
            markdown.contains(
                "| build-42 | 10.20.0.42 | dind-runner-b (c-9b7e22) | 0.0.0.0 | all-interfaces | 91 | /usr/local/bin/dockerd | danger | 2026-11-28 (1 d, new) |"
            ))
        // 6379/TCP's finding is about containers; the only 6379 drill-down is a server's ListPorts.
        #expect(!markdown.contains("**Assets of 6379/TCP"))
        let email = try Self.email(result)
        #expect(email.components(separatedBy: "Assets: ").count == 2)
        #expect(email.contains("Assets: 1 container: dind-runner-b"))
    }
}
