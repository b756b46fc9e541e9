/// Project, category and capture time read from a file's path, so that an export laid out as
/// `project-0a1b/2026-11-28/containers/page-0003.json` (or `20261128_020000/host_page_3.json`)
/// imports with no flags.
///
/// The path is read as the user typed it (or as the directory walk built it from what was typed).
/// What looks like a date or a time but is not a valid one is an error naming the component, never
/// passed over for another match or the file's modification time; a number that cannot be told
/// apart from a date is not read as one (see `captureTime(in:)`).
enum PathMetadata {
    struct FoundTime: Equatable {
        let timestamp: Timestamp
        /// The text matched, for provenance (`path (2026-11-28)`).
        let text: String
        let hasTime: Bool
        /// Whether the text gave a zone (`Z`, `+08:00`, `-0500`); without one the time is UTC.
        var hasZone = false
        /// Whether the text had a fraction of a second, dropped (snapshots are to the second).
        var droppedFraction = false

        /// Where the time came from, as the snapshot's provenance says it.
        var provenance: String {
            var notes: [String] = []
            if !hasTime {
                notes.append("date only: 00:00:00Z")
            } else if !hasZone {
                notes.append("no zone: UTC")
            }
            if droppedFraction { notes.append("fraction of a second dropped") }
            return "path (\(([text] + notes).joined(separator: ", ")))"
        }
    }

    /// A path component that looks like a date or date-time but is not a valid one.
    struct TimeProblem: Error, Equatable {
        /// The whole path component, as named in the message.
        let component: String
        /// What is wrong, e.g. `hour 25 is not a time of day (00–23)`.
        let reason: String
    }

    /// The capture time the path names: the deepest component that holds a date decides (a file
    /// name over its directory, a directory over its parent). Nil when no component holds one.
    ///
    /// A date is `YYYY-MM-DD`, `YYYY_MM_DD` or `YYYYMMDD`; a time may follow after `T`, `_`, `-` or
    /// a space as `HHMMSS`, `HH:MM:SS`, `HH-MM-SS` or `HH_MM_SS` (seconds may carry a fraction,
    /// dropped), or as `HHMM` after `T` or `_`; a zone may follow the time: `Z`, `±HH:MM`, `±HHMM`.
    /// A time without zone is UTC; a date alone is 00:00:00 UTC that day.
    ///
    /// Told apart from other numbers: `YYYYMMDD` is a date only as a digit run of exactly eight
    /// digits, with no letter or digit before it and none after it except a `T` and a time, that
    /// is a calendar day of the years 2000–2099; any other run of digits (an id, a page number) is
    /// not a date and is passed over. `YYYYMMDDT…` is always read as a date and time. A `-` and
    /// digits after a time that are not `HHMM` or `HH:MM` are not a zone (`…T020000-3`, a page).
    ///
    /// Throws when the deciding component's date, time or zone is not valid (`2026-13-01`,
    /// `T250000`, `+24:00`), when it names two different times, or when the time is outside the
    /// years 1970–9999 once in UTC. Directories named `project-<id>` are not read for a time.
    static func captureTime(in path: String) throws(TimeProblem) -> FoundTime? {
        for component in components(of: path).reversed() where !isProjectComponent(component) {
            let tokens = TimeScanner(Array(component.utf8)).tokens()
            guard let first = tokens.first else { continue }
            for token in tokens {
                if case .failure(let failure) = token { throw TimeProblem(component: component, reason: failure.reason) }
            }
            guard case .success(let found) = first else { continue }
            for case .success(let other) in tokens.dropFirst() where other.timestamp != found.timestamp {
                throw TimeProblem(
                    component: component,
                    reason: "it names two different times (\(found.text) and \(other.text)); keep one")
            }
            return found
        }
        return nil
    }

