import Testing

@testable import PortReport

@Suite struct ResponseBodyReaderTests {
    private func page(_ text: String) throws -> ResponsePage {
        guard case .page(let page) = try readBody(text) else {
            Issue.record("not read as a page")
            return ResponsePage(totalNum: -1, records: [], recordOffsets: [])
        }
        return page
    }

    @Test func readsTheVendorExample() throws {
        // The example response from the vendor's API page.
        let page = try page(#"{ "total_num" : 1, "data_list" : [ { "num" : 4, "port" : 123, "type" : "UDP" } ] }"#)
        #expect(page.totalNum == 1)
        #expect(page.records == [PortRecord(port: 123, type: .udp, num: 4, status: nil)])
    }

    @Test func acceptsAnyLetterCaseOfTypeAndTheVendorsStatusSpellings() throws {
        let page = try page(
            """
            {"total_num": 5, "data_list": [
              {"port": 22, "type": "tcp", "num": 1893, "status": "normal"},
              {"port": 22, "type": "Tcp6", "num": 7, "status": "danger"},
              {"port": 123, "type": "UDP", "num": 4, "status": "unknow"},
              {"port": 5353, "type": "udp6", "num": 2, "status": "unknown"},
              {"port": 0, "type": "TCP", "num": 0, "status": null}
            ]}
            """)
        #expect(page.records.map(\.type) == [.tcp, .tcp6, .udp, .udp6, .tcp])
        #expect(page.records.map(\.status) == [.normal, .danger, .unknown, .unknown, nil])
        #expect(page.records.map(\.port) == [22, 22, 123, 5353, 0])
    }

    @Test func ignoresUnknownFieldsAtEveryLevel() throws {
        let page = try page(
            """
            {"request_id": "x", "total_num": 1, "extra": {"nested": [1, 2, {"a": null}]},
             "data_list": [{"first_seen": 1764288000, "port": 443, "labels": ["a", "b"], "type": "TCP", "num": 12}]}
            """)
        #expect(page.records == [PortRecord(port: 443, type: .tcp, num: 12)])
    }

    @Test func acceptsAByteOrderMarkAndEscapedKeys() throws {
        let page = try page("\u{FEFF}{\"total_num\": 1, \"data_\\u006cist\": [{\"port\": 8080, \"type\": \"TCP\", \"num\": 3}]}")
        #expect(page.records.first?.port == 8080)
    }

    @Test func recognisesErrorBodiesInEverySpelling() throws {
        let cases: [(String, String?, String?)] = [
            (#"{"error_code": "HSS.0001", "error_msg": "Invalid parameter"}"#, "HSS.0001", "Invalid parameter"),
            (
                #"{"error_msg": "Incorrect IAM authentication information", "error_code": "APIGW.0301", "request_id": "abc"}"#,
                "APIGW.0301", "Incorrect IAM authentication information"
            ),
            (#"{"errorCode": "HSS.1001", "errorMsg": "Forbidden"}"#, "HSS.1001", "Forbidden"),
            (#"{"code": "APIGW.0101", "message": "The API does not exist"}"#, "APIGW.0101", "The API does not exist")
        ]
        for (text, code, message) in cases {
            guard case .errorResponse(let readCode, let readMessage) = try readBody(text) else {
                Issue.record("not recognised as an error body: \(text)")
                continue
            }
            #expect(readCode == code)
            #expect(readMessage == message)
        }
    }

    @Test func recognisesAHARDocument() throws {
        guard case .harCapture = try readBody(#"{"log": {"version": "1.2", "entries": []}}"#) else {
            Issue.record("a HAR was not recognised")
            return
        }
    }

    /// Each bad body, the JSON path the error must name, and words the message must contain.
    @Test(arguments: [
        (
            #"{"total_num": 1, "data_list": [{"port": 65536, "type": "TCP", "num": 1}]}"#, "data_list[0].port",
            "expected an integer 0–65535, found 65536"
        ),
        // A member name with escapes is named decoded in the path, for the body and a record.
        (
            #"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 1, "x\u0041": [1, }]}"#, "data_list[0].xA",
            "expected a JSON value, found '}'"
        ),
        (#"{"tot\u0061l_num": -1, "data_list": []}"#, "total_num", "expected a non-negative integer"),
        (#"{"total_num": 1, "data_list": [{"port": -1, "type": "TCP", "num": 1}]}"#, "data_list[0].port", "found -1"),
        (#"{"total_num": 1, "data_list": [{"port": "22", "type": "TCP", "num": 1}]}"#, "data_list[0].port", "found the string \"22\""),
        (#"{"total_num": 1, "data_list": [{"port": 1e3, "type": "TCP", "num": 1}]}"#, "data_list[0].port", "found 1e3"),
        (#"{"total_num": 1, "data_list": [{"port": 22.0, "type": "TCP", "num": 1}]}"#, "data_list[0].port", "found 22.0"),
        (
            #"{"total_num": 2, "data_list": [{"port": 22, "type": "TCP", "num": 1}, {"port": 80, "type": "TCP", "num": -1}]}"#,
            "data_list[1].num", "expected a non-negative integer"
        ),
        (#"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 1.5}]}"#, "data_list[0].num", "found 1.5"),
        (
            #"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 9223372036854775808}]}"#, "data_list[0].num",
            "found 9223372036854775808"
        ),
        (
            #"{"total_num": 1, "data_list": [{"port": 22, "type": "ICMP", "num": 1}]}"#, "data_list[0].type",
            "expected \"TCP\", \"UDP\", \"TCP6\" or \"UDP6\", found the string \"ICMP\""
        ),
        (#"{"total_num": 1, "data_list": [{"port": 22, "type": "tcp ", "num": 1}]}"#, "data_list[0].type", "found the string \"tcp \""),
        (#"{"total_num": 1, "data_list": [{"port": 22, "type": null, "num": 1}]}"#, "data_list[0].type", "found null"),
        (
            #"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 1, "status": "DANGER"}]}"#, "data_list[0].status",
            "found the string \"DANGER\""
        ),
        (#"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 1, "status": 7}]}"#, "data_list[0].status", "found 7"),
        (#"{"total_num": 1, "data_list": [{"port": 22, "num": 1}]}"#, "data_list[0]", "the required member 'type'"),
        (#"{"total_num": 1, "data_list": [{"type": "TCP"}]}"#, "data_list[0]", "the required members 'port', 'num'"),
        (#"{"total_num": 1, "data_list": {"port": 22}}"#, "data_list", "expected an array of port records, found an object"),
        (#"{"total_num": 1, "data_list": null}"#, "data_list", "found null"),
        (#"{"total_num": 1, "data_list": [22]}"#, "data_list[0]", "expected a port record object, found 22"),
        (#"{"data_list": []}"#, "", "'total_num'"),
        (#"{"total_num": 0}"#, "", "'data_list'"),
        (#"{"total_num": "3", "data_list": []}"#, "total_num", "found the string \"3\""),
        (#"{"total_num": 1, "total_num": 2, "data_list": []}"#, "total_num", "only once"),
        (#"{"total_num": 1, "data_list": [{"port": 22, "port": 23, "type": "TCP", "num": 1}]}"#, "data_list[0].port", "only once"),
        (#"[1, 2]"#, "", "expected a JSON object"),
        ("", "", "found the end of the input"),
        (#"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 1}"#, "data_list", "',' or ']'"),
        (
            #"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": 1}]} trailing"#, "",
            "the end of the input after the JSON value"
        ),
        (#"{"total_num": 1, "data_list": [{"port": 022, "type": "TCP", "num": 1}]}"#, "data_list[0].port", "leading zeros"),
        ("<html><body>502 Bad Gateway</body></html>", "", "expected a JSON object")
    ])
    func rejectsWithThePlace(text: String, path: String, words: String) {
        guard let problem = bodyProblem(text) else {
            Issue.record("accepted: \(text)")
            return
        }
        #expect(problem.path == path, "\(text)")
        #expect(problem.message.contains(words), "\(problem.message)")
    }

    @Test func refusesDeepNestingWithoutCrashing() {
        let deep =
            "{\"total_num\": 0, \"data_list\": [], \"x\": " + String(repeating: "[", count: 100_000)
            + String(repeating: "]", count: 100_000) + "}"
        let problem = bodyProblem(deep)
        #expect(problem?.message.contains("levels of nesting") == true)
    }

    @Test func offsetsPointAtTheLine() throws {
        let text =
            "{\n  \"total_num\": 2,\n  \"data_list\": [\n    {\"port\": 22, \"type\": \"TCP\", \"num\": 1},\n    {\"port\": 70000, \"type\": \"TCP\", \"num\": 1}\n  ]\n}\n"
        let problem = try #require(bodyProblem(text))
        let bytes = Array(text.utf8)
        let line = bytes.withUnsafeBufferPointer { JSONScanner($0).lineAndColumn(of: problem.offset).line }
        #expect(line == 5)
    }
}
