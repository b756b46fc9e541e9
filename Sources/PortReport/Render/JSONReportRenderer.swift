/// `--format json`: the whole analysis, for machines. The schema is documented in the README
/// ("JSON report") and versioned by `schema`.
public struct JSONReportRenderer: ReportRenderer {
    public static let format = "json"

    init() {}

    public func render(_ result: AnalysisResult) throws -> [UInt8] {
        var w = JSONWriter()
        Self.write(result, into: &w)
        return w.finish()
    }

    /// The same bytes, handed to `sink` a megabyte at a time: the report of 100 projects is
    /// 46 MB, which held whole (and grown by doubling) was most of a report's peak memory.
    func render(_ result: AnalysisResult, streamingTo sink: @escaping ([UInt8]) -> Void) throws {
        var w = JSONWriter(flushingTo: sink)
        Self.write(result, into: &w)
        sink(w.finish())
    }

    static func write(_ result: AnalysisResult, into w: inout JSONWriter) {
        w.object { w in
            w.string("schema", AnalysisResult.schema)
            w.string("generated_at", result.generatedAt.rfc3339)
            w.string("tool_version", PortReportVersion.string)
            w.string("headline", result.headline)
            w.object("scope") { w in
                w.string("project_id", result.scope.projectID)
                w.string("enterprise_project_id", result.scope.enterpriseProjectID)
                w.string("category", result.scope.category?.rawValue)
                w.string("as_of", result.scope.asOf?.rfc3339)
                w.int("top", result.top)
            }
            w.array("warnings") { w in for warning in result.warnings { w.element(warning) } }
            // Only when a snapshot the figures use is suspect (absent: none is).
            if !result.suspect.isEmpty {
                w.array("suspect") { w in
                    for suspect in result.suspect {
                        w.elementObject { w in
                            w.int("snapshot", suspect.snapshotID)
                            w.string("category", suspect.category.rawValue)
                            w.string("captured_at", suspect.capturedAt.rfc3339)
                            w.string("reason", suspect.reason)
                            w.bool("current", suspect.role == .current)
                        }
                    }
                }
            }
            let suspectReasons = Dictionary(result.suspect.map { ($0.snapshotID, $0.reason) }, uniquingKeysWith: { first, _ in first })
            w.array("snapshots") { w in
                for listed in result.snapshots {
                    w.elementObject { w in
                        Self.snapshot(&w, listed.info)
                        w.bool("used", listed.used)
                        if let reason = suspectReasons[listed.info.id] { w.string("suspect", reason) }
                    }
                }
            }
            w.object("current") { w in
                for category in Category.allCases {
                    w.array(category.rawValue) { w in
                        for snapshot in result.current[category] ?? [] { w.element(snapshot.id) }
                    }
                }
            }
            w.array("ranking") { w in
                for row in result.ranking {
                    w.elementObject { w in
                        w.int("rank", row.rank)
                        Self.key(&w, row.key)
                        w.int("host", row.host)
                        w.int("container", row.container)
                        w.int("total", row.total)
                        w.string("status", row.status?.rawValue)
                        w.string("service", row.service)
                        w.string("range", row.range.rawValue)
                        w.fraction("share", row.share)
                        w.fraction("cumulative_share", row.cumulativeShare)
                        w.fraction("container_share", row.containerShare)
                        if let risk = row.risk {
                            w.object("risk") { w in
                                w.string("service", risk.service)
                                w.string("reason", risk.reason)
                                w.string("source", risk.source)
                            }
                        } else {
                            w.string("risk", nil)
                        }
                        w.string("anchor", row.key.anchor)
                    }
                }
            }
            w.object("breakdown") { w in
                for (category, summary) in [(Category.host, result.breakdown.host), (.container, result.breakdown.container)] {
                    guard let summary else {
                        w.string(category.rawValue, nil)
                        continue
                    }
                    w.object(category.rawValue) { w in
                        w.int("ports", summary.ports)
                        w.int("instances", summary.instances)
                        w.object("types") { w in for type in PortType.allCases { w.int(type.rawValue, summary.types[type] ?? 0) } }
                        w.object("ranges") { w in for range in PortRange.allCases { w.int(range.rawValue, summary.ranges[range] ?? 0) } }
                    }
                }
                w.int("both", result.breakdown.both.count)
                w.int("host_only", result.breakdown.hostOnly.count)
                w.int("container_only", result.breakdown.containerOnly.count)
                w.array("both_list") { w in for key in result.breakdown.both { w.element(key.description) } }
                w.array("host_only_list") { w in for key in result.breakdown.hostOnly { w.element(key.description) } }
                w.array("container_only_list") { w in for key in result.breakdown.containerOnly { w.element(key.description) } }
            }
            w.array("projects") { w in
                for row in result.perProject {
                    w.elementObject { w in
                        w.string("project_id", row.origin.projectID.isEmpty ? nil : row.origin.projectID)
                        w.string("enterprise_project_id", row.origin.enterpriseProjectID.isEmpty ? nil : row.origin.enterpriseProjectID)
                        w.int("host_snapshot", row.host?.id)
                        w.int("container_snapshot", row.container?.id)
                        w.int("host_instances", row.hostInstances)
                        w.int("container_instances", row.containerInstances)
                    }
                }
            }
            w.object("trends") { w in
                for category in Category.allCases {
                    guard let trend = result.trends[category] else {
                        w.string(category.rawValue, nil)
                        continue
                    }
                    w.object(category.rawValue) { w in
                        w.string("from", trend.from.rfc3339)
                        w.string("to", trend.to.rfc3339)
                        Self.changeLists(&w, new: trend.new, gone: trend.gone, changed: trend.changed)
                    }
                }
            }
            w.int("series_points", result.history.seriesPoints.map(Int64.init))
            w.array("series") { w in
                // Every series has a point per export (or the last `--series`): each time is
                // formatted once.
                var times: [Timestamp: String] = [:]
                for series in result.series {
                    w.elementObject { w in
                        Self.key(&w, series.key)
                        w.array("reasons") { w in for reason in series.reasons { w.element(reason) } }
                        w.string("first_seen", series.firstSeen?.rfc3339)
                        w.string("last_seen", series.lastSeen?.rfc3339)
                        w.int("change_7d", series.change7d)
                        w.int("change_30d", series.change30d)
                        w.array("points") { w in
                            for point in series.points.suffix(result.history.seriesPoints ?? series.points.count) {
                                w.elementObject { w in
                                    let time = times[point.capturedAt] ?? point.capturedAt.rfc3339
                                    times[point.capturedAt] = time
                                    w.string("captured_at", time)
                                    w.int("host", point.host)
                                    w.int("container", point.container)
                                }
                            }
                        }
                    }
                }
            }
            if let movers = result.movers {
                w.object("movers") { w in
                    w.string("from", movers.from.rfc3339)
                    w.string("to", movers.to.rfc3339)
                    w.array("risers") { w in for change in movers.risers { w.elementObject { w in Self.change(&w, change) } } }
                    w.array("fallers") { w in for change in movers.fallers { w.elementObject { w in Self.change(&w, change) } } }
                }
            } else {
                w.string("movers", nil)
            }
            w.array("drilldown") { w in for entry in result.drilldown { w.elementObject { w in Self.drilldown(&w, entry) } } }
            w.array("asset_ranking") { w in
                for risk in result.assetRanking {
                    w.elementObject { w in
                        w.string("category", risk.asset.category.rawValue)
                        w.string("asset_id", risk.asset.id)
                        w.string("name", risk.displayName)
                        w.string("host_id", risk.hostID)
                        w.string("host_ip", risk.hostIP)
                        w.string("project_id", risk.projectID.isEmpty ? nil : risk.projectID)
                        w.array("ports") { w in for key in risk.ports { w.element(key.description) } }
                        w.int("all_interfaces", risk.allInterfaces)
                        w.string("anchor", risk.anchor)
                    }
                }
            }
            w.array("findings") { w in
                for finding in result.findings { w.elementObject { w in Self.finding(&w, finding, history: result.assetHistory) } }
            }
            w.array("waived") { w in
                for finding in result.waived { w.elementObject { w in Self.finding(&w, finding, history: result.assetHistory) } }
            }
            Self.findingHistory(&w, result)
        }
    }

