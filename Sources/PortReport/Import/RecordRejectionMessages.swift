extension ImportSession {
    /// Adds a page's records, turning a record the store refuses into an `InputError` about the
    /// page's file: `place` names a record for messages (`data_list[17]`), `line` its line.
    /// Both are asked only when a record is refused.
    @discardableResult
    func add(_ page: SnapshotPage, records: [PortRecord], place: (Int) -> String, line: (Int) -> Int? = { _ in nil }) throws -> Int? {
        try SnapshotPage.checkLimits(page)
        do {
            return try add(page, records: records)
        } catch let rejection as RecordRejection {
            throw InputError(rejection, page: page, line: line(rejection.index), place: place(rejection.index))
        }
    }
}

extension InputError {
    /// The message for a record of `page` that the store refused.
    init(_ rejection: RecordRejection, page: SnapshotPage, line: Int?, place: String) {
        switch rejection.reason {
        case .unstorable(let problem):
            self.init(file: page.path, line: line, place: place, message: "cannot be stored: \(problem)")
        case .conflict(let port, let type, let num, let status, let otherNum, let otherStatus, let other):
            let elsewhere = other.map { "in \($0.path)\($0.entry >= 0 ? " log.entries[\($0.entry)]" : "")" } ?? "earlier in this same page"
            func describe(_ num: Int64, _ status: VendorStatus?) -> String {
                "num \(num)" + (status.map { ", status \($0.rawValue)" } ?? "")
            }
            self.init(
                file: page.path, line: line, place: place,
                message:
                    "\(port)/\(type.rawValue) has \(describe(num, status)) here but \(describe(otherNum, otherStatus)) \(elsewhere), in the same snapshot (\(page.key.category.rawValue), captured \(page.key.capturedAt.rfc3339)); pages of one export must agree"
            )
        }
    }
}

extension SnapshotPage {
    /// The longest project id, enterprise project id or filter text portreport stores, in
    /// characters (the vendor's ids are 32 hexadecimal digits).
    static let maximumIDLength = 256
    /// The longest path (of an input file, or HAR request URL) portreport stores, in characters.
    static let maximumPathLength = 4096
    /// The longest filter text (`port=22,status=danger`) portreport stores, in characters.
    static let maximumFiltersLength = 1024

    /// Refuses a page whose text fields or `total_num` are over the documented maxima, naming
    /// where the value came from; every input (body, HAR, query, merged store) passes here.
    static func checkLimits(_ page: SnapshotPage) throws(InputError) {
        func check(_ value: String, _ what: String, source: String, maximum: Int) throws(InputError) {
            // utf8.count bounds the character count from above: only count characters when needed.
            guard value.utf8.count > maximum else { return }
            let count = value.count
            guard count > maximum else { return }
            throw InputError(
                file: page.path.count > maximumPathLength ? String(page.path.prefix(200)) + "…" : page.path,
                place: source,
                message: "expected \(what) of at most \(maximum) characters, found \(count) characters")
        }
        func checkCharacters(_ value: String, _ what: String, source: String) throws(InputError) {
            guard let problem = SnapshotPage.characterProblem(value) else { return }
            throw InputError(file: page.path, place: source, message: "expected \(what) without \(problem)")
        }
        try check(page.path, "a path", source: "the command line", maximum: maximumPathLength)
        try checkCharacters(page.key.projectID, "a project id", source: page.provenance.project)
        try checkCharacters(page.key.enterpriseProjectID, "an enterprise project id", source: page.provenance.enterpriseProject)
        try checkCharacters(page.key.filters, "filters", source: "the filters")
        try check(page.key.projectID, "a project id", source: page.provenance.project, maximum: maximumIDLength)
        try check(
            page.key.enterpriseProjectID, "an enterprise project id", source: page.provenance.enterpriseProject, maximum: maximumIDLength)
        try check(page.key.filters, "filters", source: "the filters", maximum: maximumFiltersLength)
        if let totalNum = page.totalNum, !(0...PortRecord.maximumTotalNum).contains(totalNum) {
            throw InputError(
                file: page.path, place: "total_num",
                message: "expected total_num 0–\(PortRecord.maximumTotalNum), found \(totalNum)")
        }
    }
}

extension SnapshotPage {
    /// What makes `value` unfit for an id or filter text, in words (`a NUL (U+0000) at character
    /// 2`), or nil: a NUL, which SQLite's C API and terminals take for the end of the text (so the
    /// id was cut short), and U+FFFD, which is what invalid UTF-8 became on the way in. Other
    /// control characters are kept and shown visibly wherever they are printed.
    static func characterProblem(_ value: String) -> String? {
        for (index, scalar) in value.unicodeScalars.enumerated() {
            if scalar.value == 0 { return "a NUL (U+0000): found at character \(index + 1)" }
            if scalar.value == 0xFFFD { return "U+FFFD (invalid UTF-8, or a replaced character): found at character \(index + 1)" }
        }
        return nil
    }
}

extension ImportOptions {
    /// A `--project` or `--enterprise-project` value longer than the store keeps (or holding a
    /// NUL or U+FFFD), as the usage
    /// message the command gives before anything is read (rather than one error per input file).
    public static func idLengthProblem(_ value: String, flag: String) -> String? {
        if let problem = SnapshotPage.characterProblem(value) { return "\(flag) expects an id without \(problem)" }
        guard value.utf8.count > SnapshotPage.maximumIDLength else { return nil }
        let count = value.count
        guard count > SnapshotPage.maximumIDLength else { return nil }
        return "\(flag) expects an id of at most \(SnapshotPage.maximumIDLength) characters, found \(count) characters"
    }
}
