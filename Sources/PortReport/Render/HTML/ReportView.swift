/// The analysis result as display-ready values for the HTML, XHTML and email templates: every
/// figure is formatted here once, so that templates only place them.
enum ReportView {
    /// `attachment`: the file name the full report is attached under (only a message with
    /// `--attach-full` has one), so that the email says it is attached only when it is.
    static func make(_ result: AnalysisResult, attachment: String? = nil) -> [String: TemplateValue] {
        let words = ReportVocabulary(result)
        // Each port shown gets its stable anchor (`id="tcp-443"`) once: on its first row, in
        // the order ranking, trends, findings, dangerous ports. Later rows link to it.
        var anchored = Set<String>()
        func claim(_ key: PortKey) -> TemplateValue {
            anchored.insert(key.anchor).inserted ? .text(key.anchor) : .text("")
        }
        let seriesByKey = Dictionary(uniqueKeysWithValues: result.series.map { ($0.key, $0) })
        let topRows = Array(result.ranking.prefix(result.top))
        let maximumTotal = max(1, topRows.map(\.total).max() ?? 1)
        var root: [String: TemplateValue] = [:]
        root["headline"] = .text(result.headline)
        root["generated_at"] = .text(result.generatedAt.rfc3339)
        root["tool_version"] = .text(PortReportVersion.string)
        root["attachment"] = .text(attachment ?? "")
        root["policy"] = .text(result.policySource)
        root["scope"] = .text(words.scope)
        root["top"] = .text(String(result.top))
        root["figures"] = .list(words.keyFigures.map { .record(["label": .text($0.label), "value": .text($0.value)]) })
        root["ranking"] = .list(
            topRows.map { row in
                var record = rowRecord(row, maximumTotal: maximumTotal, series: seriesByKey[row.key])
                record["id"] = claim(row.key)
                return .record(record)
            })
        root["bars"] = .chart(
            Chart(
                kind: .stackedBars(topRows.map { (label: $0.key.description, host: $0.host, container: $0.container) }),
                title: "Top \(topRows.count) ports by hosts and containers with the port open"))
        root["breakdown"] = breakdown(result.breakdown)
        root["trends"] = .list(
            Category.allCases.compactMap { category in
                result.trends[category].map {
                    trendRecord($0, top: result.top, series: seriesByKey, recent: result.sparklines, claim: claim)
                }
            })
        // Drill-down (empty lists without it): asset rows are anchored once, like ports.
        let entries = DrilldownEntry.index(result.drilldown)
        let ranked = Set(result.assetRanking.prefix(htmlAssetRankingRows).map(\.asset))
        let assetClaims = AnchorClaims()
        root["findings"] = .list(
            result.findings.map { finding in
                guard case .record(var record) = findingRecord(finding) else { return .null }
                record["id"] = claim(finding.key)
                record["drilldown"] = drilldownBlocks(
                    finding: finding, entries: entries, ranked: ranked, claims: assetClaims,
                    history: result.assetHistory.phrase(for: finding, windowDays: result.history.resolvedWindowDays))
                return .record(record)
            })
        root["dangerous"] = .list(
            words.dangerousRows.map { row in
                var record = rowRecord(row, maximumTotal: maximumTotal, series: seriesByKey[row.key])
                record["id"] = claim(row.key)
                record["drilldown"] = drilldownBlocks(key: row.key, entries: entries, ranked: ranked, claims: assetClaims)
                return .record(record)
            })
        root["has_drilldown"] = .bool(!result.drilldown.isEmpty)
        root["asset_ranking"] = assetRankingRows(result.assetRanking, claims: assetClaims)
        root["asset_ranking_more"] = assetRankingMore(result.assetRanking)
        // After the findings, the dangerous ports and the asset ranking, so their anchors stay
        // where they were: an asset already anchored above is not anchored again.
        root["waived"] = .list(
            result.waived.map { finding in
                guard case .record(var record) = findingRecord(finding) else { return .null }
                record["drilldown"] = drilldownBlocks(
                    finding: finding, entries: entries, ranked: ranked, claims: assetClaims,
                    history: result.assetHistory.phrase(for: finding, windowDays: result.history.resolvedWindowDays))
                return .record(record)
            })
        root["warnings"] = .list(result.warnings.map { .text($0) })
        root["suspect"] = .list(
            result.suspect.map { suspect in
                .record([
                    "snapshot": .text(String(suspect.snapshotID)), "category": .text(suspect.category.rawValue),
                    "captured_at": .text(suspect.capturedAt.rfc3339), "reason": .text(suspect.reason), "message": .text(suspect.message)
                ])
            })
        let shown = result.reportedSnapshots
        root["history_note"] = .text(words.historyNote ?? "")
        root["snapshots"] = .list(
            shown.map { listed in
                let info = listed.info
                let suspect = words.suspectReasons[info.id]
                let state = ReportVocabulary.snapshotState(info, suspect: suspect)
                return .record([
                    "id": .text(String(info.id)), "category": .text(info.category.rawValue), "project": .text(project(info.projectID)),
                    "captured_at": .text(info.capturedAt.rfc3339), "records": .text(String(info.records)),
                    "total_num": .text(info.totalNum.map(String.init) ?? "–"), "state": .text(state),
                    "used": .text(listed.used ? "used" : "not used"), "warn": .bool(!info.isUsable || suspect != nil),
                    "suspect": .text(suspect ?? ""),
                    "row_class": .text(suspect != nil ? "warn" : info.isUsable ? (listed.used ? "used" : "unused") : "warn")
                ])
            })
        var provenance: [TemplateValue] = []
        for listed in shown where listed.used {
            for source in result.sources[listed.info.id] ?? [] {
                provenance.append(
                    .record([
                        "snapshot": .text(String(listed.info.id)), "category": .text(listed.info.category.rawValue),
                        "captured_at": .text(listed.info.capturedAt.rfc3339),
                        "path": .text(
                            source.path + (source.entry.map { " (log.entries[\($0)])" } ?? "")
                                + (source.query.map { " (query: \($0))" } ?? "")),
                        "sha256": .text(source.sha256), "size": .text(String(source.size))
                    ]))
            }
        }
        root["provenance"] = .list(provenance)
        root["projects"] = .list(
            result.perProject.count > 1
                ? result.perProject.map { row in
                    .record([
                        "project": .text(project(row.origin.projectID)),
                        "enterprise_project": .text(row.origin.enterpriseProjectID.isEmpty ? "–" : row.origin.enterpriseProjectID),
                        "host": .text(String(row.hostInstances)), "container": .text(String(row.containerInstances))
                    ])
                } : [])
        root.merge(historyValues(result)) { _, new in new }
        return root
    }

