import PortReport

// libFuzzer target over the body reader and the HAR reader. Built and run by .ci/fuzz:
//   swift build --product portreport-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library
// Without -DFUZZING (a normal build) it is a small program that replays the files it is given,
// which is how a crashing input kept in Tests/portreportCLITests/FuzzCrashes is re-run.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    _ = InputProbe.read(Array(UnsafeBufferPointer(start: data, count: size)))
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
        return withUnsafeMutablePointer(to: &arguments) { pointer in
            runFuzzerDriver(&count, pointer) { data, size in fuzzOneInput(data, size) }
        }
    }
#else
    import Foundation

    @main
    struct FuzzReplay {
        static func main() {
            for path in CommandLine.arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    print("\(path): cannot read")
                    continue
                }
                let bytes = [UInt8](data)
                print("\(path): \(InputProbe.read(bytes) ?? "statistics")")
            }
        }
    }
#endif
