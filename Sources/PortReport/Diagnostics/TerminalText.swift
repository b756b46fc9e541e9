/// Text on its way to a terminal: values from inputs (file names, JSON paths, project ids, the
/// error messages of saved responses) can hold escape sequences, line breaks and any length.
///
/// The design: a value is made visible **where it is written into a message or a table**
/// (`value(_:width:)`), and a line of output is made visible as a whole (`line(_:width:)`), so
/// that no line break from data survives; only the line breaks of an output of several lines
/// (`safe(_:)`) are the output's own. Escaping is idempotent (what it writes holds no control
/// character), so a value escaped where it was written and again in its line reads the same.
///
/// Shown escaped, as `\u{1b}`: the C0 controls (line feed, carriage return and tab included),
/// DEL, the C1 controls, the Unicode line and paragraph separators (U+2028, U+2029) and the
/// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which would
/// reorder what follows them on the line.
///
/// Cutting keeps the start and the end of a value around an ellipsis (`…`): a path keeps its
/// file name, an id its beginning. Widths count characters as they are shown (an escape counts
/// its six or so characters), and every function here is linear in the length of its text.
public enum TerminalText {
    /// The most characters a value from an input (a file name, a JSON path, a project id)
    /// takes in a one-line message.
    public static let messageValueWidth = 200
    /// The most characters of a cell in a table (`snapshots`, `diff`) whose column is padded.
    public static let tableCellWidth = 100
    /// The most characters of a one-line message as a whole: a last bound for messages whose
    /// values were not cut where they were written.
    public static let lineWidth = 1000

    /// A value from an input, for a one-line message or a table cell: every control character
    /// visible (newlines too), cut in the middle to at most `width` characters.
    public static func value(_ text: String, width: Int = messageValueWidth) -> String {
        visible(text, keepingLineFeeds: false, width: width)
    }

    /// One line of output (a message, a finding, a warning): every control character visible,
    /// newlines included, so that it stays one line; cut in the middle to at most `width`.
    public static func line(_ text: String, width: Int = lineWidth) -> String {
        visible(text, keepingLineFeeds: false, width: width)
    }

    /// Text of several lines whose line breaks are the output's own (a table, the errors of an
    /// import, each line built with `value` or `line`): control characters other than the line
    /// feed made visible; nothing is cut.
    public static func safe(_ text: String) -> String {
        visible(text, keepingLineFeeds: true, width: nil)
    }

    /// The most digits of one number in a message: a longer one (`num` written with 5,000
    /// digits) is shown as its first and last digits and its length.
    public static let numberWidth = 40

    /// A number as written in an input, for a message: as it is when it has at most `width`
    /// characters, else `12345678901234567890…45678901 (5000 digits)`.
    public static func number(_ text: String, width: Int = numberWidth) -> String {
        cuttingLongNumbers(visible(text, keepingLineFeeds: false, width: nil), width: width)
    }

    /// `text` with every run of more than `width` ASCII digits cut to its first and last
    /// digits and its length, in one pass.
    public static func cuttingLongNumbers(_ text: String, width: Int = numberWidth) -> String {
        var longest = 0, run = 0
        for byte in text.utf8 {
            run = (0x30...0x39).contains(byte) ? run + 1 : 0
            longest = max(longest, run)
        }
        guard longest > width else { return text }
        var result = ""
        var digits: [UInt8] = []
        func flush() {
            if digits.count > width {
                let head = max(width / 2, 1), tail = max(width / 5, 1)
                result += String(decoding: digits[..<head], as: UTF8.self) + "…"
                result += String(decoding: digits[(digits.count - tail)...], as: UTF8.self) + " (\(digits.count) digits)"
            } else {
                result += String(decoding: digits, as: UTF8.self)
            }
            digits.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            if ("0"..."9").contains(scalar) {
                digits.append(UInt8(scalar.value))
            } else {
                flush()
                result.unicodeScalars.append(scalar)
            }
        }
        flush()
        return result
    }

    /// True for the scalars that are shown escaped.
    static func isShownEscaped(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x2028, 0x2029: return true
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// How `character` is shown: nil when as it is (one character wide).
    private static func escaped(_ character: Character, keepingLineFeeds: Bool) -> String? {
        if keepingLineFeeds && character == "\n" { return nil }
        guard character.unicodeScalars.contains(where: isShownEscaped) else { return nil }
        var text = ""
        for scalar in character.unicodeScalars {
            if isShownEscaped(scalar) && !(keepingLineFeeds && scalar == "\n") {
                text += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    private static func visible(_ text: String, keepingLineFeeds: Bool, width: Int?) -> String {
        guard let width, width > 0 else { return shown(text, keepingLineFeeds: keepingLineFeeds) }
        // Whether it fits, looking no further than one character past the width.
        var total = 0
        for character in text {
            total += escaped(character, keepingLineFeeds: keepingLineFeeds)?.count ?? 1
            if total > width { break }
        }
        if total <= width { return shown(text, keepingLineFeeds: keepingLineFeeds) }
        // The start and the end, each made of whole characters (an escape is never split).
        let headWidth = width / 2
        let tailWidth = width - 1 - headWidth
        var head = ""
        var used = 0
        for character in text {
            let shown = escaped(character, keepingLineFeeds: keepingLineFeeds) ?? String(character)
            let count = shown.count
            if used + count > headWidth { break }
            head += shown
            used += count
        }
        var tail: [String] = []
        used = 0
        for character in text.reversed() {
            let shown = escaped(character, keepingLineFeeds: keepingLineFeeds) ?? String(character)
            let count = shown.count
            if used + count > tailWidth { break }
            tail.append(shown)
            used += count
        }
        return head + "…" + tail.reversed().joined()
    }

    /// All of `text`, with its control characters made visible.
    private static func shown(_ text: String, keepingLineFeeds: Bool) -> String {
        // Most text has nothing to escape: return it as it is, without copying.
        guard text.unicodeScalars.contains(where: { isShownEscaped($0) && !(keepingLineFeeds && $0 == "\n") }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            if let escaped = escaped(character, keepingLineFeeds: keepingLineFeeds) {
                result += escaped
            } else {
                result.append(character)
            }
        }
        return result
    }
}
