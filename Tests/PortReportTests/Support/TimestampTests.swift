import Testing

@testable import PortReport

/// Expected epoch values were computed with Python's datetime, independently of this code.
@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-11-28T02:00:00Z", Int64(1_795_831_200)),
        ("2000-02-29T23:59:59Z", 951_868_799),
        ("1970-01-01T00:00:00Z", 0),
        ("9999-12-31T23:59:59Z", 253_402_300_799),
        ("2026-11-29T02:00:00.123+08:00", 1_795_888_800),
        ("2400-03-01T00:00:00Z", 13_574_649_600)
    ])
    func parsesRFC3339(text: String, seconds: Int64) {
        #expect(Timestamp(rfc3339: text)?.secondsSinceEpoch == seconds)
    }

    @Test func formatsUTC() {
        #expect(Timestamp(secondsSinceEpoch: 1_795_831_200).rfc3339 == "2026-11-28T02:00:00Z")
        #expect(Timestamp(secondsSinceEpoch: -1).rfc3339 == "1969-12-31T23:59:59Z")
        #expect(Timestamp(secondsSinceEpoch: 951_868_799).rfc3339 == "2000-02-29T23:59:59Z")
    }

    @Test(arguments: [
        "2026-11-28", "2026-11-28T02:00:00", "2026-02-30T00:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T02:00:60Z",
        "2026-11-28T02:00:00+8", "2026-11-28T02:00:00Zjunk", ""
    ])
    func rejectsNonRFC3339(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }
}
