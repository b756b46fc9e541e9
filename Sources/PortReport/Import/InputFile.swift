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
    /// The file's place among the run's inputs (set by the prefetcher that read it), by which the
    /// sidecars that apply to it are looked up; nil for a file read on its own.
    var runIndex: Int?

    var isStandardInput: Bool { displayPath == "-" }

    /// `canonicalPath` worked out when the file was read (`load(_:resolvingPath:)`), on a thread
    /// with time to spare: `realpath` costs a system call per component of the path.
    private var resolvedPath: String?

    /// The file's canonical path (absolute, links and `.`/`..` resolved), for the import's
    /// identity check; empty for standard input or when it cannot be resolved.
    var canonicalPath: String {
        resolvedPath ?? InputFile.resolve(displayPath)
    }

    private static func resolve(_ path: String) -> String {
        guard path != "-", let resolved = realpath(path, nil) else { return "" }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Computes the SHA-256 of the bytes on disk if `load` left it.
    mutating func computeSHA256() {
        guard sha256.isEmpty else { return }
        sha256 = SHA256Hasher.hex(of: unhashed ?? bytes)
        unhashed = nil
    }

    /// Whether the content starts like UTF-16 (a byte order mark, or a NUL in its first two bytes).
    var looksUTF16: Bool {
        bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || (bytes.count >= 2 && (bytes[0] == 0 || bytes[1] == 0))
    }

    /// Whether the file starts like an SQLite database (checked on the raw bytes).
    var isSQLite: Bool { !wasGzip && bytes.starts(with: Store.sqliteMagic) }

    /// Reads a file (or standard input for `-`), inflating gzip content. With `hashing: false`
    /// the SHA-256 is left to `computeSHA256()`, for a thread with more time to spare; with
    /// `resolvingPath`, `canonicalPath` is worked out now.
    ///
    /// A pipe, FIFO, character device or socket named on the command line (`/dev/stdin`, the
    /// `/dev/fd/N` of `<(cmd)`) is read as a stream, like `-`: to its end, within the same size
    /// limit, and with no modification time (so no capture time from it).
    static func load(_ path: String, hashing: Bool = true, resolvingPath: Bool = false) throws(InputError) -> InputFile {
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
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                guard Int(info.st_size) <= InputLimits.maximumFileSize else {
                    throw InputError(
                        file: path,
                        message: "file is \(info.st_size) bytes, over the limit of \(InputLimits.maximumFileSize) bytes for one input")
                }
                mtime = Timestamp(secondsSinceEpoch: Int64(info.st_mtim.tv_sec))
                raw = try readAll(fd: fd, path: path, sizeHint: Int(info.st_size))
            case S_IFIFO, S_IFCHR, S_IFSOCK:
                raw = try readAll(fd: fd, path: path, sizeHint: 1 << 16)
                // SQLite reads a database by seeking in its file; a stream has no file to seek in.
                if raw.starts(with: Store.sqliteMagic) {
                    throw InputError(
                        file: path,
                        message:
                            "an SQLite database cannot be read from a pipe (\(InputExpansion.kind(info.st_mode))): save it to a file first")
                }
            default:
                throw InputError(file: path, message: "not a regular file (\(InputExpansion.kind(info.st_mode)))")
            }
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
                modificationTime: mtime, wasGzip: true, resolvedPath: resolvingPath ? resolve(path) : nil)
        }
        return InputFile(
            displayPath: path, bytes: raw, sha256: sha, unhashed: nil, size: size, modificationTime: mtime, wasGzip: false,
            resolvedPath: resolvingPath ? resolve(path) : nil)
    }

    /// Reads `fd` to its end. The buffer grows (doubling from `sizeHint`) but never past one
    /// byte over the limit, so a stream that never ends costs at most the limit in memory.
    private static func readAll(fd: Int32, path: String, sizeHint: Int) throws(InputError) -> [UInt8] {
        let limit = InputLimits.maximumFileSize
        var buffer = [UInt8](repeating: 0, count: min(max(sizeHint, 1), limit) + 1)
        var count = 0
        while true {
            if count == buffer.count {
                guard buffer.count <= limit else {
                    throw InputError(file: path, message: "input is over the limit of \(limit) bytes")
                }
                buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, limit + 1 - buffer.count)))
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
        guard count <= limit else {
            throw InputError(file: path, message: "input is over the limit of \(limit) bytes")
        }
        buffer.removeSubrange(count...)
        return buffer
    }
}

