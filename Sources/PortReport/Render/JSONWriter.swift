/// A small JSON writer whose output is fully determined by the calls made: members come out in
/// the order written, numbers in a fixed notation, two-space indentation. (Foundation's
/// encoders sort or reorder keys and format doubles as they see fit.)
struct JSONWriter {
    /// How the document is spelled.
    enum Style {
        /// `"key": value`, `[]` for an empty array.
        case standard
        /// What Foundation's `JSONEncoder` writes with `.prettyPrinted` on Linux (`"key" : value`,
        /// an empty container over three lines, `\b` and `\f`, U+2028 as it is): for outputs
        /// that JSONEncoder wrote before, which must stay byte for byte.
        case foundationPretty
    }

    private(set) var bytes: [UInt8] = []
    /// Where the bytes go once there are `flushThreshold` of them, when the document is
    /// streamed (`bytes` then holds what is not written yet); nil to keep the whole document.
    private let flush: (([UInt8]) -> Void)?
    static let flushThreshold = 1 << 20
    private var depth = 0
    /// Whether the innermost open container has a member yet (so the next needs a comma); the
    /// outer containers' flags wait in `outerNeedsComma`. A scalar for the innermost: indexing
    /// the stack for every value checked its uniqueness each time.
    private var needsComma = false
    private var outerNeedsComma: [Bool] = []
    private let style: Style

    init(style: Style = .standard, flushingTo flush: (([UInt8]) -> Void)? = nil) {
        self.style = style
        self.flush = flush
        bytes.reserveCapacity(flush == nil ? 1 << 16 : Self.flushThreshold + (1 << 16))
    }

    private mutating func newline() {
        bytes.append(0x0A)
        // The indentation copied from a run of spaces (appending a repeated element went byte by
        // byte, a tenth of the JSON's time).
        var remaining = depth * 2
        while remaining > 0 {
            let run = min(remaining, JSONWriter.spaces.utf8CodeUnitCount)
            bytes.append(contentsOf: UnsafeBufferPointer(start: JSONWriter.spaces.utf8Start, count: run))
            remaining -= run
        }
    }

    private static let spaces: StaticString = "                                                                "

    private mutating func beforeValue() {
        if let flush, bytes.count >= Self.flushThreshold {
            flush(bytes)
            bytes.removeAll(keepingCapacity: true)
        }
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
        if depth > 0 { newline() }
    }

    private mutating func key(_ name: String) {
        beforeValue()
        appendString(name)
        if style == .foundationPretty { bytes.append(UInt8(ascii: " ")) }
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
    }

    mutating func object(_ body: (inout JSONWriter) -> Void) {
        openContainer(UInt8(ascii: "{"))
        body(&self)
        closeContainer(UInt8(ascii: "}"))
    }

    mutating func array(_ body: (inout JSONWriter) -> Void) {
        openContainer(UInt8(ascii: "["))
        body(&self)
        closeContainer(UInt8(ascii: "]"))
    }

    private mutating func openContainer(_ byte: UInt8) {
        bytes.append(byte)
        depth += 1
        outerNeedsComma.append(needsComma)
        needsComma = false
    }

    private mutating func closeContainer(_ byte: UInt8) {
        let hadMembers = needsComma
        needsComma = outerNeedsComma.popLast() ?? false
        depth -= 1
        if hadMembers {
            newline()
        } else if style == .foundationPretty {
            bytes.append(0x0A)
            newline()
        }
        bytes.append(byte)
    }

    // Members of an object.
    mutating func object(_ name: String, _ body: (inout JSONWriter) -> Void) { key(name); object(body) }
    mutating func array(_ name: String, _ body: (inout JSONWriter) -> Void) { key(name); array(body) }
    mutating func string(_ name: String, _ value: String?) { key(name); valueString(value) }
    mutating func int(_ name: String, _ value: Int64?) { key(name); valueInt(value) }
    mutating func int(_ name: String, _ value: Int) { key(name); valueInt(Int64(value)) }
    mutating func bool(_ name: String, _ value: Bool) { key(name); appendLiteral(value ? "true" : "false") }
    /// A fraction, written with 6 decimals (`0.123457`): enough for shares, and stable.
    mutating func fraction(_ name: String, _ value: Double) { key(name); valueFraction(value) }

    // Elements of an array.
    mutating func element(_ value: String?) { beforeValue(); valueString(value) }
    mutating func element(_ value: Int64?) { beforeValue(); valueInt(value) }
    mutating func elementObject(_ body: (inout JSONWriter) -> Void) { beforeValue(); object(body) }

    private mutating func valueString(_ value: String?) {
        guard let value else { return appendLiteral("null") }
        appendString(value)
    }

    private mutating func valueInt(_ value: Int64?) {
        guard let value else { return appendLiteral("null") }
        // Digits written straight into the output: a report's series are tens of thousands of
        // numbers, and a String per number was most of the JSON's cost.
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt64.max's 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { digits in
            repeat {
                digits[count] = UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0")
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(digits[index]) }
        }
    }

    private mutating func appendLiteral(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func valueFraction(_ value: Double) {
        var text = Decimals.fixed(value, places: 6)
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    private mutating func appendString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Most strings (keys, times, port names) need no escape: copied whole.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0xE2 }) {
                bytes.append(contentsOf: utf8)
                return
            }
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08 where style == .foundationPretty: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C where style == .foundationPretty: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0..<0x20:
                    bytes.append(contentsOf: Array("\\u00".utf8))
                    bytes.append(JSONWriter.hexDigits[Int(byte >> 4)])
                    bytes.append(JSONWriter.hexDigits[Int(byte & 0x0F)])
                case 0xE2
                where style == .standard && index + 2 < utf8.count && utf8[index + 1] == 0x80
                    && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                    // U+2028 and U+2029 end lines in JavaScript: escaped so the JSON embeds anywhere.
                    bytes.append(contentsOf: Array((utf8[index + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8))
                    index += 2
                default:
                    bytes.append(byte)
                }
                index += 1
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// The document, with a final newline (when streamed: what was not flushed yet).
    mutating func finish() -> [UInt8] {
        bytes.append(0x0A)
        return bytes
    }
}

/// Fixed-point formatting without the locale or `%f` rounding surprises.
enum Decimals {
    static func fixed(_ value: Double, places: Int) -> String {
        var scale: Double = 1
        var divisor: UInt64 = 1
        for _ in 0..<places {
            scale *= 10
            divisor *= 10
        }
        let scaled = (value * scale).rounded(.toNearestOrEven)
        guard scaled.isFinite, abs(scaled) < 9e15 else { return "0" }
        let integer = Int64(scaled)
        // Built as bytes: a report writes three of these for every ranked port.
        return String(unsafeUninitializedCapacity: 24 + places) { buffer in
            var count = 0
            if integer < 0 {
                buffer[0] = UInt8(ascii: "-")
                count = 1
            }
            func put(_ value: UInt64, width: Int) {
                var digits = 1, rest = value / 10
                while rest > 0 {
                    digits += 1
                    rest /= 10
                }
                let written = max(digits, width)
                var v = value
                for offset in stride(from: written - 1, through: 0, by: -1) {
                    buffer[count + offset] = UInt8(truncatingIfNeeded: v % 10) &+ UInt8(ascii: "0")
                    v /= 10
                }
                count += written
            }
            put(integer.magnitude / divisor, width: 1)
            if places > 0 {
                buffer[count] = UInt8(ascii: ".")
                count += 1
                put(integer.magnitude % divisor, width: places)
            }
            return count
        }
    }
}
