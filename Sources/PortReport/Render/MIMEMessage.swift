import Foundation

/// An email ready for `sendmail -t` (RFC 5322 headers, RFC 2045–2047 MIME), for `--format eml`.
///
/// Structure: `multipart/alternative` { `text/plain` (the Markdown), `text/html` (the email
/// HTML) }, wrapped in `multipart/mixed` with the attachment when there is one. Text parts are
/// quoted-printable (readable in the raw file; no line over 76 characters whatever the HTML
/// looks like), the attachment is base64 with 76-character lines. Line ends are CRLF throughout.
///
/// Nothing depends on the clock or on chance: the boundaries and the Message-ID come from a
/// SHA-256 of the content, the Date header from `date` (pass the report's `generatedAt`), so the
/// same report gives the same bytes.
///
/// Header values cannot inject headers: line breaks and other control characters in the
/// subject and the attachment's name become spaces; an address holding one is refused, as is
/// any address that is not `local@domain` or `Display Name <local@domain>` (ASCII; a
/// non-ASCII display name is fine). The body never holds a line that is a lone `.` (which ends
/// the message for `sendmail` without `-i`) nor one starting `From ` (mangled by mbox).
public struct MIMEMessage: Sendable, Equatable {
    public struct Attachment: Sendable, Equatable {
        /// The name the recipient sees (path components and quotes are removed).
        public var filename: String
        /// A MIME type with parameters, e.g. `text/html; charset=utf-8`.
        public var contentType: String
        /// Sent unchanged (base64), so the attachment is byte for byte the report file.
        public var bytes: [UInt8]

        public init(filename: String, contentType: String = "text/html; charset=utf-8", bytes: [UInt8]) {
            self.filename = filename
            self.contentType = contentType
            self.bytes = bytes
        }
    }

    /// `reports@example.com` or `Port reports <reports@example.com>`.
    public var from: String
    /// One mailbox per element, same forms as `from`.
    public var to: [String]
    public var subject: String
    public var date: Timestamp
    /// The plain-text alternative (UTF-8): the Markdown report.
    public var text: [UInt8]
    /// The HTML alternative (UTF-8): the email HTML.
    public var html: [UInt8]
    public var attachment: Attachment?

    public init(from: String, to: [String], subject: String, date: Timestamp, text: [UInt8], html: [UInt8], attachment: Attachment? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.text = text
        self.html = html
        self.attachment = attachment
    }

    public init(from: String, to: [String], subject: String, date: Timestamp, text: String, html: String, attachment: Attachment? = nil) {
        self.init(from: from, to: to, subject: subject, date: date, text: Array(text.utf8), html: Array(html.utf8), attachment: attachment)
    }

    /// The subject used when none is given: the report's headline.
    public static func defaultSubject(for result: AnalysisResult) -> String {
        "Open ports: " + result.headline
    }

    /// The whole message, CRLF line ends, ready for `sendmail -t`.
    public func encoded() throws(ReportError) -> [UInt8] {
        let sender = try Mailbox(parsing: from, role: "--from")
        guard !to.isEmpty else { throw ReportError("an email needs at least one recipient (--to)") }
        var recipients: [Mailbox] = []
        for address in to { recipients.append(try Mailbox(parsing: address, role: "--to")) }

        // Everything that makes the message, for boundaries and the Message-ID.
        var fingerprint: [UInt8] = []
        for field in [sender.address, recipients.map(\.address).joined(separator: ","), subject, String(date.secondsSinceEpoch)] {
            fingerprint += Array(field.utf8) + [0]
        }
        fingerprint += text + [0] + html + [0]
        if let attachment { fingerprint += Array(attachment.filename.utf8) + [0] + Array(attachment.contentType.utf8) + [0] + attachment.bytes }
        let digest = SHA256Hasher.hex(of: fingerprint)
        // "=_" cannot occur in quoted-printable or base64 text, so no body can hold a boundary.
        let alternative = "=_portreport_alt_" + digest.prefix(24)
        let mixed = "=_portreport_mix_" + digest.prefix(24)

        var out = MIMEWriter()
        out.header("From", sender.encoded)
        out.header("To", recipients.map(\.encoded).joined(separator: ",\r\n "))
        out.header("Subject", Header.unstructured(subject, name: "Subject"))
        out.header("Date", Self.rfc5322Date(date))
        out.header("Message-ID", "<" + digest.prefix(32) + ".portreport@" + sender.domain + ">")
        out.header("MIME-Version", "1.0")
        out.header("X-Mailer", "portreport " + Header.sanitised(PortReportVersion.string))
        out.header("Auto-Submitted", "auto-generated")

        func alternativeParts(_ out: inout MIMEWriter) {
            out.boundary(alternative)
            out.header("Content-Type", "text/plain; charset=utf-8")
            out.header("Content-Transfer-Encoding", "quoted-printable")
            out.body(MIMEEncoding.quotedPrintable(text))
            out.boundary(alternative)
            out.header("Content-Type", "text/html; charset=utf-8")
            out.header("Content-Transfer-Encoding", "quoted-printable")
            out.body(MIMEEncoding.quotedPrintable(html))
            out.closing(alternative)
        }

        if let attachment {
            out.header("Content-Type", "multipart/mixed;\r\n boundary=\"\(mixed)\"")
            out.body("This is a MIME message: text and HTML versions, and an attachment.")
            out.boundary(mixed)
            out.header("Content-Type", "multipart/alternative;\r\n boundary=\"\(alternative)\"")
            out.line("")
            alternativeParts(&out)
            out.boundary(mixed)
            let name = Header.filename(attachment.filename)
            out.header("Content-Type", try Header.contentType(attachment.contentType) + ";\r\n " + name.parameter("name"))
            out.header("Content-Disposition", "attachment;\r\n " + name.parameter("filename"))
            out.header("Content-Transfer-Encoding", "base64")
            out.body(MIMEEncoding.base64Lines(attachment.bytes))
            out.closing(mixed)
        } else {
            out.header("Content-Type", "multipart/alternative;\r\n boundary=\"\(alternative)\"")
            out.body("This is a MIME message: text and HTML versions.")
            alternativeParts(&out)
        }
        return out.bytes
    }