func errnoText() -> String {
    String(cString: strerror(errno))
}

/// Expands the paths named on the command line: directories are walked recursively for
/// `.json`, `.jsonl`, `.ndjson` and `.har` files (each also `.gz`), in byte order of their paths so that runs repeat.
///
/// What a walk meets that it cannot read — a FIFO, a socket, a device, a dangling symbolic
/// link — is listed as skipped with a warning, never opened (opening a FIFO with no writer
/// would block the run). Regular files of other kinds (`notes.txt`) are passed over quietly.
enum InputExpansion {
    static let extensions = [".json", ".json.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".har", ".har.gz"]

    static func expand(_ paths: [String]) -> (files: [String], errors: [InputError]) {
        let expansion = expandReporting(paths)
        return (expansion.files, expansion.errors)
    }

    /// The inputs, the errors, and a warning per entry the walks skipped.
    static func expandReporting(_ paths: [String]) -> (files: [String], errors: [InputError], warnings: [String]) {
        let expansion = expandWithRoots(paths)
        return (Array(expansion.files), expansion.errors, expansion.warnings)
    }

    /// As `expandReporting`, with the path named on the command line that each file came from
    /// (`roots[i]` for `files[i]`: the file itself, or the directory whose walk found it), up to
    /// which its export sidecars are looked for.
    static func expandWithRoots(_ paths: [String]) -> (files: InputPaths, roots: [String], errors: [InputError], warnings: [String]) {
        var files = InputPaths()
        var roots: [String] = []
        var errors: [InputError] = []
        var warnings: [String] = []
        for path in paths {
            defer { roots += repeatElement(path, count: files.count - roots.count) }
            if path == "-" {
                files.append(path)
                continue
            }
            var info = stat()
            guard stat(path, &info) == 0 else {
                var link = stat()
                if lstat(path, &link) == 0, (link.st_mode & S_IFMT) == S_IFLNK {
                    errors.append(InputError(file: path, message: "a symbolic link to a file that does not exist"))
                } else {
                    errors.append(InputError(file: path, message: "no such file or directory"))
                }
                continue
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let before = files.count
                walk(path, into: &files, errors: &errors, warnings: &warnings)
                if files.count == before {
                    errors.append(
                        InputError(file: path, message: "directory holds no .json, .jsonl, .ndjson or .har files (nor their .gz)"))
                }
            } else if isSidecar(path) {
                errors.append(
                    InputError(
                        file: path, message: "an export sidecar (metadata), not a page: name its directory to import the pages it describes"
                    ))
            } else {
                // A FIFO, /dev/stdin or a process substitution named here is read as a stream.
                files.append(path)
            }
        }
        return (files, roots, errors, warnings)
    }

    /// Whether the file at `path` is an export sidecar (`portreport-export.json`, read for the
    /// pages' metadata, never as a page).
    static func isSidecar(_ path: String) -> Bool {
        path.split(separator: "/").last.map { $0.lowercased() == Sidecar.fileName } ?? false
    }

    /// What a file of mode `mode` is, in words: "a FIFO", "a socket".
    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link"
        default: return "not a file portreport reads"
        }
    }

    /// Walks `directory` (at `node` of `files`' directories: the path named itself when nil).
    private static func walk(
        _ directory: String, node: Int? = nil, into files: inout InputPaths, errors: inout [InputError], warnings: inout [String]
    ) {
        guard let handle = opendir(directory) else {
            errors.append(InputError(file: directory, message: "cannot read directory: \(errnoText())"))
            return
        }
        // The entry's type from the directory itself where the file system gives it (one
        // lstat per file less: a year of exports is 8,000 entries); else from lstat.
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(handle) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix(while: { $0 != 0 })) }
            if bytes.first == UInt8(ascii: ".") { continue }
            guard let name = String(validating: bytes, as: UTF8.self) else {
                // Decoded with U+FFFD it would name another file (or none): never guess which.
                let shown = bytes.map { $0 < 0x80 && $0 >= 0x20 ? String(UnicodeScalar($0)) : "\\x" + hex($0) }.joined()
                let lossy = String(decoding: bytes, as: UTF8.self).lowercased()
                let type = entry.pointee.d_type
                if extensions.contains(where: { lossy.hasSuffix($0) }) || type == UInt8(DT_DIR) || type == UInt8(DT_UNKNOWN) {
                    errors.append(
                        InputError(
                            file: directory,
                            message: "holds an entry whose name is not UTF-8 (\(shown)): rename it (portreport reads only UTF-8 names)"))
                }
                continue
            }
            entries.append((name, entry.pointee.d_type))
        }
        closedir(handle)
        entries.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        let node = node ?? files.addDirectory(path: directory)
        for (name, type) in entries {
            // At its length: `prefix + name` grows the copy of the prefix by doubling.
            var path = ""
            path.reserveCapacity(prefix.utf8.count + name.utf8.count)
            path += prefix
            path += name
            let lower = name.lowercased()
            let readable = extensions.contains(where: { lower.hasSuffix($0) })
            var info = stat()
            if type == UInt8(DT_REG) {
                info.st_mode = S_IFREG
            } else if type == UInt8(DT_DIR) {
                info.st_mode = S_IFDIR
            } else {
                // stat follows links to files; links to directories are not followed (no cycles).
                guard lstat(path, &info) == 0 else {
                    warnings.append("\(path): cannot read what it is (\(errnoText())): skipped")
                    continue
                }
            }
            let isLink = (info.st_mode & S_IFMT) == S_IFLNK
            if isLink {
                guard stat(path, &info) == 0 else {
                    // A link to nothing is often an export moved away: say so.
                    warnings.append("\(path): a symbolic link to a file that does not exist: skipped")
                    continue
                }
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if !isLink {
                    walk(path, node: files.addDirectory(name: name, in: node), into: &files, errors: &errors, warnings: &warnings)
                }
            case S_IFREG:
                if readable && !isSidecar(name) { files.append(name: name, inDirectory: node) }
            default:
                warnings.append("\(path): not a regular file (\(kind(info.st_mode))): skipped")
            }
        }
    }
}

