import Foundation
import Testing

@testable import PortReport

/// The drill-down pages' parsing and key derivation: the file-name convention, the body reader,
/// a query told by records, the records' check against the query, HAR URLs and sidecars.
@Suite struct DetailImportTests {
    // MARK: file-name convention

    @Test func readsListPortHostNames() throws {
        let full = try DetailFileName.parse(path: "export/2026-12-01/host/port-hosts-2375-tcp-offset-0.json")?.get()
        #expect(full == DetailFileName(kind: .portHosts, port: 2375, type: .tcp, hostID: "", offset: 0))
        let noType = try DetailFileName.parse(path: "port-hosts-22-offset-100.json.gz")?.get()
        #expect(noType == DetailFileName(kind: .portHosts, port: 22, type: nil, hostID: "", offset: 100))
        let upper = try DetailFileName.parse(path: "a/PORT-HOSTS-53-UDP6.json")?.get()
        #expect(upper == DetailFileName(kind: .portHosts, port: 53, type: .udp6, hostID: "", offset: nil))
    }

    @Test func readsListPortsNamesWithDashesInTheHostID() throws {
        let name = try DetailFileName.parse(path: "d/host-ports-6f1c-aa-01-offset-20.json")?.get()
        #expect(name == DetailFileName(kind: .hostPorts, port: nil, type: nil, hostID: "6f1c-aa-01", offset: 20))
        let plain = try DetailFileName.parse(path: "host-ports-abc.json")?.get()
        #expect(plain == DetailFileName(kind: .hostPorts, port: nil, type: nil, hostID: "abc", offset: nil))
    }

    @Test func otherNamesAreNotDrillDown() {
        #expect(DetailFileName.parse(path: "export/2026-12-01/host/offset-0.json") == nil)
        #expect(DetailFileName.parse(path: "port-statistics.json") == nil)
    }

    @Test(arguments: [
        "port-hosts-0-tcp.json", "port-hosts-65536.json", "port-hosts-tcp.json", "port-hosts-22-sctp.json",
        "port-hosts-22-tcp-offset-x.json", "port-hosts-22-tcp-extra-1.json", "host-ports-.json"
    ])
    func refusesNamesThatStartLikeTheConventionButBreakIt(name: String) throws {
        let result = try #require(DetailFileName.parse(path: "d/" + name))
        guard case .failure(let refusal) = result else {
            Issue.record("\(name) was accepted")
            return
        }
        #expect(refusal.message.contains(name))
        #expect(refusal.message.contains("a drill-down page is named"))
    }

    @Test func metadataIsReadFromTheDirectory() {
        #expect(Importer.metadataPath(forDetail: "x/2026-12-01/container/port-hosts-22.json") == "x/2026-12-01/container/detail.json")
        #expect(Importer.metadataPath(forDetail: "port-hosts-22.json") == "detail.json")
    }

    // MARK: body reader