    /// `Sat, 28 Nov 2026 02:00:00 +0000`.
    static func rfc5322Date(_ time: Timestamp) -> String {
        let seconds = time.secondsSinceEpoch
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Timestamp.civil(fromDays: days)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"] // 1970-01-01 was a Thursday
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : String(n) }
        let weekday = weekdays[Int(((days % 7) + 7) % 7)]
        return "\(weekday), \(two(day)) \(months[Int(month) - 1]) \(year) \(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60)) +0000"
    }
}

/// Appends header lines, boundaries and bodies with CRLF line ends.
private struct MIMEWriter {
    var bytes: [UInt8] = []

    mutating func line(_ text: String) {
        bytes += Array(text.utf8)
        bytes += [0x0D, 0x0A]
    }

    mutating func header(_ name: String, _ value: String) {
        line(name + ": " + value)
    }

    /// The empty line that ends a part's headers, then the body.
    mutating func body(_ text: String) {
        line("")
        line(text)
    }

    /// A delimiter line. The CRLF before it, which belongs to the delimiter (RFC 2046 §5.1.1),
    /// is the one that ended the previous line: a body keeps its own final line end, if any.
    mutating func boundary(_ boundary: String) {
        line("--" + boundary)
    }

    mutating func closing(_ boundary: String) {
        line("--" + boundary + "--")
    }
}

/// One address, checked: `local@domain` with an optional display name.
private struct Mailbox {
    let address: String
    let domain: String
    /// As the header carries it: the display name quoted or RFC 2047-encoded.
    let encoded: String

    init(parsing raw: String, role: String) throws(ReportError) {
        if raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw ReportError("\(role): '\(Header.sanitised(raw))' holds a line break or control character; expected name@example.com or Name <name@example.com>")
        }
        let text = raw.trimmingCharacters(in: .whitespaces)
        var name: String?
        var address = text
        if text.hasSuffix(">"), let open = text.lastIndex(of: "<") {
            address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            var display = text[..<open].trimmingCharacters(in: .whitespaces)
            if display.count >= 2, display.hasPrefix("\""), display.hasSuffix("\"") {
                display = String(display.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
            }
            name = display.isEmpty ? nil : display
        }
        guard let (local, domain) = Mailbox.addrSpec(address) else {
            throw ReportError("\(role): '\(text)' is not an email address; expected name@example.com or Name <name@example.com> (ASCII address, no spaces)")
        }
        self.address = local + "@" + domain
        self.domain = domain
        if let name {
            encoded = Header.phrase(name) + " <" + self.address + ">"
        } else {
            encoded = self.address
        }
    }

    /// Splits a dot-atom `local@domain`; nil when it is not one.
    static func addrSpec(_ text: String) -> (String, String)? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = String(parts[0]), domain = String(parts[1])
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".unicodeScalars)
        func dotAtom(_ s: String, allowed: (Unicode.Scalar) -> Bool) -> Bool {
            let labels = s.split(separator: ".", omittingEmptySubsequences: false)
            return !s.isEmpty && labels.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(allowed) }
        }
        guard local.utf8.count <= 64, domain.utf8.count <= 253,
              dotAtom(local, allowed: { atext.contains($0) }),
              dotAtom(domain, allowed: { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }),
              domain.split(separator: ".").allSatisfy({ !$0.hasPrefix("-") && !$0.hasSuffix("-") })
        else { return nil }
        return (local, domain)
    }
}

/// Header values: unstructured text, display names, file names.
private enum Header {
    /// Control characters (line breaks above all) become spaces; runs of white space collapse.
    static func sanitised(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var space = false
        for scalar in text.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}" {
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
        let plain = text.unicodeScalars.allSatisfy { $0.isASCII } && !text.contains("=?") && words.allSatisfy { $0.utf8.count <= 76 - name.utf8.count - 2 }
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
        func token(_ s: Substring) -> Bool { !s.isEmpty && s.unicodeScalars.allSatisfy { $0.isASCII && $0.value > 0x20 && !tspecials.contains($0) } }
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

/// Content-transfer encodings.
enum MIMEEncoding {
    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Base64 in lines of 76 characters, joined by CRLF.
    static func base64Lines(_ bytes: [UInt8]) -> String {
        let whole = Array(base64(bytes).utf8)
        var lines: [String] = []
        var start = 0
        while start < whole.count {
            let end = min(start + 76, whole.count)
            lines.append(String(decoding: whole[start..<end], as: UTF8.self))
            start = end
        }
        return lines.joined(separator: "\r\n")
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