    static func key(_ w: inout JSONWriter, _ key: PortKey) {
        w.int("port", key.port)
        w.string("type", key.type.rawValue)
    }

    /// The `new` (`after`), `gone` (`before`) and `changed` arrays of a trend or a diff.
    static func changeLists(_ w: inout JSONWriter, new: [TrendChange], gone: [TrendChange], changed: [TrendChange]) {
        w.array("new") { w in
            for change in new {
                w.elementObject { w in
                    Self.key(&w, change.key)
                    w.int("after", change.after)
                }
            }
        }
        w.array("gone") { w in
            for change in gone {
                w.elementObject { w in
                    Self.key(&w, change.key)
                    w.int("before", change.before)
                }
            }
        }
        w.array("changed") { w in for change in changed { w.elementObject { w in Self.change(&w, change) } } }
    }

    static func change(_ w: inout JSONWriter, _ change: TrendChange) {
        key(&w, change.key)
        w.int("before", change.before)
        w.int("after", change.after)
        w.int("delta", change.delta)
    }

    static func snapshot(_ w: inout JSONWriter, _ info: SnapshotInfo) {
        w.int("id", info.id)
        w.string("project_id", info.projectID.isEmpty ? nil : info.projectID)
        w.string("enterprise_project_id", info.enterpriseProjectID.isEmpty ? nil : info.enterpriseProjectID)
        w.string("category", info.category.rawValue)
        w.string("captured_at", info.capturedAt.rfc3339)
        w.int("records", info.records)
        w.int("total_num", info.totalNum)
        w.bool("complete", info.complete)
        w.bool("partial", info.partial)
        w.string("filters", info.filters.isEmpty ? nil : info.filters)
        w.string("note", info.note.isEmpty ? nil : info.note)
    }

