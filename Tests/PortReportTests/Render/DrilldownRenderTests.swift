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

    static func result() -> AnalysisResult {
        var result = ReportFixture.result(findingAssets: [onAll, onLoopback])
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
