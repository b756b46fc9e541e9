/// A table of aligned columns for the terminal (`snapshots`, `diff`): two spaces between
/// columns, no trailing spaces, one line per row.
///
/// Each cell is shown with `TerminalText.value`: control characters visible (a newline in a
/// project id cannot split a row) and cut to `TerminalText.tableCellWidth` characters, the last
/// column (which pads nothing) to `TerminalText.messageValueWidth`. The work is linear in the
/// cells' lengths: each cell is measured once, and the widest cell is bounded.
enum TextTable {
    static func render(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        guard let columns = rows.map(\.count).max(), columns > 0 else { return "" }
        let cells = rows.map { row in
            row.enumerated().map { column, cell -> (text: String, width: Int) in
                let shown = TerminalText.value(
                    cell, width: column == columns - 1 ? TerminalText.messageValueWidth : TerminalText.tableCellWidth)
                return (shown, shown.count)
            }
        }
        var widths = Array(repeating: 0, count: columns)
        for row in cells {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.width) }
        }
        return cells.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                if column > 0 { line += "  " }
                let padding = String(repeating: " ", count: widths[column] - cell.width)
                line += rightAligned.contains(column) ? padding + cell.text : cell.text + padding
            }
            while line.unicodeScalars.last == " " { line.unicodeScalars.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
