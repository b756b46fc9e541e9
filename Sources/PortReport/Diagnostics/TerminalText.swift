/// Text on its way to a terminal.
public enum TerminalText {
    /// Text from inputs (error messages of saved responses, file names, project ids) may hold
    /// escape sequences: shown as `\u{1b}` instead of reaching the terminal. Line ends stay.
    public static func safe(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if (value < 0x20 && scalar != "\n") || value == 0x7F || (0x80...0x9F).contains(value) {
                result += "\\u{\(String(value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
