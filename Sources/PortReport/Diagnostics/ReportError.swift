/// A report that cannot be made or written as asked (nothing in scope, an ambiguous snapshot
/// name, an output file that cannot be written).
public struct ReportError: PortReportError {
    public let message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
