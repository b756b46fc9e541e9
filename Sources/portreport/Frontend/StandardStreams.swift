import ArgumentParser
import Foundation
import PortReport

/// The console of a command-line run: result lines on standard output, diagnostics on standard
/// error, with control characters from inputs made visible there.
struct StandardStreams: Console {
    func write(_ line: String) {
        print(line)
    }

    /// A diagnostic is one line: a newline from an input is shown, not obeyed.
    func report(_ diagnostic: Diagnostic) {
        printError(TerminalText.line(diagnostic.description))
    }

    /// Bytes as they are (JSON documents), on standard output.
    func write(bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }
}

/// Writes a line to standard error, with control characters from inputs made visible.
private func printError(_ text: String) {
    FileHandle.standardError.write(Data((TerminalText.safe(text) + "\n").utf8))
}

/// Prints an error that ends the run the way every command does, and gives its exit status.
func fail(_ error: any Error) -> ExitCode {
    if let error = error as? any PortReportError {
        printError(error.diagnosticText)
        return ExitCode(error.exitStatus)
    }
    printError("error: \(error)")
    return ExitCode(ExitStatus.failure)
}

/// Ends the run with the exit status a job returned, unless it is success.
func exitUnlessSuccess(_ status: Int32) throws {
    if status != 0 { throw ExitCode(status) }
}
