import ArgumentParser
import PortReport

struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove snapshots from the store (an edit, recorded in its edit log).",
        discussion: """
            Removes each SNAPSHOT (an id from 'portreport snapshots') with its sources and \
            records, in one transaction: an id the store does not have changes nothing. Each \
            removal is recorded in the store's edit log ('portreport edits'); the files can then \
            be imported again. With --drill-down the ids are of drill-down snapshots, removed \
            with their pages and observations.
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Flag(
        name: .customLong("drill-down"),
        help: "The ids are of drill-down snapshots (ListPortHost, ListPorts), which 'portreport snapshots' lists in a table of their own.")
    var drillDown = false

    @Argument(help: ArgumentHelp("Snapshot ids, as 'portreport snapshots' lists them.", valueName: "snapshot"))
    var snapshots: [String]

    func validate() throws {
        _ = try SnapshotIDs.parse(snapshots)
        if let problem = ReportClock.sourceDateEpochProblem() { throw ValidationError(problem) }
    }

    func run() throws {
        do {
            try EditJob(storePath: storeOptions.storePath).remove(
                try SnapshotIDs.parse(snapshots), drillDown: drillDown, console: StandardStreams())
        } catch {
            throw fail(error)
        }
    }
}

/// The SNAPSHOT arguments of `remove` and `relabel`.
enum SnapshotIDs {
    static func parse(_ arguments: [String]) throws(ValidationError) -> [Int64] {
        var ids: [Int64] = []
        for argument in arguments {
            guard let id = Int64(argument), id >= 1 else {
                throw ValidationError("expected a snapshot id (a whole number from 'portreport snapshots'), not '\(argument.prefix(60))'")
            }
            guard !ids.contains(id) else { throw ValidationError("snapshot \(id) is named twice") }
            ids.append(id)
        }
        guard !ids.isEmpty else { throw ValidationError("name at least one snapshot (an id from 'portreport snapshots')") }
        return ids
    }
}
