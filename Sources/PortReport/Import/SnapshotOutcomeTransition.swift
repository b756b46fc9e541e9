// TRANSITIONAL, to delete at merge: lets the executable's `ImportCommand.swift`, which still
// compares `SnapshotLine.outcome` with the strings "stored", "merged" and "alreadyImported",
// build until it switches on `SnapshotOutcome` itself. Nothing else may use these.
extension SnapshotOutcome {
    public static func == (outcome: SnapshotOutcome, name: String) -> Bool { outcome.rawValue == name }
    public static func ~= (name: String, outcome: SnapshotOutcome) -> Bool { outcome.rawValue == name }
}
