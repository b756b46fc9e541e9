import Foundation
import PortReportTestSupport

@testable import PortReport

/// Paths and scratch space shared by the tests.
enum Fixtures {
    /// The package root (found by PortReportTestSupport, as for the end-to-end tests). Every
    /// test that needs a path in the package starts from here.
    static let root: URL = PackageRoot.url
    static let samples = root.appendingPathComponent("samples")

    static func sample(_ relative: String) -> String {
        samples.appendingPathComponent(relative).path
    }

    /// A fresh, empty directory removed when the test process ends (best effort).
    static func temporaryDirectory(_ name: String = #function) throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("portreport-tests-\(safe)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` at `relative` under `directory`, creating folders.
    @discardableResult
    static func write(_ text: String, to relative: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// A response body with the given records, as the API writes it.
    static func body(total: Int, _ records: [(port: Int, type: String, num: Int, status: String?)]) -> String {
        let items = records.map { r in
            var fields = ["\"port\": \(r.port)", "\"type\": \"\(r.type)\"", "\"num\": \(r.num)"]
            if let status = r.status { fields.append("\"status\": \"\(status)\"") }
            return "{" + fields.joined(separator: ", ") + "}"
        }
        return "{\"total_num\": \(total), \"data_list\": [\n" + items.joined(separator: ",\n") + "\n]}\n"
    }
}

/// Runs the body reader over a string.
func readBody(_ text: String) throws -> ResponseBodyReader.Content {
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBufferPointer { try ResponseBodyReader.read($0) }
}

/// The body reader's problem for a string, or nil when it reads fine.
func bodyProblem(_ text: String) -> ResponseBodyReader.Problem? {
    do {
        _ = try readBody(text)
        return nil
    } catch let problem as ResponseBodyReader.Problem {
        return problem
    } catch {
        return nil
    }
}

/// Every row of every table of a store, blobs in full, and user_version, as text: two stores
/// with equal dumps hold the same data (`StoreDump.text`, shared with the end-to-end tests).
func dumpStore(_ path: String) throws -> String {
    try StoreDump.text(path)
}
