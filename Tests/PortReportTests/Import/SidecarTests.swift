import Foundation
import Testing

@testable import PortReport

/// The export sidecar (`portreport-export.json`): what it may say, each refusal, where it is
/// looked for, and how its values rank against flags, the path and defaults.
@Suite struct SidecarTests {
    let directory: URL
    let storePath: String
    let now = Timestamp(secondsSinceEpoch: 1_800_000_000)
    /// 2026-12-01T02:00:00Z (see PathSpellingTests for the arithmetic).
    static let twoAM: Int64 = 1_796_090_400
    static let full = """
        {"format": "portreport-export/1", "project_id": "0a1b2c", "enterprise_project_id": "ep-9",
         "region": "ap-southeast-1", "category": "container", "captured_at": "2026-12-01T10:00:00+08:00",
         "query": {"path": "/v5/{project_id}/asset/port/statistics", "filters": {"status": "danger", "port": 22}, "limit": 200},
         "exported_by": "portreport hss-export 0.3.0 (huaweicloudsdkhss 3.1.219)"}
        """

    init() throws {
        directory = try Fixtures.temporaryDirectory("sidecar")
        storePath = directory.appendingPathComponent("store.sqlite").path
    }

    private func parse(_ text: String) throws(InputError) -> Sidecar {
        try Sidecar.parse(Array(text.utf8), path: "s/portreport-export.json")
    }

    private func problem(_ text: String) -> InputError? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    /// Imports into `store` (a name beside the default store: each part of a test its own store).
    private func importing(
        _ paths: [String], store: String? = nil, configure: (inout ImportOptions) -> Void = { _ in }
    ) throws -> ImportReport {
        var options = ImportOptions(now: now)
        configure(&options)
        return try Importer(store: try Store(path: storePath(store)), options: options).run(paths)
    }

    private func storePath(_ name: String?) -> String {
        name.map { directory.appendingPathComponent($0).path } ?? storePath
    }

    private func onlySnapshot(store: String? = nil) throws -> SnapshotSummary {
        let all = try Store(path: storePath(store)).snapshots()
        return try #require(all.count == 1 ? all.first : nil, "\(all)")
    }

    /// A one-record page; `num` tells pages apart (no two pages of a test have the same bytes, and
    /// pages of one snapshot do not conflict: it is the port too).
    private func page(_ relative: String, num: Int = 3) throws -> String {
        try Fixtures.write(Fixtures.body(total: 1, [(20 + num, "TCP", num, "danger")]), to: relative, in: directory)
    }

    // MARK: Reading one

    @Test("every member is read; the filters are normalised as --filter's are")
    func readsEveryMember() throws {
        let sidecar = try parse(Self.full)
        #expect(sidecar.projectID == "0a1b2c")
        #expect(sidecar.enterpriseProjectID == "ep-9")
        #expect(sidecar.region == "ap-southeast-1")
        #expect(sidecar.category == .container)
        #expect(sidecar.capturedAt?.secondsSinceEpoch == Self.twoAM)
        #expect(sidecar.filters == [Sidecar.Filter(name: "port", value: "22"), Sidecar.Filter(name: "status", value: "danger")])
        #expect(sidecar.exportedBy == "portreport hss-export 0.3.0 (huaweicloudsdkhss 3.1.219)")
        #expect(sidecar.warnings.isEmpty)
    }

