/// Capture time and category read from a file's path, so that an export laid out as
/// `2026-11-28/container/page-0003.json` imports with no flags.
enum PathMetadata {
    struct FoundTime: Equatable {
        let timestamp: Timestamp
        /// The text matched, for provenance (`path "2026-11-28"`).
        let text: String
        let hasTime: Bool
    }

    /// The last date or date-time in the path (the deepest is the most specific). Recognised:
    /// `2026-11-28`, `2026-11-28T02:00:00Z` (also with `_` or a space for `T`, `-` or nothing
    /// between time fields, an offset such as `+08:00`), and `20261128T020000Z`. A time without
    /// zone is read as UTC; a date alone means 00:00:00 UTC that day.
    static func captureTime(in path: String) -> FoundTime? {
        let b = Array(path.utf8)
        var found: FoundTime?
        var i = 0
        func isDigit(_ k: Int) -> Bool { k < b.count && b[k] >= 0x30 && b[k] <= 0x39 }
        func number(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= b.count else { return nil }
            var v: Int64 = 0
            for k in start..<(start + count) {
                guard isDigit(k) else { return nil }
                v = v * 10 + Int64(b[k] - 0x30)
            }
            return v
        }
        while i < b.count {
            guard isDigit(i), i == 0 || !isDigit(i - 1) else {
                i += 1
                continue
            }
            var year: Int64?, month: Int64?, day: Int64?
            var end = i
            var compact = false
            if let y = number(i, 4), i + 4 < b.count, b[i + 4] == UInt8(ascii: "-"), let m = number(i + 5, 2),
                i + 7 < b.count, b[i + 7] == UInt8(ascii: "-"), let d = number(i + 8, 2), !isDigit(i + 10)
            {
                (year, month, day) = (y, m, d)
                end = i + 10
            } else if let y = number(i, 4), let m = number(i + 4, 2), let d = number(i + 6, 2),
                i + 8 < b.count, b[i + 8] == UInt8(ascii: "T") || b[i + 8] == UInt8(ascii: "t")
            {
                (year, month, day) = (y, m, d)
                end = i + 8
                compact = true
            }
            guard let year, let month, let day, var stamp = Timestamp(year: year, month: month, day: day) else {
                i += 1
                continue
            }
            var hasTime = false
            // Optional time: separator, HH, optional ':'/'-', MM, optional ':'/'-', SS.
            if end < b.count, [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: "_"), UInt8(ascii: " ")].contains(b[end]) {
                var k = end + 1
                func field() -> Int64? {
                    guard let v = number(k, 2) else { return nil }
                    k += 2
                    return v
                }
                func separator() {
                    if !compact, k < b.count, b[k] == UInt8(ascii: ":") || b[k] == UInt8(ascii: "-") { k += 1 }
                }
                if let h = field() {
                    separator()
                    if let mi = field() {
                        separator()
                        if let s = field(), !isDigit(k),
                            let t = Timestamp(year: year, month: month, day: day, hour: h, minute: mi, second: s)
                        {
                            var offset: Int64 = 0
                            if k < b.count, b[k] == UInt8(ascii: "Z") || b[k] == UInt8(ascii: "z") {
                                k += 1
                            } else if k < b.count, b[k] == UInt8(ascii: "+") || b[k] == UInt8(ascii: "-") {
                                var j = k + 1
                                if let oh = number(j, 2) {
                                    j += 2
                                    if j < b.count, b[j] == UInt8(ascii: ":") { j += 1 }
                                    if let om = number(j, 2), !isDigit(j + 2), oh <= 23, om <= 59 {
                                        offset = (oh * 3600 + om * 60) * (b[k] == UInt8(ascii: "+") ? 1 : -1)
                                        k = j + 2
                                    }
                                }
                            }
                            stamp = Timestamp(secondsSinceEpoch: t.secondsSinceEpoch - offset)
                            hasTime = true
                            end = k
                        }
                    }
                }
            }
            if compact && !hasTime {
                i += 1
                continue
            }
            let text = String(decoding: b[i..<end], as: UTF8.self)
            found = FoundTime(timestamp: stamp, text: text, hasTime: hasTime)
            i = end
        }
        return found
    }

    enum CategoryResult: Equatable {
        case none
        case found(Category, component: String)
        case ambiguous(component: String)
    }

    /// The word `host` or `container` as a file-name token or a whole directory name, looking
    /// from the file name up; the deepest place that names one wins.
    static func category(in path: String) -> CategoryResult {
        var components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let fileName = components.popLast() else { return .none }
        var stem = fileName.lowercased()
        for suffix in [".gz", ".json", ".har"] where stem.hasSuffix(suffix) {
            stem.removeLast(suffix.count)
        }
        let tokens = Set(stem.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
        if let result = decide(tokens, component: fileName) { return result }
        for component in components.reversed() {
            if let result = decide([component.lowercased()], component: component) { return result }
        }
        return .none
    }

    private static func decide(_ words: Set<String>, component: String) -> CategoryResult? {
        switch (words.contains("host"), words.contains("container")) {
        case (true, true): return .ambiguous(component: component)
        case (true, false): return .found(.host, component: component)
        case (false, true): return .found(.container, component: component)
        case (false, false): return nil
        }
    }
}
