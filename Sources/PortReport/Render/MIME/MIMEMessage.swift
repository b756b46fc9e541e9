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
struct MIMEMessage: Sendable, Equatable {
    struct Attachment: Sendable, Equatable {
        /// The name the recipient sees (path components and quotes are removed).
        var filename: String
        /// A MIME type with parameters, e.g. `text/html; charset=utf-8`.
        var contentType: String
        /// Sent unchanged (base64), so the attachment is byte for byte the report file.
        var bytes: [UInt8]

        init(filename: String, contentType: String = "text/html; charset=utf-8", bytes: [UInt8]) {
            self.filename = filename
            self.contentType = contentType
            self.bytes = bytes
        }
    }

    /// `reports@example.com` or `Port reports <reports@example.com>`.
    var from: String
    /// One mailbox per element, same forms as `from`.
    var to: [String]
    var subject: String
    var date: Timestamp
    /// The plain-text alternative (UTF-8): the Markdown report.
    var text: [UInt8]
    /// The HTML alternative (UTF-8): the email HTML.
    var html: [UInt8]
    var attachment: Attachment?

    init(from: String, to: [String], subject: String, date: Timestamp, text: [UInt8], html: [UInt8], attachment: Attachment? = nil) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.text = text
        self.html = html
        self.attachment = attachment
    }

    init(from: String, to: [String], subject: String, date: Timestamp, text: String, html: String, attachment: Attachment? = nil) {
        self.init(from: from, to: to, subject: subject, date: date, text: Array(text.utf8), html: Array(html.utf8), attachment: attachment)
    }

    /// The subject used when none is given: the report's headline.
    static func defaultSubject(for result: AnalysisResult) -> String {
        "Open ports: " + result.headline
    }

    /// The whole message, CRLF line ends, ready for `sendmail -t`.
    func encoded() throws(ReportError) -> [UInt8] {
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
        if let attachment {
            fingerprint += Array(attachment.filename.utf8) + [0] + Array(attachment.contentType.utf8) + [0] + attachment.bytes
        }
        let digest = SHA256Hasher.hex(of: fingerprint)
        // "=_" cannot occur in quoted-printable or base64 text, so no body can hold a boundary.
        let alternative = "=_portreport_alt_" + digest.prefix(24)
        let mixed = "=_portreport_mix_" + digest.prefix(24)

        var out = MIMEWriter()
        out.header("From", sender.encoded)
        out.header("To", recipients.map(\.encoded).joined(separator: ",\r\n "))
        out.header("Subject", MIMEHeader.unstructured(subject, name: "Subject"))
        out.header("Date", Self.rfc5322Date(date))
        out.header("Message-ID", "<" + digest.prefix(32) + ".portreport@" + sender.domain + ">")
        out.header("MIME-Version", "1.0")
        out.header("X-Mailer", "portreport " + MIMEHeader.sanitised(PortReportVersion.string))
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
            let name = MIMEHeader.filename(attachment.filename)
            out.header("Content-Type", try MIMEHeader.contentType(attachment.contentType) + ";\r\n " + name.parameter("name"))
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
