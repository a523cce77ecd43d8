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
        return now.addingTimeInterval(Self.backoff(first: firstDelay, max: maxDelay, failures: attempts))
    }

    /// The wait after `failures` failures in a row: `first`, doubling with each further one, capped
    /// at `max` (for e-mail here, and for webhooks in `WebhookRules`).
    public static func backoff(first: TimeInterval, max maximum: TimeInterval, failures: Int) -> TimeInterval {
        min(maximum, first * pow(2, Double(min(max(0, failures - 1), 60))))
    }
}
