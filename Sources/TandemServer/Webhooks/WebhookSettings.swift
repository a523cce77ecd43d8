import Foundation
import TandemCore

/// How webhooks are delivered: back-off and pausing (`rules`), how often the worker looks for due
/// endpoints besides being woken by new changes, and the timeouts of one POST.
public struct WebhookSettings: Sendable {
    public var rules = WebhookRules()
    /// The slow timer: retries come due, and leases of dead instances run out, without a new change.
    public var pollInterval: Duration = .seconds(1)
    /// How long an instance holds an endpoint it delivers; renewed with every delivery. Another
    /// instance takes a dead one's endpoints over when it runs out.
    public var lease: TimeInterval = 60
    /// A POST that has not been answered completely by then is a failure.
    public var totalTimeout: Duration = .seconds(10)
    /// Deliveries kept per endpoint in its log.
    public var keepDeliveries = 200

    public init() {}
}
