import ArgumentParser
import Foundation
import PortReport

struct SnapshotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots",
        abstract: "List the snapshots in the store."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .long, help: "table or json.")
    var format: Format = .table

    func run() throws {
        let path = storeOptions.storePath
        let snapshots: [SnapshotSummary]
        let version: Int
        do {
            let store = try openStoreForReading(path)
            snapshots = try store.snapshots()
            version = try store.storedSchemaVersion()
        } catch {
            throw fail(error)
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            struct Listing: Encodable {
                let schemaVersion: Int
                let snapshots: [SnapshotSummary]
                enum CodingKeys: String, CodingKey { case schemaVersion = "schema_version", snapshots }
            }
            do {
                let data = try encoder.encode(Listing(schemaVersion: version, snapshots: snapshots))
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            } catch {
                throw fail(error)
            }
        case .table:
            print(terminalSafe(SnapshotTable.render(snapshots)))
            print("\(snapshots.count) snapshot\(snapshots.count == 1 ? "" : "s") in \(path) (schema version \(version))")
        }
    }
}

enum SnapshotTable {
    static func render(_ snapshots: [SnapshotSummary]) -> String {
        let header = ["ID", "PROJECT", "CATEGORY", "CAPTURED AT", "RECORDS", "TOTAL_NUM", "STATE", "SOURCES"]
        var rows = [header]
        for s in snapshots {
            var state = s.complete ? "complete" : "incomplete"
            if s.partial { state += ", partial (\(s.filters ?? ""))" }
            rows.append([String(s.id), s.projectID ?? "(unknown)", s.category.rawValue, s.capturedAt.rfc3339, String(s.records),
                         s.totalNum.map(String.init) ?? "-", state, sourceSummary(s.sources)])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        let rightAligned: Set<Int> = [0, 4, 5]
        return rows.map { row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? padding + cell : cell + padding
            }.joined(separator: "  ").replacingOccurrences(of: " +$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }

    static func sourceSummary(_ sources: [SnapshotSummary.Source]) -> String {
        let paths = Set(sources.map(\.path)).sorted()
        guard let first = paths.first else { return "-" }
        let entries = sources.filter { $0.entry != nil }.count
        let what = entries > 0 ? "\(entries) HAR entr\(entries == 1 ? "y" : "ies")" : "\(sources.count) file\(sources.count == 1 ? "" : "s")"
        return paths.count == 1 ? "\(what): \(first)" : "\(what) under \(commonDirectory(paths))"
    }

    static func commonDirectory(_ paths: [String]) -> String {
        var prefix = paths[0].split(separator: "/", omittingEmptySubsequences: false).dropLast()
        for path in paths.dropFirst() {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            var n = 0
            while n < prefix.count, n < parts.count - 1, prefix[prefix.startIndex + n] == parts[n] { n += 1 }
            prefix = prefix.prefix(n)
        }
        let joined = prefix.joined(separator: "/")
        return joined.isEmpty ? "." : joined + "/"
    }
}
