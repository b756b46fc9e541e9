import Foundation
import Testing

@testable import PortReport

/// What Python's standard `email` package reads from a message.
struct ParsedEmail: Decodable {
    struct Part: Decodable {
        let type: String
        let charset: String?
        let disposition: String?
        let filename: String?
        let encoding: String?
        let payload: String

        var bytes: [UInt8] { Array(Data(base64Encoded: payload) ?? Data()) }
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    let structure: [String]
    let headers: [String]
    let subject: String
    let from: [String]
    let to: [String]
    let date: String
    let messageID: String
    let mimeVersion: String
    let mailer: String
    let defects: [String]
    let parts: [Part]
}

/// Parses `message` with `email.message_from_bytes(..., policy=email.policy.default)` in a
/// Python subprocess (the message on standard input, a JSON description on standard output).
func parseWithPython(_ message: [UInt8]) throws -> ParsedEmail {
    let script = #"""
        import base64, email, email.policy, json, sys
        msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
        parts, defects = [], []
        for part in msg.walk():
            defects += [type(d).__name__ for d in part.defects]
            if part.is_multipart():
                continue
            parts.append({
                "type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "disposition": part.get_content_disposition(),
                "filename": part.get_filename(),
                "encoding": part.get("content-transfer-encoding"),
                "payload": base64.b64encode(part.get_payload(decode=True)).decode("ascii"),
            })
        def addresses(name):
            header = msg[name]
            return [str(a) for a in header.addresses] if header is not None else []
        json.dump({
            "structure": [p.get_content_type() for p in msg.walk()],
            "headers": [k for k in msg.keys()],
            "subject": str(msg["subject"]),
            "from": addresses("from"),
            "to": addresses("to"),
            "date": str(msg["date"]),
            "messageID": str(msg["message-id"]),
            "mimeVersion": str(msg["mime-version"]),
            "mailer": str(msg["x-mailer"]),
            "defects": defects,
            "parts": parts,
        }, sys.stdout)
        """#
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let input = Pipe(), output = Pipe(), errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    // Write from another thread: a large message could fill the pipe while Python's output waits.
    let writer = input.fileHandleForWriting
    let data = Data(message)
    let thread = Thread {
        writer.write(data)
        try? writer.close()
    }
    thread.start()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ReportError("python3 failed (\(process.terminationStatus)): \(String(decoding: err, as: UTF8.self))")
    }
    return try JSONDecoder().decode(ParsedEmail.self, from: out)
}

/// The message's lines, split on CRLF (the last, empty piece after the final CRLF dropped).
func crlfLines(_ bytes: [UInt8]) -> [String] {
    var lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
    if lines.last == "" { lines.removeLast() }
    return lines
}

func lf(_ text: String) -> String { text.replacingOccurrences(of: "\r\n", with: "\n") }

@Suite("Render: MIME message")
struct MIMEMessageTests {
    /// 2026-11-28T02:00:00Z (Python: calendar.timegm of that time).
    static let date = Timestamp(secondsSinceEpoch: 1_795_831_200)

    /// An HTML part with everything that needs care in quoted-printable.
    static let html = """
        <!DOCTYPE html>
        <html><body><table><tr><td style="padding:4px;border:1px solid #ccc">\(String(repeating: "very long line without breaks ", count: 12))</td></tr></table>
        .
        From here on, trailing spaces:   \t
        = signs = and non-ASCII: Grüße, 端口, ✓
        ..
        </body></html>

        """

    static func markdown() throws -> [UInt8] {
        let fixture = try RenderFixture()
        return try MarkdownRenderer().render(try fixture.analyze(top: 5))
    }

    @Test("Python's email package reads both alternatives and the attachment, byte for byte")
    func standardParserReadsAllParts() throws {
        let text = try Self.markdown()
        let attachment = Array(0...255).map(UInt8.init) + Array("<html>full report</html>\n".utf8)
        let subject = "Offene Ports: 3 neue – ünïcödé ✓ <script>alert(1)</script> and a rather long tail to make it fold"
        let message = MIMEMessage(
            from: "Port Reports <reports@example.com>",
            to: ["Ops Team <ops@example.com>", "sec@example.org", "Jörg Müller, Security <jm@example.de>"],
            subject: subject, date: Self.date, text: text, html: Array(Self.html.utf8),
            attachment: .init(filename: "reports/port-report.html", bytes: attachment))
        let bytes = try message.encoded()
        let parsed = try parseWithPython(bytes)

        #expect(parsed.defects == [])
        #expect(parsed.structure == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/html"])
        #expect(parsed.subject == subject)
        #expect(parsed.from == ["Port Reports <reports@example.com>"])
        #expect(parsed.to == ["Ops Team <ops@example.com>", "sec@example.org", "\"Jörg Müller, Security\" <jm@example.de>"])
        #expect(parsed.date == "Sat, 28 Nov 2026 02:00:00 +0000")
        #expect(parsed.mimeVersion == "1.0")
        #expect(parsed.mailer == "portreport \(PortReportVersion.string)")
        #expect(parsed.messageID.hasPrefix("<") && parsed.messageID.hasSuffix(".portreport@example.com>"))

        let plain = parsed.parts[0], html = parsed.parts[1], attached = parsed.parts[2]
        #expect(plain.charset == "utf-8" && plain.disposition == nil)
        #expect(lf(plain.text) == String(decoding: text, as: UTF8.self))
        #expect(html.charset == "utf-8" && html.disposition == nil)
        #expect(lf(html.text) == Self.html)
        #expect(attached.disposition == "attachment")
        #expect(attached.filename == "port-report.html")
        #expect(attached.encoding == "base64")
        #expect(attached.bytes == attachment)
    }

    @Test("without an attachment the message is just multipart/alternative")
    func alternativeOnly() throws {
        let message = MIMEMessage(
            from: "reports@example.com", to: ["ops@example.com"], subject: "Open ports", date: Self.date,
            text: "# Report\n\nplain\n", html: "<p>html</p>\n")
        let parsed = try parseWithPython(try message.encoded())
        #expect(parsed.defects == [])
        #expect(parsed.structure == ["multipart/alternative", "text/plain", "text/html"])
        #expect(parsed.parts.map(\.text).map(lf) == ["# Report\n\nplain\n", "<p>html</p>\n"])
        #expect(parsed.subject == "Open ports")
    }

    @Test("a non-ASCII attachment name travels as RFC 2231 and decodes")
    func attachmentName() throws {
        func message(_ contentType: String) -> MIMEMessage {
            MIMEMessage(
                from: "reports@example.com", to: ["ops@example.com"], subject: "s", date: Self.date, text: "t", html: "h",
                attachment: .init(filename: "C:\\temp\\Bericht \"Ports\" – ü.html", contentType: contentType, bytes: Array("<html/>".utf8)))
        }
        #expect(throws: ReportError.self) { try message("application/xhtml+xml\r\nX-Evil: 1").encoded() }
        #expect(throws: ReportError.self) { try message("html").encoded() }
        let bytes = try message("application/xhtml+xml").encoded()
        let parsed = try parseWithPython(bytes)
        #expect(parsed.defects == [])
        #expect(parsed.parts.last?.filename == "Bericht Ports – ü.html")
        #expect(parsed.parts.last?.type == "application/xhtml+xml")
    }

    @Test("CRLF throughout, no line over 78 characters, no lone dot, no From_ line")
    func lineDiscipline() throws {
        let long = String(repeating: "word ", count: 60) + String(repeating: "x", count: 200)
        let message = MIMEMessage(
            from: "reports@example.com", to: Array(repeating: "Someone Long Named <someone.long.named@example.com>", count: 5),
            subject: "Headline: " + String(repeating: "ports ", count: 30), date: Self.date,
            text: Array((try Self.markdown()) + Array(".\nFrom me\n\(long)\n.".utf8)), html: Array(Self.html.utf8),
            attachment: .init(filename: "r.html", bytes: Array(repeating: 0x41, count: 1000)))
        let bytes = try message.encoded()
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0A { #expect(index > 0 && bytes[index - 1] == 0x0D, "bare LF at \(index)") }
            if byte == 0x0D { #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A, "bare CR at \(index)") }
        }
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        #expect(bytes.allSatisfy { $0 < 0x80 }, "8-bit data in a 7-bit message")
        for line in crlfLines(bytes) {
            #expect(line.utf8.count <= 78, "\(line)")
            #expect(line != ".")
            #expect(!line.hasPrefix("From "))
        }
        let parsed = try parseWithPython(bytes)
        #expect(parsed.defects == [])
        #expect(parsed.subject == "Headline: " + String(repeating: "ports ", count: 30).dropLast())
        #expect(lf(parsed.parts[0].text).hasSuffix(".\nFrom me\n\(long)\n."))
    }

    @Test("line breaks in the subject cannot add headers; bad addresses are refused")
    func noHeaderInjection() throws {
        let message = MIMEMessage(
            from: "reports@example.com", to: ["ops@example.com"],
            subject: "Report\r\nBcc: victim@example.com\r\n\r\nforged body", date: Self.date, text: "t", html: "h")
        let bytes = try message.encoded()
        #expect(!crlfLines(bytes).contains { $0.lowercased().hasPrefix("bcc:") })
        let parsed = try parseWithPython(bytes)
        #expect(
            parsed.headers == ["From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "X-Mailer", "Auto-Submitted", "Content-Type"])
        #expect(parsed.subject == "Report Bcc: victim@example.com forged body")

        func refused(from: String = "reports@example.com", to: [String]) -> String? {
            do {
                _ = try MIMEMessage(from: from, to: to, subject: "s", date: Self.date, text: "t", html: "h").encoded()
                return nil
            } catch {
                return error.message
            }
        }
        for bad in [
            "not-an-address", "ops@example.com\r\nBcc: victim@example.com", "Ops <ops@example.com>\nBcc: x@y.z", "", "a@@b.c",
            "a b@c.d", "Name <a@b.c", "jörg@example.de", "a@-example.com", "a..b@c.d", "a@b..c", "<>", "ops@example.com, sec@example.com"
        ] {
            let message = refused(to: [bad])
            #expect(message?.hasPrefix("--to: ") == true, "\(bad.debugDescription): \(message ?? "accepted")")
        }
        #expect(refused(from: "x", to: ["ops@example.com"])?.hasPrefix("--from: ") == true)
        #expect(refused(to: []) == "an email needs at least one recipient (--to)")
        #expect(refused(to: ["root@localhost", "\"Doe, John\" <j.doe+ports@mail.example.com>", "  spaced@example.com  "]) == nil)
    }

    @Test("same content gives the same bytes; boundaries and Message-ID follow the content")
    func deterministic() throws {
        let text = try Self.markdown()
        func make(_ html: String) throws -> [UInt8] {
            try MIMEMessage(
                from: "reports@example.com", to: ["ops@example.com"], subject: "s", date: Self.date, text: text,
                html: Array(html.utf8), attachment: .init(filename: "r.html", bytes: Array(html.utf8))
            ).encoded()
        }
        let first = try make("<p>a</p>")
        #expect(try make("<p>a</p>") == first)
        let other = try make("<p>b</p>")
        func header(_ name: String, _ bytes: [UInt8]) -> String? { crlfLines(bytes).first { $0.hasPrefix(name + ": ") } }
        #expect(header("Message-ID", first) != header("Message-ID", other))
        let boundaries = crlfLines(first).filter { $0.hasPrefix("--=_portreport_") }
        #expect(Set(boundaries).count == 4)  // two openings and two closings, one of each per multipart
        #expect(!crlfLines(other).contains(boundaries[0]))
    }

    @Test("RFC 5322 dates")
    func dates() {
        func date(_ text: String) -> String { MIMEMessage.rfc5322Date(Timestamp(rfc3339: text)!) }
        #expect(date("2026-11-28T02:00:00Z") == "Sat, 28 Nov 2026 02:00:00 +0000")
        #expect(date("1970-01-01T00:00:00Z") == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(MIMEMessage.rfc5322Date(Timestamp(secondsSinceEpoch: -1)) == "Wed, 31 Dec 1969 23:59:59 +0000")
        #expect(date("2024-02-29T12:34:56Z") == "Thu, 29 Feb 2024 12:34:56 +0000")
        #expect(date("2000-03-01T00:00:00Z") == "Wed, 01 Mar 2000 00:00:00 +0000")
    }

    @Test("quoted-printable and base64 encoders")
    func encoders() {
        #expect(MIMEEncoding.quotedPrintable(Array("a=b \nc\t\r\nd".utf8)) == "a=3Db=20\r\nc=09\r\nd")
        #expect(MIMEEncoding.quotedPrintable(Array("ü".utf8)) == "=C3=BC")
        #expect(MIMEEncoding.quotedPrintable(Array(".\n.x\nFrom a\nFroma".utf8)) == "=2E\r\n=2Ex\r\n=46rom a\r\nFroma")
        let wrapped = MIMEEncoding.quotedPrintable(Array(String(repeating: "é", count: 40).utf8)).components(separatedBy: "\r\n")
        #expect(wrapped.allSatisfy { $0.count <= 76 })
        #expect(wrapped.dropLast().allSatisfy { $0.hasSuffix("=") && !$0.hasSuffix("==") })
        #expect(MIMEEncoding.base64(Array("Man".utf8)) == "TWFu")
        #expect(MIMEEncoding.base64(Array("Ma".utf8)) == "TWE=")
        #expect(MIMEEncoding.base64(Array("M".utf8)) == "TQ==")
        #expect(MIMEEncoding.base64([]) == "")
        let lines = MIMEEncoding.base64Lines(Array(repeating: 0, count: 100)).components(separatedBy: "\r\n")
        #expect(lines.map(\.count) == [76, 60])
    }

    @Test("the default subject is the headline")
    func defaultSubject() throws {
        let result = try RenderFixture().analyze()
        #expect(MIMEMessage.defaultSubject(for: result) == "Open ports: " + result.headline)
    }
}