    /// The capture time in a text that is a date or date-time and nothing else (a `--query`
    /// column): nil when the text is anything else, or names an invalid or out-of-range time.
    static func wholeCaptureTime(_ text: String) -> FoundTime? {
        let tokens = TimeScanner(Array(text.utf8)).tokens()
        guard tokens.count == 1, case .success(let found) = tokens[0], found.text == text else { return nil }
        return found
    }

    /// Whether `text` is a date or date-time and nothing else, but outside the years 1970–9999 once
    /// in UTC (`1969-12-31T23:00:00`), for a message that names the range rather than the format.
    static func isWholeCaptureTimeOutOfRange(_ text: String) -> Bool {
        TimeScanner(Array(text.utf8)).isWholeOutOfRange()
    }

    enum CategoryResult: Equatable {
        case none
        case found(Category, component: String)
        case ambiguous(component: String)
    }

    /// The words that name a category in a path, in any letter case.
    static let hostWords: Set<String> = ["host", "hosts", "server", "servers"]
    static let containerWords: Set<String> = ["container", "containers"]

    /// A category word (`host`, `hosts`, `server`, `servers`, `container`, `containers`, any
    /// letter case) as a file-name token (`containers_page_3.json`) or as a whole directory name,
    /// looking from the file name up; the deepest place that names one wins.
    static func category(in path: String) -> CategoryResult {
        var components = components(of: path)
        guard let fileName = components.popLast() else { return .none }
        let tokens = Set(fileName.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
        if let result = decide(tokens, component: fileName) { return result }
        for component in components.reversed() where !isProjectComponent(component) {
            if let result = decide([component.lowercased()], component: component) { return result }
        }
        return .none
    }

    /// The project a directory named `project-<id>` (prefix in any letter case) names, the deepest
    /// one; the file name is not read for it.
    static func project(in path: String) -> (id: String, component: String)? {
        var components = components(of: path)
        _ = components.popLast()
        for component in components.reversed() where isProjectComponent(component) {
            return (String(component.dropFirst(projectPrefix.count)), component)
        }
        return nil
    }

    private static let projectPrefix = "project-"

    private static func isProjectComponent(_ component: String) -> Bool {
        component.count > projectPrefix.count && component.lowercased().hasPrefix(projectPrefix)
    }

    private static func components(of path: String) -> [String] {
        // An ASCII path (the usual one) is split on its bytes: the same components as splitting
        // its characters (in ASCII a "/" is a character of its own), without the grapheme
        // breaking that made this 29,000 instructions a call, three calls a file.
        let slash = UInt8(ascii: "/")
        if path.utf8.allSatisfy({ $0 < 0x80 }) {
            return path.utf8.split(separator: slash, omittingEmptySubsequences: true).map {
                String(decoding: $0, as: UTF8.self)
            }
        }
        return path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    private static func decide(_ words: Set<String>, component: String) -> CategoryResult? {
        switch (!words.isDisjoint(with: hostWords), !words.isDisjoint(with: containerWords)) {
        case (true, true): return .ambiguous(component: component)
        case (true, false): return .found(.host, component: component)
        case (false, true): return .found(.container, component: component)
        case (false, false): return nil
        }
    }
}

/// Finds the dates and date-times in one path component, byte by byte (see
/// `PathMetadata.captureTime(in:)` for what is read).
private struct TimeScanner {
    /// What is wrong with a date or time found.
    struct Failure: Error {
        let reason: String
        var outOfRange = false

        init(_ reason: String, outOfRange: Bool = false) {
            self.reason = reason
            self.outOfRange = outOfRange
        }
    }

    let b: [UInt8]

    init(_ bytes: [UInt8]) { b = bytes }

    private func at(_ k: Int) -> UInt8? { k >= 0 && k < b.count ? b[k] : nil }
    private func isDigit(_ k: Int) -> Bool { at(k).map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
    private func isLetter(_ k: Int) -> Bool {
        at(k).map { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) } ?? false
    }

    /// How many digits follow from `k`.
    private func run(_ k: Int) -> Int {
        var end = k
        while isDigit(end) { end += 1 }
        return end - k
    }

    /// The value of the `count` digits at `k` (at most 8: no overflow).
    private func value(_ k: Int, _ count: Int) -> Int64 {
        var v: Int64 = 0
        for i in k..<(k + count) { v = v * 10 + Int64((at(i) ?? 0x30) &- 0x30) }
        return v
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: b[range], as: UTF8.self) }

    /// Each date found, in order: the time it names, or what is wrong with it.
    func tokens() -> [Result<PathMetadata.FoundTime, TimeScanner.Failure>] {
        var found: [Result<PathMetadata.FoundTime, TimeScanner.Failure>] = []
        var i = 0
        while i < b.count {
            guard isDigit(i), !isDigit(i - 1) else {
                i += 1
                continue
            }
            let digits = run(i)
            if let (token, end) = token(at: i, digits: digits) {
                found.append(token)
                i = end
            } else {
                i += digits
            }
        }
        return found
    }

    /// The date (and time) starting at `i`, a digit run of `digits` digits, with where it ends;
    /// nil when what is there is not a date.
    private func token(at i: Int, digits: Int) -> (Result<PathMetadata.FoundTime, TimeScanner.Failure>, Int)? {
        let year: Int64, month: Int64, day: Int64
        var end: Int
        var compact = false
        if digits == 4, let separator = at(i + 4), separator == UInt8(ascii: "-") || separator == UInt8(ascii: "_"),
            run(i + 5) == 2, at(i + 7) == separator, run(i + 8) == 2
        {
            (year, month, day) = (value(i, 4), value(i + 5, 2), value(i + 8, 2))
            end = i + 10
        } else if digits == 8, !isLetter(i - 1) {
            (year, month, day) = (value(i, 4), value(i + 4, 2), value(i + 6, 2))
            end = i + 8
            compact = true
        } else {
            return nil
        }
        let marked = (at(end) == UInt8(ascii: "T") || at(end) == UInt8(ascii: "t")) && isDigit(end + 1)
        if compact && !marked {
            // An eight-digit number is a date only when it cannot be anything else here.
            guard !isLetter(end), (2000...2099).contains(year), Timestamp(year: year, month: month, day: day) != nil else { return nil }
        }
        let dateText = text(i..<end)
        guard let midnight = Timestamp(year: year, month: month, day: day) else {
            let reason =
                if year == 0 { "there is no year 0" } else if !(1...12).contains(month) { "there is no month \(month)" } else {
                    "that month has \(Timestamp.daysInMonth(year: year, month: month)) days"
                }
            return (.failure(Failure("\(dateText) is not a calendar date (\(reason))")), end)
        }
        var clock: (hour: Int64, minute: Int64, second: Int64)?
        var fraction = false
        if let lead = at(end),
            [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: " ")].contains(lead),
            isDigit(end + 1)
        {
            if let time = timeOfDay(at: end + 1, lead: lead) {
                clock = time.fields
                end = time.end
                if at(end) == UInt8(ascii: "."), isDigit(end + 1), time.hasSeconds {
                    end += 1 + run(end + 1)
                    fraction = true
                }
            } else if marked {
                let digitsAfter = run(end + 1)
                return (
                    .failure(
                        Failure(
                            "expected a time HHMMSS, HHMM or HH:MM:SS after \(text(i..<(end + 1))), found \(text((end + 1)..<(end + 1 + digitsAfter)))"
                        )),
                    end + 1 + digitsAfter
                )
            }
        }
        guard let clock else {
            return (checked(midnight, text: dateText, hasTime: false, hasZone: false, fraction: false), end)
        }
        let timeText = text(i..<end)
        guard (0...23).contains(clock.hour) else {
            return (.failure(Failure("hour \(clock.hour) in \(timeText) is not a time of day (00–23)")), end)
        }
        guard (0...59).contains(clock.minute) else {
            return (.failure(Failure("minute \(clock.minute) in \(timeText) is not a minute (00–59)")), end)
        }
        guard (0...59).contains(clock.second) else {
            return (.failure(Failure("second \(clock.second) in \(timeText) is not a second (00–59)")), end)
        }
        var local = midnight.secondsSinceEpoch + clock.hour * 3600 + clock.minute * 60 + clock.second
        var hasZone = false
        if at(end) == UInt8(ascii: "Z") || at(end) == UInt8(ascii: "z") {
            hasZone = true
            end += 1
        } else if let sign = at(end), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), isDigit(end + 1) {
            let digitsAfter = run(end + 1)
            var zone: (hours: Int64, minutes: Int64, end: Int)?
            if digitsAfter == 4 {
                zone = (value(end + 1, 2), value(end + 3, 2), end + 5)
            } else if digitsAfter == 2, at(end + 3) == UInt8(ascii: ":"), run(end + 4) == 2 {
                zone = (value(end + 1, 2), value(end + 4, 2), end + 6)
            }
            if let zone {
                let zoneText = text(end..<zone.end)
                guard zone.hours <= 23, zone.minutes <= 59 else {
                    return (.failure(Failure("\(zoneText) after \(timeText) is not a UTC offset (−23:59 to +23:59)")), zone.end)
                }
                local -= (zone.hours * 3600 + zone.minutes * 60) * (sign == UInt8(ascii: "+") ? 1 : -1)
                hasZone = true
                end = zone.end
            } else if sign == UInt8(ascii: "+") {
                return (
                    .failure(
                        Failure("expected a UTC offset +HH:MM or +HHMM after \(timeText), found \(text(end..<(end + 1 + digitsAfter)))")),
                    end + 1 + digitsAfter
                )
            }
        }
        return (checked(Timestamp(secondsSinceEpoch: local), text: text(i..<end), hasTime: true, hasZone: hasZone, fraction: fraction), end)
    }

    /// Whether the whole text is one date or date-time that is valid but outside `Timestamp.validRange`.
    func isWholeOutOfRange() -> Bool {
        guard isDigit(0), let (result, end) = token(at: 0, digits: run(0)), end == b.count, case .failure(let failure) = result else {
            return false
        }
        return failure.outOfRange
    }

    private func checked(
        _ time: Timestamp, text: String, hasTime: Bool, hasZone: Bool, fraction: Bool
    ) -> Result<PathMetadata.FoundTime, Failure> {
        guard time.isInValidRange else {
            return .failure(Failure("\(text) is not \(Timestamp.validRangeDescription)", outOfRange: true))
        }
        return .success(PathMetadata.FoundTime(timestamp: time, text: text, hasTime: hasTime, hasZone: hasZone, droppedFraction: fraction))
    }

    /// A time of day at `k` (after the `lead` separator): its fields, where it ends, and whether
    /// it has seconds. Nil when what is there is not one of the time spellings.
    private func timeOfDay(at k: Int, lead: UInt8) -> (fields: (Int64, Int64, Int64), end: Int, hasSeconds: Bool)? {
        let digits = run(k)
        if digits == 6 { return ((value(k, 2), value(k + 2, 2), value(k + 4, 2)), k + 6, true) }
        if digits == 4, lead == UInt8(ascii: "_") || lead == UInt8(ascii: "T") || lead == UInt8(ascii: "t") {
            // `_2026-12-02` is the start of a second date (a range), not 20:26: four digits
            // followed by `-` and a digit, or `_`/`.` and a digit, are no time of day.
            if lead == UInt8(ascii: "_"), let next = at(k + 4),
                [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: ".")].contains(next), isDigit(k + 5)
            {
                return nil
            }
            return ((value(k, 2), value(k + 2, 2), 0), k + 4, false)
        }
        if digits == 2, let separator = at(k + 2),
            [UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "_")].contains(separator), run(k + 3) == 2, at(k + 5) == separator,
            run(k + 6) == 2
        {
            return ((value(k, 2), value(k + 3, 2), value(k + 6, 2)), k + 8, true)
        }
        return nil
    }
}
