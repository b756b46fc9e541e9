/// A UTC instant with one-second resolution, the unit in which snapshots are captured.
///
/// Conversions are done by hand (civil-from-days arithmetic) rather than with `DateFormatter`:
/// they are exact, locale-free and fast, and the output must be byte-for-byte stable.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64

    public init(secondsSinceEpoch: Int64) {
        self.secondsSinceEpoch = secondsSinceEpoch
    }

    /// The instants portreport takes and stores: 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    /// Every time that enters (flags, paths, HAR, query columns, `SOURCE_DATE_EPOCH`, merged
    /// stores) is checked against it: the store's `captured_at` is RFC 3339 text with a four-digit
    /// year, which a time outside these years cannot be written as.
    public static let validRange: ClosedRange<Int64> = 0...253_402_300_799

    /// The range as messages name it.
    public static let validRangeDescription = "within the years 1970–9999 UTC"

    /// Whether this instant is within `validRange`.
    public var isInValidRange: Bool { Timestamp.validRange.contains(secondsSinceEpoch) }

    /// Unix seconds, checked: nil outside `validRange`.
    public init?(checkedSecondsSinceEpoch seconds: Int64) {
        guard Timestamp.validRange.contains(seconds) else { return nil }
        self.secondsSinceEpoch = seconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.secondsSinceEpoch < rhs.secondsSinceEpoch
    }

    /// RFC 3339 in UTC, e.g. `2026-11-28T02:00:00Z`.
    public var rfc3339: String {
        let days = secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400
        let secondOfDay = secondsSinceEpoch - days * 86_400
        let (year, month, day) = Timestamp.civil(fromDays: days)
        // Built as bytes: this is called for every point of every series in a report.
        return String(unsafeUninitializedCapacity: 20) { buffer in
            func put(_ value: Int64, _ width: Int, at offset: Int) {
                var v = value
                for i in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[i] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
                    v /= 10
                }
            }
            put(year, 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(month, 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(day, 2, at: 8)
            buffer[10] = UInt8(ascii: "T")
            put(secondOfDay / 3600, 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(secondOfDay % 3600 / 60, 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, 2, at: 17)
            buffer[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    /// The calendar date in UTC, e.g. `2026-11-28`.
    var dateString: String { String(rfc3339.prefix(10)) }

    public var description: String { rfc3339 }

    /// Builds a timestamp from calendar fields in UTC; nil when a field is out of range.
    init?(year: Int64, month: Int64, day: Int64, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second)
        else { return nil }
        // Leap seconds (:60) are refused: none has been inserted since 2016, and a capture time
        // that says :60 is far more likely a typing error than one.
        guard day <= Timestamp.daysInMonth(year: year, month: month) else { return nil }
        let days = Timestamp.days(fromCivil: year, month, day)
        self.secondsSinceEpoch = days * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// Parses RFC 3339 (`2026-11-28T02:00:00Z`, `2026-11-28T10:00:00.123+08:00`, `t` and a space
    /// accepted for `T`). Fractions of a second are dropped. Nil when the text is not RFC 3339, or
    /// names an instant outside `validRange` once converted to UTC.
    public init?(rfc3339 text: String) {
        guard let parsed = Timestamp.parseRFC3339(text), parsed.isInValidRange else { return nil }
        self = parsed
    }

    /// Whether `text` is well-formed RFC 3339 or a date whose instant is outside `validRange`
    /// (`0001-01-01T00:00:00+01:00`), for a message that names the range rather than the format.
    public static func isOutOfRange(_ text: String) -> Bool {
        if let parsed = parseRFC3339(text) { return !parsed.isInValidRange }
        return Timestamp(dateUnchecked: text) != nil && Timestamp(date: text) == nil
    }

    /// RFC 3339 with no range check beyond the calendar fields' (years 1–9999 before the offset).
    private static func parseRFC3339(_ text: String) -> Timestamp? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= b.count else { return nil }
            var value: Int64 = 0
            for i in start..<(start + count) {
                let c = b[i]
                guard c >= 0x30, c <= 0x39 else { return nil }
                value = value * 10 + Int64(c - 0x30)
            }
            return value
        }
        guard let year = digits(0, 4), b[4] == UInt8(ascii: "-"), let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
            let day = digits(8, 2), [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(b[10]),
            let hour = digits(11, 2), b[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
            b[16] == UInt8(ascii: ":"), let second = digits(17, 2)
        else { return nil }
        var i = 19
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offsetSeconds: Int64 = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"),
                let om = digits(i + 4, 2), oh <= 23, om <= 59
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count, let local = Timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        else { return nil }
        return Timestamp(secondsSinceEpoch: local.secondsSinceEpoch - offsetSeconds)
    }

    /// Parses a calendar date alone, `2026-11-28`, as 00:00:00Z that day. Nil for anything else,
    /// and for a day outside `validRange`.
    public init?(date text: String) {
        guard let day = Timestamp(dateUnchecked: text), day.isInValidRange else { return nil }
        self = day
    }

    private init?(dateUnchecked text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func digits(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                value = value * 10 + Int64(b[i] - 0x30)
            }
            return value
        }
        guard let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
            let midnight = Timestamp(year: year, month: month, day: day)
        else { return nil }
        self = midnight
    }

    /// An RFC 3339 time, or a date alone (00:00:00Z that day), as the command line takes them.
    public init?(timeOrDate text: String) {
        guard let time = Timestamp(rfc3339: text) ?? Timestamp(date: text) else { return nil }
        self = time
    }

    /// The last second of this instant's UTC day (`--as-of 2026-11-28` means the store as it
    /// stood at the end of that day).
    public var endOfDay: Timestamp {
        let days = secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400
        return Timestamp(secondsSinceEpoch: days * 86_400 + 86_399)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
