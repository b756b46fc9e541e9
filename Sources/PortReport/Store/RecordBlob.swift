import Foundation
import GRDB

/// A snapshot's records packed into one blob (table `snapshot_records`, schema v2 on).
///
/// One row per record cost one B-tree insert per record, which was most of an import (a year's
/// history is 1.5 M records); one blob per snapshot makes an import parsing plus one insert per
/// snapshot, and finding a port in a snapshot a binary search.
///
/// Layout: 16-byte entries, sorted by (port, type), every field big-endian so that the bytes sort
/// as the key does and SQL can decode them with `hex()` (see the `record` view):
///
/// | bytes | field |
/// |---|---|
/// | 0–1 | port (0–65535) |
/// | 2 | type: 0 TCP, 1 TCP6, 2 UDP, 3 UDP6 |
/// | 3 | status: 0 none, 1 danger, 2 normal, 3 unknown |
/// | 4–7 | `source.id` of the page the record came from |
/// | 8–15 | num (0 to `PortRecord.maximumNum`; stores written by 0.2 may hold up to 2⁶³ − 1, which
/// the analysis reader flags and leaves out) |
enum RecordBlob {
    static let entrySize = 16

    struct Entry: Equatable {
        var port: Int
        var type: PortType
        var status: VendorStatus?
        var sourceID: Int64
        var num: Int64

        /// The sort key: port then type, as the bytes sort.
        var key: UInt32 { UInt32(port) << 2 | UInt32(type.order) }

        var record: PortRecord { PortRecord(port: port, type: type, num: num, status: status) }
    }

    /// Why an entry cannot be stored or a blob cannot be read.
    struct Damage: Error, CustomStringConvertible {
        let description: String
    }

    static func statusCode(_ status: VendorStatus?) -> UInt8 {
        switch status {
        case nil: return 0
        case .danger: return 1
        case .normal: return 2
        case .unknown: return 3
        }
    }

    static let types: [PortType] = [.tcp, .tcp6, .udp, .udp6]
    static let statuses: [VendorStatus?] = [nil, .danger, .normal, .unknown]

    /// Checks what the v1 schema's CHECK constraints checked; the blob cannot hold anything else.
    /// (Not the maximum num: a store migrated from 0.1 keeps its values, and the analysis reader
    /// leaves out a snapshot with a num over the maximum, with a warning.)
    static func validate(_ entry: Entry) throws(Damage) {
        if let problem = layoutProblem(port: entry.port, num: entry.num) { throw Damage(description: problem) }
        guard (1...Int64(UInt32.max)).contains(entry.sourceID) else {
            throw Damage(description: "source id \(entry.sourceID) does not fit the store's layout")
        }
    }

    /// Why a record's port or num cannot be stored, or nil when they can: the layout's limits,
    /// and `PortRecord.maximumNum`.
    @inline(__always)
    static func problem(port: Int, num: Int64) -> String? {
        if let problem = layoutProblem(port: port, num: num) { return problem }
        if num > PortRecord.maximumNum { return "num \(num) is over the maximum \(PortRecord.maximumNum)" }
        return nil
    }

    /// Why the blob's layout cannot hold a record's port or num, or nil when it can.
    @inline(__always)
    static func layoutProblem(port: Int, num: Int64) -> String? {
        if !(0...65_535).contains(port) { return "port \(port) is outside 0–65535" }
        if num < 0 { return "num \(num) is negative" }
        return nil
    }

