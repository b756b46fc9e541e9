import CZlib

/// gzip decompression through the system's zlib, with a cap on the inflated size so that a small
/// file cannot inflate without bound (a "gzip bomb").
enum Gzip {
    static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    enum Failure: Error {
        case corrupt(String)
        case tooLarge(limit: Int)
    }

    /// Inflates every gzip member in `bytes` (concatenated members are valid gzip).
    static func inflate(_ bytes: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        // 15 + 16: a gzip wrapper is required (raw zlib data is not a .gz file).
        guard portreport_inflateInit2(&stream, 15 + 16) == Z_OK else { throw .corrupt("zlib could not start") }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(min(limit, max(bytes.count * 4, 1 << 16)))
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        var status: Int32 = Z_OK
        var consumed = 0
        while true {
            let result: Int32 = bytes.withUnsafeBufferPointer { input in
                buffer.withUnsafeMutableBufferPointer { out in
                    guard let base = input.baseAddress else { return Z_DATA_ERROR }
                    stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
                    stream.avail_in = UInt32(input.count - consumed)
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(chunk)
                    let r = CZlib.inflate(&stream, Z_NO_FLUSH)
                    consumed = input.count - Int(stream.avail_in)
                    return r
                }
            }
            status = result
            let produced = chunk - Int(stream.avail_out)
            if output.count + produced > limit { throw .tooLarge(limit: limit) }
            output.append(contentsOf: buffer[0..<produced])
            if status == Z_STREAM_END {
                // Another member may follow; anything else after the end is an error.
                if consumed == bytes.count { return output }
                if bytes.count - consumed >= 2, bytes[consumed] == 0x1F, bytes[consumed + 1] == 0x8B {
                    inflateReset(&stream)
                    continue
                }
                throw .corrupt("unexpected data after the end of the gzip stream")
            }
            if status == Z_BUF_ERROR && stream.avail_in == 0 {
                throw .corrupt("the gzip data is truncated")
            }
            guard status == Z_OK else {
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw .corrupt(message)
            }
        }
    }
}
