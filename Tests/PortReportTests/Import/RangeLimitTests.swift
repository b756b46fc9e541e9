import Testing

@testable import PortReport

/// num and total_num 0–1000000000 in a body; ids and paths of documented lengths.
@Suite struct RangeLimitTests {
    @Test(arguments: ["1000000001", "5000000000000000000", "9223372036854775807"])
    func aNumOverTheMaximumIsRefusedNamingIt(num: String) {
        let problem = bodyProblem(#"{"total_num": 1, "data_list": [{"port": 22, "type": "TCP", "num": \#(num)}]}"#)
        #expect(problem?.path == "data_list[0].num")
        #expect(problem?.message == "expected an integer 0–1000000000, found \(num)")
    }

    @Test func theMaximumItselfIsTaken() throws {
        let content = try readBody(#"{"total_num": 1000000000, "data_list": [{"port": 22, "type": "TCP", "num": 1000000000}]}"#)
        guard case .page(let page) = content else {
            Issue.record("not a page")
            return
        }
        #expect(page.records.map(\.num) == [1_000_000_000])
        #expect(page.totalNum == 1_000_000_000)
    }

    @Test func aTotalNumOverTheMaximumIsRefused() {
        let problem = bodyProblem(#"{"total_num": 1000000001, "data_list": []}"#)
        #expect(problem?.message == "expected an integer 0–1000000000, found 1000000001")
    }

    @Test func theStoreRefusesANumOverTheMaximumFromAnyReader() {
        #expect(RecordBlob.problem(port: 22, num: 1_000_000_000) == nil)
        #expect(RecordBlob.problem(port: 22, num: 1_000_000_001) == "num 1000000001 is over the maximum 1000000000")
        // What the layout holds is wider: a store migrated from 0.1 keeps its values.
        #expect(RecordBlob.layoutProblem(port: 22, num: .max) == nil)
    }

    private func page(project: String = "", enterprise: String = "", path: String = "a.json", totalNum: Int64? = 1) -> SnapshotPage {
        SnapshotPage(
            key: SnapshotKey(
                projectID: project, enterpriseProjectID: enterprise, category: .host, capturedAt: Timestamp(secondsSinceEpoch: 0),
                filters: ""),
            provenance: MetadataProvenance(project: "flag --project", enterpriseProject: "HAR request URL", category: "", capturedAt: ""),
            path: path, entry: -1, sha256: "", size: 0, totalNum: totalNum)
    }

    @Test func idsOfAtMost256CharactersAreTaken() throws {
        try SnapshotPage.checkLimits(page(project: String(repeating: "a", count: 256), enterprise: String(repeating: "é", count: 256)))
        try SnapshotPage.checkLimits(page(path: String(repeating: "p", count: 4096)))
    }

    @Test func longerIdsAndPathsAreRefusedNamingWhereTheyCameFrom() {
        #expect(
            throws: InputError(
                file: "a.json", place: "flag --project", message: "expected a project id of at most 256 characters, found 257 characters")
        ) {
            try SnapshotPage.checkLimits(page(project: String(repeating: "a", count: 257)))
        }
        #expect(
            throws: InputError(
                file: "a.json", place: "HAR request URL",
                message: "expected an enterprise project id of at most 256 characters, found 300 characters")
        ) {
            try SnapshotPage.checkLimits(page(enterprise: String(repeating: "é", count: 300)))
        }
        #expect(throws: InputError(file: "a.json", place: "total_num", message: "expected total_num 0–1000000000, found 1000000001")) {
            try SnapshotPage.checkLimits(page(totalNum: 1_000_000_001))
        }
        #expect(throws: (any Error).self) { try SnapshotPage.checkLimits(page(path: String(repeating: "p", count: 4097))) }
    }
}
