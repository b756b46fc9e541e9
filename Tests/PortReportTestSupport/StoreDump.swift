import Foundation
import GRDB

/// Reading a database with SQL of the tests' own (GRDB, not the PortReport library).
public enum StoreDump {
    /// Runs `body` on the database at `path`, opened read-only (so that inspecting a store never
    /// changes it), and closes it.
    public static func read<T>(_ path: String, _ body: (Database) throws -> T) throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read(body)
    }

    /// A text dump of the whole database: the schema, then every row of every table (sorted, so
    /// that the dump does not depend on the order SQLite returns rows in), blobs byte for byte
    /// (the records live in them), then user_version. Two stores with equal dumps hold the same
    /// data.
    public static func text(_ path: String) throws -> String {
        try read(path) { db in
            var lines: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name") {
                lines.append("schema \(row["type"] as String? ?? "") \(row["name"] as String? ?? ""): \(row["sql"] as String? ?? "")")
            }
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for table in tables {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)")
                lines.append("table \(table): \(rows.count) rows")
                lines.append(contentsOf: rows.map { "  " + describe($0) }.sorted())
            }
            lines.append("user_version \(try Int.fetchOne(db, sql: "PRAGMA user_version") ?? -1)")
            return lines.joined(separator: "\n")
        }
    }

    /// A row as `column:value ...`, a blob as x'hex' in full: GRDB's own description of a row
    /// shows only a blob's size, so two stores whose records differ would dump alike.
    static func describe(_ row: Row) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return row.map { column, value -> String in
            guard case .blob(let data) = value.storage else { return "\(column):\(value)" }
            var hex: [UInt8] = []
            hex.reserveCapacity(data.count * 2)
            for byte in data {
                hex.append(digits[Int(byte >> 4)])
                hex.append(digits[Int(byte & 0x0F)])
            }
            return "\(column):x'\(String(decoding: hex, as: UTF8.self))'"
        }.joined(separator: " ")
    }
}
