/// A problem with the store itself (not with an input).
public struct StoreError: PortReportError {
    public let path: String
    public let message: String

    init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var location: String? { path }

    public var description: String { "\(path): \(message)" }
}
