import Foundation

/// Exponential back-off after repeated failed logins under one throttling key (an address, an
/// account, or the pair): none until `threshold` failures, then 1 s, doubling with each further
/// failure, capped at `maxBackoff`.
public struct LoginBackoff: Sendable {
    public var threshold: Int
    public var maxBackoff: TimeInterval

    public init(threshold: Int, maxBackoff: TimeInterval) {
        self.threshold = threshold
        self.maxBackoff = maxBackoff
    }

    /// The wait after `failures` failures: 1 s at the threshold, doubling, capped.
    public func backoff(failures: Int) -> TimeInterval {
        guard failures >= threshold else { return 0 }
        return min(maxBackoff, pow(2, Double(min(failures - threshold, 30))))
    }

    /// Seconds until a key with `failures` failures, the last at `last`, may try again at `now`;
    /// `nil` when it may try now.
    public func wait(failures: Int, last: Date, now: Date) -> TimeInterval? {
        guard failures >= threshold else { return nil }
        let remaining = last.addingTimeInterval(backoff(failures: failures)).timeIntervalSince(now)
        return remaining > 0 ? remaining : nil
    }
}
