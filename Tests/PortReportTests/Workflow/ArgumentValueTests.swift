import Testing

@testable import PortReport

@Suite("Command-line values")
struct ArgumentValueTests {
    @Test("SOURCE_DATE_EPOCH stands for the clock when it is a whole number of seconds")
    func clock() {
        let reproducible = ReportClock(environment: ["SOURCE_DATE_EPOCH": "1764500000"])
        #expect(reproducible.now.rfc3339 == "2025-11-30T10:53:20Z")
        #expect(reproducible.reportTime(now: nil)?.rfc3339 == "2025-11-30T10:53:20Z")
        #expect(reproducible.reportTime(now: Timestamp(rfc3339: "2026-12-01T08:00:00Z"))?.rfc3339 == "2026-12-01T08:00:00Z")
        #expect(ReportClock(environment: ["SOURCE_DATE_EPOCH": "soon"]).sourceDateEpoch == nil)
        #expect(ReportClock(environment: [:]).reportTime(now: nil) == nil)
    }

    @Test("--now takes a date as its first second, --as-of as its last")
    func times() {
        #expect(TimeArgument.now("2026-11-28")?.rfc3339 == "2026-11-28T00:00:00Z")
        #expect(TimeArgument.asOf("2026-11-28")?.rfc3339 == "2026-11-28T23:59:59Z")
        #expect(TimeArgument.asOf("2026-11-28T02:00:00Z")?.rfc3339 == "2026-11-28T02:00:00Z")
        #expect(TimeArgument.now("2026-11-28T02:00:00+08:00")?.rfc3339 == "2026-11-27T18:00:00Z")
        #expect(TimeArgument.now("yesterday") == nil)
        #expect(TimeArgument.asOf("2026-11") == nil)
    }

    @Test("--filter values are normalised as the API takes them")
    func filters() throws {
        let filters = try ImportFilter.parse(["port=022", "type=tcp", "status=danger", "port_string=ssh"]).get()
        #expect(filters.map(\.name) == ["port", "type", "status", "port_string"])
        #expect(filters.map(\.value) == ["22", "TCP", "danger", "ssh"])
    }

    @Test(
        "--filter refusals name the filter and what it takes",
        arguments: [
            (["size=3"], "--filter expects name=value with name port, port_string, type or status, not 'size=3'"),
            (["port"], "--filter expects name=value with name port, port_string, type or status, not 'port'"),
            (["port=0"], "--filter port expects a port 1–65535, not '0'"),
            (["type=icmp"], "--filter type expects TCP, UDP, TCP6 or UDP6, not 'icmp'"),
            (["status=bad"], "--filter status expects danger, normal or unknown, not 'bad'"),
            (["port_string="], "--filter expects name=value with name port, port_string, type or status, not 'port_string='"),
            (["port=22", "port=80"], "--filter port is given twice; the API takes one value per filter")
        ])
    func filterRefusals(items: [String], message: String) {
        guard case .failure(let error) = ImportFilter.parse(items) else {
            Issue.record("\(items) was accepted")
            return
        }
        #expect(error.message == message)
    }

    @Test("--fail-on kinds in any letter case, and the message for one that is not a kind")
    func failOn() throws {
        #expect(try CheckJob.kinds("forbidden, new-dangerous").get() == [.forbidden, .newDangerous])
        #expect(try CheckJob.kinds("Forbidden,NEW-DANGEROUS").get() == [.forbidden, .newDangerous])
        // expiring-waiver is no kind of finding: accepted, and said apart.
        #expect(try CheckJob.kinds("forbidden, Expiring-Waiver").get() == [.forbidden])
        #expect(CheckJob.namesExpiring("forbidden, Expiring-Waiver") && !CheckJob.namesExpiring("forbidden"))
        guard case .failure(let error) = CheckJob.kinds("nope") else {
            Issue.record("'nope' was accepted")
            return
        }
        #expect(
            error.message
                == "--fail-on expects one or more kinds of finding, comma-separated, among forbidden, over-limit, not-allowed, new-port, new-dangerous, expired-waiver, suspect, expiring-waiver; 'nope' is not one"
        )
    }

    @Test("--fail-on that names no kind is refused, not read as 'fail on nothing'", arguments: ["", " ", ",", " , ", "forbidden,", "a,,b"])
    func failOnNothing(value: String) {
        guard case .failure(let error) = CheckJob.kinds(value) else {
            Issue.record("'\(value)' was accepted")
            return
        }
        #expect(error.message.hasPrefix("--fail-on expects one or more kinds of finding"))
        #expect(error.exitStatus == 64)
    }
}
