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

    @Option(name: .long, help: ArgumentHelp("As the store stood at this time: the newest snapshots at or before it (RFC 3339 or a date).", valueName: "time"))
    var asOf: String?

    func validate() throws {
        if let asOf, parseTime(asOf) == nil {
            throw ValidationError("--as-of expects an RFC 3339 time (2026-11-28T02:00:00Z) or a date (2026-11-28), not '\(asOf)'")
        }
    }

    var scope: AnalysisScope {
        // A date alone means the end of that day.
        let asOfTime = asOf.flatMap { text in
            Timestamp(rfc3339: text) ?? parseTime(text).map { Timestamp(secondsSinceEpoch: $0.secondsSinceEpoch + 86_399) }
        }
        return AnalysisScope(projectID: project, enterpriseProjectID: enterpriseProject, category: category, asOf: asOfTime)
    }
}

/// The policy and the report's time: shared by report and check.
struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Policy file (YAML; see samples/policy.yaml). Default: new dangerous ports are findings.", valueName: "file"))
    var policy: String?

    @Option(name: .long, help: ArgumentHelp("The report's time (generated_at, waiver expiry); default: SOURCE_DATE_EPOCH, else the newest capture in scope.", valueName: "time"))
    var now: String?

    func validate() throws {
        if let now, parseTime(now) == nil { throw ValidationError("--now expects an RFC 3339 time or a date, not '\(now)'") }
    }

    func loadPolicy() throws -> Policy {
        try policy.map { try Policy.load(path: $0) } ?? .builtIn
    }

    var time: Timestamp? { reportTime(now) }
}

/// An RFC 3339 time, or a date (00:00:00Z that day).
func parseTime(_ text: String) -> Timestamp? {
    if let time = Timestamp(rfc3339: text) { return time }
    if text.count == 10, let time = Timestamp(rfc3339: text + "T00:00:00Z") { return time }
    return nil
}

/// "Now" for a report: --now, else SOURCE_DATE_EPOCH, else nil (the newest capture in scope).
func reportTime(_ now: String?) -> Timestamp? {
    if let now { return parseTime(now) }
    if let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Int64(text) {
        return Timestamp(secondsSinceEpoch: seconds)
    }
    return nil
}

/// Opens an existing store for reading, with the message every reading command gives.
func openStoreForReading(_ path: String) throws -> Store {
    guard FileManager.default.fileExists(atPath: path) else {
        throw StoreError(path: path, message: "no store here: import some exports first (portreport import PATH), or name the store with --store")
    }
    return try Store(path: path, readOnly: true)
}

/// "Now", honouring SOURCE_DATE_EPOCH so that runs can be reproduced.
func currentTime() -> Timestamp {
    if let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Int64(text) {
        return Timestamp(secondsSinceEpoch: seconds)
    }
    return Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
}

/// Writes a line to standard error, with control characters from inputs made visible.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((terminalSafe(text) + "\n").utf8))
}

/// Text from inputs (error messages of saved responses, file names, project ids) may hold
/// escape sequences: shown as `\u{1b}` instead of reaching the terminal. Line ends stay.
func terminalSafe(_ text: String) -> String {
    var result = ""
    result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
    for scalar in text.unicodeScalars {
        let value = scalar.value
        if (value < 0x20 && scalar != "\n") || value == 0x7F || (0x80...0x9F).contains(value) {
            result += "\\u{\(String(value, radix: 16))}"
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// Prints a failure the way every command does and picks the exit status.
func fail(_ error: any Error) -> ExitCode {
    switch error {
    case let failure as ImportFailure:
        printError(failure.description)
    case let error as InputError:
        printError("error: \(error)")
    case let error as StoreError:
        printError("error: \(error)")
    case let error as PolicyError:
        printError("error: \(error)")
    case let error as ReportError:
        printError("error: \(error)")
    default:
        printError("error: \(error)")
    }
    return ExitCode(1)
}

extension Category: ExpressibleByArgument {}
