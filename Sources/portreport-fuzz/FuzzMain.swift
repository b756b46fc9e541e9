import PortReport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// libFuzzer target over what portreport reads from untrusted files: the body reader and the HAR
// reader (target "body"), the policy loader ("policy") and the template engine ("template",
// fuzzing report.xhtml; "template-email" email.xhtml; "template-md" the Markdown report.md).
// The target is chosen by PORTREPORT_FUZZ_TARGET (default "body"). Built and run by .ci/fuzz:
//   swift build --product portreport-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library
// Without -DFUZZING (a normal build) it is a small program that replays the files it is given,
// with the same variable choosing the target, which is how a crashing input kept in
// Tests/portreportCLITests/FuzzCrashes is re-run.

/// What one fuzzing run exercises.
enum FuzzTarget: String {
    case body
    case policy
    case template
    case templateEmail = "template-email"
    case templateMarkdown = "template-md"

    static let current: FuzzTarget = {
        guard let name = getenv("PORTREPORT_FUZZ_TARGET").map({ String(cString: $0) }), !name.isEmpty else { return .body }
        guard let target = FuzzTarget(rawValue: name) else {
            stop("unknown PORTREPORT_FUZZ_TARGET '\(name)': expected body, policy, template, template-email or template-md")
        }
        return target
    }()

    /// The analysis templates are filled with, made once from the bundled samples (run from
    /// the package root, as .ci/fuzz does).
    static let sampleResult: AnalysisResult? = try? TemplateProbe.sampleResult(["samples/exports"])

    /// Runs one input; what it says when it is refused.
    func run(_ bytes: [UInt8]) -> String? {
        switch self {
        case .body:
            return InputProbe.read(bytes)
        case .policy:
            return PolicyProbe.read(bytes)
        case .template, .templateEmail, .templateMarkdown:
            guard let result = FuzzTarget.sampleResult else {
                stop("cannot analyse samples/exports (run from the package root)")
            }
            let name = self == .template ? "report.xhtml" : self == .templateEmail ? "email.xhtml" : "report.md"
            return TemplateProbe.render(bytes, as: name, result: result)
        }
    }
}

/// Says why the harness cannot run, and ends it.
func stop(_ message: String) -> Never {
    let line = Array("portreport-fuzz: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = FuzzTarget.current.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

#if FUZZING
    // SwiftPM links an executable's entry point as `<module>_main`; hand it to libFuzzer's driver.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
    ) -> Int32

    @_cdecl("portreport_fuzz_main")
    func fuzzerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
        var count = argc
        var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        _ = FuzzTarget.current
        return withUnsafeMutablePointer(to: &arguments) { pointer in
            runFuzzerDriver(&count, pointer) { data, size in fuzzOneInput(data, size) }
        }
    }
#else
    import Foundation

    @main
    struct FuzzReplay {
        static func main() {
            let target = FuzzTarget.current
            for path in CommandLine.arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    print("\(path): cannot read")
                    continue
                }
                let bytes = [UInt8](data)
                print("\(path): \(target.run(bytes) ?? (target == .body ? "statistics" : "accepted"))")
            }
        }
    }
#endif
