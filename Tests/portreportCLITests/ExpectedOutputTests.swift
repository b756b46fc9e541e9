import Foundation
import Testing

/// Every report format rendered from the bundled samples, compared byte for byte with the files
/// in samples/expected/. After an intended change, regenerate them with
///
///     PORTREPORT_UPDATE_EXPECTED=1 swift test --filter ExpectedOutputTests
///
/// (the comparison is then reported as cancelled, since it rewrote instead of comparing) and
/// review the difference with `git diff samples/expected`.
@Suite("Expected outputs")
struct ExpectedOutputTests {
    static let expected = PackageLayout.root.appendingPathComponent("samples/expected")
    static let outputs = ["report.html", "report.xhtml", "report.md", "report.json", "ranking.csv", "email.html", "report.eml"]
    static let project = "0f6c2d1e9b5a4c3d8e7f6a5b4c3d2e1f"

    /// Imports the samples as samples/demo does (relative paths, so provenance is the same on
    /// every machine) and renders every format with a fixed report time.
    static func render(into scratch: Scratch) async throws -> [String: Data] {
        let epoch = ["SOURCE_DATE_EPOCH": "1796000000"]
        let first = try await CLI.run(
            [
                "import", "--store", scratch.store, "--project", project, "--enterprise-project", "0",
                "samples/exports", "samples/incomplete"
            ], environment: epoch)
        try #require(first.status == 0, "\(first)")
        let second = try await CLI.run(["import", "--store", scratch.store, "samples/capture.har"], environment: epoch)
        try #require(second.status == 0, "\(second)")
        let common = ["report", "--store", scratch.store, "--policy", "samples/policy.yaml", "--now", "2026-11-29T06:00:00Z"]
        let main = try await CLI.run(
            common + [
                "-o", scratch.path("report.html"), "-o", scratch.path("report.xhtml"), "-o", scratch.path("report.md"),
                "-o", scratch.path("report.json"), "-o", scratch.path("ranking.csv")
            ])
        try #require(main.status == 0, "\(main)")
        let email = try await CLI.run(common + ["--format", "email", "-o", scratch.path("email.html")])
        try #require(email.status == 0, "\(email)")
        #expect(!email.err.contains("warning: \(scratch.path("email.html"))"), "the email check complained: \(email)")
        let eml = try await CLI.run(
            common + [
                "--to", "Security Team <security@example.com>", "--from", "portreport@example.com",
                "--attach-full", "-o", scratch.path("report.eml")
            ])
        try #require(eml.status == 0, "\(eml)")
        var result: [String: Data] = [:]
        for name in outputs { result[name] = try Data(contentsOf: URL(fileURLWithPath: scratch.path(name))) }
        return result
    }

    @Test("every format matches samples/expected byte for byte")
    func matchesExpectedFiles() async throws {
        try await withScratch("expected") { scratch in
            let rendered = try await Self.render(into: scratch)
            if ProcessInfo.processInfo.environment["PORTREPORT_UPDATE_EXPECTED"] == "1" {
                try FileManager.default.createDirectory(at: Self.expected, withIntermediateDirectories: true)
                for (name, data) in rendered { try data.write(to: Self.expected.appendingPathComponent(name)) }
                try endAsSkipped(
                    "samples/expected rewritten (PORTREPORT_UPDATE_EXPECTED=1), not compared: review it with git diff samples/expected")
            }
            for name in Self.outputs {
                let expected = try Data(contentsOf: Self.expected.appendingPathComponent(name))
                #expect(
                    rendered[name] == expected,
                    "\(name) differs from samples/expected/\(name): regenerate with PORTREPORT_UPDATE_EXPECTED=1 swift test --filter ExpectedOutputTests if the change is intended"
                )
            }
        }
    }

    @Test("report PATHS imports first, then renders; a report is never written over an input")
    func reportImportsFirst() async throws {
        try await withScratch("import-first") { scratch in
            let result = try await CLI.run([
                "report", "--store", scratch.store, "--format", "markdown", "samples/exports/2026-11-27", "samples/exports/2026-11-28"
            ])
            #expect(result.status == 0, "\(result)")
            #expect(result.out.contains("# Open ports report"))
            #expect(result.err.contains("imported:"))
            let copy = try scratch.write(
                "2026-11-28/host/page.json",
                try Data(contentsOf: PackageLayout.root.appendingPathComponent("samples/exports/2026-11-28/host/page-0001.json")))
            let before = try Data(contentsOf: URL(fileURLWithPath: copy))
            let refused = try await CLI.run(["report", "--store", scratch.store, "--format", "json", "-o", copy, copy])
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.err.contains("is one of the inputs"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
        }
    }

    @Test("eml without --to is a usage error")
    func emlNeedsRecipient() async throws {
        try await withScratch("eml") { scratch in
            let result = try await CLI.run(["report", "--store", scratch.store, "-o", scratch.path("x.eml")])
            #expect(result.status == 64, "\(result)")
            #expect(result.err.contains("--to"))
        }
    }
}
