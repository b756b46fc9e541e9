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

/// An import run that stored nothing, because at least one input was bad.
public struct ImportFailure: PortReportError {
    public let errors: [InputError]

    /// Each input's error on its own line (each `error: …`), then what happened and what to do.
    public var diagnosticText: String { description }

    /// One line per error, each kept one line (`TerminalText.line`): the line breaks between
    /// them are the only ones.
    public var description: String {
        let lines = errors.map { TerminalText.line("error: \($0)") }
        let files = Set(errors.map(\.file)).count
        return
            (lines + [
                "nothing was imported: \(files) input\(files == 1 ? "" : "s") had errors (fix them, or pass --skip-invalid to import the rest)"
            ]).joined(separator: "\n")
    }
}
