import Foundation

/// Content-transfer encodings.
enum MIMEEncoding {
    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// Base64 on one line (for RFC 2047 encoded-words).
    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Base64 in lines of 76 characters (RFC 2045 §6.8), joined by CRLF, with no line end after
    /// the last line: the part's own line end follows.
    static func base64Lines(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }

    /// Quoted-printable (RFC 2045 §6.7) of text: its line ends (LF, CRLF or CR) become CRLF,
    /// lines are soft-broken to at most 76 characters, white space at a line's end is encoded,
    /// and a `.` or the `F` of `From ` at the start of a line is encoded too.
    static func quotedPrintable(_ bytes: [UInt8]) -> String {
        // Built byte by byte: a String per byte made this a fifth of a year's daily job.
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        var lines: [Range<Int>] = []
        var lineStart = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0D || b == 0x0A {
                lines.append(lineStart..<i)
                if b == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                lineStart = i + 1
            }
            i += 1
        }
        lines.append(lineStart..<bytes.count)
        let from: [UInt8] = Array("From ".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 4)
        var token: [UInt8] = []
        for (lineNumber, line) in lines.enumerated() {
            if lineNumber > 0 { out += [0x0D, 0x0A] }
            var width = 0
            for index in line {
                let byte = bytes[index]
                let last = index == line.upperBound - 1
                token.removeAll(keepingCapacity: true)
                switch byte {
                case 0x21...0x3C, 0x3E...0x7E:
                    token.append(byte)
                case 0x20, 0x09:
                    if last { token += [UInt8(ascii: "="), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]] } else { token.append(byte) }
                default:
                    token += [UInt8(ascii: "="), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
                }
                // A soft break leaves room for its "=".
                if width + token.count > 75 {
                    out += [UInt8(ascii: "="), 0x0D, 0x0A]
                    width = 0
                }
                if width == 0 {
                    if byte == UInt8(ascii: ".") {
                        token = Array("=2E".utf8)
                    } else if byte == UInt8(ascii: "F"), bytes[index..<line.upperBound].starts(with: from) {
                        token = Array("=46".utf8)
                    }
                }
                // White space left at the end of a physical line by a soft break stays before the "=": allowed.
                out += token
                width += token.count
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
