/// Failures of the store that callers act on; everything else is an internal error.
public enum StoreError: Error, Hashable, Sendable {
    /// No such thing, e.g. `("event", "hamburg-2017")`.
    case notFound(entity: String, key: String)
    /// The write clashes with existing state, e.g. a slug already taken.
    case conflict(field: String?, message: String)
    /// `If-Match` named a version that is no longer current.
    case stale(entity: String, currentVersion: Int64)
    /// The database could not take the write now (still locked or in conflict after the bounded
    /// retries, or unreachable); nothing was written, and the same request may be sent again.
    case busy(message: String)
}

/// The database was migrated by a newer Tandem: this binary does not know some of its schema's
/// steps, and writing to it could damage what the newer one relies on.
public struct StoreSchemaTooNew: Error, CustomStringConvertible, Sendable {
    public var database: String
    public var unknownMigrations: [String]

    public init(database: String, unknownMigrations: [String]) {
        self.database = database
        self.unknownMigrations = unknownMigrations
    }

    public var description: String {
        "\(database) was migrated by a newer Tandem (it has \(unknownMigrations.joined(separator: ", ")), which this build does not know); "
            + "run the newer tandem, or restore a backup taken before it ran"
    }
}

/// The store was opened without something this operation needs (a programming error, not user input).
public struct StoreNotConfigured: Error, CustomStringConvertible, Sendable {
    public var what: String
    public init(what: String) { self.what = what }
    public var description: String { "store opened without \(what)" }
}
