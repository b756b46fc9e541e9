import Foundation
import Testing

@testable import PortReport

/// The shapes a saved export may have (issue 11, item 1), read by `ExportShapeReader`: bodies
/// written by hand, expectations worked out by hand.
@Suite struct ExportShapeTests {
    /// What a file read as, in a form that is easy to compare: each page as
    /// `place|category|total_num|port/type=num,…`, and the skipped drill-down documents.
    struct Read: Equatable, CustomStringConvertible {
        var shape: String
        var pages: [String] = []
        var skipped: [String] = []
        var description: String { "\(shape) \(pages) skipped \(skipped)" }
    }

    static func read(_ text: String) throws(ResponseBodyReader.Problem) -> Read {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(ResponseBodyReader.Problem) in
            func describe(_ page: ResponsePage) -> String {
                "\(page.totalNum.map(String.init) ?? "nil")|"
                    + page.records.map { "\($0.port)/\($0.type.rawValue)=\($0.num)\($0.status.map { ":" + $0.rawValue } ?? "")" }
                    .joined(separator: ",")
            }
            switch try ExportShapeReader.read(buffer) {
            case .body(.page(let page)):
                return Read(shape: "body", pages: [describe(page)])
            case .body(.errorResponse):
                return Read(shape: "error")
            case .body(.harCapture):
                return Read(shape: "har")
            case .records(let page):
                return Read(shape: "records", pages: [describe(page)])
            case .pages(let pages, let skipped):
                return Read(
                    shape: "pages",
                    pages: pages.map { "\($0.place.text(in: buffer))|\($0.category?.rawValue ?? "-")|" + describe($0.page) },
                    skipped: skipped.map { "\($0.place.text(in: buffer)): \($0.what)" })
            }
        }
    }

    static func problem(_ text: String) -> ResponseBodyReader.Problem? {
        do {
            _ = try read(text)
            return nil
        } catch {
            return error
        }
    }

    static func line(_ text: String, _ problem: ResponseBodyReader.Problem) -> Int {
        Array(text.utf8).withUnsafeBufferPointer { JSONScanner($0).lineAndColumn(of: problem.offset).line }
    }

    static let page1 = #"{"total_num": 3, "data_list": [{"port": 22, "type": "TCP", "num": 5}, {"port": 80, "type": "TCP", "num": 2}]}"#
    static let page2 = #"{"total_num": 3, "data_list": [{"port": 53, "type": "UDP", "num": 1}]}"#

    // MARK: What already worked, kept working

    @Test func oneRawBodyIsTheBodyShape() throws {
        #expect(try Self.read(Self.page1) == Read(shape: "body", pages: ["3|22/TCP=5,80/TCP=2"]))
    }

    @Test func sdkToDictOutputWithNullStatusIsABody() throws {
        // json.dumps(resp.to_dict()): every attribute, unset ones as null.
        let text = #"{"total_num": 1, "data_list": [{"port": 443, "type": "TCP", "num": 7, "status": null}]}"#
        #expect(try Self.read(text) == Read(shape: "body", pages: ["1|443/TCP=7"]))
    }

    @Test func sdkToStrOutputWithSpacedSeparatorsIsABody() throws {
        // print(resp) / resp.to_str(): simplejson.dumps with its default ", " and ": ".
        let text =
            #"{"total_num" : 2 , "data_list" : [ {"port" : 22 , "type" : "TCP" , "num" : 4 , "status" : "danger"} , {"port" : 123 , "type" : "UDP" , "num" : 1} ]}"#
        #expect(try Self.read(text) == Read(shape: "body", pages: ["2|22/TCP=4:danger,123/UDP=1"]))
    }

    // MARK: Several documents

    @Test func concatenatedBodiesAreDocuments() throws {
        // What print(response) per page writes: one body after another, a newline between.
        let text = Self.page1 + "\n" + Self.page2 + "\n"
        #expect(
            try Self.read(text)
                == Read(shape: "pages", pages: ["document 1 (line 1)|-|3|22/TCP=5,80/TCP=2", "document 2 (line 2)|-|3|53/UDP=1"]))
    }

    @Test func bodiesWithNothingBetweenThemAreDocuments() throws {
        #expect(try Self.read(Self.page1 + Self.page2).pages.count == 2)
    }

    @Test func prettyPrintedBodiesOneAfterAnotherNameTheLineEachStartsOn() throws {
        let text =
            "{\n  \"total_num\": 1,\n  \"data_list\": [{\"port\": 22, \"type\": \"TCP\", \"num\": 1}]\n}\n\n{\n  \"total_num\": 1,\n  \"data_list\": []\n}\n"
        #expect(
            try Self.read(text) == Read(shape: "pages", pages: ["document 1 (line 1)|-|1|22/TCP=1", "document 2 (line 6)|-|1|"]))
    }

    @Test func aProblemInADocumentNamesTheDocumentAndThePath() throws {
        let text =
            Self.page1 + "\n" + Self.page2 + "\n" + #"{"total_num": 3, "data_list": [{"port": 70000, "type": "TCP", "num": 1}]}"# + "\n"
        let problem = try #require(Self.problem(text))
        #expect(problem.path == "document 3 (line 3) data_list[0].port")
        #expect(problem.message.contains("an integer 0–65535"))
        #expect(Self.line(text, problem) == 3)
    }

    @Test func aProblemInTheFirstOfSeveralDocumentsNamesDocumentOne() throws {
        let text = #"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP"}]}"# + "\n" + Self.page2
        let problem = try #require(Self.problem(text))
        #expect(problem.path == "document 1 (line 1) data_list[0]")
        #expect(problem.message.contains("'num'"))
    }

    @Test func somethingElseAfterABodyIsStillTheEndOfInputProblem() throws {
        let problem = try #require(Self.problem(Self.page1 + " trailing"))
        #expect(problem.path == "")
        #expect(problem.message.contains("the end of the input after the JSON value"))
    }

    @Test func anErrorResponseAmongDocumentsIsNamed() throws {
        let text = Self.page1 + "\n" + #"{"error_code": "HSS.0001", "error_msg": "Invalid parameter"}"#
        let problem = try #require(Self.problem(text))
        #expect(problem.path == "document 2 (line 2)")
        #expect(problem.message.contains("HSS.0001: Invalid parameter"))
    }

    // MARK: Arrays and keyed objects

    @Test func anArrayOfBodiesIsPages() throws {
        let text = "[" + Self.page1 + ",\n" + Self.page2 + "]"
        #expect(try Self.read(text) == Read(shape: "pages", pages: ["[0]|-|3|22/TCP=5,80/TCP=2", "[1]|-|3|53/UDP=1"]))
    }

    @Test func aProblemInAnArrayOfBodiesNamesTheElement() throws {
        let text = "[" + Self.page1 + ", " + #"{"total_num": 1, "data_list": [{"port": 22, "type": "ICMP", "num": 1}]}"# + "]"
        #expect(Self.problem(text)?.path == "[1].data_list[0].type")
    }

    @Test func anObjectKeyedByCategoryGivesEachPageItsCategory() throws {
        let text =
            #"{"Host": "# + Self.page1 + #", "CONTAINER": [{"total_num": 1, "data_list": [{"port": 8080, "type": "TCP", "num": 4}]}]}"#
        #expect(
            try Self.read(text)
                == Read(shape: "pages", pages: ["Host|host|3|22/TCP=5,80/TCP=2", "CONTAINER[0]|container|1|8080/TCP=4"]))
    }

    @Test func aKeyedObjectRefusesOtherMembersAndTwiceTheSameCategory() throws {
        let other = try #require(Self.problem(#"{"host": "# + Self.page2 + #", "captured_at": "2026-11-28"}"#))
        #expect(other.message.contains("expected only 'host' and 'container' members"), "\(other.message)")
        #expect(other.message.contains("captured_at"))
        let twice = try #require(Self.problem(#"{"host": "# + Self.page2 + #", "HOST": "# + Self.page2 + "}"))
        #expect(twice.path == "HOST")
        #expect(twice.message.contains("found 'host' and 'HOST'"))
    }

    @Test func aProblemInAKeyedBodyNamesTheKey() throws {
        let text = #"{"container": {"total_num": 1, "data_list": [{"port": 8080, "type": "TCP", "num": -1}]}}"#
        #expect(Self.problem(text)?.path == "container.data_list[0].num")
    }

    @Test func keyedObjectsOneAfterAnotherAreDocumentsToo() throws {
        let text = #"{"host": "# + Self.page2 + "}\n" + #"{"container": "# + Self.page2 + "}\n"
        #expect(
            try Self.read(text)
                == Read(
                    shape: "pages",
                    pages: ["document 1 (line 1) host|host|3|53/UDP=1", "document 2 (line 2) container|container|3|53/UDP=1"]))
    }

    // MARK: Bare records

    @Test func aBareArrayOfRecordsHasNoTotal() throws {
        let text = #"[{"port": 22, "type": "TCP", "num": 3}, {"port": 53, "type": "udp", "num": 1, "status": "normal"}]"#
        #expect(try Self.read(text) == Read(shape: "records", pages: ["nil|22/TCP=3,53/UDP=1:normal"]))
    }

    @Test func aProblemInABareArrayNamesTheElement() throws {
        let problem = try #require(Self.problem(#"[{"port": 22, "type": "TCP", "num": 3}, {"port": 22, "type": "TCP"}]"#))
        #expect(problem.path == "[1]")
        #expect(problem.message.contains("'num'"))
    }

    @Test func anEmptyArrayIsRefused() throws {
        #expect(Self.problem("[]")?.message.contains("found an empty array") == true)
    }

    // MARK: Python repr

    @Test(arguments: [
        "{'total_num': 1, 'data_list': [{'port': 22, 'type': 'TCP', 'num': 1, 'status': None}]}",
        "[{'port': 22, 'type': 'TCP', 'num': 1}]",
        #"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 1, "status": None}]}"#,
        #"{"total_num": 1, "data_list": [], "ok": True}"#
    ])
    func aPythonReprIsNamedWithHowToSaveJSON(text: String) throws {
        let problem = try #require(Self.problem(text))
        #expect(problem.message.contains("Python repr of a dict"), "\(problem.message)")
        #expect(problem.message.contains("json.dump(resp.to_json_object(), f)"))
    }

    // MARK: Drill-down bodies

    @Test func aListPortHostPageIsNamedNotRefused() throws {
        let text = #"""
            {"total_num": 2, "data_list": [
              {"host_id": "h-1", "host_name": "web-1", "host_ip": "10.0.0.1", "laddr": "0.0.0.0", "port": 22, "type": "TCP", "status": "danger", "pid": 812, "path": "/usr/sbin/sshd", "agent_id": "a1"},
              {"host_id": "h-2", "host_name": "web-2", "host_ip": "10.0.0.2", "laddr": "::", "port": 22, "type": "TCP", "status": "danger", "pid": 0, "path": "", "agent_id": "a2"}
            ]}
            """#
        #expect(try Self.read(text) == Read(shape: "pages", skipped: [": a ListPortHost page (servers with port 22 open)"]))
    }

    @Test func aListPortsPageIsNamedWithItsServer() throws {
        let text =
            #"{"total_num": 1, "data_list": [{"host_id": "h-9", "laddr": "127.0.0.1", "status": "normal", "port": 631, "type": "TCP", "pid": 5, "path": "/usr/sbin/cupsd", "agent_id": "a9"}]}"#
        #expect(try Self.read(text) == Read(shape: "pages", skipped: [": a ListPorts page (the open ports of server h-9)"]))
    }

    @Test func aListPortHostDocumentAmongStatisticsIsSkippedByName() throws {
        let drill =
            #"{"total_num": 1, "data_list": [{"host_id": "c", "host_name": "k", "host_ip": "10.1.1.1", "laddr": "0.0.0.0", "port": 8080, "type": "TCP", "container_id": "x", "container_name": "y"}]}"#
        #expect(
            try Self.read(Self.page2 + "\n" + drill)
                == Read(
                    shape: "pages", pages: ["document 1 (line 1)|-|3|53/UDP=1"],
                    skipped: ["document 2 (line 2): a ListPortHost page (containers with port 8080 open)"]))
    }

    @Test func aRecordWithoutNumAndWithoutHostIsStillAMalformedStatisticsRecord() throws {
        let problem = try #require(Self.problem(#"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP"}]}"#))
        #expect(problem.path == "data_list[0]")
        #expect(problem.message.contains("'num'"))
    }

    // MARK: Completeness unknown

    @Test func noTotalGivesUnknownCompletenessNeverComplete() {
        let unknown = Completeness(records: 2, totals: [])
        #expect(!unknown.complete)
        #expect(unknown.note.hasPrefix("completeness unknown:"))
        #expect(Completeness.isUnknown(complete: unknown.complete, totalNum: nil, note: unknown.note))
        // An incomplete snapshot with a total is incomplete, not unknown.
        let short = Completeness(records: 2, totals: [3])
        #expect(!Completeness.isUnknown(complete: short.complete, totalNum: 3, note: short.note))
    }
}