    @Test("only format is required; null is the same as leaving a member out; a query without filters is unfiltered")
    func optionalMembers() throws {
        let bare = try parse(#"{"format": "portreport-export/1"}"#)
        #expect(bare.projectID == nil && bare.category == nil && bare.capturedAt == nil && bare.filters == nil)
        let nulls = try parse(#"{"format": "portreport-export/1", "project_id": null, "query": {"path": null, "filters": {"port": null}}}"#)
        #expect(nulls.projectID == nil)
        #expect(nulls.filters == [])
        #expect(try parse(#"{"format": "portreport-export/1", "query": {"limit": 200}}"#).filters == [])
        #expect(
            try parse(#"{"format": "portreport-export/1", "query": {"filters": {"sort_key": "port", "sort_dir": "asc"}}}"#).filters == [],
            "sorting does not narrow the listing")
    }

    @Test("a member this version does not know is a warning, not an error")
    func unknownMembersWarn() throws {
        let sidecar = try parse(#"{"format": "portreport-export/1", "account": "x", "query": {"offset_step": 200}}"#)
        #expect(
            sidecar.warnings == [
                "s/portreport-export.json: member \"account\" is not part of portreport-export/1 and was ignored (it has format, project_id, enterprise_project_id, region, category, captured_at, query, details, exported_by)",
                "s/portreport-export.json: member \"query.offset_step\" is not part of portreport-export/1 and was ignored (query has path, filters, limit)"
            ])
    }

    @Test(
        "a wrong type or value is an error naming the sidecar, the line and the member",
        arguments: [
            (
                #"{"format": "portreport-export/2"}"#, 1, "format",
                "expected \"portreport-export/1\", found the string \"portreport-export/2\""
            ),
            (#"{"format": 1}"#, 1, "format", "expected the string \"portreport-export/1\", found the number 1"),
            ("{\"format\": \"portreport-export/1\",\n\"project_id\": 42}", 2, "project_id", "expected a non-empty string"),
            (#"{"format": "portreport-export/1", "project_id": ""}"#, 1, "project_id", "expected a non-empty string"),
            (#"{"format": "portreport-export/1", "region": "a\nb"}"#, 1, "region", "without control characters"),
            (
                #"{"format": "portreport-export/1", "category": "hosts"}"#, 1, "category",
                "expected \"host\" or \"container\", found the string \"hosts\""
            ),
            (#"{"format": "portreport-export/1", "captured_at": "2026-12-01"}"#, 1, "captured_at", "expected an RFC 3339 time"),
            (#"{"format": "portreport-export/1", "captured_at": 1796090400}"#, 1, "captured_at", "expected an RFC 3339 time"),
            (
                #"{"format": "portreport-export/1", "captured_at": "0001-01-01T00:00:00+01:00"}"#, 1, "captured_at",
                "expected a time within the years 1970–9999 UTC"
            ),
            (#"{"format": "portreport-export/1", "query": []}"#, 1, "query", "expected an object"),
            (#"{"format": "portreport-export/1", "query": {"path": "/v5/p/asset/ports"}}"#, 1, "query.path", "ListPortStatistics"),
            (#"{"format": "portreport-export/1", "query": {"limit": "200"}}"#, 1, "query.limit", "a positive integer"),
            (#"{"format": "portreport-export/1", "query": {"filters": []}}"#, 1, "query.filters", "expected an object"),
            (
                #"{"format": "portreport-export/1", "query": {"filters": {"status": "bad"}}}"#, 1, "query.filters.status",
                "danger, normal or unknown"
            ),
            (#"{"format": "portreport-export/1", "query": {"filters": {"port": 0}}}"#, 1, "query.filters.port", "a port 1–65535"),
            (
                #"{"format": "portreport-export/1", "query": {"filters": {"host_name": "a"}}}"#, 1, "query.filters.host_name",
                "expected a filter"
            ),
            (
                #"{"format": "portreport-export/1", "query": {"filters": {"category": "host"}}}"#, 1, "query.filters.category",
                "category is a member of its own"
            ),
            (#"{"format": "portreport-export/1", "exported_by": true}"#, 1, "exported_by", "found true")
        ])
    func wrongMembers(text: String, line: Int, member: String, message: String) throws {
        let error = try #require(problem(text))
        #expect(error.file == "s/portreport-export.json")
        #expect(error.line == line, "\(error)")
        #expect(error.place == member, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test("not JSON, a member twice, no format, not UTF-8: each refused with what to do")
    func refusedWholes() throws {
        #expect(try #require(problem("{\"format\": ")).message.hasPrefix("the export sidecar is not valid JSON"))
        #expect(try #require(problem("[]")).message.contains("expected a JSON object"))
        #expect(
            try #require(problem(#"{"format": "portreport-export/1", "format": "portreport-export/1"}"#)).message.contains(
                "each member once"))
        #expect(try #require(problem(#"{"project_id": "p"}"#)).message.contains("has no \"format\" member"))
        let latin1 = [UInt8](#"{"format": "portreport-export/1", "region": ""#.utf8) + [0xE9] + [UInt8](#""}"#.utf8)
        #expect(throws: InputError.self) { try Sidecar.parse(latin1, path: "x") }
    }

    @Test("a sidecar over 64 KiB or one that is not a regular file is refused when loaded")
    func loadLimits() throws {
        let big = directory.appendingPathComponent("big")
        try FileManager.default.createDirectory(at: big, withIntermediateDirectories: true)
        let padding = String(repeating: " ", count: 64 << 10)
        try Data((#"{"format": "portreport-export/1"}"# + padding).utf8).write(to: big.appendingPathComponent(Sidecar.fileName))
        #expect {
            _ = try Sidecar.load(inDirectory: big.path)
        } throws: { ($0 as? InputError)?.message.contains("over the limit of 65536 bytes") == true }
        let odd = directory.appendingPathComponent("odd")
        try FileManager.default.createDirectory(at: odd.appendingPathComponent(Sidecar.fileName), withIntermediateDirectories: true)
        #expect {
            _ = try Sidecar.load(inDirectory: odd.path)
        } throws: { ($0 as? InputError)?.message.contains("must be a regular file, found a directory") == true }
        #expect(try Sidecar.load(inDirectory: directory.appendingPathComponent("none").path) == nil)
    }

    // MARK: Where it is looked for

    @Test("from the page's directory up to the path named, nearest first; a file named itself: its own directory only")
    func searchedDirectories() {
        #expect(SidecarIndex.directories(of: "out/p/t/host/page.json", root: "out") == ["out/p/t/host", "out/p/t", "out/p", "out"])
        #expect(SidecarIndex.directories(of: "out//p/page.json", root: "out//") == ["out//p", "out//"])
        #expect(SidecarIndex.directories(of: "/p/page.json", root: "/") == ["/p", "/"])
        #expect(SidecarIndex.directories(of: "out/p/page.json", root: "out/p/page.json") == ["out/p"])
        #expect(SidecarIndex.directories(of: "page.json", root: "page.json") == [""])
        #expect(SidecarIndex.directories(of: "/page.json", root: "/page.json") == ["/"])
    }

    @Test("nearer sidecars win per member; one above the path named is not read")
    func nearerWinsPerMember() throws {
        try Fixtures.write(#"{"format": "portreport-export/1", "project_id": "outside"}"#, to: Sidecar.fileName, in: directory)
        try Fixtures.write(
            #"{"format": "portreport-export/1", "project_id": "p-top", "region": "eu-west-0", "captured_at": "2026-12-01T02:00:00Z"}"#,
            to: "out/\(Sidecar.fileName)", in: directory)
        try Fixtures.write(
            #"{"format": "portreport-export/1", "project_id": "p-near", "category": "container"}"#, to: "out/a/\(Sidecar.fileName)",
            in: directory)
        let page = try page("out/a/b/page-1.json")
        let report = try importing([directory.appendingPathComponent("out").path])
        let snapshot = try onlySnapshot()
        #expect(snapshot.projectID == "p-near")
        #expect(snapshot.category == .container)
        #expect(snapshot.capturedAt.secondsSinceEpoch == Self.twoAM)
        let top = directory.appendingPathComponent("out/\(Sidecar.fileName)").path
        let near = directory.appendingPathComponent("out/a/\(Sidecar.fileName)").path
        #expect(snapshot.provenance.projectID == "sidecar \(near); region eu-west-0 (sidecar \(top))")
        #expect(snapshot.provenance.category == "sidecar \(near)")
        #expect(snapshot.provenance.capturedAt == "sidecar \(top)")
        #expect(snapshot.sources.map(\.path) == [page], "the sidecars are not pages")
        #expect(report.warnings.isEmpty, "\(report.warnings)")
    }

    @Test("the directories searched are cached in bounded memory: past the bound, every page still gets the sidecars above it")
    func boundedCaches() throws {
        // 30 day folders of two categories under one export sidecar, and one day with its own
        // sidecar; the caches are bounded at 4 entries each, so they are emptied many times over
        // (and the top sidecar read again: its warning is still given once).
        try Fixtures.write(
            #"{"format": "portreport-export/1", "project_id": "p-top", "note": "x"}"#, to: "out/\(Sidecar.fileName)", in: directory)
        try Fixtures.write(
            #"{"format": "portreport-export/1", "region": "eu-west-0"}"#, to: "out/2026-12-07/\(Sidecar.fileName)", in: directory)
        var pages: [String] = []
        for day in 1...30 {
            for category in ["host", "container"] {
                pages.append(try page(String(format: "out/2026-12-%02d/%@/page-1.json", day, category), num: day))
            }
        }
        let expansion = InputExpansion.expandWithRoots([directory.appendingPathComponent("out").path])
        #expect(expansion.errors.isEmpty && Array(expansion.files).sorted() == pages.sorted())
        let index = SidecarIndex(cacheLimit: 4)
        #expect(index.load(files: expansion.files, roots: expansion.roots, flagFilters: []).isEmpty)
        let top = directory.appendingPathComponent("out/\(Sidecar.fileName)").path
        #expect(index.warnings.count == 1 && index.warnings.first?.hasPrefix("\(top): member \"note\"") == true, "\(index.warnings)")
        let day7 = directory.appendingPathComponent("out/2026-12-07/\(Sidecar.fileName)").path
        for (position, page) in expansion.files.enumerated() {
            var file = try InputFile.load(page)
            file.runIndex = position
            let values = index.values(for: file)
            #expect(values?.projectID?.value == "p-top" && values?.projectID?.sidecar == top, "\(page)")
            let region = page.contains("2026-12-07/") ? day7 : nil
            #expect(values?.region?.sidecar == region, "\(page)")
        }
        // Three caches of 4: directories with a sidecar, without one, and chains.
        #expect(index.largestCache <= 3 * 4, "\(index.largestCache) directories cached at once")
    }

    @Test("a page or folder named by itself reads the sidecars of its directory and of every one above it, nearest first")
    func aFileNamedItself() throws {
        try Fixtures.write(#"{"format": "portreport-export/1", "project_id": "p-top"}"#, to: "out/\(Sidecar.fileName)", in: directory)
        try Fixtures.write(
            #"{"format": "portreport-export/1", "project_id": "p-here"}"#, to: "out/b/2026-12-01/host/\(Sidecar.fileName)", in: directory)
        // Importing one category folder of an export must not miss the export's sidecar.
        _ = try importing([try page("out/a/2026-12-01/host/page-1.json", num: 1)])
        let above = try onlySnapshot()
        #expect(above.projectID == "p-top")
        let canonicalOut = URL(fileURLWithPath: directory.appendingPathComponent("out").path).resolvingSymlinksInPath().path
        #expect(above.provenance.projectID == "sidecar \(canonicalOut)/\(Sidecar.fileName)", "\(above.provenance)")
        _ = try importing([directory.appendingPathComponent("out/a/2026-12-01/host").path], store: "folder.sqlite")
        #expect(try onlySnapshot(store: "folder.sqlite").projectID == "p-top")
        _ = try importing([try page("out/b/2026-12-01/host/page-1.json", num: 2)], store: "second.sqlite")
        #expect(try onlySnapshot(store: "second.sqlite").projectID == "p-here")
    }

    @Test(
        "a bad sidecar is one error for the inputs below it, which are not read; with --skip-invalid the rest is stored, with its own sidecar's values"
    )
    func aBadSidecarStopsItsPages() throws {
        try Fixtures.write(#"{"format": "portreport-export/9"}"#, to: "out/bad/\(Sidecar.fileName)", in: directory)
        try Fixtures.write(#"{"format": "portreport-export/1", "project_id": "p-good"}"#, to: "out/good/\(Sidecar.fileName)", in: directory)
        _ = try page("out/bad/2026-12-01/host/page-1.json", num: 1)
        _ = try page("out/bad/2026-12-01/host/page-2.json", num: 2)
        _ = try page("out/good/2026-12-01/host/page-1.json", num: 3)
        let sidecar = directory.appendingPathComponent("out/bad/\(Sidecar.fileName)").path
        do {
            _ = try importing([directory.appendingPathComponent("out").path])
            Issue.record("imported")
        } catch let failure as ImportFailure {
            #expect(
                failure.errors.map(\.description) == [
                    "\(sidecar):1: format: expected \"portreport-export/1\", found the string \"portreport-export/9\": this portreport reads only that format (a newer export tool? upgrade portreport) (2 inputs below it not read)"
                ])
        }
        #expect(try Store(path: storePath).snapshots().isEmpty)
        let report = try importing([directory.appendingPathComponent("out").path]) { $0.skipInvalid = true }
        #expect(report.skipped.map(\.file) == [sidecar])
        // The good page comes after the two not read: it must still get its own sidecar.
        #expect(try onlySnapshot().sources.count == 1)
        #expect(try onlySnapshot().projectID == "p-good")
        #expect(report.warnings.allSatisfy { !$0.contains("project") }, "\(report.warnings)")
    }

    // MARK: Precedence: flag > sidecar > path > default

    @Test("each value: the flag over the sidecar, the sidecar over the path")
    func flagOverSidecarOverPath() throws {
        try Fixtures.write(Self.full, to: "out/project-frompath/\(Sidecar.fileName)", in: directory)
        let page = try page("out/project-frompath/2026-11-28/host/page-1.json")
        let root = directory.appendingPathComponent("out").path
        let sidecar = directory.appendingPathComponent("out/project-frompath/\(Sidecar.fileName)").path

        // The sidecar over the path.
        _ = try importing([root])
        var snapshot = try onlySnapshot()
        #expect(snapshot.projectID == "0a1b2c")
        #expect(snapshot.enterpriseProjectID == "ep-9")
        #expect(snapshot.category == .container)
        #expect(snapshot.capturedAt.secondsSinceEpoch == Self.twoAM)
        #expect(snapshot.filters == "port=22&status=danger")
        #expect(snapshot.partial, "the sidecar's filters make the snapshot partial, as --filter does")
        #expect(snapshot.provenance.projectID == "sidecar \(sidecar) (region ap-southeast-1)")
        #expect(snapshot.provenance.enterpriseProjectID == "sidecar \(sidecar)")
        #expect(snapshot.provenance.category == "sidecar \(sidecar)")
        #expect(
            snapshot.provenance.capturedAt == "sidecar \(sidecar) (exported by portreport hss-export 0.3.0 (huaweicloudsdkhss 3.1.219))")

        // The flags over the sidecar.
        let report = try importing([root], store: "flags.sqlite") {
            $0.projectID = "flag-p"
            $0.enterpriseProjectID = "flag-ep"
            $0.category = .host
            $0.capturedAt = Timestamp(secondsSinceEpoch: 1_795_824_000)
            $0.filters = [(name: "type", value: "TCP")]
        }
        snapshot = try onlySnapshot(store: "flags.sqlite")
        #expect(snapshot.projectID == "flag-p")
        #expect(snapshot.enterpriseProjectID == "flag-ep")
        #expect(snapshot.category == .host)
        #expect(snapshot.capturedAt.rfc3339 == "2026-11-28T00:00:00Z")
        #expect(snapshot.filters == "type=TCP", "--filter replaces the sidecar's filters as a whole")
        #expect(snapshot.provenance.projectID == "flag --project; region ap-southeast-1 (sidecar \(sidecar))")
        #expect(snapshot.provenance.category == "flag --category")
        #expect(snapshot.provenance.capturedAt.hasPrefix("flag --captured-at; exported by portreport hss-export"))
        #expect(
            report.warnings == [
                "\(sidecar): says the filters port=22&status=danger; --filter type=TCP is used instead for the pages below it",
                // The flag wins over the project-<id> directory too, and says so.
                "\(page) has a path that names another project (--project says flag-p where the path says frompath (project-frompath)): stored under the project the flag or sidecar says; if the path is right, leave out --project or correct the sidecar, and fix what was stored with portreport relabel"
            ])
        _ = page
    }

    @Test("each value: the path over the default, and a default is warned about once per kind for the run")
    func pathOverDefault() throws {
        _ = try page("out/project-frompath/20261201_020000/containers/page-1.json", num: 1)
        _ = try page("out/project-frompath/20261201_020000/containers/page-2.json", num: 2)
        _ = try importing([directory.appendingPathComponent("out").path])
        let snapshot = try onlySnapshot()
        #expect(snapshot.projectID == "frompath")
        #expect(snapshot.category == .container)
        #expect(snapshot.capturedAt.secondsSinceEpoch == Self.twoAM)
        #expect(snapshot.provenance.projectID == "path (project-frompath)")
        #expect(snapshot.provenance.category == "path (containers)")
        #expect(snapshot.provenance.capturedAt == "path (20261201_020000, no zone: UTC)")

        let first = try page("bare/a.json", num: 4)
        _ = try page("bare/b.json", num: 5)
        _ = try page("bare/c.json", num: 6)
        for (index, name) in ["a", "b", "c"].enumerated() {
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: TimeInterval(Self.twoAM + Int64(index)))],
                ofItemAtPath: directory.appendingPathComponent("bare/\(name).json").path)
        }
        let report = try importing([directory.appendingPathComponent("bare").path], store: "bare.sqlite")
        #expect(
            report.warnings == [
                "3 pages have no project (no --project, sidecar project_id or project-<id> directory; the first is \(first)): stored under project \"unknown\"; pass --project ID",
                "3 pages have no category (no --category, sidecar category, or host or container word in the path; the first is \(first)): stored as host, the API's default; pass --category host or --category container",
                "3 pages have no capture time (no --captured-at, sidecar captured_at or date in the path; the first is \(first)): captured at the file's modification time (2026-12-01T02:00:00Z for the first); pages of one export merge only when their times agree; pass --captured-at TIME or keep exports in dated folders"
            ])
        let stored = try Store(path: storePath("bare.sqlite")).snapshots()
        #expect(stored.count == 3, "three modification times, three snapshots")
        #expect(stored.allSatisfy { $0.provenance.projectID == "unknown (no --project)" && $0.provenance.category == "API default (host)" })
    }

    @Test("a page already in the store is not warned about again")
    func noWarningForWhatIsNotStored() throws {
        _ = try page("bare/2026-12-01/host/a.json")
        let path = directory.appendingPathComponent("bare").path
        #expect(try importing([path]).warnings.count == 1)
        #expect(try importing([path]).warnings.isEmpty)
    }

    @Test("the body's category must agree with the sidecar's")
    func bodyCategoryAgainstTheSidecar() throws {
        try Fixtures.write(#"{"format": "portreport-export/1", "category": "host"}"#, to: "out/\(Sidecar.fileName)", in: directory)
        let page = try page("out/page.json")
        var options = ImportOptions(now: now)
        options.projectID = "p"
        let importer = Importer(store: try Store(path: storePath), options: options)
        _ = importer.sidecars.load(files: InputPaths([page]), roots: [directory.appendingPathComponent("out").path], flagFilters: [])
        var file = try InputFile.load(page)
        file.runIndex = 0
        #expect(throws: InputError.self) { _ = try importer.rawBodyMetadata(file, bodyCategory: (.container, "container")) }
        #expect(try importer.rawBodyMetadata(file, bodyCategory: (.host, "host")).provenance.category == "body (host)")
    }

    @Test("named directly, a sidecar is refused as a page; in a walk it is never read as one")
    func theSidecarIsNotAPage() throws {
        let sidecar = try Fixtures.write(#"{"format": "portreport-export/1"}"#, to: "out/\(Sidecar.fileName)", in: directory)
        #expect(InputExpansion.expand([directory.appendingPathComponent("out").path]).files.isEmpty)
        let expansion = InputExpansion.expand([sidecar])
        #expect(expansion.files.isEmpty)
        #expect(expansion.errors.first?.message.contains("an export sidecar (metadata), not a page") == true)
    }
}
