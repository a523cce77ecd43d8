import Foundation

/// The source of "now"; injected so tests are deterministic.
public protocol WallClock: Sendable {
    func now() -> Date
}
