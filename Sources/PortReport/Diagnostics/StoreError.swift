/// A problem with the store itself (not with an input).
public struct StoreError: PortReportError {
    public let path: String
    public let message: String

    init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var location: String? { path }

    /// The path as the user gave it, its control characters visible and cut to
    /// `TerminalText.messageValueWidth`.
    public var description: String { "\(TerminalText.value(path)): \(message)" }
}
