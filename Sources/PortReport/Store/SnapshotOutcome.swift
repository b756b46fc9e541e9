/// What an import did with one snapshot.
public enum SnapshotOutcome: String, Sendable, Equatable {
    /// A snapshot the store did not have.
    case stored
    /// Pages added to a snapshot the store had (e.g. a missing page imported later).
    case merged
    /// Everything was there already: nothing changed.
    case alreadyImported
}
