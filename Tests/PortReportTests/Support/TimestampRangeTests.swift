import Testing

@testable import PortReport

/// The range of times portreport takes, 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z. Epoch values
/// are written out by hand (253402300799 is 9999-12-31T23:59:59Z, as Python's
/// `calendar.timegm` gives it).
@Suite struct TimestampRangeTests {
    @Test func theRangeIsTheYears1970To9999() {
        #expect(Timestamp.validRange == 0...253_402_300_799)
        #expect(Timestamp(secondsSinceEpoch: 253_402_300_799).rfc3339 == "9999-12-31T23:59:59Z")
    }

    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("1970-01-01T01:00:00+01:00", 0),
        ("1969-12-31T23:00:00-01:00", 0),
        ("9999-12-31T23:59:59Z", 253_402_300_799),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799),
        ("9999-12-31T22:59:59-01:00", 253_402_300_799)
    ])
    func justInsideIsTaken(text: String, seconds: Int64) {
        #expect(Timestamp(rfc3339: text)?.secondsSinceEpoch == seconds)
        #expect(!Timestamp.isOutOfRange(text))
    }

    @Test(arguments: [
        "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "1969-12-31T23:59:59Z", "1970-01-01T00:59:59+01:00",
        "1000-06-15T12:00:00Z"
    ])
    func justOutsideIsRefusedAndSaysSo(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
        #expect(Timestamp(timeOrDate: text) == nil)
        #expect(Timestamp.isOutOfRange(text))
    }

    @Test func datesAreCheckedToo() {
        #expect(Timestamp(date: "1970-01-01")?.secondsSinceEpoch == 0)
        #expect(Timestamp(date: "9999-12-31")?.secondsSinceEpoch == 253_402_214_400)
        #expect(Timestamp(date: "1969-12-31") == nil)
        #expect(Timestamp.isOutOfRange("1969-12-31"))
        #expect(TimeArgument.asOf("9999-12-31")?.secondsSinceEpoch == 253_402_300_799)
        #expect(TimeArgument.now("1969-12-31") == nil)
    }

    @Test func malformedTextIsNotCalledOutOfRange() {
        for text in ["", "yesterday", "2026-02-30T00:00:00Z", "2026-11-28T24:00:00Z", "2026-13-01"] {
            #expect(!Timestamp.isOutOfRange(text), "\(text)")
        }
    }

    @Test func checkedSeconds() {
        #expect(Timestamp(checkedSecondsSinceEpoch: 0)?.secondsSinceEpoch == 0)
        #expect(Timestamp(checkedSecondsSinceEpoch: 253_402_300_799) != nil)
        #expect(Timestamp(checkedSecondsSinceEpoch: 253_402_300_800) == nil)
        #expect(Timestamp(checkedSecondsSinceEpoch: -1) == nil)
        #expect(Timestamp(checkedSecondsSinceEpoch: .max) == nil)
        #expect(Timestamp(checkedSecondsSinceEpoch: .min) == nil)
    }

    @Test func sourceDateEpochOutsideTheRangeOrNotANumberIsAnError() {
        #expect(ReportClock.sourceDateEpochProblem(environment: [:]) == nil)
        #expect(ReportClock.sourceDateEpochProblem(environment: ["SOURCE_DATE_EPOCH": "0"]) == nil)
        #expect(ReportClock.sourceDateEpochProblem(environment: ["SOURCE_DATE_EPOCH": "253402300799"]) == nil)
        #expect(
            ReportClock.sourceDateEpochProblem(environment: ["SOURCE_DATE_EPOCH": "253402300800"])
                == "SOURCE_DATE_EPOCH: expected whole seconds since 1970-01-01T00:00:00Z within the years 1970–9999 UTC (0–253402300799), found 253402300800"
        )
        #expect(
            ReportClock.sourceDateEpochProblem(environment: ["SOURCE_DATE_EPOCH": "soon"])
                == "SOURCE_DATE_EPOCH: expected whole seconds since 1970-01-01T00:00:00Z within the years 1970–9999 UTC (0–253402300799), found 'soon'"
        )
        #expect(ReportClock.sourceDateEpochProblem(environment: ["SOURCE_DATE_EPOCH": "-1"]) != nil)
        // Never a garbage date: an unusable value is not taken as the clock.
        #expect(ReportClock(environment: ["SOURCE_DATE_EPOCH": "-62167219201"]).sourceDateEpoch == nil)
        #expect(ReportClock(environment: ["SOURCE_DATE_EPOCH": "253402300799"]).sourceDateEpoch?.rfc3339 == "9999-12-31T23:59:59Z")
    }
}