    static func project(_ id: String) -> String { id.isEmpty ? "(unknown)" : id }

    static func rowRecord(_ row: RankingRow, maximumTotal: Int64, series: PortSeries?) -> [String: TemplateValue] {
        let hostWidth = Int((Double(row.host) / Double(maximumTotal) * 200).rounded())
        let containerWidth = Int((Double(row.container) / Double(maximumTotal) * 200).rounded())
        var record: [String: TemplateValue] = [
            "rank": .text(String(row.rank)), "key": .text(row.key.description), "anchor": .text(row.key.anchor),
            "href": .text("#" + row.key.anchor), "port": .text(String(row.key.port)), "type": .text(row.key.type.rawValue),
            "service": .text(row.service ?? "–"),
            "host": .text(String(row.host)), "container": .text(String(row.container)), "total": .text(String(row.total)),
            "share": .text(ReportVocabulary.percent(row.share)), "cumulative": .text(ReportVocabulary.percent(row.cumulativeShare)),
            "container_share": .text(ReportVocabulary.percent(row.containerShare)),
            "status": .text(row.status?.rawValue ?? "–"), "status_class": .text("status-" + (row.status?.rawValue ?? "none")),
            "risk": .text(row.risk?.reason ?? ""), "risk_source": .text(row.risk?.source ?? ""),
            "range": .text(row.range.rawValue),
            // Email bars: cell widths in pixels out of 200; a zero-width cell is dropped by t:if.
            "host_bar": .text(String(hostWidth)), "container_bar": .text(String(containerWidth)),
            "has_host_bar": .bool(hostWidth > 0), "has_container_bar": .bool(containerWidth > 0)
        ]
        record["sparkline"] = sparkline(series, key: row.key)
        return record
    }

