import Foundation
import PortReport

/// Progress on standard error, redrawn in place, only when standard error is a terminal.
final class TerminalProgress: ImportProgress {
    private var lastDraw = 0.0
    private let start = Date()
    private var drawn = false

    static func makeIfTerminal(quiet: Bool) -> TerminalProgress? {
        guard !quiet, isatty(2) == 1 else { return nil }
        return TerminalProgress()
    }

    func update(filesDone: Int, filesTotal: Int, records: Int) {
        let elapsed = Date().timeIntervalSince(start)
        guard elapsed - lastDraw >= 0.2 || filesDone == filesTotal else { return }
        lastDraw = elapsed
        let rate = elapsed > 0 ? Int(Double(records) / elapsed) : 0
        StandardError.write(Array("\r\u{1B}[K  \(filesDone)/\(filesTotal) files, \(records) records, \(rate) records/s".utf8))
        drawn = true
    }

    func finish() {
        if drawn { StandardError.write(Array("\r\u{1B}[K".utf8)) }
    }
}
