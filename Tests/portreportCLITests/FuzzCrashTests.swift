import Foundation
import Testing

/// Inputs the fuzzer (.ci/fuzz) once crashed the tool with, kept so the crashes stay fixed:
/// each must be refused with a clear error, exit status 1, and no signal.
@Suite("Fuzz crashes stay fixed")
struct FuzzCrashTests {
    static let folder = PackageLayout.root.appendingPathComponent("Tests/portreportCLITests/FuzzCrashes")

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    @Test(arguments: FuzzCrashTests.inputs)
    func refusedCleanly(name: String) async throws {
        try await withScratch("fuzz") { scratch in
            let input = Self.folder.appendingPathComponent(name).path
            let result = try await CLI.run(["import", "--store", scratch.store, "--captured-at", "2026-11-28T00:00:00Z", input])
            #expect(!result.signalled, "\(result)")
            #expect(result.status == 1, "\(result)")
            #expect(result.err.contains(input), "the error names the file: \(result)")
        }
    }
}
