import Foundation

/// `portreport check`: evaluates the policy over the store in scope and prints the headline and
/// the findings; the exit status says whether any finding fails the check.
public struct CheckJob {
    var storePath: String
    public var scope = AnalysisScope()
    /// A policy file; nil for the built-in baseline (`Policy.baseline`).
    public var policyPath: String?
    /// The report's time; nil for the newest capture in scope.
    public var now: Timestamp?
    /// The finding history's windows (`--resolved-window`).
    public var history = HistoryOptions()
    /// The kinds of finding that fail the check (the others are printed as notes).
    public var failingKinds = Set(Finding.Kind.allCases)
    /// `--fail-on expiring-waiver`: a waiver that expires within `--expiring-within` days fails
    /// the check too (not by default: it is not a finding yet).
    public var failOnExpiring = false
    /// The `--fail-on` name of waivers about to expire; not a kind of finding.
    public static let expiringWaiver = "expiring-waiver"

    public init(storePath: String) {
        self.storePath = storePath
    }

    /// `--fail-on`'s comma-separated kinds, in any letter case (`Forbidden,NEW-PORT`), or the
    /// usage error that lists the kinds: for an unknown kind, an empty one (`a,,b`, `a,`) and a
    /// value that names none (`''`, `' '`, `,`). An empty value must not turn the gate off.
    public static func kinds(_ text: String) -> Result<Set<Finding.Kind>, UsageError> {
        let expected =
            "--fail-on expects one or more kinds of finding, comma-separated, among "
            + (Finding.Kind.allCases.map(\.rawValue) + [expiringWaiver]).joined(separator: ", ")
        let words = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if words.allSatisfy(\.isEmpty) {
            return .failure(UsageError("\(expected); '\(TerminalText.value(text))' names none"))
        }
        var kinds = Set<Finding.Kind>()
        for word in words {
            if word.isEmpty {
                return .failure(UsageError("\(expected); '\(TerminalText.value(text))' holds an empty one"))
            }
            if word.lowercased() == expiringWaiver { continue }
            guard let kind = Finding.Kind(rawValue: word.lowercased()) else {
                return .failure(UsageError("\(expected); '\(TerminalText.value(word))' is not one"))
            }
            kinds.insert(kind)
        }
        return .success(kinds)
    }

    /// Whether a `--fail-on` value names `expiring-waiver` (in any letter case).
    public static func namesExpiring(_ text: String) -> Bool {
        text.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == expiringWaiver }
    }

    /// Prints the headline, the findings (`finding:` for those that fail, `note:` for the
    /// others, each with drill-down followed by an indented `  Assets: …` line; then one
    /// `suspect` finding per suspect snapshot the figures use) and the waived ones, each on one line (`TerminalText.line`); returns
    /// `ExitStatus.findings` when any finding fails.
    public func run(console: any Console) throws -> Int32 {
        let store = try Store.openForReading(storePath)
        let policy = try policyPath.map { try Policy.load(path: $0) } ?? .baseline
        if policy.isBaseline { console.report(Diagnostic(.warning, Policy.baselineNotice)) }
        let result = try Analyzer(store: store).analyze(scope: scope, policy: policy, now: now, history: history)
        // A suspect snapshot is a finding here, not a warning as well.
        let suspectMessages = Set(result.suspect.map(\.message))
        for warning in result.warnings where !suspectMessages.contains(warning) { console.report(Diagnostic(.warning, warning)) }
        console.write(TerminalText.line(result.headline))
        let drilldown = DrilldownEntry.index(result.drilldown)
        for finding in result.findings {
            let failing = failingKinds.contains(finding.kind)
            console.write(
                TerminalText.line(
                    "\(failing ? "finding" : "note"): [\(finding.kind.rawValue)] \(finding.category.rawValue): \(finding.message)"))
            // With drill-down, the assets behind it as the email names them, indented under it.
            if let entry = drilldown[finding.category]?[finding.key] {
                console.write(TerminalText.line("  " + ReportView.emailLine(entry, assets: finding.assets)))
            }
        }
        let suspectFails = failingKinds.contains(.suspect)
        for suspect in result.suspect {
            console.write(
                TerminalText.line(
                    "\(suspectFails ? "finding" : "note"): [\(Finding.Kind.suspect.rawValue)] \(suspect.category.rawValue): \(suspect.message)"
                ))
        }
        for finding in result.waived {
            if let waiver = finding.waiver {
                console.write(
                    TerminalText.line(
                        "waived: [\(finding.kind.rawValue)] \(finding.category.rawValue): \(finding.message) — \(waiver.ticket), \(waiver.reason), until \(waiver.expiresOn)\(waiver.owner.map { ", owner \($0)" } ?? "")"
                    ))
            }
        }
        let expiring = result.expiring
        for item in expiring {
            let owner = item.waiver.owner.map { ", owner \($0)" } ?? ""
            console.write(
                TerminalText.line(
                    "\(failOnExpiring ? "finding" : "note"): [\(Self.expiringWaiver)] \(item.finding.category.rawValue): waiver \(item.waiver.ticket)\(owner) for \(item.finding.key) [\(item.finding.kind.rawValue)] expires on \(item.waiver.expiresOn), in \(Wording.plural(Int(item.daysLeft), "day"))"
                ))
        }
        let failing =
            result.findings.contains(where: { failingKinds.contains($0.kind) }) || (suspectFails && !result.suspect.isEmpty)
            || (failOnExpiring && !expiring.isEmpty)
        return failing ? ExitStatus.findings : 0
    }
}
