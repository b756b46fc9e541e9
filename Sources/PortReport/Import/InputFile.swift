#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Limits on what one input may be. They exist so that a hostile or broken file fails with a
/// clear message instead of exhausting memory.
enum InputLimits {
    /// Largest input file read, in bytes (a year of daily pages is ~145 MB in ~8,000 files).
    static let maximumFileSize = 256 << 20
    /// Largest decompressed size of a `.gz` file, in bytes. A saved page is at most about
    /// 1 MB (the API caps total_num at 10,000); the cap keeps a gzip bomb from taking memory.
    static let maximumInflatedSize = 64 << 20
}

/// The bytes of one input file (decompressed if it was gzip), with what provenance needs.
struct InputFile: Sendable {
    /// The path as shown to the user; `-` for standard input.
    let displayPath: String
    /// The content as read (gzip already inflated).
    let bytes: [UInt8]
    /// SHA-256 of the file as it is on disk (before decompression), hex; empty until
    /// `computeSHA256()` when the file was loaded with `hashing: false`.
    private(set) var sha256: String
    /// The bytes on disk, kept until hashed when they differ from `bytes` (gzip).
    private var unhashed: [UInt8]?
    /// Size on disk, in bytes.
    let size: Int
    /// The file's modification time; nil for standard input.
    let modificationTime: Timestamp?
    let wasGzip: Bool

    var isStandardInput: Bool { displayPath == "-" }

    /// Computes the SHA-256 of the bytes on disk if `load` left it.
    mutating func computeSHA256() {
        guard sha256.isEmpty else { return }
        sha256 = SHA256Hasher.hex(of: unhashed ?? bytes)
        unhashed = nil
    }

    static let sqliteMagic: [UInt8] = Array("SQLite format 3\0".utf8)

    /// Whether the content starts like UTF-16 (a byte order mark, or a NUL in its first two bytes).
    var looksUTF16: Bool {
        bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || (bytes.count >= 2 && (bytes[0] == 0 || bytes[1] == 0))
    }

    /// Whether the file starts like an SQLite database (checked on the raw bytes).
    var isSQLite: Bool { !wasGzip && bytes.starts(with: InputFile.sqliteMagic) }

    /// Reads a file (or standard input for `-`), inflating gzip content. With `hashing: false`
    /// the SHA-256 is left to `computeSHA256()`, for a thread with more time to spare.
    static func load(_ path: String, hashing: Bool = true) throws(InputError) -> InputFile {
        var raw: [UInt8]
        var mtime: Timestamp?
        if path == "-" {
            raw = try readAll(fd: 0, path: path, sizeHint: 1 << 16)
        } else {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw InputError(file: path, message: "cannot open: \(errnoText())") }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw InputError(file: path, message: "cannot read: \(errnoText())") }
            guard (info.st_mode & S_IFMT) == S_IFREG else { throw InputError(file: path, message: "not a regular file") }
            guard Int(info.st_size) <= InputLimits.maximumFileSize else {
                throw InputError(
                    file: path,
                    message: "file is \(info.st_size) bytes, over the limit of \(InputLimits.maximumFileSize) bytes for one input")
            }
            mtime = Timestamp(secondsSinceEpoch: Int64(info.st_mtim.tv_sec))
            raw = try readAll(fd: fd, path: path, sizeHint: Int(info.st_size))
        }
        let sha = hashing ? SHA256Hasher.hex(of: raw) : ""
        let size = raw.count
        if Gzip.isGzip(raw) {
            let inflated: [UInt8]
            do {
                inflated = try Gzip.inflate(raw, limit: InputLimits.maximumInflatedSize)
            } catch {
                switch error {
                case .tooLarge(let limit):
                    throw InputError(file: path, message: "gzip content inflates past the limit of \(limit) bytes; refusing to read it")
                case .corrupt(let reason):
                    throw InputError(file: path, message: "not valid gzip: \(reason)")
                }
            }
            return InputFile(
                displayPath: path, bytes: inflated, sha256: sha, unhashed: hashing ? nil : raw, size: size,
                modificationTime: mtime, wasGzip: true)
        }
        return InputFile(displayPath: path, bytes: raw, sha256: sha, unhashed: nil, size: size, modificationTime: mtime, wasGzip: false)
    }

    private static func readAll(fd: Int32, path: String, sizeHint: Int) throws(InputError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max(sizeHint, 1) + 1)
        var count = 0
        while true {
            if count == buffer.count {
                guard buffer.count <= InputLimits.maximumFileSize else {
                    throw InputError(file: path, message: "input is over the limit of \(InputLimits.maximumFileSize) bytes")
                }
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            let n = buffer.withUnsafeMutableBytes { raw in
                read(fd, raw.baseAddress.map { $0 + count }, raw.count - count)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw InputError(file: path, message: "cannot read: \(errnoText())")
            }
            if n == 0 { break }
            count += n
        }
        guard count <= InputLimits.maximumFileSize else {
            throw InputError(file: path, message: "input is over the limit of \(InputLimits.maximumFileSize) bytes")
        }
        buffer.removeSubrange(count...)
        return buffer
    }
}

func errnoText() -> String {
    String(cString: strerror(errno))
}

/// Expands the paths named on the command line: directories are walked recursively for
/// `.json`, `.json.gz` and `.har` files, in byte order of their paths so that runs repeat.
enum InputExpansion {
    static let extensions = [".json", ".json.gz", ".har", ".har.gz"]

    static func expand(_ paths: [String]) -> (files: [String], errors: [InputError]) {
        var files: [String] = []
        var errors: [InputError] = []
        for path in paths {
            if path == "-" {
                files.append(path)
                continue
            }
            var info = stat()
            guard stat(path, &info) == 0 else {
                errors.append(InputError(file: path, message: "no such file or directory"))
                continue
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let before = files.count
                walk(path, into: &files, errors: &errors)
                if files.count == before {
                    errors.append(InputError(file: path, message: "directory holds no .json, .json.gz or .har files"))
                }
            } else {
                files.append(path)
            }
        }
        return (files, errors)
    }

    private static func walk(_ directory: String, into files: inout [String], errors: inout [InputError]) {
        guard let handle = opendir(directory) else {
            errors.append(InputError(file: directory, message: "cannot read directory: \(errnoText())"))
            return
        }
        // The entry's type from the directory itself where the file system gives it (one
        // lstat per file less: a year of exports is 8,000 entries); else from lstat.
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            entries.append((name, entry.pointee.d_type))
        }
        closedir(handle)
        entries.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        for (name, type) in entries {
            let path = prefix + name
            var info = stat()
            if type == UInt8(DT_REG) {
                info.st_mode = S_IFREG
            } else if type == UInt8(DT_DIR) {
                info.st_mode = S_IFDIR
            } else {
                // stat follows links to files; links to directories are not followed (no cycles).
                guard lstat(path, &info) == 0 else { continue }
            }
            let isLink = (info.st_mode & S_IFMT) == S_IFLNK
            if isLink { guard stat(path, &info) == 0 else { continue } }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if !isLink { walk(path, into: &files, errors: &errors) }
            case S_IFREG:
                let lower = name.lowercased()
                if extensions.contains(where: { lower.hasSuffix($0) }) { files.append(path) }
            default:
                break
            }
        }
    }
}
