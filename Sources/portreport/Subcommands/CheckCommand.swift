import ArgumentParser
import PortReport

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate the policy: exit 0 when clean, 3 with findings, 1 on error.",
        discussion: """
            Prints a one-line headline, then the findings (waived ones apart). Without --policy, \
            the built-in baseline applies (a warning says so): a port the vendor \
            rates danger, or a clear-text or unauthenticated remote-access port (21, 23, 69/udp, \
            512-514, 2375, 5900, 10250), is forbidden, and a catalogue port new since the \
            previous export is a finding; a snapshot the figures use that looks like a filtered export is a suspect \
            finding. --fail-on picks which kinds of finding make the exit status 3: \
            \(Finding.Kind.allCases.map(\.rawValue).joined(separator: ", ")) (default: all of these), and \
            expiring-waiver (a waiver that expires within --expiring-within days; only when named).
            """
    )

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var scopeOptions: ScopeOptions
    @OptionGroup var policyOptions: PolicyOptions

    @Option(name: .long, help: ArgumentHelp("Kinds of finding that fail the check, comma-separated.", valueName: "kinds"))
    var failOn: String?

    func validate() throws {
        if let failOn, case .failure(let error) = CheckJob.kinds(failOn) {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        let status: Int32
        do {
            var job = CheckJob(storePath: storeOptions.storePath)
            job.scope = scopeOptions.scope
            job.policyPath = policyOptions.policy
            job.now = policyOptions.time
            job.history = policyOptions.history
            if let failOn {
                job.failingKinds = try CheckJob.kinds(failOn).get()
                job.failOnExpiring = CheckJob.namesExpiring(failOn)
            }
            status = try job.run(console: StandardStreams())
        } catch {
            throw fail(error)
        }
        try exitUnlessSuccess(status)
    }
}
