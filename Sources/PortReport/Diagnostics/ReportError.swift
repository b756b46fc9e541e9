/// A report that cannot be made or written as asked (nothing in scope, an ambiguous snapshot
/// name, an output file that cannot be written).
public struct ReportError: PortReportError {
    public let message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// The same error with `note` after it (`…: No space left on device; the import was stored`).
    public func adding(_ note: String) -> ReportError {
        ReportError(message + note)
    }
}
