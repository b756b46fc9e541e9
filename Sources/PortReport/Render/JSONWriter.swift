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

    /// What is written and not flushed yet. A buffer of its own rather than a `[UInt8]`: an
    /// array's append checks uniqueness and capacity for every byte, which was about a third of
    /// the JSON's instructions (callgrind, the year's report); here each value reserves once.
    /// A class, so a copy of the writer would share it: a writer is passed `inout`, never copied.
    private let out = ByteBuffer(capacity: 1 << 16)
    /// Where the bytes go once there are `flushThreshold` of them, when the document is
    /// streamed (`out` then holds what is not written yet); nil to keep the whole document.
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
        if flush != nil { out.reserve(Self.flushThreshold + (1 << 16)) }
    }

    /// A newline and the indentation of `depth`, with `extra` more bytes reserved after it.
    private mutating func newline(reserving extra: Int = 0) {
        let indent = depth * 2
        out.reserve(1 + indent + extra)
        out.appendUnchecked(0x0A)
        out.appendSpacesUnchecked(indent)
    }

    /// Before any value: the flush, the comma, the line break, and room for `extra` bytes.
    private mutating func beforeValue(reserving extra: Int = 0) {
        if let flush, out.count >= Self.flushThreshold {
            flush(out.drain())
        }
        if needsComma {
            out.reserve(1)
            out.appendUnchecked(UInt8(ascii: ","))
        }
        needsComma = true
        if depth > 0 { newline(reserving: extra) } else { out.reserve(extra) }
    }

    private mutating func key(_ name: String) {
        var name = name
        name.withUTF8 { utf8 in
            // Room for the quotes and " : " (each value reserves its own).
            beforeValue(reserving: utf8.count + 5)
            appendQuoted(utf8)
        }
        if style == .foundationPretty { out.appendUnchecked(UInt8(ascii: " ")) }
        out.appendUnchecked(UInt8(ascii: ":"))
        out.appendUnchecked(UInt8(ascii: " "))
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
        out.reserve(1)
        out.appendUnchecked(byte)
        depth += 1
        outerNeedsComma.append(needsComma)
        needsComma = false
    }

    private mutating func closeContainer(_ byte: UInt8) {
        let hadMembers = needsComma
        needsComma = outerNeedsComma.popLast() ?? false
        depth -= 1
        if hadMembers {
            newline(reserving: 1)
        } else if style == .foundationPretty {
            out.reserve(1)
            out.appendUnchecked(0x0A)
            newline(reserving: 1)
        } else {
            out.reserve(1)
        }
        out.appendUnchecked(byte)
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
        guard var value else { return appendLiteral("null") }
        value.withUTF8 { utf8 in
            out.reserve(utf8.count + 2)
            appendQuoted(utf8)
        }
    }

    private mutating func valueInt(_ value: Int64?) {
        guard let value else { return appendLiteral("null") }
        // Digits written straight into the output: a report's series are tens of thousands of
        // numbers, and a String per number was most of the JSON's cost.
        out.reserve(20)  // "-" and Int64's 19 digits
        if value < 0 { out.appendUnchecked(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt64.max's 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { digits in
            repeat {
                digits[count] = UInt8(truncatingIfNeeded: magnitude % 10) &+ UInt8(ascii: "0")
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { out.appendUnchecked(digits[index]) }
        }
    }

    private mutating func appendLiteral(_ text: StaticString) {
        out.append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func valueFraction(_ value: Double) {
        out.reserve(Decimals.maximumLength)
        out.appendUnchecked { Decimals.write(value, places: 6, into: $0) }
    }

    /// `utf8` in quotes, escaped; the caller has reserved its length and the quotes (an escape
    /// reserves what it adds).
    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        out.appendUnchecked(UInt8(ascii: "\""))
        // Most strings (keys, times, port names) need no escape: copied whole.
        if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0xE2 }) {
            out.appendUnchecked(utf8)
        } else {
            appendEscaped(utf8)
        }
        out.appendUnchecked(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            // At most six bytes (`\u00XX`, `\u2028`) for an input byte, and the closing quote.
            out.reserve(7)
            switch byte {
            case UInt8(ascii: "\""): out.appendUnchecked(0x5C, 0x22)
            case UInt8(ascii: "\\"): out.appendUnchecked(0x5C, 0x5C)
            case 0x0A: out.appendUnchecked(0x5C, UInt8(ascii: "n"))
            case 0x0D: out.appendUnchecked(0x5C, UInt8(ascii: "r"))
            case 0x09: out.appendUnchecked(0x5C, UInt8(ascii: "t"))
            case 0x08 where style == .foundationPretty: out.appendUnchecked(0x5C, UInt8(ascii: "b"))
            case 0x0C where style == .foundationPretty: out.appendUnchecked(0x5C, UInt8(ascii: "f"))
            case 0..<0x20:
                out.appendUnchecked(0x5C, UInt8(ascii: "u"))
                out.appendUnchecked(UInt8(ascii: "0"), UInt8(ascii: "0"))
                out.appendUnchecked(JSONWriter.hexDigit(byte >> 4), JSONWriter.hexDigit(byte & 0x0F))
            case 0xE2
            where style == .standard && index + 2 < utf8.count && utf8[index + 1] == 0x80
                && (utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9):
                // U+2028 and U+2029 end lines in JavaScript: escaped so the JSON embeds anywhere.
                out.appendUnchecked(0x5C, UInt8(ascii: "u"))
                out.appendUnchecked(UInt8(ascii: "2"), UInt8(ascii: "0"))
                out.appendUnchecked(UInt8(ascii: "2"), utf8[index + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9"))
                index += 2
            default:
                out.appendUnchecked(byte)
            }
            index += 1
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "a") &+ (nibble &- 10)
    }

    /// The document, with a final newline (when streamed: what was not flushed yet).
    mutating func finish() -> [UInt8] {
        out.append(0x0A)
        return out.drain()
    }
}

/// A growable byte buffer for one writer: `reserve` makes room, and the unchecked appends that
/// follow it write without checking again. Not shared, so a plain class; freed on deinit.
private final class ByteBuffer {
    private var start: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    /// Room for `extra` more bytes.
    @inline(__always) func reserve(_ extra: Int) {
        if capacity - count < extra { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        moved.update(from: start, count: count)
        start.deallocate()
        start = moved
        capacity = newCapacity
    }

    @inline(__always) func appendUnchecked(_ byte: UInt8) {
        start[count] = byte
        count += 1
    }

    @inline(__always) func appendUnchecked(_ first: UInt8, _ second: UInt8) {
        start[count] = first
        start[count + 1] = second
        count += 2
    }

    @inline(__always) func appendUnchecked(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        (start + count).update(from: base, count: bytes.count)
        count += bytes.count
    }

    /// What `write` puts into the reserved room (at most what was reserved) and says it wrote.
    @inline(__always) func appendUnchecked(_ write: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        let written = write(UnsafeMutableBufferPointer(start: start + count, count: capacity - count))
        count += min(max(written, 0), capacity - count)
    }

    /// `count` spaces (indentation).
    @inline(__always) func appendSpacesUnchecked(_ spaces: Int) {
        guard spaces > 0 else { return }
        (start + count).update(repeating: UInt8(ascii: " "), count: spaces)
        count += spaces
    }

    func append(_ byte: UInt8) {
        reserve(1)
        appendUnchecked(byte)
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        reserve(bytes.count)
        appendUnchecked(bytes)
    }

    /// What is held, handed over; the buffer is then empty, its capacity kept.
    func drain() -> [UInt8] {
        let bytes = Array(UnsafeBufferPointer(start: start, count: count))
        count = 0
        return bytes
    }
}

/// Fixed-point formatting without the locale or `%f` rounding surprises.
enum Decimals {
    /// The most bytes `write` spells: a sign, 16 digits (magnitudes stay under 9e15 after
    /// scaling), the point and up to 9 places.
    static let maximumLength = 32

    static func fixed(_ value: Double, places: Int) -> String {
        // Built in place: a short result is a small string, with no allocation.
        String(unsafeUninitializedCapacity: maximumLength) { write(value, places: places, into: $0) }
    }

    /// What `fixed` spells, appended to `bytes`: for callers that write many numbers into one
    /// text (a sparkline's points), where a String per number was most of the chart's cost.
    static func appendFixed(_ value: Double, places: Int, to bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumLength) { buffer in
            let count = write(value, places: places, into: buffer)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// Writes the value with `places` decimals (0–9) into `buffer` (at least `maximumLength`
    /// bytes); returns how many bytes it wrote. Out of range or not finite: "0".
    static func write(_ value: Double, places: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard buffer.count >= maximumLength else { return 0 }
        let places = min(max(places, 0), 9)
        var scale: Double = 1
        var divisor: UInt64 = 1
        for _ in 0..<places {
            scale *= 10
            divisor *= 10
        }
        let scaled = (value * scale).rounded(.toNearestOrEven)
        guard scaled.isFinite, abs(scaled) < 9e15 else {
            buffer[0] = UInt8(ascii: "0")
            return 1
        }
        let integer = Int64(scaled)
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
