/// A store whose stored data cannot be read back as written.
struct StoreDamage: Error, CustomStringConvertible {
    let message: String
    var description: String { message + ": restore the store from a backup" }
}
