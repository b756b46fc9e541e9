/// What every error that ends a run tells the person who ran it, whichever stage met it:
/// what went wrong and how to fix it (`description`, one sentence with the remedy, as
/// `InputError` writes them), where (`location`: the input, the store, the policy file), the
/// cause underneath when there is one, and the exit status.
///
/// The executable prints `diagnosticText` on standard error and exits with `exitStatus`,
/// without knowing the concrete type.
public protocol PortReportError: Error, CustomStringConvertible, Sendable {
    /// The file, store or output the error is about, when there is one.
    var location: String? { get }
    /// The error underneath (a system call's, a parser's), when there is one.
    var underlyingError: (any Error & Sendable)? { get }
    /// The process's exit status when this error ends a run (see `ExitStatus`).
    var exitStatus: Int32 { get }
    /// The text for standard error: `error: DESCRIPTION` on one line (control characters from
    /// inputs visible, see `TerminalText.line`) unless the error says otherwise.
    var diagnosticText: String { get }
}

extension PortReportError {
    public var location: String? { nil }
    public var underlyingError: (any Error & Sendable)? { nil }
    public var exitStatus: Int32 { ExitStatus.failure }
    public var diagnosticText: String { TerminalText.line("error: \(description)") }
}

/// The exit statuses `portreport --help` documents.
public enum ExitStatus {
    /// An error: bad input, store, policy or report; nothing was stored.
    public static let failure: Int32 = 1
    /// Imported with `--skip-invalid`, but some inputs were skipped.
    static let skippedInputs: Int32 = 2
    /// `check` found policy findings of the kinds that fail it.
    static let findings: Int32 = 3
    /// A usage error: a value the command cannot take.
    static let usage: Int32 = 64
}
