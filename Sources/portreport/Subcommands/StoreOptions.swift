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

/// "Now", honouring SOURCE_DATE_EPOCH so that runs can be reproduced.
func currentTime() -> Timestamp {
    if let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Int64(text) {
        return Timestamp(secondsSinceEpoch: seconds)
    }
    return Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
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
    default:
        printError("error: \(error)")
    }
    return ExitCode(1)
}

extension Category: ExpressibleByArgument {}
