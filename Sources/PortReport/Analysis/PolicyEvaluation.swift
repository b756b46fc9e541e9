/// Applies a policy to the current figures and the latest trends, and to the drill-down assets
/// behind them (rules narrowed by exposure or names, waivers that name assets).
struct PolicyEvaluation {
    /// Findings that count, ordered by kind, category, port, protocol.
    let findings: [Finding]
    /// Findings a valid waiver covers.
    let waived: [Finding]

    /// A finding before waivers, with the limit an over-limit finding was held to (a waiver that
    /// covers some of its assets may bring the rest within it).
    private struct Raw {
        var finding: Finding
        var limit: Int64?
    }

    init(
        policy: Policy, aggregates: [Category: Aggregate], trends: [Category: CategoryTrend], generatedAt: Timestamp,
        drilldown: [DrilldownEntry] = []
    ) {
        var raw: [Raw] = []
        let entries = DrilldownEntry.index(drilldown)
        func add(
            _ kind: Finding.Kind, _ key: PortKey, _ category: Category, _ num: Int64, _ message: String,
            assets: [DrilldownAsset]? = nil, limit: Int64? = nil, threshold: Int64? = nil, heldWhileDanger: Bool = false,
            controls: [String] = [], filter: AssetFilter? = nil
        ) {
            let assets = assets ?? entries[category]?[key]?.assets ?? []
            var finding = Finding(kind: kind, key: key, category: category, num: num, message: message, waiver: nil, assets: assets)
            finding.assetFilter = filter
            finding.threshold = threshold ?? limit ?? 0
            finding.heldWhileDanger = heldWhileDanger
            finding.controls = controls
            raw.append(Raw(finding: finding, limit: limit))
        }
        /// What a narrowed rule counts for `key` with `num` in the statistics. It fails closed:
        /// the assets the drill-down does not list (`num` minus the assets it lists: servers
        /// ListPorts was not asked about, missing pages, a filtered query, a project without
        /// drill-down) might match, so they are counted as matching; and a drill-down older than
        /// the statistics cannot narrow at all. `.notApplied` says why, and the rule counts `num`.
        func narrowed(_ filter: AssetFilter, _ key: PortKey, _ category: Category, num: Int64) -> Narrowing {
            guard let entry = entries[category]?[key] else { return .notApplied("there is no drill-down data for this port") }
            if entry.olderThanStatistics {
                return .notApplied("the drill-down is older than the statistics (assets may have opened, closed or moved since)")
            }
            let matching = entry.assets.filter(filter.matches)
            let unlisted = filter.couldMatchUnlisted(in: category) ? max(0, num - Int64(entry.assetCount)) : 0
            return .applied(assets: matching, count: Int64(Set(matching.map(\.asset)).count).saturatingAdding(unlisted), unlisted: unlisted)
        }
        func narrowedWords(_ filter: AssetFilter, _ key: PortKey, _ category: Category, count: Int64, unlisted: Int64, num: Int64) -> String
        {
            var words = "\(key) is open \(Wording.on(count, category)) \(filter.description) (\(num) in the statistics"
            if unlisted > 0 {
                words += "; \(unlisted) not in the drill-down, counted as matching"
            }
            if let entry = entries[category]?[key] {
                if entry.source == .hostPorts { words += "; the drill-down covers only the servers asked about" }
                if !entry.complete { words += "; the drill-down is incomplete" }
            }
            return words + ")"
        }
        func cannotNarrow(_ filter: AssetFilter, _ why: String) -> String {
            " (the rule counts only assets \(filter.description), but \(why): the narrowing could not be applied and every one is counted)"
        }
        for category in Category.allCases {
            guard let aggregate = aggregates[category] else { continue }
            // Sorted once, with the figures: a look-up by port per rule family was a hash each.
            let figures = PortOrder.entries(of: aggregate)
            // One finding per port and kind, whatever the number of rules that name it: the
            // rules are indexed by port first, so the work is linear in rules plus records (2,000
            // forbid rules over 0-65535 each made 2,000 findings per port, and 900 MB). A port with
            // drill-down data under a policy with narrowed rules tries each rule that names it in
            // turn (a narrowed rule whose assets do not match gives way to the next).
            let forbid = policy.forbid.filter { $0.category == nil || $0.category == category }
            let forbidNarrows = forbid.contains { $0.assets != nil }
            func forbidFinding(_ rule: Policy.Forbid, _ key: PortKey, _ num: Int64) -> Bool {
                let reason = rule.reason.map { ": \($0)" } ?? ""
                guard let filter = rule.assets else {
                    add(
                        .forbidden, key, category, num, "\(key) is open \(Wording.on(num, category))\(reason) (forbidden)",
                        controls: rule.controls)
                    return true
                }
                let narrowing = narrowed(filter, key, category, num: num)
                guard case .applied(let assets, let count, let unlisted) = narrowing else {
                    add(
                        .forbidden, key, category, num,
                        "\(key) is open \(Wording.on(num, category))\(reason) (forbidden)\(cannotNarrow(filter, narrowing.why))",
                        controls: rule.controls)
                    return true
                }
                guard count > 0 else { return false }
                add(
                    .forbidden, key, category, count,
                    narrowedWords(filter, key, category, count: count, unlisted: unlisted, num: num) + "\(reason) (forbidden)",
                    assets: assets, controls: rule.controls, filter: filter)
                return true
            }
            if let index = PortRuleIndex(forbid.map(\.ports)) {
                for (key, value) in figures {
                    let num = value.num
                    guard num > 0 else { continue }
                    if forbidNarrows && entries[category]?[key] != nil {
                        for rule in forbid where rule.ports.contains(where: { $0.matches(key) }) {
                            if forbidFinding(rule, key, num) { break }
                        }
                    } else if let rule = index.firstRule(key).map({ forbid[$0] }) {
                        _ = forbidFinding(rule, key, num)
                    }
                }
            }
            if policy.forbidVendorDanger {
                let taken = Set(raw.lazy.filter { $0.finding.kind == .forbidden && $0.finding.category == category }.map(\.finding.key))
                for (key, value) in figures where value.status == .danger && value.num > 0 && !taken.contains(key) {
                    add(
                        .forbidden, key, category, value.num,
                        "\(key) is open \(Wording.on(value.num, category)): the vendor rates it danger (forbidden)", heldWhileDanger: true,
                        controls: policy.vendorDangerControls)
                }
            }
            // The strictest limit that names a port (and that it breaks, when rules are narrowed) is
            // the one it is held to.
            let limits = policy.limits.enumerated().filter { $0.element.category == nil || $0.element.category == category }
                .sorted { ($0.element.max, $0.offset) < ($1.element.max, $1.offset) }.map(\.element)
            let limitsNarrow = limits.contains { $0.assets != nil }
            func limitFinding(_ rule: Policy.Limit, _ key: PortKey, _ num: Int64) -> Bool {
                let reason = rule.reason.map { ": \($0)" } ?? ""
                guard let filter = rule.assets else {
                    guard num > rule.max else { return false }
                    add(
                        .overLimit, key, category, num,
                        "\(key) is open \(Wording.on(num, category)), over the limit of \(rule.max)\(reason)",
                        limit: rule.max, controls: rule.controls)
                    return true
                }
                let narrowing = narrowed(filter, key, category, num: num)
                guard case .applied(let assets, let count, let unlisted) = narrowing else {
                    guard num > rule.max else { return false }
                    add(
                        .overLimit, key, category, num,
                        "\(key) is open \(Wording.on(num, category)), over the limit of \(rule.max)\(reason)\(cannotNarrow(filter, narrowing.why))",
                        limit: rule.max, controls: rule.controls)
                    return true
                }
                guard count > rule.max else { return false }
                add(
                    .overLimit, key, category, count,
                    narrowedWords(filter, key, category, count: count, unlisted: unlisted, num: num)
                        + ", over the limit of \(rule.max)\(reason)",
                    assets: assets,
                    limit: rule.max, controls: rule.controls, filter: filter)
                return true
            }
            if let index = PortRuleIndex(limits.map(\.ports)) {
                for (key, value) in figures {
                    let num = value.num
                    if limitsNarrow && entries[category]?[key] != nil {
                        for rule in limits where rule.ports.contains(where: { $0.matches(key) }) {
                            if limitFinding(rule, key, num) { break }
                        }
                    } else if let rule = index.firstRule(key).map({ limits[$0] }) {
                        _ = limitFinding(rule, key, num)
                    }
                }
            }
            if let allowed = policy.allow[category] {
                let index = PortRuleIndex([allowed])
                for (key, value) in figures where index?.firstRule(key) == nil {
                    let num = value.num
                    guard num > 0 else { continue }
                    add(
                        .notAllowed, key, category, num,
                        "\(key) is open \(Wording.on(num, category)) but not in the \(category.rawValue) allow-list",
                        controls: policy.allowControls[category] ?? [])
                }
            }
            if let trend = trends[category] {
                let since = trend.from.dateString
                for change in trend.new.sorted(by: { $0.key < $1.key }) {
                    if let minimum = policy.newPorts, change.after >= minimum {
                        add(
                            .newPort, change.key, category, change.after,
                            "\(change.key) is new since \(since), open \(Wording.on(change.after, category)) (at least \(minimum))",
                            threshold: minimum.saturatingSubtracting(1), controls: policy.newPortControls)
                    }
                    let status = aggregates[category]?[change.key]?.status
                    let risk = RiskCatalogue.entry(port: change.key.port, type: change.key.type)
                    if policy.newDangerous, change.after > 0, risk != nil || status == .danger {
                        let why = risk.map { $0.reason } ?? "the vendor rates it danger"
                        add(
                            .newDangerous, change.key, category, change.after,
                            "\(change.key) is new since \(since), open \(Wording.on(change.after, category)): \(why)",
                            controls: policy.newDangerousControls)
                    }
                }
            }
        }
        var findings: [Finding] = [], waived: [Finding] = [], expired: [Finding] = []
        // The waivers that may cover a finding of one kind in one category, indexed by port
        // when first needed: the first waiver in the file that covers a finding applies.
        struct WaiverScope: Hashable {
            let kind: Finding.Kind
            let category: Category
        }
        var waiverIndexes: [WaiverScope: (waivers: [Waiver], index: PortRuleIndex?)] = [:]
        /// The waivers that may cover `finding`, in file order: the first that names its port, and
        /// when that one names assets, every later one that names the port too.
        func candidates(for finding: Finding) -> ArraySlice<Waiver> {
            guard !policy.waivers.isEmpty else { return [] }
            let scope = WaiverScope(kind: finding.kind, category: finding.category)
            if waiverIndexes[scope] == nil {
                let scoped = policy.waivers.filter {
                    ($0.category == nil || $0.category == finding.category) && ($0.kinds?.contains(finding.kind) ?? true)
                }
                waiverIndexes[scope] = (scoped, PortRuleIndex(scoped.map(\.ports)))
            }
            guard let entry = waiverIndexes[scope], let rule = entry.index?.firstRule(finding.key) else { return [] }
            if entry.waivers[rule].assets.isEmpty { return entry.waivers[rule...rule] }
            return entry.waivers[rule...]
        }
        func place(_ finding: Finding, under waiver: Waiver) {
            let covered = finding.with(waiver: waiver)
            if waiver.validUntil >= generatedAt {
                waived.append(covered)
            } else {
                findings.append(covered)
                expired.append(
                    Finding(
                        kind: .expiredWaiver, key: finding.key, category: finding.category, num: finding.num,
                        message: "waiver \(waiver.ticket) for \(finding.key) (\(waiver.reason)) expired on \(waiver.expiresOn)",
                        waiver: waiver, assets: finding.assets, controls: finding.controls, assetFilter: finding.assetFilter))
            }
        }
        for item in raw {
            var remaining: Finding? = item.finding
            var unapplied: [String] = []
            for waiver in candidates(for: item.finding) {
                guard let rest = remaining else { break }
                guard waiver.ports.contains(where: { $0.matches(rest.key) }) else { continue }
                if waiver.assets.isEmpty {
                    place(rest, under: waiver)
                    remaining = nil
                    break
                }
                if rest.assets.isEmpty {
                    unapplied.append(waiver.ticket)
                    continue
                }
                let part = rest.assets.filter(waiver.names)
                guard !part.isEmpty else { continue }
                let partCount = Int64(Set(part.map(\.asset)).count)
                let others = rest.assets.filter { !waiver.names($0) }
                let restNum = max(rest.num.saturatingSubtracting(partCount), Int64(Set(others.map(\.asset)).count))
                let waivedPart = rest.with(
                    num: partCount,
                    message: rest.message + "; the part waiver \(waiver.ticket) names: \(Wording.plural(Int(partCount), "asset")) ("
                        + Array(Set(part.map(\.displayName))).sorted().joined(separator: ", ") + ")", assets: part)
                place(waivedPart, under: waiver)
                // What is left: the other listed assets and those the statistics count but the
                // drill-down does not list. An over-limit finding ends when the rest is within it.
                if restNum <= 0 || (item.limit.map { restNum <= $0 } ?? false) {
                    remaining = nil
                    break
                }
                remaining = rest.with(
                    num: restNum,
                    message: rest.message + "; \(restNum) not covered by waiver \(waiver.ticket), which names only some assets",
                    assets: others)
            }
            guard let rest = remaining else { continue }
            if unapplied.isEmpty {
                findings.append(rest)
            } else {
                findings.append(
                    rest.with(
                        message: rest.message
                            + " (waiver \(unapplied.joined(separator: ", ")) names assets, but there is no drill-down data for this port: it could not be applied)"
                    ))
            }
        }
        func order(_ a: Finding, _ b: Finding) -> Bool {
            let ka = Finding.Kind.allCases.firstIndex(of: a.kind) ?? 0, kb = Finding.Kind.allCases.firstIndex(of: b.kind) ?? 0
            if ka != kb { return ka < kb }
            if a.category != b.category { return a.category == .host }
            if a.key != b.key { return a.key < b.key }
            return a.num > b.num
        }
        self.findings = (findings + expired).sorted(by: order)
        self.waived = waived.sorted(by: order)
    }
}

