import ArgumentParser
import Foundation
import PortReport

/// Options every command that reads or writes the store shares.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store file (default: $PORTREPORT_STORE, else portreport.sqlite).", valueName: "path"))
    var store: String?

    var storePath: String {
        if let store { return store }
        if let fromEnvironment = ProcessInfo.processInfo.environment["PORTREPORT_STORE"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return "portreport.sqlite"
    }
}

/// What a report covers: shared by report, check and diff.
struct ScopeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Only this project.", valueName: "id"))
    var project: String?

    @Option(name: .long, help: ArgumentHelp("Only this enterprise project.", valueName: "id"))
    var enterpriseProject: String?

    @Option(name: .long, help: "Only host or only container snapshots.")
    var category: Category?

    @Option(
        name: .long,
        help: ArgumentHelp("As the store stood at this time: the newest snapshots at or before it (RFC 3339 or a date).", valueName: "time")
    )
    var asOf: String?

    func validate() throws {
        if let asOf, TimeArgument.asOf(asOf) == nil, Timestamp.isOutOfRange(asOf) {
            throw ValidationError("--as-of expects a time \(Timestamp.validRangeDescription), not '\(asOf)'")
        }
        if let asOf, TimeArgument.asOf(asOf) == nil {
            throw ValidationError("--as-of expects an RFC 3339 time (2026-11-28T02:00:00Z) or a date (2026-11-28), not '\(asOf)'")
        }
    }

    var scope: AnalysisScope {
        AnalysisScope(projectID: project, enterpriseProjectID: enterpriseProject, category: category, asOf: asOf.flatMap(TimeArgument.asOf))
    }
}

/// The policy and the report's time: shared by report and check.
struct PolicyOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Policy file (YAML; see samples/policy.yaml). Default: the built-in baseline (see the README).", valueName: "file"))
    var policy: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The report's time (generated_at, waiver expiry); default: SOURCE_DATE_EPOCH, else the newest capture in scope.",
            valueName: "time"))
    var now: String?

    @Option(
        name: .long,
        help: ArgumentHelp("How many days back resolved[] lists findings that no longer hold.", valueName: "days"))
    var resolvedWindow: Int64 = 30

    @Option(
        name: .long,
        help: ArgumentHelp("List waivers that expire within this many days in expiring[].", valueName: "days"))
    var expiringWithin: Int64 = 14

    func validate() throws {
        guard (0...36_500).contains(resolvedWindow) else {
            throw ValidationError("--resolved-window expects a number of days from 0 to 36500, not \(resolvedWindow)")
        }
        guard (0...36_500).contains(expiringWithin) else {
            throw ValidationError("--expiring-within expects a number of days from 0 to 36500, not \(expiringWithin)")
        }
        if let now, TimeArgument.now(now) == nil, Timestamp.isOutOfRange(now) {
            throw ValidationError("--now expects a time \(Timestamp.validRangeDescription), not '\(now)'")
        }
        if let now, TimeArgument.now(now) == nil { throw ValidationError("--now expects an RFC 3339 time or a date, not '\(now)'") }
        if let problem = ReportClock.sourceDateEpochProblem() { throw ValidationError(problem) }
    }

    var time: Timestamp? { ReportClock().reportTime(now: now.flatMap(TimeArgument.now)) }

    /// The finding history's windows.
    var history: HistoryOptions {
        var options = HistoryOptions()
        options.resolvedWindowDays = resolvedWindow
        options.expiringWithinDays = expiringWithin
        return options
    }
}
