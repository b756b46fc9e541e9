import Testing

@testable import PortReport

/// Every date, time, zone, category and project spelling the path may carry, each refusal, and
/// the numbers that are not taken for dates. Expected instants are Unix seconds worked out by
/// hand: 2026-12-01T00:00:00Z is 20,788 days after 1970-01-01 (56 years of 365 days, 14 leap
/// days 1972–2024, 334 days January–November 2026), so 20,788 × 86,400 = 1,796,083,200.
@Suite struct PathSpellingTests {
    static let december1: Int64 = 1_796_083_200
    static let twoAM: Int64 = 1_796_083_200 + 2 * 3600

    // MARK: Dates and times

    @Test(
        "a date alone is 00:00:00Z that day",
        arguments: [
            "exports/2026-12-01/host/page-0001.json", "exports/20261201/host/page-0001.json", "exports/2026_12_01/host/page-0001.json",
            "exports/host/page-2026-12-01.json", "exports/host/page-20261201.json", "exports/host_2026_12_01_page_1.json",
            "exports/20261201/page-0001.json"
        ])
    func aDateAlone(path: String) throws {
        let found = try #require(try PathMetadata.captureTime(in: path))
        #expect(found.timestamp.secondsSinceEpoch == Self.december1)
        #expect(found.hasTime == false)
        #expect(found.provenance.hasSuffix(", date only: 00:00:00Z)"), "\(found.provenance)")
    }

    @Test(
        "every time spelling after every date spelling: 02:00:00 on 2026-12-01",
        arguments: [
            ("exports/2026-12-01T020000/host.json", "2026-12-01T020000", false),
            ("exports/20261201T020000Z/host/page-1.json", "20261201T020000Z", true),
            ("exports/20261201t020000z/page-1.json", "20261201t020000z", true),
            ("exports/20261201_020000/host/page-1.json", "20261201_020000", false),
            ("exports/2026_12_01_020000/page-1.json", "2026_12_01_020000", false),
            ("exports/2026-12-01-020000/page-1.json", "2026-12-01-020000", false),
            ("exports/2026-12-01_0200/page-1.json", "2026-12-01_0200", false),
            ("exports/20261201T0200Z/page-1.json", "20261201T0200Z", true),
            ("exports/2026-12-01-02-00-00/page-1.json", "2026-12-01-02-00-00", false),
            ("exports/2026-12-01_02-00-00/page-1.json", "2026-12-01_02-00-00", false),
            ("exports/2026_12_01_02_00_00/page-1.json", "2026_12_01_02_00_00", false),
            ("exports/2026-12-01T02:00:00Z/page-1.json", "2026-12-01T02:00:00Z", true),
            ("exports/2026-12-01 02:00:00/page-1.json", "2026-12-01 02:00:00", false),
            ("exports/host_20261201_020000_page1.json", "20261201_020000", false),
            ("exports/20261201-020000.json", "20261201-020000", false)
        ])
    func everyTimeSpelling(path: String, text: String, hasZone: Bool) throws {
        let found = try #require(try PathMetadata.captureTime(in: path))
        #expect(found.timestamp.secondsSinceEpoch == Self.twoAM, "\(found)")
        #expect(found.text == text)
        #expect(found.hasTime)
        #expect(found.hasZone == hasZone)
        #expect(found.provenance.contains("no zone: UTC") == !hasZone, "\(found.provenance)")
    }

    @Test(
        "zones: Z, ±HH:MM and ±HHMM, subtracted to give UTC",
        arguments: [
            // 10:00 at +08:00 is 02:00Z.
            ("exports/2026-12-01T10:00:00+08:00/page.json", twoAM),
            ("exports/2026-12-01T10:00:00+0800/page.json", twoAM),
            ("exports/20261201T100000+0800/page.json", twoAM),
            // 02:00 at -05:00 is 07:00Z: 1,796,083,200 + 25,200.
            ("exports/20261201T020000-0500/page.json", 1_796_108_400),
            ("exports/2026-12-01_02-00-00-05:00/page.json", 1_796_108_400),
            // 02:30:15 at -03:30 is 06:00:15Z: + 21,615.
            ("exports/2026-12-01T02:30:15-03:30/page.json", 1_796_104_815),
            // 01:00 at +02:00 is the day before, 23:00Z: − 3,600.
            ("exports/2026-12-01T01:00:00+02:00/page.json", 1_796_079_600),
            ("exports/2026-12-01T02:00:00+00:00/page.json", twoAM)
        ])
    func zones(path: String, expected: Int64) throws {
        let found = try #require(try PathMetadata.captureTime(in: path))
        #expect(found.timestamp.secondsSinceEpoch == expected, "\(found)")
        #expect(found.hasZone)
    }