    static func finding(_ w: inout JSONWriter, _ finding: Finding, history: AssetHistory) {
        w.string("kind", finding.kind.rawValue)
        key(&w, finding.key)
        w.string("category", finding.category.rawValue)
        w.int("num", finding.num)
        w.string("message", finding.message)
        if let waiver = finding.waiver {
            w.object("waiver") { w in
                w.string("ticket", waiver.ticket)
                w.string("reason", waiver.reason)
                w.string("expires", waiver.expiresOn)
                w.string("owner", waiver.owner)
            }
        } else {
            w.string("waiver", nil)
        }
        // Empty when no drill-down exists for the port (or, under a narrowed rule, none matches).
        // Each with since when it has been behind the finding (`AssetHistory`).
        w.array("assets") { w in
            for asset in finding.assets {
                w.elementObject { w in
                    Self.asset(&w, asset)
                    let age = history.age(of: asset, in: finding)
                    w.string("first_seen", age?.firstSeen.rfc3339)
                    w.int("age_days", age?.ageDays)
                    w.string("state", age?.state.rawValue)
                }
            }
        }
        w.string("id", finding.id)
        w.string("first_seen", finding.age?.firstSeen.rfc3339)
        w.int("age_days", finding.age?.ageDays)
        w.string("state", finding.age?.state.rawValue)
        w.array("controls") { w in for control in finding.controls { w.element(control) } }
    }

    /// One `drilldown[]` entry: the members issue 13 lists, then what says how far to trust them.
    static func drilldown(_ w: inout JSONWriter, _ entry: DrilldownEntry) {
        key(&w, entry.key)
        w.string("category", entry.category.rawValue)
        w.string("source", entry.source.rawValue)
        w.string("captured_at", entry.capturedAt.rfc3339)
        w.int("total_num", entry.totalNum)
        w.bool("complete", entry.complete)
        w.int("statistics_num", entry.statisticsNum)
        w.int("asset_count", entry.assetCount)
        w.bool("mismatch", entry.mismatch)
        w.object("exposure") { w in
            for exposure in Exposure.allCases { w.int(exposure.jsonName, entry.exposure[exposure]) }
        }
        w.array("assets") { w in for asset in entry.assets { w.elementObject { w in Self.asset(&w, asset) } } }
        if let changes = entry.changes {
            w.object("changes") { w in
                w.string("since", changes.since.rfc3339)
                w.array("opened") { w in for asset in changes.opened { w.elementObject { w in Self.asset(&w, asset) } } }
                w.array("closed") { w in for asset in changes.closed { w.elementObject { w in Self.asset(&w, asset) } } }
                w.array("exposure_changed") { w in
                    for change in changes.exposureChanged {
                        w.elementObject { w in
                            Self.asset(&w, change.asset)
                            w.array("exposure_before") { w in for exposure in change.before { w.element(exposure.rawValue) } }
                            w.array("exposure_after") { w in for exposure in change.after { w.element(exposure.rawValue) } }
                        }
                    }
                }
            }
        } else {
            w.string("changes", nil)
        }
        w.array("notes") { w in for note in entry.notes { w.element(note) } }
    }