extension Finding {
    /// The same finding with some values replaced (a waiver's part, what a waiver leaves).
    fileprivate func with(
        num: Int64? = nil, message: String? = nil, assets: [DrilldownAsset]? = nil, waiver: Waiver? = nil
    ) -> Finding {
        var copy = Finding(
            kind: kind, key: key, category: category, num: num ?? self.num, message: message ?? self.message,
            waiver: waiver ?? self.waiver)
        copy.assets = assets ?? self.assets
        copy.threshold = threshold
        copy.heldWhileDanger = heldWhileDanger
        copy.controls = controls
        copy.assetFilter = assetFilter
        return copy
    }
}

/// For every port and protocol, the first of a list of rules (each a list of port specs) that
/// names it. Built by painting each rule's ranges in order over the 65,536 ports of each
/// protocol, skipping the ports an earlier rule already took (a "next free port" table with
/// path halving), so that building takes time linear in the ports plus the specs, however
/// wide and overlapping the ranges; a look-up takes constant time.
struct PortRuleIndex {
    private var first: [[Int32]]

    /// nil when no rule names any port (nothing to look up).
    init?(_ rules: [[Policy.PortSpec]]) {
        guard rules.contains(where: { !$0.isEmpty }) else { return nil }
        let size = 65_536
        first = []
        for type in PortType.allCases {
            var owner = [Int32](repeating: -1, count: size)
            // next[p]: the first port at or after p that no rule has taken yet (size: none).
            var next = [Int32](0...Int32(size))
            func free(_ port: Int) -> Int {
                var current = port
                while Int(next[current]) != current {
                    let parent = Int(next[current])
                    next[current] = next[parent]
                    current = parent
                }
                return current
            }
            for (number, rule) in rules.enumerated() {
                for spec in rule where spec.types.contains(type) {
                    let low = max(spec.ports.lowerBound, 0), high = min(spec.ports.upperBound, size - 1)
                    guard low <= high else { continue }
                    var port = free(low)
                    while port <= high {
                        owner[port] = Int32(number)
                        next[port] = Int32(port + 1)
                        port = free(port + 1)
                    }
                }
            }
            first.append(owner)
        }
    }

