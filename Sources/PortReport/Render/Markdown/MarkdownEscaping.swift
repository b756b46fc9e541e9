/// Turns data into Markdown text that shows as itself and cannot start any structure.
enum MarkdownEscaping {
    /// For a value inside a line or a table cell: line breaks and other control characters become
    /// single spaces (runs of white space collapse, ends are trimmed); Markdown's punctuation is
    /// backslash-escaped; `<` becomes `&lt;` (no raw HTML, no autolinks, whatever the Markdown
    /// dialect) and `&` before something that reads as an entity becomes `&amp;`; a leading
    /// list marker (`- `, `+ `, `1. `, `1) `), `--`, `==` is escaped so that a value at the start
    /// of a line is no list item, thematic break or heading underline (`-1` and `0.1.0` stay).
    static func inline(_ text: String) -> String {
        // 1. White space: line breaks, tabs and control characters become one space.
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.unicodeScalars.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let isSpace = v <= 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == 0xFEFF
            if isSpace {
                pendingSpace = !scalars.isEmpty
                continue
            }
            if pendingSpace { scalars.append(" ") }
            pendingSpace = false
            scalars.append(scalar)
        }

        // 2. Escapes.
        var out = String.UnicodeScalarView()
        var index = 0
        // A leading ordered-list marker: digits then "." or ")".
        var leadingDigits = 0
        while leadingDigits < scalars.count, ("0"..."9").contains(scalars[leadingDigits]) { leadingDigits += 1 }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", ">", "#", "|", "~", "$":
                out.append("\\")
                out.append(scalar)
            case "<":
                out.append(contentsOf: "&lt;".unicodeScalars)
            case "&" where entityFollows(scalars, after: index):
                out.append(contentsOf: "&amp;".unicodeScalars)
            case "-" where index == 0 && markerEnds(scalars, at: 1, repeating: "-"),
                "+" where index == 0 && markerEnds(scalars, at: 1, repeating: "+"),
                "=" where index == 0 && markerEnds(scalars, at: 1, repeating: "="),
                "." where index == leadingDigits && leadingDigits > 0 && markerEnds(scalars, at: index + 1, repeating: nil),
                ")" where index == leadingDigits && leadingDigits > 0 && markerEnds(scalars, at: index + 1, repeating: nil):
                out.append("\\")
                out.append(scalar)
            default:
                out.append(scalar)
            }
            index += 1
        }
        return String(out)
    }

    /// A list marker, heading underline or thematic break ends here: the value ends, a space
    /// follows, or the marker character repeats.
    private static func markerEnds(_ scalars: [Unicode.Scalar], at index: Int, repeating marker: Unicode.Scalar?) -> Bool {
        index >= scalars.count || scalars[index] == " " || scalars[index] == marker
    }

    /// `&name;`, `&#123;` or `&#x1F;` starts at `index`.
    private static func entityFollows(_ scalars: [Unicode.Scalar], after index: Int) -> Bool {
        var i = index + 1
        let start = i
        while i < scalars.count, i - start <= 32 {
            let s = scalars[i]
            if s == ";" { return i > start }
            guard s.isASCII, s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "#" else { return false }
            i += 1
        }
        return false
    }
}
