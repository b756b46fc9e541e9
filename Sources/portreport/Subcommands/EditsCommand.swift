import ArgumentParser
import PortReport

struct EditsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edits",
        abstract: "List the store's edit log: every remove and relabel, when, and the values before and after."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .long, help: "text or json.")
    var format: Format = .text

    func run() throws {
        let bytes: [UInt8]
        do {
            bytes = try EditJob(storePath: storeOptions.storePath).listing(json: format == .json)
        } catch {
            throw fail(error)
        }
        StandardStreams().write(bytes: bytes)
    }
}
