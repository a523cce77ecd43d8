import TandemCore

/// Receives committed changes, in commit order, right after each commit.
/// The live hub implements it; it must return quickly and never touch the database.
public protocol ChangeSink: Sendable {
    func committed(_ changes: [Change])
}

/// A sink that forgets everything: for tools that write without live subscribers.
public struct DiscardingChangeSink: ChangeSink {
    public init() {}
    public func committed(_ changes: [Change]) {}
}
