extension ImportSession {
    /// Adds a page's records, turning a record the store refuses into an `InputError` about the
    /// page's file: `place` names a record for messages (`data_list[17]`), `line` its line.
    /// Both are asked only when a record is refused.
    @discardableResult
    func add(_ page: SnapshotPage, records: [PortRecord], place: (Int) -> String, line: (Int) -> Int? = { _ in nil }) throws -> Int? {
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