    /// A sparkline shows at most the last `AnalysisResult.sparklineLength` exports: a
    /// 120-pixel line cannot show more, and the page's cost then follows what it shows, not the
    /// length of the history.
    static func sparkline(_ series: PortSeries?, key: PortKey, recent: [Int64]? = nil) -> TemplateValue {
        let values: [Int64]
        if let series {
            values = series.points.suffix(AnalysisResult.sparklineLength).map(\.total)
        } else if let recent {
            values = recent
        } else {
            return .null
        }
        guard values.count > 1 else { return .null }
        return .chart(Chart(kind: .sparkline(values), title: "\(key) over the last \(values.count) exports"))
    }

    static func breakdown(_ breakdown: Breakdown) -> TemplateValue {
        func value(_ summary: CategoryBreakdown?, _ pick: (CategoryBreakdown) -> String) -> TemplateValue {
            .text(summary.map(pick) ?? "–")
        }
        let rows: [TemplateValue] = ReportVocabulary.breakdownRows(breakdown).map { row in
            .record(["label": .text(row.label), "host": .text(row.host ?? "–"), "container": .text(row.container ?? "–")])
        }
        return .record([
            "rows": .list(rows),
            "both": .text(String(breakdown.both.count)), "host_only": .text(String(breakdown.hostOnly.count)),
            "container_only": .text(String(breakdown.containerOnly.count)),
            "compared": .bool(breakdown.host != nil && breakdown.container != nil),
            "container_only_list": .text(
                breakdown.containerOnly.prefix(40).map(\.description).joined(separator: ", ")
                    + (breakdown.containerOnly.count > 40 ? ", …" : ""))
        ])
    }

    static func trendRecord(
        _ trend: CategoryTrend, top: Int, series: [PortKey: PortSeries], recent: [PortKey: [Int64]],
        claim: (PortKey) -> TemplateValue
    ) -> TemplateValue {
        func changes(_ list: [TrendChange]) -> TemplateValue {
            .list(
                list.prefix(top).map { change in
                    .record([
                        "key": .text(change.key.description), "anchor": .text(change.key.anchor), "href": .text("#" + change.key.anchor),
                        "id": claim(change.key),
                        "before": .text(String(change.before)), "after": .text(String(change.after)),
                        "delta": .text(ReportVocabulary.signed(change.delta)),
                        "sparkline": sparkline(series[change.key], key: change.key, recent: recent[change.key])
                    ])
                })
        }
        func more(_ list: [TrendChange]) -> TemplateValue {
            .text(list.count > top ? "and \(list.count - top) more (see the JSON report)" : "")
        }
        return .record([
            "category": .text(trend.category.rawValue), "from": .text(trend.from.rfc3339), "to": .text(trend.to.rfc3339),
            "summary": .text(ReportVocabulary.trendSummary(trend)),
            "new": changes(trend.new), "gone": changes(trend.gone), "changed": changes(trend.changed),
            "new_more": more(trend.new), "gone_more": more(trend.gone), "changed_more": more(trend.changed)
        ])
    }

    static func findingRecord(_ finding: Finding) -> TemplateValue {
        .record([
            "kind": .text(finding.kind.rawValue), "category": .text(finding.category.rawValue), "key": .text(finding.key.description),
            "anchor": .text(finding.key.anchor), "href": .text("#" + finding.key.anchor), "num": .text(String(finding.num)),
            "message": .text(finding.message),
            "since": .text(finding.age.map { "\($0.firstSeen.dateString) (\($0.ageDays) d, \($0.state.rawValue))" } ?? "–"),
            "ticket": .text(finding.waiver?.ticket ?? ""), "reason": .text(finding.waiver?.reason ?? ""),
            "expires": .text(finding.waiver?.expiresOn ?? "")
        ])
    }
}
