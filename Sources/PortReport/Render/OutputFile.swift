import Foundation

/// Writes report files: a regular file atomically (a temporary file beside the target, then a
/// rename, so a reader never sees half a report); anything else (a device, a FIFO, a descriptor
/// alias such as `/dev/stdout`) in place, as `tee` would, so that it is never replaced.
enum OutputFile {
    /// How a report reaches its target, decided before anything is written.
    enum Method: Equatable {
        /// `-`.
        case standardOutput
        /// A temporary file beside `path` (the target with its symbolic links followed), then a
        /// rename over it: the link, if there was one, stays a link.
        case replace(path: String)
        /// Opened for writing and written into, never created nor replaced: a character device,
        /// a FIFO, a socket, or a name for an open descriptor (`/dev/stdout`, `/dev/fd/N`).
        case inPlace
    }

    /// How `path` is written, or why it cannot be: a missing directory, a directory, a block
    /// device (a report written over a disk would destroy it: refused, unlike `tee`).
    static func method(for path: String) throws(ReportError) -> Method {
        if path == "-" { return .standardOutput }
        let resolved = try followingLinks(path)
        var info = stat()
        if resolved.descriptorAlias {
            guard stat(path, &info) == 0 else { throw ReportError("\(path): cannot write the report: \(reason(errno))") }
        } else {
            let directory = parent(of: resolved.path)
            var directoryInfo = stat()
            guard stat(directory, &directoryInfo) == 0 else {
                let code = errno
                if code == ENOENT { throw ReportError("\(path): the directory \(directory) does not exist") }
                throw ReportError("\(path): cannot write the report: \(directory): \(reason(code))")
            }
            guard isKind(directoryInfo, S_IFDIR) else { throw ReportError("\(path): \(directory) is not a directory") }
            guard stat(resolved.path, &info) == 0 else {
                if errno == ENOENT { return .replace(path: resolved.path) }
                throw ReportError("\(path): cannot write the report: \(reason(errno))")
            }
            if isKind(info, S_IFREG) { return .replace(path: resolved.path) }
        }
        if isKind(info, S_IFDIR) { throw ReportError("\(path) is a directory: name a file inside it") }
        if isKind(info, S_IFBLK) { throw ReportError("\(path) is a block device: refusing to write a report into it") }
        return .inPlace
    }

    /// `path` with the symbolic links of its last component followed (at most 40, as Linux
    /// does), and whether it names an open descriptor (it lies in, or a link leads into,
    /// `/proc`: `/dev/stdout`, `/dev/fd/1`), whose links are not file names to follow.
    static func followingLinks(_ path: String) throws(ReportError) -> (path: String, descriptorAlias: Bool) {
        var current = path
        for _ in 0..<40 {
            if current.hasPrefix("/proc/") || canonicalDirectory(of: current)?.hasPrefix("/proc/") == true {
                return (current, true)
            }
            var info = stat()
            guard lstat(current, &info) == 0, isKind(info, S_IFLNK) else { return (current, false) }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(current, &buffer, buffer.count - 1)
            guard length > 0 else { throw ReportError("\(path): cannot read the symbolic link \(current): \(reason(errno))") }
            let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : joining(parent(of: current), target)
        }
        throw ReportError("\(path): cannot write the report: too many levels of symbolic links")
    }

    /// What tells two targets (or a target and a protected file) apart: the device and inode
    /// when the file exists, and its canonical path (the real path of its directory and its
    /// name) when that directory exists. A file that does not exist yet has no inode: the path
    /// still catches `store.sqlite-wal` before SQLite creates it.
    struct Identity: Sendable {
        var inode: [UInt64]?
        var path: String?

        func isSame(as other: Identity) -> Bool {
            if let inode, inode == other.inode { return true }
            if let path, path == other.path { return true }
            return false
        }
    }

    /// The identity of a target or protected file as given (`-` is standard output's file).
    static func identity(_ path: String) -> Identity {
        var info = stat()
        if path == "-" {
            return Identity(inode: fstat(STDOUT_FILENO, &info) == 0 ? [UInt64(info.st_dev), UInt64(info.st_ino)] : nil, path: nil)
        }
        let resolved = (try? followingLinks(path))?.path ?? path
        let inode = stat(path, &info) == 0 ? [UInt64(info.st_dev), UInt64(info.st_ino)] : nil
        return Identity(inode: inode, path: canonicalPath(resolved))
    }

    /// Throws a usage error naming both spellings when two `-o` targets are one file (`a.json`
    /// and `./a.json`, a link and its target, `-` and `/dev/stdout`).
    static func checkDistinct(_ targets: [String]) throws(UsageError) {
        let identities = targets.map(identity)
        for (index, identity) in identities.enumerated() {
            for earlier in 0..<index where identity.isSame(as: identities[earlier]) {
                throw UsageError("-o \(targets[earlier]) and -o \(targets[index]) are the same output: name each output once")
            }
        }
    }

