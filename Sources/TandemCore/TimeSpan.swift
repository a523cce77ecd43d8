import Foundation

/// A half-open interval of time `[start, end)`.
public struct TimeSpan: Codable, Hashable, Sendable {
    public var start: Date
    public var end: Date

    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// Two spans overlap when each starts before the other ends; touching spans do not.
    public func overlaps(_ other: TimeSpan) -> Bool {
        start < other.end && other.start < end
    }

    public var duration: TimeInterval { end.timeIntervalSince(start) }

    public func shifted(by seconds: TimeInterval) -> TimeSpan {
        TimeSpan(start: start.addingTimeInterval(seconds), end: end.addingTimeInterval(seconds))
    }
}
