/// Whether a snapshot has every record its pages said there were, and if not, why, in words.
///
/// Pages report the total (`total_num`) of the whole query; a snapshot is complete when its
/// pages agree on it and it holds that many records. A snapshot none of whose pages gives a
/// total (a bare array of records, a `--query` without the column) is of unknown completeness:
/// stored with `complete = 0` and a note that starts `completeness unknown:`, listed as such,
/// and still used by reports (with a warning), since nothing says it is short.
struct Completeness: Equatable {
    let complete: Bool
    /// Empty when complete and checkable.
    let note: String
}

extension Completeness {
    /// `totals` is the distinct `total_num`s of the snapshot's pages, ascending.
    init(records count: Int, totals: [Int64]) {
        let totalNum = totals.last
        if totals.count > 1 {
            self.init(
                complete: false,
                note:
                    "pages disagree on total_num (\(totals.map(String.init).joined(separator: ", "))): the data changed while it was paged"
                    + (totals.first == 0 ? Completeness.emptyPageHint : ""))
        } else if let totalNum, Int64(count) < totalNum {
            self.init(complete: false, note: "\(count) of \(totalNum) records: \(totalNum - Int64(count)) missing (a page was not saved?)")
        } else if totalNum == nil {
            self.init(
                complete: false,
                note: Completeness.unknownPrefix + " the source gives no total_num, so records missing from it cannot be detected")
        } else if let totalNum, Int64(count) > totalNum {
            self.init(complete: false, note: "\(count) records but total_num says \(totalNum): the data changed while it was paged")
        } else {
            self.init(complete: true, note: "")
        }
    }
}

extension Completeness {
    /// An empty page (`{"total_num": 0, "data_list": []}`) says nothing of its kind: a drill-down
    /// page saved under another name reads as an empty statistics page, and the statistics it
    /// joins look as if their data changed.
    static let emptyPageHint =
        ", or a page with total_num 0 is an empty drill-down page (ListPortHost, ListPorts) saved under another name: name it port-hosts-<PORT>-offset-<N>.json or host-ports-<HOST_ID>-offset-<N>.json, or list it in the sidecar's details"

    /// How the note of a snapshot of unknown completeness starts.
    static let unknownPrefix = "completeness unknown:"

    /// Whether a stored snapshot's state is "completeness unknown" rather than incomplete.
    static func isUnknown(complete: Bool, totalNum: Int64?, note: String?) -> Bool {
        !complete && totalNum == nil && (note ?? "").hasPrefix(unknownPrefix)
    }
}
