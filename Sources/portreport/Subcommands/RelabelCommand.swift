import ArgumentParser
import PortReport

struct RelabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relabel",
        abstract:
            "Give snapshots another project, enterprise project, category or capture time (an edit, recorded in the store's edit log).",
        discussion: """
            Changes the given values of each SNAPSHOT in one transaction, keeps its records, \
            computes its digest for the new key, and records where the new values came from \
            ('relabel (edit N)'). A new key that another snapshot already has is refused, as is \
            an id the store does not have: nothing is changed then. An empty --project or \
            --enterprise-project makes the value unknown (not given). With --drill-down the ids \
            are of drill-down snapshots (their category cannot be changed: remove and import \
            them again).
            """
    )

    @OptionGroup var storeOptions: StoreOptions

    @Flag(
        name: .customLong("drill-down"),
        help: "The ids are of drill-down snapshots (ListPortHost, ListPorts), which 'portreport snapshots' lists in a table of their own.")
    var drillDown = false

    @Option(name: .long, help: ArgumentHelp("The project id (the {project_id} of the request).", valueName: "id"))
    var project: String?

    @Option(name: .long, help: ArgumentHelp("The enterprise project id.", valueName: "id"))
    var enterpriseProject: String?

    @Option(name: .long, help: "host (servers) or container.")
    var category: Category?

    @Option(name: .long, help: ArgumentHelp("When the export was made, RFC 3339 (2026-11-28T02:00:00Z).", valueName: "time"))
    var capturedAt: String?

    @Argument(help: ArgumentHelp("Snapshot ids, as 'portreport snapshots' lists them.", valueName: "snapshot"))
    var snapshots: [String]

    func validate() throws {
        _ = try SnapshotIDs.parse(snapshots)
        if let capturedAt, Timestamp(rfc3339: capturedAt) == nil {
            if Timestamp.isOutOfRange(capturedAt) {
                throw ValidationError("--captured-at expects a time \(Timestamp.validRangeDescription), not '\(capturedAt)'")
            }
            throw ValidationError("--captured-at expects an RFC 3339 time such as 2026-11-28T02:00:00Z, not '\(capturedAt)'")
        }
        for (flag, value) in [("--project", project), ("--enterprise-project", enterpriseProject)] {
            if let value, let problem = ImportOptions.idLengthProblem(value, flag: flag) { throw ValidationError(problem) }
        }
        if project == nil && enterpriseProject == nil && category == nil && capturedAt == nil {
            throw ValidationError("say what to change: --project, --enterprise-project, --category or --captured-at")
        }
        if let problem = ReportClock.sourceDateEpochProblem() { throw ValidationError(problem) }
    }

    func run() throws {
        let change = SnapshotRelabel(
            projectID: project, enterpriseProjectID: enterpriseProject, category: category,
            capturedAt: capturedAt.flatMap { Timestamp(rfc3339: $0) })
        do {
            try EditJob(storePath: storeOptions.storePath).relabel(
                try SnapshotIDs.parse(snapshots), to: change, drillDown: drillDown, console: StandardStreams())
        } catch {
            throw fail(error)
        }
    }
}