    /// Refuses output files that are one of `protected` (each with what it is, for the
    /// message: "the store", "one of the inputs (PATH)"), and targets that cannot be written
    /// (`method(for:)`: a missing directory, a directory). Files are compared by device and
    /// inode and by canonical path, so a symbolic link, another spelling of the same path, or a
    /// protected file that does not exist yet (the store's `-wal`) is caught too. A later entry
    /// for the same file wins.
    static func checkTargets(_ targets: [String], protecting protectedFiles: [(path: String, what: String)]) throws(ReportError) {
        let protected = protectedFiles.map { (identity: identity($0.path), what: $0.what) }
        for target in targets where target != "-" {
            let id = identity(target)
            if let match = protected.last(where: { id.isSame(as: $0.identity) }) {
                throw ReportError("\(target) is \(match.what): refusing to write a report over it")
            }
            _ = try method(for: target)
        }
    }

    /// What one output holds: its bytes, or a file already written beside its target (a report
    /// rendered straight into it), which only needs its rename.
    enum Content {
        case bytes([UInt8])
        case staged(StagedFile)
    }

    /// Writes several reports, files side by side (each is written on its own), then standard
    /// output in order. The first failure in `outputs` order is thrown, after every other write
    /// has finished.
    static func writeAll(_ outputs: [(bytes: [UInt8], path: String)]) throws(ReportError) {
        try writeAll(outputs.map { (Content.bytes($0.bytes), $0.path) })
    }

    static func writeAll(_ outputs: [(content: Content, path: String)]) throws(ReportError) {
        let files = outputs.enumerated().filter { $0.element.path != "-" }
        let failures = IndexedSlots<ReportError>(count: outputs.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let (position, output) = files[index]
            do throws(ReportError) {
                try write(output.content, to: output.path)
            } catch {
                failures.set(position, error)
            }
        }
        for (position, output) in outputs.enumerated() where output.path == "-" {
            do throws(ReportError) {
                try write(output.content, to: output.path)
            } catch {
                failures.set(position, error)
            }
        }
        if let first = failures.all.compactMap({ $0 }).first { throw first }
    }

    /// Writes `content` to `path`: its bytes, or the staged file's rename (a file is staged only
    /// for a target that is replaced, never for standard output).
    private static func write(_ content: Content, to path: String) throws(ReportError) {
        switch content {
        case .bytes(let bytes): try write(bytes, to: path)
        case .staged(let file): try file.commit()
        }
    }

    static func write(_ bytes: [UInt8], to path: String) throws(ReportError) {
        switch try method(for: path) {
        case .standardOutput:
            try StandardOutput.write(bytes)
        case .inPlace:
            try writeInPlace(bytes, to: path)
        case .replace(let real):
            try replace(real, with: bytes, naming: path)
        }
    }

