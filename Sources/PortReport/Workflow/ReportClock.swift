import Foundation

/// "Now" for a run, one rule for every command: `SOURCE_DATE_EPOCH` (seconds since 1970), when
/// set, stands for the wall clock, so that runs can be reproduced byte for byte.
public struct ReportClock: Sendable {
    /// `SOURCE_DATE_EPOCH`, when it is set to a whole number of seconds within
    /// `Timestamp.validRange` (any other value is refused by `sourceDateEpochProblem`, which the
    /// commands check first; here it is left out rather than read as a garbage date).
    let sourceDateEpoch: Timestamp?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        sourceDateEpoch = environment["SOURCE_DATE_EPOCH"].flatMap { Int64($0) }.flatMap { Timestamp(checkedSecondsSinceEpoch: $0) }
    }

    /// Why `SOURCE_DATE_EPOCH` cannot be used, or nil when it is unset or usable. A value that is
    /// not a whole number is an error too, not ignored: it was set to make a run reproducible,
    /// and a run that silently used the wall clock instead would not be.
    public static func sourceDateEpochProblem(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let text = environment["SOURCE_DATE_EPOCH"] else { return nil }
        let expected =
            "SOURCE_DATE_EPOCH: expected whole seconds since 1970-01-01T00:00:00Z \(Timestamp.validRangeDescription) "
            + "(\(Timestamp.validRange.lowerBound)–\(Timestamp.validRange.upperBound))"
        guard let seconds = Int64(text) else { return "\(expected), found '\(text.prefix(60))'" }
        guard Timestamp(checkedSecondsSinceEpoch: seconds) != nil else { return "\(expected), found \(seconds)" }
        return nil
    }

    /// The time an import records (`imported_at`, and the capture time of standard input):
    /// `SOURCE_DATE_EPOCH`, else the wall clock.
    public var now: Timestamp {
        sourceDateEpoch ?? Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
    }

    /// A report's time (`generated_at`, waiver expiry): `--now`, else `SOURCE_DATE_EPOCH`, else
    /// nil, which the analysis takes as the newest capture in scope.
    public func reportTime(now: Timestamp?) -> Timestamp? {
        now ?? sourceDateEpoch
    }
}

/// The times the command line takes, each read one way everywhere.
public enum TimeArgument {
    /// What `--now`, `--as-of` and `--captured-at` take, for their messages.
    public static let expectation = "an RFC 3339 time (2026-11-28T02:00:00Z) or a date (2026-11-28) \(Timestamp.validRangeDescription)"

    /// `--now`: an RFC 3339 time, or a date (00:00:00Z that day).
    public static func now(_ text: String) -> Timestamp? {
        Timestamp(timeOrDate: text)
    }

    /// `--as-of`: an RFC 3339 time, or a date, which means the end of that day.
    public static func asOf(_ text: String) -> Timestamp? {
        Timestamp(rfc3339: text) ?? Timestamp(date: text)?.endOfDay
    }
}
