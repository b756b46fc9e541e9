import Foundation

/// Header values: unstructured text, display names, file names.
enum MIMEHeader {
    /// Control characters (line breaks above all) become spaces; runs of white space collapse.
    static func sanitised(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var space = false
        for scalar in text.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) || scalar == "\u{2028}"
                || scalar == "\u{2029}"
            {
                space = !out.isEmpty
                continue
            }
            if space { out.append(" ") }
            space = false
            out.append(scalar)
        }
        return String(out)
    }

    /// An unstructured value (the subject): folded at spaces when it is plain ASCII, otherwise
    /// RFC 2047 encoded-words, one per line, each at most 75 characters.
    static func unstructured(_ raw: String, name: String) -> String {
        let text = sanitised(raw)
        let words = text.split(separator: " ").map(String.init)
        let plain =
            text.unicodeScalars.allSatisfy { $0.isASCII } && !text.contains("=?")
            && words.allSatisfy { $0.utf8.count <= 76 - name.utf8.count - 2 }
        guard plain else { return encodedWords(text) }
        var lines: [String] = []
        var current = ""
        var width = name.utf8.count + 2
        for word in words {
            if current.isEmpty {
                current = word
            } else if width + current.utf8.count + 1 + word.utf8.count > 78 {
                lines.append(current)
                current = word
                width = 1
            } else {
                current += " " + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n ")
    }

    /// `=?utf-8?B?...?=` words separated by folding white space (ignored between encoded-words),
    /// each holding whole characters.
    static func encodedWords(_ text: String) -> String {
        guard !text.isEmpty else { return "" }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty && chunk.count + bytes.count > 39 {
                words.append("=?utf-8?B?" + MIMEEncoding.base64(chunk) + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?" + MIMEEncoding.base64(chunk) + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A display name: as is when it is all atoms, quoted when it has specials, encoded when it
    /// is not ASCII.
    static func phrase(_ raw: String) -> String {
        let text = sanitised(raw)
        guard text.unicodeScalars.allSatisfy({ $0.isASCII }), !text.contains("=?") else { return encodedWords(text) }
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~ ".unicodeScalars)
        if text.unicodeScalars.allSatisfy({ atext.contains($0) }) { return text }
        return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// `type/subtype` with optional parameters, checked; the parameters pass unchanged.
    static func contentType(_ raw: String) throws(ReportError) -> String {
        let text = sanitised(raw)
        let tspecials = Set("()<>@,;:\\\"/[]?= ".unicodeScalars)
        func token(_ s: Substring) -> Bool {
            !s.isEmpty && s.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && !tspecials.contains($0) }
        }
        let type = text.prefix { $0 != ";" }
        let halves = type.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, token(halves[0]), token(halves[1]), text.unicodeScalars.allSatisfy({ $0.isASCII }) else {
            throw ReportError("attachment content type '\(text)' is not type/subtype (e.g. text/html; charset=utf-8)")
        }
        return text
    }

    /// A file name as a parameter: quoted when ASCII, RFC 2231 (`name*=utf-8''...`) otherwise.
    struct Filename {
        let ascii: Bool
        let value: String

        func parameter(_ key: String) -> String {
            ascii ? "\(key)=\"\(value)\"" : "\(key)*=utf-8''\(value)"
        }
    }

    static func filename(_ raw: String) -> Filename {
        var name = sanitised(raw)
        if let slash = name.lastIndex(where: { $0 == "/" || $0 == "\\" }) { name = String(name[name.index(after: slash)...]) }
        name = name.replacingOccurrences(of: "\"", with: "")
        if name.isEmpty { name = "report" }
        if name.unicodeScalars.allSatisfy({ $0.isASCII }) { return Filename(ascii: true, value: name) }
        let unreserved = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~".utf8)
        var encoded = ""
        for byte in name.utf8 {
            if unreserved.contains(byte) {
                encoded.append(Character(Unicode.Scalar(byte)))
            } else {
                encoded += "%" + MIMEEncoding.hex(byte)
            }
        }
        return Filename(ascii: false, value: encoded)
    }
}