    /// The index of the first rule that names `key`, nil when none does.
    func firstRule(_ key: PortKey) -> Int? {
        guard let type = PortType.allCases.firstIndex(of: key.type), (0..<65_536).contains(key.port) else { return nil }
        let owner = first[type][key.port]
        return owner < 0 ? nil : Int(owner)
    }
}

/// What a rule narrowed by exposure or names counts on one port.
private enum Narrowing {
    /// The matching assets the drill-down lists, plus `unlisted` it does not list (counted as
    /// matching).
    case applied(assets: [DrilldownAsset], count: Int64, unlisted: Int64)
    /// The drill-down cannot narrow the rule, for this reason.
    case notApplied(String)

    var why: String {
        if case .notApplied(let why) = self { return why }
        return ""
    }
}

/// Words for counts: "on 3 hosts", "in 1 container".
enum Wording {
    static func on(_ num: Int64, _ category: Category) -> String {
        switch category {
        case .host: return "on \(num) host\(num == 1 ? "" : "s")"
        case .container: return "in \(num) container\(num == 1 ? "" : "s")"
        }
    }

    static func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
}

/// The one-line summary at the top of every report and of `check`.
enum Headline {
    static func make(
        findings: [Finding], aggregates: [Category: Aggregate], current: [Category: [SnapshotInfo]],
        trends: [Category: CategoryTrend], policy: Policy
    ) -> String {
        if let first = findings.first {
            let same = findings.filter { $0.kind == first.kind }
            var text = describe(first.kind, same, trends: trends, policy: policy)
            let others = findings.count - same.count
            if others > 0 { text += "; and \(Wording.plural(others, "more finding"))" }
            return text
        }
        var parts: [String] = []
        for category in Category.allCases {
            guard let aggregate = aggregates[category] else { continue }
            let instances = aggregate.values.map(\.num).saturatingSum()
            var part =
                "\(Wording.plural(aggregate.count, "port")) open \(category == .host ? "on hosts" : "in containers") (\(instances) instances)"
            if let trend = trends[category] {
                part += ", \(trend.new.count) new and \(trend.gone.count) gone since \(trend.from.dateString)"
            }
            parts.append(part)
        }
        let when = current.values.flatMap { $0 }.map(\.capturedAt).max().map { "As of \($0.dateString): " } ?? ""
        return when + (parts.isEmpty ? "no complete snapshot in scope" : parts.joined(separator: "; ")) + "; no policy findings"
    }

