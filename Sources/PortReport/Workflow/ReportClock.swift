import Foundation

/// "Now" for a run, one rule for every command: `SOURCE_DATE_EPOCH` (seconds since 1970), when
/// set, stands for the wall clock, so that runs can be reproduced byte for byte.
public struct ReportClock: Sendable {
    /// `SOURCE_DATE_EPOCH`, when it is set to a whole number of seconds.
    let sourceDateEpoch: Timestamp?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        sourceDateEpoch = environment["SOURCE_DATE_EPOCH"].flatMap { Int64($0) }.map { Timestamp(secondsSinceEpoch: $0) }
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
    /// `--now`: an RFC 3339 time, or a date (00:00:00Z that day).
    public static func now(_ text: String) -> Timestamp? {
        Timestamp(timeOrDate: text)
    }

    /// `--as-of`: an RFC 3339 time, or a date, which means the end of that day.
    public static func asOf(_ text: String) -> Timestamp? {
        Timestamp(rfc3339: text) ?? Timestamp(date: text)?.endOfDay
    }
}
