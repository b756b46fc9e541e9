import ArgumentParser
import Foundation
import PortReport

/// The command line as the kernel handed it over, checked before anything else runs.
///
/// Swift's `CommandLine.arguments` repairs bytes that are not UTF-8 into U+FFFD, so a path
/// `d\xff/x` would become `d\u{FFFD}/x`: another file, which `-o` would then overwrite. Every
/// argument is therefore read from `CommandLine.unsafeArgv` as bytes, and one that is not UTF-8
/// ends the run as a usage error (exit status 64) before any file is opened.
enum RawArguments {
    /// The arguments after the program name, each valid UTF-8; the first that is not ends the run.
    static func checked() -> [String] {
        switch validate() {
        case .success(let arguments): return arguments
        case .failure(let message):
            StandardError.write(Array((message.text + "\n").utf8))
            exit(ExitCode.validationFailure.rawValue)
        }
    }

    /// The arguments, or the one-line message for the first argument that is not UTF-8.
    static func validate() -> Result<[String], Message> {
        var arguments: [String] = []
        let count = Int(CommandLine.argc)
        guard count > 1 else { return .success([]) }
        arguments.reserveCapacity(count - 1)
        for index in 1..<count {
            guard let pointer = CommandLine.unsafeArgv[index] else { break }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer))
            guard let text = String(validating: bytes, as: UTF8.self) else {
                return .failure(
                    Message(
                        text:
                            "error: argument \(index) (\(shown(bytes))) is not UTF-8 text: portreport reads paths and values as UTF-8; rename the file (convmv) or name it by a UTF-8 path"
                    ))
            }
            arguments.append(text)
        }
        return limited(arguments).map { .failure(Message(text: $0)) } ?? .success(arguments)
    }

    /// Most arguments of one command. swift-argument-parser takes time quadratic in the number
    /// of arguments (20,000 file names took 466 s in a debug build, 4,000 take 10 s); a
    /// directory named once imports every page under it, so a long list is never needed.
    static let maximumArguments = 4_096
    /// Most options (arguments that start with `-`, before `--`) of one command: the parser's
    /// time is quadratic in them, worse than in file names (2,500 `--filter` took 33 s), and a
    /// command has a few dozen at most.
    static let maximumOptions = 256

    /// The message for a command line past the limits, nil when within them.
    static func limited(_ arguments: [String]) -> String? {
        var options = 0
        var counts: [Substring: Int] = [:]
        for argument in arguments {
            if argument == "--" { break }
            guard argument.hasPrefix("-"), argument != "-" else { continue }
            options += 1
            let name = argument.split(separator: "=", maxSplits: 1).first ?? Substring(argument)
            counts[name, default: 0] += 1
        }
        if options > maximumOptions {
            let most = counts.max { $0.value < $1.value }
            let which = most.map { " (\(TerminalText.value(String($0.key), width: 40)) \($0.value) times)" } ?? ""
            return
                "error: \(options) options\(which), over the limit of \(maximumOptions) for one command: give each option once or a few times"
        }
        // Options first: a command line of 20,000 `--filter` is about the option.
        guard arguments.count <= maximumArguments else {
            return
                "error: \(arguments.count) arguments, over the limit of \(maximumArguments) for one command: name the directory that holds the files instead of each file (the walk imports every page under it)"
        }
        return nil
    }

    struct Message: Error, CustomStringConvertible {
        let text: String
        var description: String { text }
    }

    /// The bytes as text, each byte that is not part of valid UTF-8 (and each control
    /// character) written as `\xFF`, cut to about 200 characters.
    static func shown(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var result = ""
        var index = 0
        while index < bytes.count, result.count < TerminalText.messageValueWidth {
            // The longest valid UTF-8 sequence starting here, if any.
            var decoded: String?
            for length in 1...4 where index + length <= bytes.count {
                if let text = String(validating: UnsafeBufferPointer(rebasing: bytes[index..<(index + length)]), as: UTF8.self) {
                    decoded = text
                    index += length
                    break
                }
            }
            if let decoded {
                result += TerminalText.value(decoded)
            } else {
                result += "\\x" + String(bytes[index], radix: 16, uppercase: true)
                index += 1
            }
        }
        if index < bytes.count { result += "…" }
        return result
    }
}
