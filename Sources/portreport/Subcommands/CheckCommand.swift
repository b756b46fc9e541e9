import ArgumentParser
import Foundation
import PortReport

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate the policy: exit 0 when clean, 3 with findings, 1 on error.",
        discussion: """
            Prints a one-line headline, then the findings (waived ones apart). Without --policy, \
            the built-in policy makes a dangerous port that is new since the previous export a \
            finding. --fail-on picks which kinds of finding make the exit status 3: \
            \(Finding.Kind.allCases.map(\.rawValue).joined(separator: ", ")) (default: all).
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scopeOptions: ScopeOptions
    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: ArgumentHelp("Kinds of finding that fail the check, comma-separated.", valueName: "kinds"))
    var failOn: String?

    var failingKinds: Set<Finding.Kind> {
        guard let failOn else { return Set(Finding.Kind.allCases) }
        return Set(failOn.split(separator: ",").compactMap { Finding.Kind(rawValue: $0.trimmingCharacters(in: .whitespaces)) })
    }

    func validate() throws {
        if let failOn {
            for word in failOn.split(separator: ",") where Finding.Kind(rawValue: word.trimmingCharacters(in: .whitespaces)) == nil {
                throw ValidationError("--fail-on expects kinds among \(Finding.Kind.allCases.map(\.rawValue).joined(separator: ", ")), not '\(word)'")
            }
        }
    }

    func run() throws {
        let result: AnalysisResult
        do {
            let store = try openStoreForReading(storeOptions.storePath)
            result = try Analyzer(store: store).analyze(scope: scopeOptions.scope, policy: try policyOptions.loadPolicy(), now: policyOptions.time)
        } catch {
            throw fail(error)
        }
        for warning in result.warnings { printError("warning: \(warning)") }
        print(terminalSafe(result.headline))
        for finding in result.findings {
            let failing = failingKinds.contains(finding.kind)
            print(terminalSafe("\(failing ? "finding" : "note"): [\(finding.kind.rawValue)] \(finding.category.rawValue): \(finding.message)"))
        }
        for finding in result.waived {
            if let waiver = finding.waiver {
                print(terminalSafe("waived: [\(finding.kind.rawValue)] \(finding.category.rawValue): \(finding.message) — \(waiver.ticket), \(waiver.reason), until \(waiver.expiresOn)"))
            }
        }
        if result.findings.contains(where: { failingKinds.contains($0.kind) }) {
            throw ExitCode(3)
        }
    }
}
