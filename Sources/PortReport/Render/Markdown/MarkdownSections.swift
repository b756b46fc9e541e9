/// The blocks and values of one Markdown report: what each placeholder of the template becomes.
struct MarkdownSections {
    let result: AnalysisResult
    let words: ReportVocabulary

    init(_ result: AnalysisResult) {
        self.result = result
        words = ReportVocabulary(result)
    }

    typealias E = MarkdownEscaping

    func value(_ inline: MarkdownRenderer.Inline) -> String {
        switch inline {
        case .generatedAt: return result.generatedAt.rfc3339
        case .newestCapture: return result.newestCapture?.rfc3339 ?? "—"
        case .top: return String(result.top)
        case .toolVersion: return E.inline(PortReportVersion.string)
        case .policy: return E.inline(result.policySource)
        case .scope: return E.inline(words.scope)
        }
    }

    func lines(_ section: MarkdownRenderer.Section) -> [String] {
        switch section {
        case .headline: return ["**" + E.inline(result.headline) + "**"]
        case .keyFigures: return keyFigures()
        case .ranking: return ranking()
        case .breakdown: return breakdown()
        case .trends: return trends()
        case .findings: return findings()
        case .waived: return waived()
        case .history: return history()
        case .snapshots: return snapshots()
        case .provenance: return provenance()
        }
    }

    // MARK: Pieces

    typealias V = ReportVocabulary

