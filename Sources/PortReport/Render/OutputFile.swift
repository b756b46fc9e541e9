import Foundation

/// Writes report files atomically: a temporary file beside the target, then a rename, so a
/// reader never sees half a report.
enum OutputFile {
    /// Refuses output files that are one of `protected` (each with what it is, for the
    /// message: "the store", "one of the inputs (PATH)"). Files are compared by device and
    /// inode, so a symbolic link or another spelling of the same path is caught too; protected
    /// files that do not exist are skipped. A later entry for the same file wins.
    static func checkTargets(_ targets: [String], protecting protectedFiles: [(path: String, what: String)]) throws(ReportError) {
        func identity(_ path: String) -> [UInt64]? {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            return [UInt64(info.st_dev), UInt64(info.st_ino)]
        }
        var protected: [[UInt64]: String] = [:]
        for file in protectedFiles {
            if let id = identity(file.path) { protected[id] = file.what }
        }
        for target in targets where target != "-" {
            if let id = identity(target), let what = protected[id] {
                throw ReportError("\(target) is \(what): refusing to write a report over it")
            }
        }
    }

    /// Writes several reports, files side by side (each is written and synced on its own), then
    /// standard output in order. The first failure in `outputs` order is thrown, after every
    /// other write has finished.
    static func writeAll(_ outputs: [(bytes: [UInt8], path: String)]) throws(ReportError) {
        let files = outputs.enumerated().filter { $0.element.path != "-" }
        let failures = IndexedSlots<ReportError>(count: outputs.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let (position, output) = files[index]
            do throws(ReportError) {
                try write(output.bytes, to: output.path)
            } catch {
                failures.set(position, error)
            }
        }
        for (position, output) in outputs.enumerated() where output.path == "-" {
            do throws(ReportError) {
                try write(output.bytes, to: output.path)
            } catch {
                failures.set(position, error)
            }
        }
        if let first = failures.all.compactMap({ $0 }).first { throw first }
    }

    static func write(_ bytes: [UInt8], to path: String) throws(ReportError) {
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