    /// One asset (a listening socket of a host or container): empty text members are null.
    static func asset(_ w: inout JSONWriter, _ asset: DrilldownAsset) {
        func text(_ name: String, _ value: String) { w.string(name, value.isEmpty ? nil : value) }
        text("host_id", asset.hostID)
        text("host_name", asset.hostName)
        text("host_ip", asset.hostIP)
        text("container_id", asset.containerID)
        text("container_name", asset.containerName)
        w.string("laddr", asset.laddr)
        w.string("exposure", asset.exposure.rawValue)
        w.int("pid", asset.pid)
        text("path", asset.path)
        w.string("status", asset.status?.rawValue)
        text("project_id", asset.projectID)
        w.string("anchor", asset.anchor)
    }
}

extension JSONReportRenderer {
    /// The members issue 14 adds after `waived`: the policy used (and whether it is the built-in
    /// baseline), the findings resolved in the window and the mean time to close per kind.
    static func findingHistory(_ w: inout JSONWriter, _ result: AnalysisResult) {
        w.object("policy") { w in
            w.string("source", result.policySource)
            w.bool("baseline", result.policyBaseline)
        }
        w.string("unchanged_since", result.unchangedSince?.rfc3339)
        w.int("resolved_window_days", result.history.resolvedWindowDays)
        w.array("resolved") { w in
            for item in result.resolved {
                w.elementObject { w in
                    w.string("id", item.id)
                    w.string("kind", item.kind.rawValue)
                    key(&w, item.key)
                    w.string("category", item.category.rawValue)
                    w.string("first_seen", item.firstSeen.rfc3339)
                    w.string("resolved_at", item.resolvedAt.rfc3339)
                    w.int("days_open", item.daysOpen)
                }
            }
        }
        w.array("resolved_assets") { w in
            for item in result.assetHistory.resolved {
                w.elementObject { w in
                    w.string("finding", item.findingID)
                    w.string("kind", item.kind.rawValue)
                    key(&w, item.key)
                    w.string("category", item.category.rawValue)
                    asset(&w, item.asset)
                    w.string("first_seen", item.firstSeen.rfc3339)
                    w.string("resolved_at", item.resolvedAt.rfc3339)
                    w.int("days_open", item.daysOpen)
                }
            }
        }
        w.array("controls") { w in
            for row in result.byControl {
                w.elementObject { w in
                    w.string("control", row.control)
                    w.array("findings") { w in for id in row.findings { w.element(id) } }
                    w.array("waived") { w in for id in row.waived { w.element(id) } }
                }
            }
        }
        w.int("expiring_within_days", result.history.expiringWithinDays)
        w.array("expiring") { w in
            for item in result.expiring {
                w.elementObject { w in
                    w.string("kind", item.finding.kind.rawValue)
                    key(&w, item.finding.key)
                    w.string("category", item.finding.category.rawValue)
                    w.string("ticket", item.waiver.ticket)
                    w.string("owner", item.waiver.owner)
                    w.string("expires", item.waiver.expiresOn)
                    w.int("days_left", item.daysLeft)
                }
            }
        }
        w.array("time_to_close") { w in
            for row in result.timeToClose {
                w.elementObject { w in
                    w.string("kind", row.kind.rawValue)
                    w.int("resolved", row.resolved)
                    w.fraction("mean_days_open", row.meanDaysOpen)
                }
            }
        }
    }
}
