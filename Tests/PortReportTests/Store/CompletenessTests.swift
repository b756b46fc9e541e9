import Testing

@testable import PortReport

/// The rule that says whether a snapshot has every record its pages announced.
@Suite("Store: completeness")
struct CompletenessTests {
    @Test("as many records as total_num is complete, with no note")
    func complete() {
        #expect(Completeness(records: 3, totals: [3]) == Completeness(complete: true, note: ""))
    }

    @Test("fewer, more, disagreeing or no totals are said in words")
    func incomplete() {
        #expect(
            Completeness(records: 2, totals: [5])
                == Completeness(complete: false, note: "2 of 5 records: 3 missing (a page was not saved?)"))
        #expect(
            Completeness(records: 6, totals: [5])
                == Completeness(complete: false, note: "6 records but total_num says 5: the data changed while it was paged"))
        #expect(
            Completeness(records: 5, totals: [4, 5])
                == Completeness(complete: false, note: "pages disagree on total_num (4, 5): the data changed while it was paged"))
        // A page with total_num 0 beside others: perhaps an empty drill-down page under another
        // name (detail-2375.json), read as statistics; the note says how to name it.
        #expect(
            Completeness(records: 1, totals: [0, 1]).note
                == "pages disagree on total_num (0, 1): the data changed while it was paged, or a page with total_num 0 is an empty drill-down page (ListPortHost, ListPorts) saved under another name: name it port-hosts-<PORT>-offset-<N>.json or host-ports-<HOST_ID>-offset-<N>.json, or list it in the sidecar's details"
        )
        // No total at all (issue 11, "completeness unknown"): never complete, said as unknown.
        #expect(
            Completeness(records: 5, totals: [])
                == Completeness(
                    complete: false,
                    note: "completeness unknown: the source gives no total_num, so records missing from it cannot be detected"))
    }
}
