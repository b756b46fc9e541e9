/// The `history` section of the Markdown report (issue 14): since when each finding holds, the
/// findings resolved in the window with the mean time to close, the waivers about to expire,
/// and the findings by control. Each part is a table, or a note when it has nothing.
extension MarkdownSections {
    func history() -> [String] {
        var lines: [String] = []
        let current = result.findings + result.waived
        if current.isEmpty {
            lines.append(Self.note("No findings to date."))
        } else {
            let rows = current.map { finding in
                [
                    finding.id, finding.age?.firstSeen.rfc3339 ?? "", finding.age.map { String($0.ageDays) } ?? "",
                    finding.age?.state.rawValue ?? "", finding.waiver == nil ? "" : "waived"
                ]
            }
            lines += Self.boundedTable(
                ["Finding", "First seen", "Age (days)", "State", "Waived"], "llrll", rows, limit: HumanReportLimits.findings,
                what: "findings")
        }
        lines.append("")
        let window = result.history.resolvedWindowDays
        if result.resolved.isEmpty {
            lines.append(Self.note("No finding resolved in the last \(window) days."))
        } else {
            lines.append("Resolved in the last \(window) days:")
            lines.append("")
            lines += Self.boundedTable(
                ["Finding", "First seen", "Resolved", "Days open"], "lllr",
                result.resolved.map { [$0.id, $0.firstSeen.rfc3339, $0.resolvedAt.rfc3339, String($0.daysOpen)] },
                limit: HumanReportLimits.findings, what: "resolved findings")
            lines.append("")
            lines.append(
                "Mean time to close: "
                    + result.timeToClose.map { "\($0.kind.rawValue) \(Decimals.fixed($0.meanDaysOpen, places: 1)) days (\($0.resolved))" }
                    .joined(separator: ", "))
        }
        lines.append("")
        let expiring = result.expiring
        let within = result.history.expiringWithinDays
        if expiring.isEmpty {
            lines.append(Self.note("No waiver expires within \(within) days."))
        } else {
            lines.append("Waivers expiring within \(within) days:")
            lines.append("")
            lines += Self.boundedTable(
                ["Finding", "Ticket", "Owner", "Expires", "Days left"], "llllr",
                expiring.map {
                    [
                        $0.finding.id, E.inline($0.waiver.ticket), E.inline($0.waiver.owner ?? ""), E.inline($0.waiver.expiresOn),
                        String($0.daysLeft)
                    ]
                }, limit: HumanReportLimits.findings, what: "expiring waivers")
        }
        let controls = result.byControl
        if !controls.isEmpty {
            lines.append("")
            lines.append("By control (the policy's own control ids):")
            lines.append("")
            lines += Self.boundedTable(
                ["Control", "Findings", "Waived"], "lll",
                controls.map { [E.inline($0.control), $0.findings.joined(separator: ", "), $0.waived.joined(separator: ", ")] },
                limit: HumanReportLimits.findings, what: "controls")
        }
        return lines
    }
}
