// Helpers for the analysis tests: a store built from small page files written into dated
// folders (one import per snapshot), short names for keys and times, and a seeded generator.
//
// Expected values in the analysis tests are worked out by hand (in comments) or by the small,
// independent model in AnalysisPropertyTests; nothing here calls the analysis to get them.

import Foundation
import Testing

@testable import PortReport

/// One record of a page: `(22, "TCP", 5, "normal")`.
typealias Rec = (port: Int, type: String, num: Int, status: String?)

/// A scratch store filled snapshot by snapshot.
final class AnalysisStore: @unchecked Sendable {
    let directory: URL
    let store: Store
    private var counter = 0

    init(_ label: String = "analysis") throws {
        // The label must not hold digits or the words host/container: paths carry metadata.
        directory = try Fixtures.temporaryDirectory(label)
        store = try Store(path: directory.appendingPathComponent("store.sqlite").path)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    var storePath: String { store.path }

    /// Writes one snapshot as page files under `in/<n>/<time>/<category>/page-<k>.json` and
    /// imports it; returns the snapshot's id. `totalNum` defaults to the number of records over
    /// all pages (a complete export); a larger one makes it incomplete. `filters` mark it
    /// partial.
    @discardableResult
    func add(
        _ category: Category, at time: String, project: String? = nil, enterprise: String? = nil,
        totalNum: Int? = nil, filters: [(String, String)] = [], _ records: [Rec]
    ) throws -> Int64 {
        try addPages(category, at: time, project: project, enterprise: enterprise, totalNum: totalNum, filters: filters, [records])
    }

    @discardableResult
    func addPages(
        _ category: Category, at time: String, project: String? = nil, enterprise: String? = nil,
        totalNum: Int? = nil, filters: [(String, String)] = [], _ pages: [[Rec]]
    ) throws -> Int64 {
        counter += 1
        let stamp = try #require(ts(time), "bad time \(time)")
        let folder = stamp.rfc3339.replacingOccurrences(of: ":", with: "-")
        let total = totalNum ?? pages.reduce(0) { $0 + $1.count }
        var paths: [String] = []
        for (index, page) in pages.enumerated() {
            let relative = "in/\(String(repeating: "x", count: counter))/\(folder)/\(category.rawValue)/page-\(index + 1).json"
            paths.append(try Fixtures.write(Fixtures.body(total: total, page), to: relative, in: directory))
        }
        var options = ImportOptions(now: Timestamp(secondsSinceEpoch: 1_900_000_000))
        options.projectID = project
        options.enterpriseProjectID = enterprise
        options.category = category
        options.capturedAt = stamp
        options.filters = filters.map { (name: $0.0, value: $0.1) }
        let report = try Importer(store: store, options: options).run(paths)
        let line = try #require(report.snapshots.count == 1 ? report.snapshots.first : nil, "one snapshot per add: \(report.snapshots)")
        return line.id
    }

    func analyze(
        _ scope: AnalysisScope = AnalysisScope(), top: Int = 20, policy: Policy = .builtIn, now: Timestamp? = nil
    ) throws -> AnalysisResult {
        try Analyzer(store: store).analyze(scope: scope, top: top, policy: policy, now: now)
    }

    /// Writes a policy file and loads it.
    func policy(_ yaml: String, name: String = "policy.yaml") throws -> Policy {
        let path = try Fixtures.write(yaml, to: name, in: directory)
        return try Policy.load(path: path)
    }

    func policyPath(_ yaml: String, name: String = "policy.yaml") throws -> String {
        try Fixtures.write(yaml, to: name, in: directory)
    }
}

/// `2026-11-27` (midnight UTC) or an RFC 3339 time.
func ts(_ text: String) -> Timestamp? {
    Timestamp(rfc3339: text.count == 10 ? text + "T00:00:00Z" : text)
}

/// `k(22, .tcp)`.
func k(_ port: Int, _ type: PortType) -> PortKey {
    PortKey(port: port, type: type)
}

/// `"22/TCP"` → key, for compact expectations.
func key(_ text: String) -> PortKey {
    let parts = text.split(separator: "/")
    guard parts.count == 2, let port = Int(parts[0]), let type = PortType(rawValue: String(parts[1])) else {
        Issue.record("not a port/type in a test's expectation: \(text)")
        return PortKey(port: -1, type: .tcp)
    }
    return PortKey(port: port, type: type)
}

func keys(_ texts: [String]) -> [PortKey] { texts.map(key) }

/// A small linear congruential generator (Knuth's MMIX constants): reproducible from its seed.
struct LCG {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }

    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }

    /// A number in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    mutating func chance(_ percent: Int) -> Bool { int(0...99) < percent }
}
