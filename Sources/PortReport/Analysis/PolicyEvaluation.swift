/// Applies a policy to the current figures and the latest trends.
struct PolicyEvaluation {
    /// Findings that count, ordered by kind, category, port, protocol.
    let findings: [Finding]
    /// Findings a valid waiver covers.
    let waived: [Finding]

    init(policy: Policy, aggregates: [Category: Aggregate], trends: [Category: CategoryTrend], generatedAt: Timestamp) {
        var raw: [Finding] = []
        func add(_ kind: Finding.Kind, _ key: PortKey, _ category: Category, _ num: Int64, _ message: String) {
            raw.append(Finding(kind: kind, key: key, category: category, num: num, message: message, waiver: nil))
        }
        for category in Category.allCases {
            guard let aggregate = aggregates[category] else { continue }
            let keys = aggregate.keys.sorted()
            for rule in policy.forbid where rule.category == nil || rule.category == category {
                for key in keys where rule.ports.contains(where: { $0.matches(key) }) {
                    guard let num = aggregate[key]?.num, num > 0 else { continue }
                    add(
                        .forbidden, key, category, num,
                        "\(key) is open \(Wording.on(num, category))\(rule.reason.map { ": \($0)" } ?? "") (forbidden)")
                }
            }
            for rule in policy.limits where rule.category == nil || rule.category == category {
                for key in keys where rule.ports.contains(where: { $0.matches(key) }) {
                    guard let num = aggregate[key]?.num, num > rule.max else { continue }
                    add(
                        .overLimit, key, category, num,
                        "\(key) is open \(Wording.on(num, category)), over the limit of \(rule.max)\(rule.reason.map { ": \($0)" } ?? "")")
                }
            }
            if let allowed = policy.allow[category] {
                for key in keys where !allowed.contains(where: { $0.matches(key) }) {
                    guard let num = aggregate[key]?.num, num > 0 else { continue }
                    add(
                        .notAllowed, key, category, num,
                        "\(key) is open \(Wording.on(num, category)) but not in the \(category.rawValue) allow-list")
                }
            }
            if let trend = trends[category] {
                let since = trend.from.dateString
                for change in trend.new.sorted(by: { $0.key < $1.key }) {
                    if let minimum = policy.newPorts, change.after >= minimum {
                        add(
                            .newPort, change.key, category, change.after,
                            "\(change.key) is new since \(since), open \(Wording.on(change.after, category)) (at least \(minimum))")
                    }
                    let status = aggregates[category]?[change.key]?.status
                    let risk = RiskCatalogue.entry(port: change.key.port, type: change.key.type)
                    if policy.newDangerous, change.after > 0, risk != nil || status == .danger {
                        let why = risk.map { $0.reason } ?? "the vendor rates it danger"
                        add(
                            .newDangerous, change.key, category, change.after,
                            "\(change.key) is new since \(since), open \(Wording.on(change.after, category)): \(why)")
                    }
                }
            }
        }
        var findings: [Finding] = [], waived: [Finding] = [], expired: [Finding] = []
        for finding in raw {
            guard let waiver = policy.waivers.first(where: { $0.covers(finding) }) else {
                findings.append(finding)
                continue
            }
            let covered = Finding(
                kind: finding.kind, key: finding.key, category: finding.category, num: finding.num, message: finding.message, waiver: waiver
            )
            if waiver.validUntil >= generatedAt {
                waived.append(covered)
            } else {
                findings.append(covered)
                expired.append(
                    Finding(
                        kind: .expiredWaiver, key: finding.key, category: finding.category, num: finding.num,
                        message: "waiver \(waiver.ticket) for \(finding.key) (\(waiver.reason)) expired on \(waiver.expiresOn)",
                        waiver: waiver))
            }
        }
        func order(_ a: Finding, _ b: Finding) -> Bool {
            let ka = Finding.Kind.allCases.firstIndex(of: a.kind) ?? 0, kb = Finding.Kind.allCases.firstIndex(of: b.kind) ?? 0
            if ka != kb { return ka < kb }
            if a.category != b.category { return a.category == .host }
            return a.key < b.key
        }
        self.findings = (findings + expired).sorted(by: order)
        self.waived = waived.sorted(by: order)
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
