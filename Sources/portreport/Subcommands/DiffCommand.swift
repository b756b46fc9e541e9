import ArgumentParser
import PortReport

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two snapshots: new, gone and changed ports.",
        discussion:
            "A and B are snapshot ids or capture times (2026-11-28T02:00:00Z, or a date for any capture that day); --category and --project narrow a time that matches several."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scopeOptions: ScopeOptions

    @Option(name: .long, help: "table or json.")
    var format: Format = .table

    @Argument(help: ArgumentHelp("The earlier snapshot.", valueName: "A"))
    var first: String

    @Argument(help: ArgumentHelp("The later snapshot.", valueName: "B"))
    var second: String

    func run() throws {
        let diff: SnapshotDiff
        do {
            let store = try Store.openForReading(storeOptions.storePath)
            diff = try Analyzer(store: store).diff(first, second, scope: scopeOptions.scope)
        } catch {
            throw fail(error)
        }
        let console = StandardStreams()
        for warning in diff.warnings { console.report(Diagnostic(.warning, warning)) }
        switch format {
        case .json:
            console.write(bytes: DiffRendering.json(diff))
        case .table:
            console.write(TerminalText.safe(DiffRendering.table(diff)))
        }
    }
}
