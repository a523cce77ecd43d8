import Foundation

/// When to try delivering a message again: exponential back-off, capped, with a last attempt.
public struct RetryPolicy: Hashable, Sendable {
    public var firstDelay: TimeInterval
    public var maxDelay: TimeInterval
    public var maxAttempts: Int

    public init(firstDelay: TimeInterval = 30, maxDelay: TimeInterval = 3600, maxAttempts: Int = 12) {
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
    }

    /// No second attempt: for a failure that retrying cannot mend.
    public static let never = RetryPolicy(firstDelay: 0, maxDelay: 0, maxAttempts: 0)

    /// The next attempt after `attempts` failed ones, or `nil` to give up.
    public func nextAttempt(afterFailures attempts: Int, from now: Date) -> Date? {
        guard attempts < maxAttempts else { return nil }
        let delay = min(maxDelay, firstDelay * pow(2, Double(max(0, attempts - 1))))
        return now.addingTimeInterval(delay)
    }
}