/// The files of a run, in input order, each kept as the directory its walk found it in and its
/// name, and each directory as its parent and its name. A run keeps every path until its inputs
/// are read: a path of its own was an allocation of about 140 bytes (14 MB of the 100-project
/// import's heap), a directory's path 96 (7 MB for 73,000 directories). A name of up to 15 bytes
/// (`page-0001.json`, `2026-11-24`, `container`) is held inline, so a file or a directory costs
/// 24 bytes; the whole path is built when it is asked for.
struct InputPaths: RandomAccessCollection, Sendable {
    /// A file, or a directory: its name in the directory at index `parent` of `directories`, or,
    /// when `parent` is -1, its whole path (a file named on the command line, `-`, the directory
    /// a walk began at).
    private struct Node: Sendable {
        let parent: Int
        let name: String
    }

    private var directories: [Node] = []
    private var entries: [Node] = []

    init() {}

    init(_ paths: [String]) {
        entries = paths.map { Node(parent: -1, name: $0) }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { entries.count }

    subscript(position: Int) -> String {
        let entry = entries[position]
        guard entry.parent >= 0 else { return entry.name }
        // The names from the file up to the walk's directory, then joined at their length.
        var names = [entry.name]
        var parent = entry.parent
        while parent >= 0 {
            let directory = directories[parent]
            names.append(directory.name)
            parent = directory.parent
        }
        var path = ""
        path.reserveCapacity(names.reduce(names.count) { $0 + $1.utf8.count })
        for name in names.reversed() {
            if !path.isEmpty && !path.hasSuffix("/") { path += "/" }
            path += name
        }
        return path
    }

    /// Appends a path as it is (a file named on the command line, `-`).
    mutating func append(_ path: String) {
        entries.append(Node(parent: -1, name: path))
    }

    /// Adds the directory a walk begins at, by its path as named; returns its index for
    /// `addDirectory(name:in:)` and `append(name:inDirectory:)`.
    mutating func addDirectory(path: String) -> Int {
        directories.append(Node(parent: -1, name: path))
        return directories.count - 1
    }

    /// Adds the directory `name` in the directory at `parent`; returns its index.
    mutating func addDirectory(name: String, in parent: Int) -> Int {
        directories.append(Node(parent: parent, name: name))
        return directories.count - 1
    }

    mutating func append(name: String, inDirectory directory: Int) {
        entries.append(Node(parent: directory, name: name))
    }

    /// The paths whose index `isIncluded` accepts, in order, sharing the directories.
    func filter(indices isIncluded: (Int) -> Bool) -> InputPaths {
        var kept = InputPaths()
        kept.directories = directories
        kept.entries = entries.indices.filter(isIncluded).map { entries[$0] }
        return kept
    }
}

/// Two upper-case hexadecimal digits.
private func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
}
