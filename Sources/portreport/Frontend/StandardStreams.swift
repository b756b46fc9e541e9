import ArgumentParser
import Foundation
import PortReport

/// The console of a command-line run: result lines on standard output, diagnostics on standard
/// error, with control characters from inputs made visible there. Both are written with
/// write(2) (`StandardOutput`, `StandardError`), one call per line under one lock, so that lines
/// from the background close of a store never interleave with others.
///
/// A result that cannot be written (a full disk, a closed descriptor, a reader that left) ends
/// the run at once with exit status 1 and one line: nobody can read the rest, and `check`'s
/// status 0 or 3 would claim a result that was lost.
struct StandardStreams: Console {
    private static let lock = NSLock()

    /// Said after the error when a result line cannot be written: what was done all the same
    /// (an import writes its summary only once the import is stored).
    var afterLostOutput: String? = nil

    func write(_ line: String) {
        write(bytes: Array((line + "\n").utf8))
    }

    /// A diagnostic is one line: a newline from an input is shown, not obeyed.
    func report(_ diagnostic: Diagnostic) {
        printError(TerminalText.line(diagnostic.description))
    }

    /// Bytes as they are (JSON documents), on standard output.
    func write(bytes: [UInt8]) {
        let failure: ReportError? = Self.lock.withLock {
            do throws(ReportError) {
                try StandardOutput.write(bytes)
                return nil
            } catch {
                return error
            }
        }
        if let failure { exit(fail(afterLostOutput.map { failure.adding($0) } ?? failure).rawValue) }
    }

    /// Writes a line to standard error, with control characters from inputs made visible.
    fileprivate static func writeError(_ text: String) {
        lock.withLock { StandardError.write(Array((TerminalText.safe(text) + "\n").utf8)) }
    }
}

/// Writes a line to standard error, with control characters from inputs made visible.
private func printError(_ text: String) {
    StandardStreams.writeError(text)
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