    /// Packs entries already sorted by `key`, with no key twice.
    static func encode(_ entries: [Entry]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: entries.count * entrySize)
        bytes.withUnsafeMutableBytes { buffer in
            for (index, entry) in entries.enumerated() {
                let base = index * entrySize
                buffer.storeBytes(of: UInt16(truncatingIfNeeded: entry.port).bigEndian, toByteOffset: base, as: UInt16.self)
                buffer[base + 2] = UInt8(entry.type.order)
                buffer[base + 3] = statusCode(entry.status)
                buffer.storeBytes(of: UInt32(truncatingIfNeeded: entry.sourceID).bigEndian, toByteOffset: base + 4, as: UInt32.self)
                buffer.storeBytes(of: UInt64(bitPattern: entry.num).bigEndian, toByteOffset: base + 8, as: UInt64.self)
            }
        }
        return bytes
    }

    /// A read-only view of a stored blob.
    struct View {
        let bytes: UnsafeRawBufferPointer

        /// Checks the length; entries are checked as they are read.
        init(_ bytes: UnsafeRawBufferPointer) throws(Damage) {
            guard bytes.count % RecordBlob.entrySize == 0 else {
                throw Damage(description: "its records blob is \(bytes.count) bytes, not a multiple of \(RecordBlob.entrySize)")
            }
            self.bytes = bytes
        }

        var count: Int { bytes.count / RecordBlob.entrySize }

        func key(at index: Int) -> UInt32 {
            let base = index * RecordBlob.entrySize
            return UInt32(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: base, as: UInt16.self))) << 2 | UInt32(bytes[base + 2] & 3)
        }

        /// The type code (0 TCP, 1 TCP6, 2 UDP, 3 UDP6; anything else is damage).
        func typeCode(at index: Int) -> UInt8 { bytes[index * RecordBlob.entrySize + 2] }

        /// The status code (0 none, 1 danger, 2 normal, 3 unknown; anything else is damage).
        func statusCode(at index: Int) -> UInt8 { bytes[index * RecordBlob.entrySize + 3] }

        func num(at index: Int) -> Int64 {
            Int64(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: index * RecordBlob.entrySize + 8, as: UInt64.self)))
        }

        func entry(at index: Int) throws(Damage) -> Entry {
            let base = index * RecordBlob.entrySize
            let typeCode = bytes[base + 2], statusCode = bytes[base + 3]
            guard typeCode < 4, statusCode < 4 else {
                throw Damage(
                    description:
                        "record \(index) of its records blob has type code \(typeCode) and status code \(statusCode) (expected 0–3)")
            }
            let num = self.num(at: index)
            guard num >= 0 else { throw Damage(description: "record \(index) of its records blob has a negative num") }
            return Entry(
                port: Int(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: base, as: UInt16.self))),
                type: RecordBlob.types[Int(typeCode)], status: RecordBlob.statuses[Int(statusCode)],
                sourceID: Int64(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: base + 4, as: UInt32.self))), num: num)
        }

        /// Every entry, checking that they are sorted with no key twice.
        func entries() throws(Damage) -> [Entry] {
            var result: [Entry] = []
            result.reserveCapacity(count)
            var previous: UInt32?
            for index in 0..<count {
                let entry = try entry(at: index)
                if let previous, entry.key <= previous {
                    throw Damage(description: "record \(index) of its records blob is out of order")
                }
                previous = entry.key
                result.append(entry)
            }
            return result
        }

        /// The index of `key`, by binary search.
        func index(of key: UInt32) -> Int? {
            var low = 0, high = count
            while low < high {
                let middle = (low + high) / 2
                let found = self.key(at: middle)
                if found == key { return middle }
                if found < key { low = middle + 1 } else { high = middle }
            }
            return nil
        }
    }

    // MARK: SQL

    /// `hex(...)` of an entry is 32 hexadecimal digits; this is the value of `count` of them from
    /// digit `first` (1-based) as SQL, for the `record` view.
    private static func hexValue(_ column: String, first: Int, count: Int) -> String {
        (0..<count).map { digit in
            let weight = count - 1 - digit == 0 ? "" : " * \(1 << (4 * (count - 1 - digit)))"
            return "(instr('0123456789ABCDEF', substr(\(column), \(first + digit), 1)) - 1)\(weight)"
        }.joined(separator: " + ")
    }

    /// The `record` view: the v1 table's rows, decoded from the blobs with plain SQL, for people
    /// who query the store. portreport itself reads the blobs.
    static let recordViewSQL = """
        CREATE VIEW record (snapshot_id, port, type, num, status, source_id) AS
        WITH RECURSIVE entry_index (i) AS (
            SELECT 0 WHERE (SELECT max(length(data)) FROM snapshot_records) >= 16
            UNION ALL
            SELECT i + 1 FROM entry_index WHERE i + 1 < (SELECT max(length(data)) / 16 FROM snapshot_records)
        ),
        entry (snapshot_id, h) AS (
            SELECT snapshot_records.snapshot_id, hex(substr(snapshot_records.data, entry_index.i * 16 + 1, 16))
            FROM snapshot_records JOIN entry_index ON entry_index.i < length(snapshot_records.data) / 16
        )
        SELECT snapshot_id,
            \(hexValue("h", first: 1, count: 4)),
            CASE substr(h, 5, 2) WHEN '00' THEN 'TCP' WHEN '01' THEN 'TCP6' WHEN '02' THEN 'UDP' WHEN '03' THEN 'UDP6' END,
            \(hexValue("h", first: 17, count: 16)),
            CASE substr(h, 7, 2) WHEN '01' THEN 'danger' WHEN '02' THEN 'normal' WHEN '03' THEN 'unknown' END,
            \(hexValue("h", first: 9, count: 8))
        FROM entry
        """
}

