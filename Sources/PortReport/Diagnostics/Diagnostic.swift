/// A message for the person running portreport beside a run's result: a warning, an input
/// left out, what an import before a report did. Printed on standard error as `KIND: MESSAGE`.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case warning, skipped, imported
    }

    let kind: Kind
    let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

/// Where a workflow's text goes: the lines of its result (standard output) and its
/// diagnostics (standard error). The workflows call it from more than one thread (a store
/// closes in the background while the analysis runs).
public protocol Console: Sendable {
    /// One line of the result, without its line end.
    func write(_ line: String)
    func report(_ diagnostic: Diagnostic)
}