    private func body(_ text: String) throws(DetailBodyReader.Problem) -> DetailBodyReader.Body {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(DetailBodyReader.Problem) in try DetailBodyReader.read(buffer) }
    }

    private func problem(_ text: String) -> DetailBodyReader.Problem? {
        do {
            _ = try body(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsAListPortHostPage() throws {
        let page = try body(
            """
            {"total_num": 2, "data_list": [
              {"host_id": "h1", "host_name": "web-1", "host_ip": "10.0.0.1", "laddr": "0.0.0.0", "pid": 812,
               "path": "/usr/bin/dockerd", "port": 2375, "type": "TCP", "status": "danger", "agent_id": "a1", "extra": [1]},
              {"host_id": "h2", "host_name": "web-2", "laddr": "127.0.0.1", "port": 2375, "type": "tcp6", "pid": null}
            ]}
            """)
        #expect(page.totalNum == 2)
        #expect(page.namesHosts)
        #expect(
            page.records == [
                DetailRecord(
                    hostID: "h1", hostName: "web-1", hostIP: "10.0.0.1", laddr: "0.0.0.0", pid: 812, path: "/usr/bin/dockerd",
                    port: 2375, type: .tcp, status: .danger, agentID: "a1"),
                DetailRecord(hostID: "h2", hostName: "web-2", laddr: "127.0.0.1", port: 2375, type: .tcp6)
            ])
    }

    @Test func readsAnEmptyPage() throws {
        let page = try body(#"{"total_num": 0, "data_list": []}"#)
        #expect(page.totalNum == 0)
        #expect(page.records.isEmpty)
        #expect(!page.namesHosts)
    }

    @Test func refusesALaddrThatIsNotAnAddress() throws {
        let found = try #require(
            problem(#"{"total_num": 1, "data_list": [{"host_id": "h", "laddr": "not-an-ip", "port": 22, "type": "TCP"}]}"#))
        #expect(found.path == "data_list[0].laddr")
        #expect(found.message.contains("expected an IPv4 or IPv6 listen address"))
        #expect(found.message.contains("not-an-ip"))
    }

    @Test func refusesAStatisticsRecordAndMissingMembers() throws {
        let statistics = try #require(problem(#"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 3}]}"#))
        #expect(statistics.path == "data_list[0]")
        #expect(statistics.message.contains("'num'"))
        let missing = try #require(problem(#"{"total_num": 1, "data_list": [{"host_id": "h", "port": 22, "type": "TCP"}]}"#))
        #expect(missing.path == "data_list[0]")
        #expect(missing.message.contains("'laddr'"))
        let badPort = try #require(
            problem(#"{"total_num": 1, "data_list": [{"host_id": "h", "laddr": "::", "port": 70000, "type": "TCP"}]}"#))
        #expect(badPort.path == "data_list[0].port")
        #expect(try #require(problem(#"{"total_num": 1}"#)).message.contains("'data_list'"))
    }

    // MARK: query from records, records against the query

    private func key(
        _ kind: DetailKind, port: Int? = nil, type: PortType? = nil, host: String = "", category: Category = .host
    )
        -> DetailKey
    {
        DetailKey(
            projectID: "p", enterpriseProjectID: "", category: category, capturedAt: Timestamp(secondsSinceEpoch: 0), kind: kind,
            port: port, type: type, hostID: host, filters: "")
    }

    @Test func recordsTellTheirQuery() throws {
        let hosts = try body(
            #"{"total_num": 2, "data_list": [{"host_id": "a", "host_name": "x", "laddr": "::", "port": 80, "type": "TCP"}, {"host_id": "b", "host_name": "y", "laddr": "0.0.0.0", "port": 80, "type": "TCP6"}]}"#
        )
        let hostsQuery = try Importer.queryFromRecords(hosts, file: "f.json", place: "")
        #expect(hostsQuery == Importer.DetailQuery(kind: .portHosts, port: 80, type: nil, hostID: "", source: "records"))
        let ports = try body(
            #"{"total_num": 2, "data_list": [{"host_id": "a", "laddr": "::", "port": 80, "type": "TCP"}, {"host_id": "a", "laddr": "0.0.0.0", "port": 443, "type": "TCP"}]}"#
        )
        let portsQuery = try Importer.queryFromRecords(ports, file: "f.json", place: "")
        #expect(portsQuery == Importer.DetailQuery(kind: .hostPorts, port: nil, type: nil, hostID: "a", source: "records"))
    }

    @Test func recordsNotSharingTheQueryAreRefusedNamingTheRecord() throws {
        let mixedPorts = try body(
            #"{"total_num": 2, "data_list": [{"host_id": "a", "host_name": "x", "laddr": "::", "port": 80, "type": "TCP"}, {"host_id": "b", "host_name": "y", "laddr": "::", "port": 81, "type": "TCP"}]}"#
        )
        #expect {
            try Importer.queryFromRecords(mixedPorts, file: "f.json", place: "")
        } throws: { error in
            (error as? InputError)?.place == "data_list[1].port"
        }
        let mixedHosts = try body(
            #"{"total_num": 2, "data_list": [{"host_id": "a", "laddr": "::", "port": 80, "type": "TCP"}, {"host_id": "b", "laddr": "::", "port": 81, "type": "TCP"}]}"#
        )
        #expect {
            try Importer.queryFromRecords(mixedHosts, file: "f.json", place: "document 2")
        } throws: { error in
            (error as? InputError)?.place == "document 2 data_list[1].host_id"
        }
        #expect(throws: InputError.self) {
            try Importer.queryFromRecords(try body(#"{"total_num": 0, "data_list": []}"#), file: "f", place: "")
        }
    }

    @Test func checksRecordsAgainstTheQuery() throws {
        let text =
            "{\"total_num\": 2, \"data_list\": [\n{\"host_id\": \"a\", \"laddr\": \"::\", \"port\": 2375, \"type\": \"TCP6\"},\n{\"host_id\": \"b\", \"laddr\": \"::\", \"port\": 2376, \"type\": \"TCP\"}]}"
        let page = try body(text)
        let bytes = Array(text.utf8)
        // TCP6 answers a TCP query; the second record's port does not.
        #expect {
            try Importer.checkRecords(
                page, key: key(.portHosts, port: 2375, type: .tcp), source: "file name", file: "f.json", placePrefix: "", bytes: bytes)
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.place == "data_list[1].port" && error.line == 3 && error.message.contains("expected port 2375")
        }
        #expect {
            try Importer.checkRecords(
                page, key: key(.portHosts, port: nil, type: .udp), source: "sidecar", file: "f.json", placePrefix: "", bytes: bytes)
        } throws: { error in
            (error as? InputError)?.place == "data_list[0].type"
        }
        #expect {
            try Importer.checkRecords(
                page, key: key(.hostPorts, host: "a"), source: "file name", file: "f.json", placePrefix: "", bytes: bytes)
        } throws: { error in
            (error as? InputError)?.place == "data_list[1].host_id"
        }
        // A container page's records must name their container.
        #expect {
            try Importer.checkRecords(
                page, key: key(.portHosts, category: .container), source: "file name", file: "f.json", placePrefix: "", bytes: bytes)
        } throws: { error in
            (error as? InputError)?.place == "data_list[0].container_id"
        }
        try Importer.checkRecords(
            try body(#"{"total_num": 1, "data_list": [{"host_id": "a", "laddr": "::", "port": 2375, "type": "TCP6"}]}"#),
            key: key(.portHosts, port: 2375, type: .tcp), source: "file name", file: "f.json", placePrefix: "", bytes: [])
    }

    @Test func aListPortsRecordWithoutHostIDIsOfTheQueriedServer() throws {
        // As the vendor's ListPorts pages are saved: no host_id in the records.
        let page = try body(#"{"total_num": 1, "data_list": [{"laddr": "0.0.0.0", "port": 22, "type": "TCP", "container_id": ""}]}"#)
        let records = try Importer.checkRecords(
            page, key: key(.hostPorts, host: "srv-1"), source: "request URL", file: "t.har", placePrefix: "", bytes: [])
        #expect(records == [DetailRecord(hostID: "srv-1", laddr: "0.0.0.0", port: 22, type: .tcp)])
    }

    // MARK: HAR

    private func har(_ urls: [String], text: String = #"{"total_num": 0, "data_list": []}"#) throws -> HARReader.Contents {
        let entries = urls.map { url -> [String: Any] in
            [
                "startedDateTime": "2026-12-01T10:00:00.000Z",
                "request": ["method": "GET", "url": url],
                "response": ["status": 200, "content": ["mimeType": "application/json", "text": text]]
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: ["log": ["entries": entries]])
        return try [UInt8](data).withUnsafeBufferPointer { try HARReader.read($0, file: "t.har") }
    }

    @Test func harURLsGiveTheDrillDownQuery() throws {
        let contents = try har([
            "https://hss.example/v5/proj1/asset/ports/detail?port=2375&type=TCP&category=container&offset=0&limit=200",
            "https://hss.example/v5/proj1/asset/ports?host_id=h-9&offset=0"
        ])
        #expect(contents.pages.count == 2)
        let first = try #require(contents.pages.first)
        #expect(first.detail == HARReader.DetailQuery(kind: .portHosts, port: 2375, type: .tcp, hostID: ""))
        #expect(first.key.projectID == "proj1")
        #expect(first.key.category == .container)
        let second = try #require(contents.pages.last)
        #expect(second.detail == HARReader.DetailQuery(kind: .hostPorts, port: nil, type: nil, hostID: "h-9"))
        #expect(second.key.category == .host)
    }

    @Test func harListPortHostWithoutAPortIsRefused() throws {
        #expect {
            try har(["https://hss.example/v5/proj1/asset/ports/detail?offset=0"])
        } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.place?.hasSuffix(".request.url") == true && error.message.contains("port=1–65535")
        }
    }

    // MARK: sidecar

    @Test func sidecarDetailsSayTheQueryPerFile() throws {
        let sidecar = try Sidecar.parse(
            Array(
                #"{"format": "portreport-export/1", "details": {"a.json": {"kind": "ListPortHost", "port": 2375, "type": "tcp"}, "b.json": {"kind": "ListPorts", "host_id": "h1"}}}"#
                    .utf8), path: "s/portreport-export.json")
        #expect(sidecar.details["a.json"] == Sidecar.DetailSpec(kind: .portHosts, port: 2375, type: .tcp, hostID: ""))
        #expect(sidecar.details["b.json"] == Sidecar.DetailSpec(kind: .hostPorts, port: nil, type: nil, hostID: "h1"))
        #expect(throws: InputError.self) {
            try Sidecar.parse(
                Array(#"{"format": "portreport-export/1", "details": {"a.json": {"kind": "ListPortHost", "port": 0}}}"#.utf8),
                path: "s/portreport-export.json")
        }
    }
}
