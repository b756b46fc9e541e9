import ArgumentParser
import PortReport

@main
struct PortReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portreport",
        abstract: "Offline reports on Huawei Cloud HSS open-port statistics.",
        discussion: """
            Import saved responses of GET /v5/{project_id}/asset/port/statistics (JSON bodies, \
            .json.gz, HAR captures, SQLite snapshots) into a store that keeps every snapshot.

            Exit status: 0 success; 1 an error (bad input, store or policy: nothing was stored); \
            2 imported with --skip-invalid, but some inputs were skipped; 3 check found \
            policy findings; 64 a usage error.
            """,
        version: PortReportVersion.string,
        subcommands: [ImportCommand.self, SnapshotsCommand.self, ReportCommand.self, CheckCommand.self, DiffCommand.self]
    )
}
