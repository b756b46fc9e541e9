/// The finding history's values for the HTML and XHTML templates (issue 14): the findings
/// resolved in the window with the mean time to close, the waivers about to expire, and the
/// findings by control.
extension ReportView {
    static func historyValues(_ result: AnalysisResult) -> [String: TemplateValue] {
        [
            "resolved_window": .text(String(result.history.resolvedWindowDays)),
            "resolved": .list(
                result.resolved.map { item in
                    .record([
                        "kind": .text(item.kind.rawValue), "category": .text(item.category.rawValue), "key": .text(item.key.description),
                        "first_seen": .text(item.firstSeen.rfc3339), "resolved_at": .text(item.resolvedAt.rfc3339),
                        "days_open": .text(String(item.daysOpen))
                    ])
                }),
            "time_to_close": .text(
                result.timeToClose.map { "\($0.kind.rawValue) \(Decimals.fixed($0.meanDaysOpen, places: 1)) days (\($0.resolved))" }
                    .joined(separator: ", ")),
            "expiring_within": .text(String(result.history.expiringWithinDays)),
            "expiring": .list(
                result.expiring.map { item in
                    .record([
                        "kind": .text(item.finding.kind.rawValue), "key": .text(item.finding.key.description),
                        "ticket": .text(item.waiver.ticket), "owner": .text(item.waiver.owner ?? "–"),
                        "expires": .text(item.waiver.expiresOn), "days_left": .text(String(item.daysLeft))
                    ])
                }),
            "controls": .list(
                result.byControl.map { row in
                    .record([
                        "control": .text(row.control), "findings": .text(row.findings.joined(separator: ", ")),
                        "waived": .text(row.waived.joined(separator: ", "))
                    ])
                })
        ]
    }
}
