/// The identity of a snapshot: SHA-256 of its key and its records in canonical order.
enum SnapshotDigest {
    /// `entries` sorted by port and type.
    static func compute(_ entries: [RecordBlob.Entry], key: SnapshotKey) -> String {
        var hasher = SHA256Hasher()
        hasher.update(
            "portreport snapshot v1\nproject=\(key.projectID)\nenterprise_project=\(key.enterpriseProjectID)\ncategory=\(key.category.rawValue)\ncaptured_at=\(key.capturedAt.rfc3339)\nfilters=\(key.filters)\n"
        )
        // Lines of "PORT TYPE NUM STATUS" (status "-" when none), written into a fixed buffer:
        // this runs for every record of an import.
        let capacity = 1 << 16, longestLine = 5 + 1 + 4 + 1 + 19 + 1 + 7 + 1
        var buffer = [UInt8](repeating: 0, count: capacity)
        buffer.withUnsafeMutableBufferPointer { buffer in
            var count = 0
            func put(_ text: StaticString) {
                for offset in 0..<text.utf8CodeUnitCount { buffer[count + offset] = text.utf8Start[offset] }
                count += text.utf8CodeUnitCount
            }
            func put(_ value: UInt64) {
                var digits = 1, rest = value / 10
                while rest > 0 { digits += 1; rest /= 10 }
                var v = value
                for offset in stride(from: digits - 1, through: 0, by: -1) {
                    buffer[count + offset] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
                    v /= 10
                }
                count += digits
            }
            for entry in entries {
                put(UInt64(entry.port))
                buffer[count] = 0x20
                count += 1
                put(entry.type.staticName)
                buffer[count] = 0x20
                count += 1
                put(UInt64(entry.num))
                buffer[count] = 0x20
                count += 1
                if let status = entry.status { put(status.staticName) } else { put("-") }
                buffer[count] = 0x0A
                count += 1
                if count > capacity - longestLine {
                    hasher.update(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<count])))
                    count = 0
                }
            }
            hasher.update(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<count])))
        }
        return hasher.finalizeHex()
    }
}
