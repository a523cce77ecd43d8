/// Failures of the store that callers act on; everything else is an internal error.
public enum StoreError: Error, Hashable, Sendable {
    /// No such thing, e.g. `("event", "hamburg-2017")`.
    case notFound(entity: String, key: String)
    /// The write clashes with existing state, e.g. a slug already taken.
    case conflict(field: String?, message: String)
    /// `If-Match` named a version that is no longer current.
    case stale(entity: String, currentVersion: Int64)
}