    /// Opens `path` as it is (no creation, no truncation: appended to when it is a regular file
    /// behind `/dev/stdout`) and writes `bytes` into it. A FIFO waits for its reader, as `tee` does.
    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws(ReportError) {
        var descriptor: Int32
        repeat {
            descriptor = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC)
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw ReportError("\(path): cannot write the report: \(reason(errno))") }
        let failure = writeFully(bytes, to: descriptor)
        let closed = close(descriptor) == 0 ? nil : errno
        if let code = failure ?? closed.flatMap({ $0 == EINTR ? nil : $0 }) {
            throw ReportError("\(path): cannot write the report: \(reason(code))")
        }
    }

    /// A temporary file beside `real`, then a rename over it; `path` is the target as given.
    private static func replace(_ real: String, with bytes: [UInt8], naming path: String) throws(ReportError) {
        let staged = try StagedFile(real: real, naming: path)
        staged.write(bytes)
        try staged.finish()
        try staged.commit()
    }

    /// The directory a path is in, as spelled (`.` for a bare name). Written out by hand:
    /// `NSString.deletingLastPathComponent` traps on some short names on Linux.
    static func parent(of path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        let directory = withoutTrailingSlashes(String(trimmed[..<slash]))
        return directory.isEmpty ? "/" : directory
    }

    /// The last component of a path (`/` for the root).
    static func name(of path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        if trimmed == "/" { return "/" }
        return trimmed.lastIndex(of: "/").map { String(trimmed[trimmed.index(after: $0)...]) } ?? trimmed
    }

    /// `name` inside `directory`.
    static func joining(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func withoutTrailingSlashes(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    /// The real path of the directory `path` is in, when that directory exists.
    private static func canonicalDirectory(of path: String) -> String? {
        realPath(parent(of: path))
    }

    /// The real path of `path`'s directory and its name; the real path of `path` itself when its
    /// name is `.` or `..`; nil when the directory does not exist.
    static func canonicalPath(_ path: String) -> String? {
        let name = name(of: path)
        if name.isEmpty || name == "." || name == ".." || name == "/" { return realPath(path) }
        return canonicalDirectory(of: path).map { joining($0, name) }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func isKind(_ info: stat, _ kind: mode_t) -> Bool {
        info.st_mode & S_IFMT == kind
    }
}

/// A report written into a temporary file beside its target (`.NAME.portreport-PID.tmp`), then
/// renamed over it: a reader never sees half a report, and a report that fails leaves the
/// target as it was. Bytes can be written in pieces as a renderer makes them, so a large JSON
/// report is never held whole in memory.
///
/// Used by one thread at a time (the renderer's, then the writer's after it joined).
final class StagedFile: @unchecked Sendable {
    /// The target as given, for messages.
    let path: String
    /// The target with its symbolic links followed: what the rename replaces.
    let real: String
    let temporary: String
    private var descriptor: Int32 = -1
    /// The first write's failure (an errno); later bytes are dropped.
    private var failure: Int32?
    /// Renamed over the target, or removed.
    private var settled = false

    /// Creates the temporary file. One left by an earlier run of the same process id is
    /// removed first; a symbolic link in its place is never followed.
    init(real: String, naming path: String) throws(ReportError) {
        self.path = path
        self.real = real
        temporary = OutputFile.joining(OutputFile.parent(of: real), ".\(OutputFile.name(of: real)).portreport-\(getpid()).tmp")
        for attempt in 0..<2 {
            repeat {
                descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
            } while descriptor < 0 && errno == EINTR
            if descriptor >= 0 { return }
            guard errno == EEXIST, attempt == 0, unlink(temporary) == 0 else { break }
        }
        throw ReportError("\(path): cannot write the report: \(reason(errno))")
    }

    deinit {
        discard()
    }

    /// Appends `bytes`; a failure is kept for `finish()`.
    func write(_ bytes: [UInt8]) {
        guard failure == nil, descriptor >= 0, !bytes.isEmpty else { return }
        failure = writeFully(bytes, to: descriptor)
    }

    /// For tests: later writes go to `device` (`/dev/full`, to see a full disk), while the
    /// temporary file stays where it is.
    func redirectForTesting(to device: String) {
        let other = open(device, O_WRONLY | O_CLOEXEC)
        guard other >= 0 else { return }
        dup2(other, descriptor)
        close(other)
    }

    /// Closes the file; throws the first failure to write or close it (and removes it then).
    func finish() throws(ReportError) {
        if descriptor >= 0 {
            let closed = close(descriptor) == 0 ? nil : errno
            descriptor = -1
            if failure == nil, let closed, closed != EINTR { failure = closed }
        }
        if let failure {
            discard()
            throw ReportError("\(path): cannot write the report: \(reason(failure))")
        }
    }

    /// Renames the finished file over the target.
    func commit() throws(ReportError) {
        try finish()
        if rename(temporary, real) != 0 {
            let why = reason(errno)
            discard()
            throw ReportError("\(path): cannot write the report: \(why)")
        }
        settled = true
    }

    /// Removes the temporary file, unless it was renamed over the target.
    func discard() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        if !settled {
            unlink(temporary)
            settled = true
        }
    }
}

/// The result of every command on standard output, written with write(2): a failed write is an
/// error with its reason (Foundation's `FileHandle.write` traps on one).
public enum StandardOutput {
    /// Writes all of `bytes`; throws `standard output: cannot write: REASON` when the system
    /// refuses (a full disk, a closed descriptor, a pipe whose reader left while SIGPIPE is
    /// ignored; with SIGPIPE's default action that last case ends the process, as for any tool).
    public static func write(_ bytes: [UInt8]) throws(ReportError) {
        if let code = writeFully(bytes, to: STDOUT_FILENO) {
            throw ReportError("standard output: cannot write: \(reason(code))")
        }
    }
}

/// Diagnostics on standard error, written with write(2).
public enum StandardError {
    /// Writes all of `bytes` if it can: a standard error that cannot be written leaves nowhere
    /// to say so, and the run goes on to its exit status.
    public static func write(_ bytes: [UInt8]) {
        _ = writeFully(bytes, to: STDERR_FILENO)
    }
}

/// write(2) until every byte is written: retried on EINTR, continued after a partial write.
/// Returns nil, or the errno of the write that failed.
func writeFully(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
    bytes.withUnsafeBytes { buffer -> Int32? in
        guard let base = buffer.baseAddress else { return nil }
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, base + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            // write(2) returns 0 only for an empty request; treat it as an I/O error rather than spin.
            if written == 0 { return EIO }
            offset += written
        }
        return nil
    }
}

/// strerror's text for an errno.
private func reason(_ code: Int32) -> String {
    String(cString: strerror(code))
}
