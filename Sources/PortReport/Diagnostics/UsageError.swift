/// A command-line value the command cannot take (`--filter port=0`, an output file whose
/// extension names no format). The executable reports it as argument parsing does, with the
/// usage line.
public struct UsageError: PortReportError {
    public let message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
    /// EX_USAGE, as for any other usage error.
    public var exitStatus: Int32 { ExitStatus.usage }
}