    @Test("a fraction of a second is dropped, and the provenance says so")
    func fractionsAreDropped() throws {
        let found = try #require(try PathMetadata.captureTime(in: "exports/2026-12-01T02:00:00.750Z/page.json"))
        #expect(found.timestamp.secondsSinceEpoch == Self.twoAM)
        #expect(found.droppedFraction)
        #expect(found.text == "2026-12-01T02:00:00.750Z")
        #expect(found.provenance == "path (2026-12-01T02:00:00.750Z, fraction of a second dropped)")
        let compact = try #require(try PathMetadata.captureTime(in: "exports/20261201T020000.5+0100/page.json"))
        // 02:00:00.5 at +01:00 is 01:00:00Z.
        #expect(compact.timestamp.secondsSinceEpoch == Self.december1 + 3600)
        #expect(compact.droppedFraction)
    }

    @Test("calendar edges: a leap day, the first and last instants portreport stores")
    func calendarEdges() throws {
        // 2024-02-29: 54 years and 13 leap days to 2024-01-01 (19,723 days), + 59 days: 19,782 × 86,400.
        #expect(try PathMetadata.captureTime(in: "exports/20240229/page.json")?.timestamp.secondsSinceEpoch == 1_709_164_800)
        #expect(try PathMetadata.captureTime(in: "exports/1970-01-01/page.json")?.timestamp.secondsSinceEpoch == 0)
        #expect(
            try PathMetadata.captureTime(in: "exports/9999-12-31T23:59:59Z/page.json")?.timestamp.secondsSinceEpoch == 253_402_300_799)
    }

    @Test("the deepest component that holds a date decides: the file name over its directories")
    func theDeepestDateDecides() throws {
        #expect(
            try PathMetadata.captureTime(in: "backup-2026-12-05/2026-12-01/host/page-1.json")?.timestamp.secondsSinceEpoch
                == Self.december1)
        #expect(
            try PathMetadata.captureTime(in: "2026-11-28/host/page-20261201.json")?.timestamp.secondsSinceEpoch == Self.december1)
        // The same instant twice in one name is one time.
        #expect(
            try PathMetadata.captureTime(in: "exports/2026-12-01_20261201.json")?.timestamp.secondsSinceEpoch == Self.december1)
    }

    // MARK: Numbers that are not dates

    @Test(
        "a number that cannot be told apart from another number is not a date",
        arguments: [
            "exports/page-0001.json",  // a page number
            "exports/12026-11-280/page.json",  // digit runs of 5 and 3
            "v2026-11-2/x.json",  // a one-digit day
            "exports/id-202612011/page.json",  // nine digits
            "exports/run-120261201/page.json",  // the eight digits inside a longer run
            "exports/page-20261301.json",  // eight digits that are no calendar day
            "exports/ab20261201/page.json",  // a letter before
            "exports/20261201ab/page.json",  // a letter after
            "exports/19991231/page.json",  // a calendar day, but outside 2000–2099
            "exports/project-20261201/page.json",  // a project id
            "exports/2026-12/page.json"  // a month alone
        ])
    func notADate(path: String) throws {
        #expect(try PathMetadata.captureTime(in: path) == nil)
    }

    @Test("what follows a date but is no time spelling leaves the date alone (a page number)")
    func aPageNumberAfterADate() throws {
        for path in ["exports/2026-12-01-0001.json", "exports/2026-12-01-3.json", "exports/2026-12-01_12345.json"] {
            let found = try #require(try PathMetadata.captureTime(in: path), "\(path)")
            #expect(found.timestamp.secondsSinceEpoch == Self.december1, "\(path)")
            #expect(!found.hasTime, "\(path)")
        }
        // After a time, a '-' and digits that are no offset are not a zone.
        let found = try #require(try PathMetadata.captureTime(in: "exports/20261201T020000-3.json"))
        #expect(found.timestamp.secondsSinceEpoch == Self.twoAM)
        #expect(!found.hasZone)
        // `_HHMM` is a time (documented): a page number right after the date reads as one.
        #expect(try PathMetadata.captureTime(in: "exports/2026-12-01_0001.json")?.timestamp.secondsSinceEpoch == Self.december1 + 60)
    }

    // MARK: Refusals

    @Test(
        "what looks like a date or time but is not valid is an error naming the component",
        arguments: [
            ("exports/2026-12-01T250000Z/host/page.json", "2026-12-01T250000Z", "hour 25"),
            ("exports/2026-12-01T02:00:00+24:00/page.json", "2026-12-01T02:00:00+24:00", "+24:00"),
            ("exports/20261201T020000+2400/page.json", "20261201T020000+2400", "+2400"),
            ("exports/20261201T020000-0560/page.json", "20261201T020000-0560", "-0560"),
            ("exports/2026-12-01T02:00:00+08/page.json", "2026-12-01T02:00:00+08", "expected a UTC offset"),
            ("exports/2026-13-01/page.json", "2026-13-01", "no month 13"),
            ("exports/2026-02-30/page.json", "2026-02-30", "that month has 28 days"),
            ("exports/2024_02_30/page.json", "2024_02_30", "that month has 29 days"),
            ("exports/0000-01-01/page.json", "0000-01-01", "no year 0"),
            ("exports/2026-12-01T02:61:00Z/page.json", "2026-12-01T02:61:00Z", "minute 61"),
            ("exports/2026-12-01_020060/page.json", "2026-12-01_020060", "second 60"),
            ("exports/2026-12-01_2400/page.json", "2026-12-01_2400", "hour 24"),
            ("exports/20261301T020000Z/page.json", "20261301T020000Z", "no month 13"),
            ("exports/2026-12-01T5/page.json", "2026-12-01T5", "expected a time"),
            ("exports/1969-12-31/page.json", "1969-12-31", "within the years 1970–9999 UTC"),
            ("exports/host/2026-12-01_to_2026-12-02.json", "2026-12-01_to_2026-12-02.json", "two different times"),
            // Not 20:26 on the first day (found trying it as a new user): a range of two dates.
            ("exports/hosts/page_2026-12-01_2026-12-02.json", "page_2026-12-01_2026-12-02.json", "two different times"),
            // A bad deeper date is not passed over for a good one above it.
            ("exports/2026-12-01/2026-12-01T250000Z/page.json", "2026-12-01T250000Z", "hour 25")
        ])
    func refusals(path: String, component: String, reason: String) {
        #expect {
            _ = try PathMetadata.captureTime(in: path)
        } throws: { error in
            guard let problem = error as? PathMetadata.TimeProblem else { return false }
            return problem.component == component && problem.reason.contains(reason)
        }
    }

    @Test("an import of a page under a bad date fails with the component, the reason and the remedy")
    func theImportErrorNamesTheComponent() throws {
        let directory = try Fixtures.temporaryDirectory("pathspelling")
        let page = try Fixtures.write(Fixtures.body(total: 1, [(22, "TCP", 1, nil)]), to: "20261201T250000Z/host/page.json", in: directory)
        var options = ImportOptions(now: Timestamp(secondsSinceEpoch: 1_800_000_000))
        options.projectID = "p1"
        do {
            _ = try Importer(store: try Store(path: directory.appendingPathComponent("s.sqlite").path), options: options).run([page])
            Issue.record("imported")
        } catch let failure as ImportFailure {
            #expect(
                failure.errors.map(\.description) == [
                    "\(page): path component \"20261201T250000Z\": hour 25 in 20261201T250000 is not a time of day (00–23); rename it or pass --captured-at"
                ])
        }
        // With the time given, the path is not read for it.
        options.capturedAt = Timestamp(secondsSinceEpoch: Self.twoAM)
        _ = try Importer(store: try Store(path: directory.appendingPathComponent("s.sqlite").path), options: options).run([page])
    }

    // MARK: Categories and projects

    @Test(
        "every category word, in any letter case, as a directory or a file-name token",
        arguments: [
            ("exports/2026-12-01/host/page.json", Category.host, "host"),
            ("exports/2026-12-01/hosts/page.json", .host, "hosts"),
            ("exports/2026-12-01/Server/page.json", .host, "Server"),
            ("exports/2026-12-01/SERVERS/page.json", .host, "SERVERS"),
            ("exports/2026-12-01/container/page.json", .container, "container"),
            ("exports/2026-12-01/containers/page.json", .container, "containers"),
            ("exports/2026-12-01/Containers/page.json", .container, "Containers"),
            ("exports/containers_20261201_page_1.json", .container, "containers_20261201_page_1.json"),
            ("exports/servers-page-1.json", .host, "servers-page-1.json"),
            ("exports/hosts/host-servers-1.json", .host, "host-servers-1.json"),
            ("containers/exports/hosts-1.json", .host, "hosts-1.json")
        ])
    func categoryWords(path: String, category: Category, component: String) {
        #expect(PathMetadata.category(in: path) == .found(category, component: component))
    }

    @Test("no category word, or both in one place")
    func categoryRefusals() {
        #expect(PathMetadata.category(in: "exports/localhost/page.json") == .none)
        #expect(PathMetadata.category(in: "exports/hostnames/page.json") == .none)
        #expect(PathMetadata.category(in: "exports/my-containers/page.json") == .none, "a directory counts only as a whole word")
        #expect(PathMetadata.category(in: "exports/project-host/page.json") == .none, "a project directory names a project")
        #expect(PathMetadata.category(in: "exports/hosts-and-containers.json") == .ambiguous(component: "hosts-and-containers.json"))
    }

    @Test("a project-<id> directory names the project; the deepest wins; the file name does not count")
    func projectDirectories() {
        #expect(PathMetadata.project(in: "out/project-0a1b2c/2026-12-01T020000Z/host/page-0001.json")?.id == "0a1b2c")
        #expect(PathMetadata.project(in: "out/project-0a1b2c/x.json")?.component == "project-0a1b2c")
        #expect(PathMetadata.project(in: "out/Project-AB/x.json")?.id == "AB")
        #expect(PathMetadata.project(in: "project-a/project-b/x.json")?.id == "b")
        #expect(PathMetadata.project(in: "out/project-c.json") == nil)
        #expect(PathMetadata.project(in: "out/project-/x.json") == nil)
        #expect(PathMetadata.project(in: "out/projects/x.json") == nil)
    }
}