extension RecordBlob {
    static let tableSQL = """
        CREATE TABLE snapshot_records (
            snapshot_id INTEGER PRIMARY KEY REFERENCES snapshot (id) ON DELETE CASCADE,
            data BLOB NOT NULL                      -- 16 bytes per record, see RecordBlob.swift
        )
        """

    /// Schema v2: packs each snapshot's rows of the v1 `record` table into its blob, then puts the
    /// `record` view where the table was. Digests do not change: they are of the records.
    static func migrateRecordTable(_ db: Database) throws {
        try db.execute(sql: tableSQL)
        let insert = try db.makeStatement(sql: "INSERT INTO snapshot_records (snapshot_id, data) VALUES (?, ?)")
        let select = try db.makeStatement(
            sql: "SELECT port, type, num, status, source_id FROM record WHERE snapshot_id = ? ORDER BY port, type")
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM snapshot ORDER BY id") {
            var entries: [Entry] = []
            let rows = try Row.fetchCursor(select, arguments: [id])
            while let row = try rows.next() {
                let typeText: String = row["type"]
                let statusText: String? = row["status"]
                guard let type = PortType(rawValue: typeText) else {
                    throw Damage(description: "snapshot \(id) has a record of type '\(typeText)'")
                }
                let entry = Entry(
                    port: row["port"], type: type, status: statusText.flatMap(VendorStatus.init(rawValue:)),
                    sourceID: row["source_id"], num: row["num"])
                try validate(entry)
                entries.append(entry)
            }
            try insert.execute(arguments: [id, Data(encode(entries))])
        }
        try db.execute(sql: "DROP TABLE record")
        try db.execute(sql: recordViewSQL)
    }
}

extension RecordBlob {
    /// Schema v6: the snapshots that hold a num over `PortRecord.maximumNum`, found once. Only a
    /// store written by portreport 0.2 (schema v1, migrated) can hold one — an import refuses such
    /// a record — but reports looked for them by reading every blob in scope each time, which grew
    /// with the history (18,000 blobs for 100 projects × 90 days).
    static func migrateOverMaximum(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE snapshot_over_maximum (
                    snapshot_id INTEGER PRIMARY KEY REFERENCES snapshot (id) ON DELETE CASCADE,
                    warning TEXT NOT NULL                   -- what reports say about it, in words
                )
                """)
        let insert = try db.makeStatement(sql: "INSERT INTO snapshot_over_maximum (snapshot_id, warning) VALUES (?, ?)")
        for (id, warning) in try scanOverMaximum(db) { try insert.execute(arguments: [id, warning]) }
    }

    /// Each snapshot holding a num over the maximum, with the warning naming its first such
    /// record: read from `snapshot_over_maximum` (schema v6 on), or found by reading every blob
    /// in a store older than that (one that could not be upgraded, read as it is).
    static func overMaximum(_ db: Database) throws -> [Int64: String] {
        let upgraded = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0 >= 6
        if upgraded {
            var result: [Int64: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT snapshot_id, warning FROM snapshot_over_maximum") {
                result[row[0]] = row[1]
            }
            return result
        }
        return Dictionary(try scanOverMaximum(db), uniquingKeysWith: { first, _ in first })
    }

    private static func scanOverMaximum(_ db: Database) throws -> [(Int64, String)] {
        guard try db.tableExists("snapshot_records") else { return [] }
        var result: [(Int64, String)] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT snapshot_id, data FROM snapshot_records ORDER BY snapshot_id")
        while let row = try rows.next() {
            let id: Int64 = row[0]
            // A blob of the wrong length is for the commands that read records to report.
            let warning = try row.withUnsafeData(atIndex: 1) { data in
                data?.withUnsafeBytes { bytes in (try? View(bytes)).flatMap { AnalysisReader.numWarning(id: id, $0) } }
            }
            if let warning { result.append((id, warning)) }
        }
        return result
    }
}
