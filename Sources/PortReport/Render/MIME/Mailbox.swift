import Foundation

/// One address, checked: `local@domain` with an optional display name.
struct Mailbox {
    let address: String
    let domain: String
    /// As the header carries it: the display name quoted or RFC 2047-encoded.
    let encoded: String

    init(parsing raw: String, role: String) throws(ReportError) {
        if raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw ReportError(
                "\(role): '\(MIMEHeader.sanitised(raw))' holds a line break or control character; expected name@example.com or Name <name@example.com>"
            )
        }
        let text = raw.trimmingCharacters(in: .whitespaces)
        var name: String?
        var address = text
        if text.hasSuffix(">"), let open = text.lastIndex(of: "<") {
            address = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
            var display = text[..<open].trimmingCharacters(in: .whitespaces)
            if display.count >= 2, display.hasPrefix("\""), display.hasSuffix("\"") {
                display = String(display.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(
                    of: "\\\\", with: "\\")
            }
            name = display.isEmpty ? nil : display
        }
        guard let (local, domain) = Mailbox.addrSpec(address) else {
            throw ReportError(
                "\(role): '\(text)' is not an email address; expected name@example.com or Name <name@example.com> (ASCII address, no spaces)"
            )
        }
        self.address = local + "@" + domain
        self.domain = domain
        if let name {
            encoded = MIMEHeader.phrase(name) + " <" + self.address + ">"
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
