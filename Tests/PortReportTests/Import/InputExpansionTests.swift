import Testing

@testable import PortReport

/// The walk's list of inputs, which the run keeps compactly (a directory shared by its files and
/// each file's name): every path must come back exactly as spelled, in byte order, with the root
/// it was found under, and a filtered list must keep the order.
@Suite struct InputExpansionTests {
    @Test("a walk gives every path as spelled, in byte order, each with its root")
    func walkPaths() throws {
        let directory = try Fixtures.temporaryDirectory()
        let body = Fixtures.body(total: 1, [(22, "TCP", 1, nil)])
        // A name longer than 15 bytes, one of 15 and one shorter; a nested directory; a file
        // of another kind and a sidecar, which are not inputs.
        for relative in [
            "b/host/a-very-long-page-name-0001.json", "b/host/fifteen-bytes.j.json", "b/host/p1.json", "a/container/x.json.gz",
            "a/notes.txt", "a/portreport-export.json"
        ] {
            try Fixtures.write(body, to: relative, in: directory)
        }
        let root = directory.path
        let named = root + "/b/host/p1.json"
        let expansion = InputExpansion.expandWithRoots([root + "/", named])
        // Worked out by hand: "a" < "b"; within b/host, "a-very…" < "fifteen…" < "p1".
        let expected = [
            root + "/a/container/x.json.gz", root + "/b/host/a-very-long-page-name-0001.json", root + "/b/host/fifteen-bytes.j.json",
            root + "/b/host/p1.json", named
        ]
        #expect(Array(expansion.files) == expected)
        #expect(expansion.roots == [root + "/", root + "/", root + "/", root + "/", named])
        #expect(expansion.errors.isEmpty)

        let kept = expansion.files.filter(indices: { $0 % 2 == 0 })
        #expect(Array(kept) == [expected[0], expected[2], expected[4]])
    }

    @Test("a directory named without a trailing slash, or with a doubled one, gives its paths as spelled")
    func walkPathsAsSpelled() throws {
        let directory = try Fixtures.temporaryDirectory()
        let body = Fixtures.body(total: 1, [(22, "TCP", 1, nil)])
        for relative in ["a/container/x.json", "b/c/d/host/p1.json"] {
            try Fixtures.write(body, to: relative, in: directory)
        }
        let root = directory.path
        let expansion = InputExpansion.expandWithRoots([root + "/b", root + "//a"])
        #expect(Array(expansion.files) == [root + "/b/c/d/host/p1.json", root + "//a/container/x.json"])
        #expect(expansion.roots == [root + "/b", root + "//a"])
    }

    @Test("paths named one by one come back as they were named")
    func namedPaths() {
        let paths = ["-", "relative/page.json", "/dev/stdin"]
        #expect(Array(InputPaths(paths)) == paths)
        #expect(Array(InputPaths(paths).filter(indices: { $0 > 0 })) == Array(paths.dropFirst()))
    }
}
