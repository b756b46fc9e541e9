/// A problem with one input: which file, where in it, what was expected.
///
/// Printed as `FILE:LINE: PLACE: MESSAGE`, the shape compilers use, so that editors and terminals
/// can jump to it. The file and the place come from inputs: in the text they are shown with their
/// control characters visible and cut to `TerminalText.messageValueWidth` characters (the
/// properties keep them as they are).
public struct InputError: PortReportError, Equatable {
    /// The file as the user named it (or as found under a directory they named).
    public let file: String
    /// 1-based line in the file (in the decompressed text for `.gz` files), when known.
    public let line: Int?
    /// Where inside the file: a JSON path such as `data_list[17].port`, a HAR entry, a query row.
    public let place: String?
    /// What was expected and what was found.
    public let message: String

    /// When true the message continues a sentence whose subject is the file
    /// (`FILE is an HSS error response ...`) instead of following `FILE: `.
    public let isPredicate: Bool

    init(file: String, line: Int? = nil, place: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.place = place.flatMap { $0.isEmpty ? nil : $0 }
        self.message = message
        self.isPredicate = false
    }

    /// An error that reads as a sentence about the file: `FILE is ...`.
    init(file: String, predicate: String) {
        self.file = file
        self.line = nil
        self.place = nil
        self.message = predicate
        self.isPredicate = true
    }

    public var location: String? { file }

    public var description: String {
        let file = TerminalText.value(self.file)
        // A number from an input is cut where it is longer than any value has a reason to be.
        let message = TerminalText.cuttingLongNumbers(self.message)
        if isPredicate { return "\(file) \(message)" }
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let place { text += TerminalText.value(place) + ": " }
        return text + message
    }
}

/// The errors of a run's inputs, in input order: the first `limit` kept (every one when it is
/// nil), the rest counted. An import of 100 projects' year named with the wrong `--project`
/// had 72,270 bad inputs; kept and printed, their errors took 80 MB and as many lines.
struct InputErrors: Sendable {
    let limit: Int?
    private(set) var listed: [InputError] = []
    private(set) var count = 0
    /// The files of the errors found before any input was read (a directory can have several),
    /// and how many inputs failed while read (one error each: an input stops at its first).
    private var filesBeforeReading: Set<String> = []
    private var inputsFailedReading = 0

    init(limit: Int?) {
        self.limit = limit.map { max(0, $0) }
    }

    var isEmpty: Bool { count == 0 }
    /// How many inputs had errors.
    var inputs: Int { filesBeforeReading.count + inputsFailedReading }

    /// An error found before reading: a path, a directory, a sidecar.
    mutating func appendBeforeReading(_ error: InputError) {
        filesBeforeReading.insert(error.file)
        keep(error)
    }

    /// The error that stopped an input being read.
    mutating func appendReading(_ error: InputError) {
        inputsFailedReading += 1
        keep(error)
    }

    private mutating func keep(_ error: InputError) {
        count += 1
        if limit.map({ listed.count < $0 }) ?? true { listed.append(error) }
    }
}

/// An import run that stored nothing, because at least one input was bad.
public struct ImportFailure: PortReportError {
    /// The errors listed, in input order (the first `ImportOptions.errorsListed`).
    public let errors: [InputError]
    /// How many errors there were, and how many inputs had them.
    public let count: Int
    public let inputs: Int

    init(_ errors: InputErrors) {
        self.errors = errors.listed
        count = errors.count
        inputs = errors.inputs
    }

    /// Each input's error on its own line (each `error: …`), then what happened and what to do.
    public var diagnosticText: String { description }

    /// One line per error listed, each kept one line (`TerminalText.line`): the line breaks
    /// between them are the only ones; then how many more there were.
    public var description: String {
        var lines = errors.map { TerminalText.line("error: \($0)") }
        if count > errors.count {
            lines.append(
                "\(count - errors.count) more error\(count - errors.count == 1 ? "" : "s"), \(count) in all: the first \(errors.count) are above; portreport import --list-all lists every one"
            )
        }
        lines.append(
            "nothing was imported: \(inputs) input\(inputs == 1 ? "" : "s") had errors (fix them, or pass --skip-invalid to import the rest)"
        )
        return lines.joined(separator: "\n")
    }
}