    private static func describe(_ kind: Finding.Kind, _ findings: [Finding], trends: [Category: CategoryTrend], policy: Policy) -> String {
        let categories = Set(findings.map(\.category))
        let population = categories.count > 1 ? "hosts or containers" : (categories.first == .container ? "containers" : "hosts")
        let types = Array(Set(findings.map { $0.key.type.rawValue })).sorted()
        let typeWords = types.count == 1 ? types[0] + " " : ""
        let since = findings.compactMap { trends[$0.category]?.from }.min()?.dateString ?? "the previous export"
        let list =
            findings.prefix(3).map { "\($0.key) \(Wording.on($0.num, $0.category))" }.joined(separator: ", ")
            + (findings.count > 3 ? ", …" : "")
        switch kind {
        case .newPort:
            let minimum = policy.newPorts ?? 1
            let preposition = population == "containers" ? "in" : "on"
            return
                "\(findings.count) new \(typeWords)port\(findings.count == 1 ? "" : "s") open \(preposition) ≥ \(minimum) \(population) since \(since)"
        case .newDangerous:
            return "\(findings.count) new dangerous \(typeWords)port\(findings.count == 1 ? "" : "s") since \(since): \(list)"
        case .forbidden:
            return "\(findings.count) forbidden \(typeWords)port\(findings.count == 1 ? "" : "s") open: \(list)"
        case .overLimit:
            return "\(findings.count) \(typeWords)port\(findings.count == 1 ? "" : "s") over the policy's limit: \(list)"
        case .notAllowed:
            return "\(findings.count) \(typeWords)port\(findings.count == 1 ? "" : "s") open that the allow-list does not name: \(list)"
        case .expiredWaiver:
            let tickets = Array(Set(findings.compactMap { $0.waiver?.ticket })).sorted()
            return "\(Wording.plural(tickets.count, "waiver")) expired (\(tickets.joined(separator: ", "))): \(list)"
        case .suspect:  // Not a policy finding: Plausibility.headlinePrefix says it.
            return "\(Wording.plural(findings.count, "suspect snapshot"))"
        }
    }
}
