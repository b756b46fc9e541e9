/// How many rows each list of the human formats — the Markdown report and the email (its text
/// part is the Markdown; its HTML part lists findings and warnings) — shows at most, however many
/// projects and snapshots the store holds. A list cut short ends with "and M more (see the
/// JSON/CSV)": the JSON report (and the CSV for the ranking) still holds every row. The full HTML
/// report cuts its tables without anchors (`reportLists`) and keeps every port's anchor. The
/// README's "Bounded human formats" lists these numbers.
enum HumanReportLimits {
    /// Rows of "changes since the previous export", per category: new, gone and changed together.
    static let changes = 50
    /// Rows of the per-project table.
    static let projects = 25
    /// Rows of the snapshot listing.
    static let snapshots = 25
    /// Rows of the provenance table (the input files of the snapshots used).
    static let provenance = 25
    /// Rows of the findings, and of the waived findings, each.
    static let findings = 50
    /// Warnings listed (with the snapshots in the Markdown, at the end of the email).
    static let warnings = 20

    /// The first `limit` rows, and how many are left out.
    static func bounded<Row>(_ rows: [Row], to limit: Int) -> (shown: [Row], more: Int) {
        let shown = Array(rows.prefix(max(limit, 0)))
        return (shown, rows.count - shown.count)
    }

    /// The line that ends a list cut short: `and 12 more snapshots (see the JSON/CSV)`.
    static func moreNote(_ more: Int, _ what: String) -> String {
        "and \(more) more \(what) (see the JSON/CSV)"
    }

    /// A list of a template view to cut: its key in `ReportView.make`, its bound, and the words
    /// of its "and M more" note.
    typealias ViewList = (key: String, limit: Int, what: String)

    /// The email HTML's lists: findings, waived findings and warnings.
    static let emailLists: [ViewList] = [
        ("findings", findings, "findings"), ("waived", findings, "waived findings"), ("warnings", warnings, "warnings"),
        ("expiring", findings, "expiring waivers"), ("resolved", findings, "resolved findings")
    ]

    /// The full HTML report's long tables without anchors: per project, snapshots, input files,
    /// resolved findings and expiring waivers.
    /// (Its changes are already cut to `--top` per kind; its ports each keep their anchor.)
    static let reportLists: [ViewList] = [
        ("projects", projects, "projects"), ("snapshots", snapshots, "snapshots"), ("provenance", provenance, "input files"),
        ("resolved", findings, "resolved findings"), ("expiring", findings, "expiring waivers")
    ]

    /// The `lists` of a template view cut to their bounds; each `KEY_more` says what was left
    /// out (empty when nothing was).
    static func boundLists(_ view: inout [String: TemplateValue], _ lists: [ViewList]) {
        for (key, limit, what) in lists {
            var note = ""
            if case .list(let items) = view[key] {
                let (shown, more) = bounded(items, to: limit)
                view[key] = .list(shown)
                if more > 0 { note = moreNote(more, what) }
            }
            view[key + "_more"] = .text(note)
        }
    }
}
