import Foundation

/// Writes report files atomically: a temporary file beside the target, then a rename, so a
/// reader never sees half a report.
public enum OutputFile {
    public static func write(_ bytes: [UInt8], to path: String) throws(ReportError) {
        if path == "-" {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).portreport-\(getpid()).tmp")
        do {
            try Data(bytes).write(to: temporary)
            if rename(temporary.path, url.path) != 0 {
                let reason = String(cString: strerror(errno))
                try? FileManager.default.removeItem(at: temporary)
                throw ReportError("\(path): cannot write the report: \(reason)")
            }
        } catch let error as ReportError {
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ReportError("\(path): cannot write the report: \(error.localizedDescription)")
        }
    }
}
