#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A byte-level JSON reader (RFC 8259) for the shapes portreport reads.
///
/// Foundation's `JSONDecoder` parses about 8.5 MB/s on this toolchain; this scanner works on raw
/// bytes, allocates only for strings it is asked to decode, and skips values it does not need
/// without building them. It records nothing but the byte offset: lines are counted only when an
/// error is reported.
struct JSONScanner {
    /// Nesting deeper than this is refused rather than followed (no stack exhaustion).
    static let maximumDepth = 512

    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        // A UTF-8 byte order mark is allowed before the text (RFC 8259 §8.1).
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { offset = 3 }
    }

    var isAtEnd: Bool { offset >= bytes.count }

    @inline(__always)
    mutating func skipWhitespace() {
        while offset < bytes.count {
            let c = bytes[offset]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { offset += 1 } else { return }
        }
    }

    /// The next significant byte, after white space; nil at the end of the input.
    @inline(__always)
    mutating func peek() -> UInt8? {
        skipWhitespace()
        return offset < bytes.count ? bytes[offset] : nil
    }

    mutating func expect(_ byte: UInt8, _ expected: @autoclosure () -> String) throws(JSONSyntaxError) {
        guard peek() == byte else { throw error(expected: expected()) }
        offset += 1
    }

    /// Consumes `byte` if it comes next.
    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        if peek() == byte {
            offset += 1
            return true
        }
        return false
    }

    /// After the top-level value: only white space may follow.
    mutating func expectEnd() throws(JSONSyntaxError) {
        skipWhitespace()
        guard isAtEnd else { throw error(expected: "the end of the input after the JSON value") }
    }

    // MARK: Objects and arrays

    /// Calls `body` for each member of the object that starts here, with the key's raw bytes.
    mutating func readObject(_ body: (inout JSONScanner, JSONKey) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        try expect(UInt8(ascii: "{"), "an object ('{')")
        if consume(UInt8(ascii: "}")) { return }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw error(expected: "a member name in double quotes") }
            let key = try readKey()
            try expect(UInt8(ascii: ":"), "':' after a member name")
            _ = peek()
            try body(&self, key)
            if consume(UInt8(ascii: ",")) { continue }
            try expect(UInt8(ascii: "}"), "',' or '}' in an object")
            return
        }
    }

    /// Calls `body` for each element of the array that starts here, with its index.
    mutating func readArray(_ body: (inout JSONScanner, Int) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
        try expect(UInt8(ascii: "["), "an array ('[')")
        if consume(UInt8(ascii: "]")) { return }
        var index = 0
        while true {
            _ = peek()
            try body(&self, index)
            index += 1
            if consume(UInt8(ascii: ",")) { continue }
            try expect(UInt8(ascii: "]"), "',' or ']' in an array")
            return
        }
    }

    // MARK: Strings

    /// Reads a member name, keeping its raw bytes when it has no escapes (the usual case).
    mutating func readKey() throws(JSONSyntaxError) -> JSONKey {
        let start = offset + 1
        let hasEscapes = try scanString()
        if hasEscapes {
            offset = start - 1
            return JSONKey(raw: nil, decoded: try readString(), offset: start - 1)
        }
        return JSONKey(raw: UnsafeBufferPointer(rebasing: bytes[start..<(offset - 1)]), decoded: nil, offset: start - 1)
    }

    /// Moves past the string that starts here; returns whether it contains escapes.
    @discardableResult
    mutating func scanString() throws(JSONSyntaxError) -> Bool {
        guard peek() == UInt8(ascii: "\"") else { throw error(expected: "a string") }
        let start = offset
        offset += 1
        var hasEscapes = false
        while offset < bytes.count {
            let c = bytes[offset]
            if c == UInt8(ascii: "\"") {
                offset += 1
                return hasEscapes
            } else if c == UInt8(ascii: "\\") {
                hasEscapes = true
                offset += 2
            } else if c < 0x20 {
                // Not error(expected:): describing what is here scans this string again.
                throw JSONSyntaxError(
                    offset: offset, expected: "a closing '\"' (control characters must be escaped inside strings)",
                    found:
                        "the control character U+\(String(repeating: "0", count: c < 0x10 ? 3 : 2))\(String(c, radix: 16, uppercase: true))"
                )
            } else if c >= 0x80 {
                // JSON is UTF-8: a byte that starts no valid sequence would be decoded as U+FFFD
                // without a word. Only non-ASCII bytes pay for the check.
                guard let length = JSONScanner.utf8SequenceLength(bytes, at: offset) else {
                    throw JSONSyntaxError(
                        offset: offset, expected: "UTF-8 text (JSON must be UTF-8: convert the file with iconv -t UTF-8)",
                        found: "the byte 0x\(String(c, radix: 16, uppercase: true)), which is not UTF-8 here")
                }
                offset += length
            } else {
                offset += 1
            }
        }
        offset = start
        throw JSONSyntaxError(offset: start, expected: "a closing '\"' before the end of the input", found: "an unterminated string")
    }

    /// The length of the valid UTF-8 sequence that starts at `index` (its first byte ≥ 0x80), or
    /// nil when none does (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF,
    /// or cut short).
    static func utf8SequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let lead = bytes[index]
        let length: Int
        var second: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            second = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            second = 0x80...0x9F
        case 0xF0:
            length = 4
            second = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            second = 0x80...0x8F
        default: return nil
        }
        guard index + length <= bytes.count, second.contains(bytes[index + 1]) else { return nil }
        for k in (index + 2)..<(index + length) where !(0x80...0xBF).contains(bytes[k]) {
            return nil
        }
        return length
    }

    /// Reads and decodes the string that starts here.
    mutating func readString() throws(JSONSyntaxError) -> String {
        let start = offset
        let hasEscapes = try scanString()
        let contentStart = start + 1, contentEnd = offset - 1
        if !hasEscapes {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<contentEnd]), as: UTF8.self)
        }
        var out = [UInt8]()
        out.reserveCapacity(contentEnd - contentStart)
        var i = contentStart
        while i < contentEnd {
            let c = bytes[i]
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                i += 1
                continue
            }
            let escapeStart = i
            i += 1
            switch bytes[i] {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(at: i + 1, end: contentEnd) else {
                    offset = escapeStart
                    throw error(expected: "four hexadecimal digits after \\u")
                }
                i += 4
                if (0xD800...0xDBFF).contains(scalar), i + 6 < contentEnd + 1, bytes[i + 1] == UInt8(ascii: "\\"),
                    bytes[i + 2] == UInt8(ascii: "u"), let low = hex4(at: i + 3, end: contentEnd), (0xDC00...0xDFFF).contains(low)
                {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                // A lone surrogate is no character: refused, rather than turned into U+FFFD.
                guard let value = Unicode.Scalar(scalar) else {
                    offset = escapeStart
                    throw error(expected: "a character (\\u\(String(scalar, radix: 16, uppercase: true)) is half of a surrogate pair)")
                }
                out.append(contentsOf: Array(String(Character(value)).utf8))
            default:
                offset = escapeStart
                throw error(expected: "a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func hex4(at start: Int, end: Int) -> UInt32? {
        guard start + 4 <= end else { return nil }
        var value: UInt32 = 0
        for i in start..<(start + 4) {
            let c = bytes[i]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x41...0x46: digit = c - 0x41 + 10
            case 0x61...0x66: digit = c - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    // MARK: Numbers and literals

    /// Reads a number per the JSON grammar. Integers without fraction or exponent come back as
    /// their value when they fit in 64 bits.
    mutating func readNumber() throws(JSONSyntaxError) -> JSONNumber {
        _ = peek()
        let start = offset
        var negative = false
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") {
            negative = true
            offset += 1
        }
        guard offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 else {
            offset = start
            throw error(expected: "a number")
        }
        var magnitude: UInt64 = 0
        var overflow = false
        let firstDigit = offset
        while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 {
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(bytes[offset] - 0x30))
            overflow = overflow || o1 || o2
            magnitude = m2
            offset += 1
        }
        if offset - firstDigit > 1, bytes[firstDigit] == 0x30 {
            offset = start
            throw error(expected: "a number without leading zeros")
        }
        var isInteger = true
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            isInteger = false
            offset += 1
            let fractionStart = offset
            while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 { offset += 1 }
            guard offset > fractionStart else { throw error(expected: "a digit after the decimal point") }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            isInteger = false
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            let exponentStart = offset
            while offset < bytes.count, bytes[offset] >= 0x30, bytes[offset] <= 0x39 { offset += 1 }
            guard offset > exponentStart else { throw error(expected: "a digit in the exponent") }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        guard isInteger, !overflow else { return JSONNumber(integer: nil, text: text) }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return JSONNumber(integer: nil, text: text) }
            return JSONNumber(integer: magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude), text: text)
        }
        guard magnitude <= UInt64(Int64.max) else { return JSONNumber(integer: nil, text: text) }
        return JSONNumber(integer: Int64(magnitude), text: text)
    }

    /// A non-negative integer of at most 18 digits written plainly (no sign, fraction, exponent
    /// or leading zero), read without building anything; nil (and nothing consumed) otherwise.
    @inline(__always)
    mutating func readPlainInteger() -> Int64? {
        skipWhitespace()
        var i = offset
        var value: Int64 = 0
        let start = i
        while i < bytes.count, i - start < 18 {
            let c = bytes[i]
            guard c >= 0x30, c <= 0x39 else { break }
            value = value &* 10 &+ Int64(c &- 0x30)
            i += 1
        }
        guard i > start, i < bytes.count else { return nil }
        let next = bytes[i]
        guard next != UInt8(ascii: "."), next != UInt8(ascii: "e"), next != UInt8(ascii: "E"),
            next < 0x30 || next > 0x39, !(i - start > 1 && bytes[start] == 0x30)
        else { return nil }
        offset = i
        return value
    }

    /// Fast path for the common case of a small non-negative integer; falls back to `readNumber`.
    @inline(__always)
    mutating func readInteger() throws(JSONSyntaxError) -> JSONNumber {
        if let value = readPlainInteger() { return JSONNumber(integer: value, text: nil) }
        return try readNumber()
    }

    mutating func readLiteral(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard offset + count <= bytes.count, let base = bytes.baseAddress,
            memcmp(base + offset, word.utf8Start, count) == 0
        else { throw error(expected: "a JSON value") }
        offset += count
    }

    // MARK: Values

    /// Skips the value that starts here without building it.
    mutating func skipValue(depth: Int = 0) throws(JSONSyntaxError) {
        guard depth < JSONScanner.maximumDepth else {
            throw error(expected: "at most \(JSONScanner.maximumDepth) levels of nesting")
        }
        switch peek() {
        case UInt8(ascii: "{"):
            try readObject { (scanner: inout JSONScanner, _: JSONKey) throws(JSONSyntaxError) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            try readArray { (scanner: inout JSONScanner, _: Int) throws(JSONSyntaxError) in try scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "\""):
            try scanString()
        case UInt8(ascii: "t"): try readLiteral("true")
        case UInt8(ascii: "f"): try readLiteral("false")
        case UInt8(ascii: "n"): try readLiteral("null")
        case .some(UInt8(ascii: "-")), .some(0x30...0x39):
            _ = try readNumber()
        default:
            throw error(expected: "a JSON value")
        }
    }

    /// Reads the value that starts here into a tree (for HAR files, where the shape is loose).
    mutating func readValue(depth: Int = 0) throws(JSONSyntaxError) -> JSONValue {
        guard depth < JSONScanner.maximumDepth else {
            throw error(expected: "at most \(JSONScanner.maximumDepth) levels of nesting")
        }
        switch peek() {
        case UInt8(ascii: "{"):
            var members: [String: JSONValue] = [:]
            try readObject { (scanner: inout JSONScanner, key: JSONKey) throws(JSONSyntaxError) in
                members[key.string] = try scanner.readValue(depth: depth + 1)
            }
            return .object(members)
        case UInt8(ascii: "["):
            var elements: [JSONValue] = []
            try readArray { (scanner: inout JSONScanner, _: Int) throws(JSONSyntaxError) in
                elements.append(try scanner.readValue(depth: depth + 1))
            }
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(try readString())
        case UInt8(ascii: "t"):
            try readLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try readLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try readLiteral("null")
            return .null
        case .some(UInt8(ascii: "-")), .some(0x30...0x39):
            return .number(try readNumber())
        default:
            throw error(expected: "a JSON value")
        }
    }

    // MARK: Errors

    /// A short description of what stands at the current offset, for "found ..." in messages.
    func describeHere() -> String {
        var scanner = self
        guard let c = scanner.peek() else { return "the end of the input" }
        let start = scanner.offset
        switch c {
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "\""):
            if (try? scanner.scanString()) != nil {
                return "the string " + JSONScanner.quoteForMessage(bytes, start, scanner.offset)
            }
            return "an unterminated string"
        default:
            var end = start
            while end < bytes.count, end - start < 40 {
                let b = bytes[end]
                if b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == 0x20 || b == 0x0A || b == 0x0D
                    || b == 0x09
                {
                    break
                }
                end += 1
            }
            if end == start { end = start + 1 }
            let token = JSONScanner.quoteForMessage(bytes, start, end, quoted: false)
            if c == UInt8(ascii: "n"), token == "null" { return "null" }
            if token == "true" || token == "false" { return token }
            return token.first.map { $0 == "-" || $0.isNumber } == true ? token : "'\(token)'"
        }
    }

    static func quoteForMessage(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, quoted: Bool = true) -> String {
        let limit = 60
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<min(end, start + limit)])
        var text = String(decoding: slice, as: UTF8.self)
        text = text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        if end - start > limit { text += "…" }
        return quoted && !text.hasPrefix("\"") ? "\"\(text)\"" : text
    }

    func error(expected: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset, expected: expected, found: describeHere())
    }

    /// 1-based line and column (in bytes) of an offset.
    func lineAndColumn(of offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        var i = 0
        while i < end {
            if bytes[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return (line, end - lineStart + 1)
    }
}

/// A member name: raw bytes when it had no escapes, else its decoded text.
struct JSONKey {
    let raw: UnsafeBufferPointer<UInt8>?
    let decoded: String?
    /// Where the name's opening quote is.
    let offset: Int

    @inline(__always)
    func equals(_ name: StaticString) -> Bool {
        if let raw {
            guard raw.count == name.utf8CodeUnitCount else { return false }
            guard let base = raw.baseAddress else { return raw.count == 0 }
            return memcmp(base, name.utf8Start, raw.count) == 0
        }
        return decoded == name.description
    }

    var string: String {
        if let raw { return String(decoding: raw, as: UTF8.self) }
        return decoded ?? ""
    }
}

/// A JSON number as written: its value when it is an integer that fits in 64 bits.
struct JSONNumber: Equatable, Sendable {
    let integer: Int64?
    /// The text as written, kept when it is needed for a message (non-integers, overflow).
    let text: String?

    var description: String { text ?? integer.map(String.init) ?? "?" }
}

/// A parsed JSON value, used where the shape is loose (HAR files).
enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var integerValue: Int64? {
        if case .number(let n) = self { return n.integer }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
}

/// A syntax error at a byte offset; the caller turns the offset into a line.
struct JSONSyntaxError: Error, Equatable {
    let offset: Int
    let expected: String
    let found: String
}