    /// A table: header, alignment row (`r` right, anything else left), rows. Cells are already
    /// escaped (numbers and port keys need none); an empty data cell shows as "—".
    static func table(_ header: [String], _ align: String, _ rows: [[String]]) -> [String] {
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }
        let rule = "|" + align.map { $0 == "r" ? "---:|" : "---|" }.joined()
        return [line(header), rule] + rows.map { line($0.map { $0.isEmpty ? "—" : $0 }) }
    }

    static func note(_ text: String) -> String { "_" + text + "_" }

    /// A table of at most `limit` rows (`HumanReportLimits`); when rows are left out, it ends
    /// with "and M more `what` (see the JSON/CSV)".
    static func boundedTable(_ header: [String], _ align: String, _ rows: [[String]], limit: Int, what: String) -> [String] {
        let (shown, more) = HumanReportLimits.bounded(rows, to: limit)
        return table(header, align, shown) + moreLines(more, what)
    }

    /// The "and M more" note as lines to append after a list, or none when nothing was left out.
    static func moreLines(_ more: Int, _ what: String) -> [String] {
        more > 0 ? ["", note(HumanReportLimits.moreNote(more, what))] : []
    }

    // MARK: Key figures

    func keyFigures() -> [String] {
        func line(_ figure: V.Figure, bold: Bool = false) -> String {
            "- \(figure.label): " + (bold ? "**\(figure.value)**" : figure.value)
        }
        var lines = [
            line(words.openPorts, bold: true),
            line(words.instances, bold: true) + " (hosts \(words.hostInstancesInRanking), containers \(words.containerInstancesInRanking))"
        ]
        for figures in words.categories {
            if let ports = figures.ports, let instances = figures.instances {
                lines += [line(ports), line(instances)]
            } else {
                lines.append("- \(V.portsOpenLabel(figures.category)): no complete, unfiltered snapshot in scope")
            }
        }
        let parts = [words.vendorDanger, words.catalogued].map { "\($0.label): \($0.ports) ports, \($0.instances) instances" }
        lines.append(line(words.dangerous) + " (\(words.dangerousInstances) instances; " + parts.joined(separator: "; ") + ")")
        if let topShare = words.topShare { lines.append("- " + topShare) }
        lines.append(line(words.findings, bold: true) + " (waived: \(words.waived.value))")
        lines.append(line(words.snapshotsUsed) + " (in scope: \(words.snapshotsInScope.value))")
        if let suspect = words.suspect {
            lines.append(line(suspect, bold: true) + " (possibly filtered exports: listed with the snapshots)")
        }
        if !result.warnings.isEmpty {
            lines.append(line(words.warnings) + " (listed with the snapshots)")
        }
        return lines
    }

    // MARK: Ranking

    func ranking() -> [String] {
        guard !result.ranking.isEmpty else { return [Self.note("No open ports in the current snapshots.")] }
        let rows = result.ranking.prefix(max(result.top, 0)).map { row in
            [
                String(row.rank), row.key.description, E.inline(row.service ?? ""), String(row.host), String(row.container),
                String(row.total),
                V.percent(row.share), row.status?.rawValue ?? "", E.inline(row.risk?.reason ?? "")
            ]
        }
        var lines = Self.table(
            ["#", "Port", "Service", "Hosts", "Containers", "Total", "Share", "Vendor status", "Risk"], "rllrrrrll", Array(rows))
        let hidden = result.ranking.count - rows.count
        if hidden > 0 {
            let rest = 1 - (rows.isEmpty ? 0 : result.ranking[rows.count - 1].cumulativeShare)
            lines.append("")
            lines.append(
                Self.note("\(hidden) more ports (\(V.percent(max(rest, 0))) of instances) are in the full ranking (--format csv or json)."))
        }
        return lines
    }

    // MARK: Breakdown

    func breakdown() -> [String] {
        let b = result.breakdown
        guard b.host != nil || b.container != nil else { return [Self.note("No complete, unfiltered snapshot in scope.")] }
        // A category without a usable snapshot shows "—" (the table's mark for an empty cell).
        let rows = V.breakdownRows(b).map { [$0.label, $0.host ?? "", $0.container ?? ""] }
        var lines = Self.table(["Figure", "Hosts", "Containers"], "lrr", rows)
        lines.append("")
        if b.host != nil && b.container != nil {
            func list(_ keys: [PortKey]) -> String {
                let limit = 20
                guard !keys.isEmpty else { return "none" }
                let shown = keys.prefix(limit).map(\.description).joined(separator: ", ")
                return keys.count > limit ? shown + ", … (\(keys.count - limit) more)" : shown
            }
            lines.append("- Open on both hosts and containers: **\(b.both.count)** (\(list(b.both)))")
            lines.append("- Hosts only: **\(b.hostOnly.count)** (\(list(b.hostOnly)))")
            lines.append("- Containers only: **\(b.containerOnly.count)** (\(list(b.containerOnly)))")
        } else {
            let only = b.host != nil ? "host" : "container"
            lines.append(Self.note("Only \(only) snapshots are usable: the host-versus-container comparison is not possible."))
        }
        if result.perProject.count > 1 {
            lines.append("")
            let rows = result.perProject.map { row in
                [
                    E.inline(row.origin.projectID), E.inline(row.origin.enterpriseProjectID),
                    row.host.map { String($0.id) } ?? "", String(row.hostInstances),
                    row.container.map { String($0.id) } ?? "", String(row.containerInstances)
                ]
            }
            lines += Self.boundedTable(
                ["Project", "Enterprise project", "Host snapshot", "Host instances", "Container snapshot", "Container instances"], "llrrrr",
                rows, limit: HumanReportLimits.projects, what: "projects")
        }
        return lines
    }

    // MARK: Trends

    func trends() -> [String] {
        var lines: [String] = []
        for category in result.scope.categories {
            if !lines.isEmpty { lines.append("") }
            guard let trend = result.trends[category] else {
                lines.append("**\(V.population(category))**: fewer than two complete snapshots, no trend yet.")
                continue
            }
            let head = "**\(V.population(category))**, \(trend.from.rfc3339) → \(trend.to.rfc3339): " + V.trendSummary(trend)
            guard !(trend.new.isEmpty && trend.gone.isEmpty && trend.changed.isEmpty) else {
                lines.append(head + "; no changes.")
                continue
            }
            lines.append(head)
            lines.append("")
            // New, gone, then changed ports up to `top` (by size of the change); all of them
            // together at most `HumanReportLimits.changes` rows.
            let changedShown = trend.changed.prefix(max(result.top, 0))
            let rows = trend.new.map { ("new", $0) } + trend.gone.map { ("gone", $0) } + changedShown.map { ("changed", $0) }
            let (shown, cut) = HumanReportLimits.bounded(rows, to: HumanReportLimits.changes)
            lines += Self.table(
                ["Change", "Port", "Before", "After", "Delta"], "llrrr",
                shown.map { kind, change in
                    [kind, change.key.description, String(change.before), String(change.after), V.signed(change.delta)]
                })
            if cut > 0 {
                lines += Self.moreLines(trend.new.count + trend.gone.count + trend.changed.count - shown.count, "changes")
            } else if trend.changed.count > changedShown.count {
                lines.append("")
                lines.append(Self.note("\(trend.changed.count - changedShown.count) smaller changes are in the JSON report."))
            }
        }
        return lines.isEmpty ? [Self.note("No categories in scope.")] : lines
    }

    // MARK: Findings

    func findings() -> [String] {
        guard !result.findings.isEmpty else { return [Self.note("No policy findings.")] }
        let rows = result.findings.map { finding in
            [
                finding.kind.rawValue, finding.key.description, finding.category.rawValue, String(finding.num), E.inline(finding.message),
                E.inline(finding.waiver?.ticket ?? "")
            ]
        }
        return Self.boundedTable(
            ["Kind", "Port", "Category", "Count", "Finding", "Waiver"], "lllrll", rows, limit: HumanReportLimits.findings, what: "findings")
            + findingAssets(of: result.findings)
    }

    func waived() -> [String] {
        guard !result.waived.isEmpty else { return [Self.note("No waived findings.")] }
        let rows = result.waived.map { finding in
            [
                finding.kind.rawValue, finding.key.description, finding.category.rawValue, String(finding.num),
                E.inline(finding.waiver?.ticket ?? ""), E.inline(finding.waiver?.reason ?? ""), E.inline(finding.waiver?.expiresOn ?? ""),
                E.inline(finding.message)
            ]
        }
        return Self.boundedTable(
            ["Kind", "Port", "Category", "Count", "Ticket", "Reason", "Expires", "Finding"], "lllrllll", rows,
            limit: HumanReportLimits.findings, what: "waived findings") + findingAssets(of: result.waived)
    }

    // MARK: Snapshots and provenance

    func snapshots() -> [String] {
        let (warnings, moreWarnings) = HumanReportLimits.bounded(result.warnings, to: HumanReportLimits.warnings)
        var lines: [String] = warnings.map { "- **Warning:** " + E.inline($0) }
        if moreWarnings > 0 { lines.append("- " + HumanReportLimits.moreNote(moreWarnings, "warnings")) }
        if !lines.isEmpty { lines.append("") }
        guard !result.snapshots.isEmpty else { return lines + [Self.note("No snapshots in scope.")] }
        var currentIDs = Set<Int64>()
        for category in Category.allCases { currentIDs.formUnion((result.current[category] ?? []).map(\.id)) }
        let rows = result.reportedSnapshots.map { listed -> [String] in
            let info = listed.info
            let state = V.snapshotState(info, suspect: words.suspectReasons[info.id], escaping: E.inline)
            let role = currentIDs.contains(info.id) ? "current" : listed.used ? "history" : "not used"
            return [
                String(info.id), info.category.rawValue, E.inline(info.projectID), E.inline(info.enterpriseProjectID),
                info.capturedAt.rfc3339,
                String(info.records), info.totalNum.map { String($0) } ?? "", state, role
            ]
        }
        var table = Self.boundedTable(
            ["Snapshot", "Category", "Project", "Enterprise project", "Captured", "Records", "API total", "State", "Role"],
            "rllllrrll", rows, limit: HumanReportLimits.snapshots, what: "snapshots")
        if let historyNote = words.historyNote {
            table += ["", Self.note(historyNote)]
        }
        return lines + table
    }

    func provenance() -> [String] {
        var lines = [
            "- Tool: portreport " + E.inline(PortReportVersion.string),
            "- Generated at: " + result.generatedAt.rfc3339,
            "- Policy: " + E.inline(result.policySource),
            "- Scope: " + E.inline(words.scope)
        ]
        // From the snapshots listed, whose ids the rows come from (not every snapshot in scope:
        // 73,000 for 100 projects' year).
        let reported = result.reportedSnapshots
        let captured = Dictionary(reported.map { ($0.info.id, $0.info) }, uniquingKeysWith: { first, _ in first })
        // Rows are made for the files shown only; the rest are counted: the snapshots of 100
        // projects have about 50,000 files, and escaping them all was a twelfth of the report.
        var rows: [[String]] = []
        var total = 0
        for id in reported.filter(\.used).map(\.info.id).sorted() {
            let sources = result.sources[id] ?? []
            total += sources.count
            for source in sources.prefix(max(0, HumanReportLimits.provenance - rows.count)) {
                let place = source.entry.map { "HAR entry \($0)" } ?? source.query.map { "query: " + E.inline($0) } ?? ""
                rows.append([
                    String(id), captured[id].map { $0.capturedAt.rfc3339 } ?? "", E.inline(source.path), place,
                    E.inline(source.sha256), String(source.size), String(source.records)
                ])
            }
        }
        lines.append("")
        if total == 0 {
            lines.append(Self.note("No input files recorded for the snapshots used."))
        } else {
            lines += Self.table(["Snapshot", "Captured", "Input file", "Part", "SHA-256", "Bytes", "Records"], "rllllrr", rows)
            lines += Self.moreLines(total - rows.count, "input files")
        }
        return lines
    }
}
