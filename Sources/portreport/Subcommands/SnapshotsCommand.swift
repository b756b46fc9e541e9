import ArgumentParser
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
        let details: [DetailSnapshotSummary]
        let version: Int
        let warnings: [String]
        do {
            let store = try Store.openForReading(path)
            let listing = try store.snapshotListing()
            snapshots = listing.snapshots
            warnings = listing.warnings
            details = try store.detailSnapshotListing()
            version = try store.storedSchemaVersion()
        } catch {
            throw fail(error)
        }
        let console = StandardStreams()
        for warning in warnings { console.report(Diagnostic(.warning, warning)) }
        switch format {
        case .json:
            console.write(bytes: SnapshotListingRendering.json(snapshots, details: details, schemaVersion: version))
        case .table:
            console.write(SnapshotListingRendering.table(snapshots, details: details, storePath: path, schemaVersion: version))
        }
    }
}
