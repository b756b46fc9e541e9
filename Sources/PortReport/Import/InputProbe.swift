/// Reads untrusted bytes the way `import` does — as a response body, else as a HAR capture —
/// without a store. Used by the fuzzer (Sources/portreport-fuzz): any input must come back as
/// a result or an error, never a crash or a hang.
public enum InputProbe {
    /// Nil when the bytes read as statistics; otherwise what `import` would say.
    public static func read(_ bytes: [UInt8]) -> String? {
        let content: ResponseBodyReader.Content
        do {
            content = try bytes.withUnsafeBufferPointer { buffer throws(ResponseBodyReader.Problem) in try ResponseBodyReader.read(buffer) }
        } catch {
            return "\(error.path): \(error.message)"
        }
        switch content {
        case .page:
            return nil
        case .errorResponse(let code, let message):
            return "an HSS error response (\(ErrorBody.summary(code: code, message: message)))"
        case .harCapture:
            do {
                let contents = try bytes.withUnsafeBufferPointer { buffer throws(InputError) in try HARReader.read(buffer, file: "input") }
                for page in contents.pages {
                    if let problem = read(page.body) { return problem }
                }
                return nil
            } catch {
                return error.description
            }
        }
    }
}
