// Support shared by both test targets (a test target cannot use another's code): where the
// package is, and a dump of a store to compare before and after a run. Independent of the
// PortReport library, so that expected values never come from the code under test.

import Foundation

/// Where the package is, for tests that read `samples/` or run the built tool from its root.
public enum PackageRoot {
    /// The nearest ancestor of this file (Tests/PortReportTestSupport/<file>) that holds
    /// Package.swift, so that moving the file does not break it.
    public static let url: URL = {
        let file = URL(fileURLWithPath: #filePath)
        var directory = file.deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        // Not found: where it would be; the first path a test reads says so.
        return file.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()
}
