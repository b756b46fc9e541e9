import ArgumentParser
import Foundation
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
        subcommands: [
            ImportCommand.self, SnapshotsCommand.self, ReportCommand.self, CheckCommand.self, DiffCommand.self, RemoveCommand.self,
            RelabelCommand.self, EditsCommand.self
        ]
    )

    /// Parses and runs the command as `ParsableCommand.main` does, but prints argument parsing's
    /// errors in portreport's style: `error: …` on one line, then the usage hint.
    static func main() {
        do {
            var command = try parseAsRoot(RawArguments.checked())
            try command.run()
        } catch {
            end(with: error)
        }
    }

    /// Ends the run for `error`: help and `--version` as argument-parser prints them (standard
    /// output, exit 0), an `ExitCode` a command returned after it reported (silently), anything
    /// else as `error: MESSAGE` and the usage hint on standard error, with argument-parser's
    /// exit status (64 for a usage error).
    private static func end(with error: any Error) -> Never {
        let status = exitCode(for: error)
        if error is ExitCode { exit(withError: error) }
        if status == .success {
            // Help and --version, written like every result: a lost write is an error (exit 1).
            let text = fullMessage(for: error)
            if !text.isEmpty { StandardStreams().write(text) }
            Foundation.exit(status.rawValue)
        }
        let message = Self.message(for: error)
        let full = fullMessage(for: error)
        // The full message is the prefix, the message, then the help and the usage (when any).
        let head = "Error: " + message
        let rest = full.hasPrefix(head) ? full.dropFirst(head.count).drop(while: { $0 == "\n" }) : ""
        var text = TerminalText.line("error: " + sentenceCase(message)) + "\n"
        if !rest.isEmpty { text += TerminalText.safe(String(rest)) + "\n" }
        FileHandle.standardError.write(Data(text.utf8))
        Foundation.exit(status.rawValue)
    }

    /// `Unknown option '--x'` as portreport words its messages: `unknown option '--x'`. A first
    /// word in capitals (`SQL`, `URL`) stays.
    private static func sentenceCase(_ message: String) -> String {
        var characters = message.makeIterator()
        guard let first = characters.next(), first.isUppercase, let second = characters.next(), second.isLowercase else {
            return message
        }
        return first.lowercased() + message.dropFirst()
    }
}
