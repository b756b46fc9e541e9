import Testing

@testable import PortReport

@Suite struct PathMetadataTests {
    @Test(arguments: [
        ("exports/2026-11-28/container/page-0003.json", "2026-11-28T00:00:00Z", false),
        ("exports/2026-11-28T02:00:00Z/host.json", "2026-11-28T02:00:00Z", true),
        ("exports/20261128T020000Z-host.json", "2026-11-28T02:00:00Z", true),
        ("exports/2026-11-28_02-30-00/page.json", "2026-11-28T02:30:00Z", true),
        ("exports/2026-11-28T10:00:00+08:00/page.json", "2026-11-28T02:00:00Z", true),
        ("backup-2026-12-01/2026-11-28/host/page-1.json", "2026-11-28T00:00:00Z", false)
    ])
    func findsTheCaptureTime(path: String, expected: String, hasTime: Bool) throws {
        let found = try PathMetadata.captureTime(in: path)
        #expect(found?.timestamp.rfc3339 == expected)
        #expect(found?.hasTime == hasTime)
    }

    // Issue 11 on purpose: `20261128/` is now a date, and `2026-13-01/` an error (PathSpellingTests).
    @Test(arguments: ["exports/page-0001.json", "exports/12026-11-280/page.json", "v2026-11-2/x.json"])
    func findsNoTimeWhereThereIsNone(path: String) throws {
        #expect(try PathMetadata.captureTime(in: path) == nil)
    }

    @Test func readsTheCategoryFromTheDeepestPlace() {
        #expect(PathMetadata.category(in: "2026-11-28/container/page-0003.json") == .found(.container, component: "container"))
        #expect(PathMetadata.category(in: "host/ports-container-2026.json") == .found(.container, component: "ports-container-2026.json"))
        #expect(PathMetadata.category(in: "exports/Host/page.json") == .found(.host, component: "Host"))
        #expect(PathMetadata.category(in: "hosts/page.json") == .found(.host, component: "hosts"))  // issue 11: plurals count
        #expect(PathMetadata.category(in: "exports/localhost/page.json") == .none)
        #expect(PathMetadata.category(in: "exports/host-vs-container.json") == .ambiguous(component: "host-vs-container.json"))
    }
}
