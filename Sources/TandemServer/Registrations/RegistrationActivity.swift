import Synchronization

/// When this process last answered a registration. The outbox holds its rounds back while a burst
/// is being answered, so that the e-mails do not compete with the registrations for the one
/// writer. A per-process heuristic: it belongs to the server, not to the store's contract.
final class RegistrationActivity: Sendable {
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    init() {}

    func record(at instant: ContinuousClock.Instant = .now) {
        last.withLock { $0 = instant }
    }

    var lastRegistration: ContinuousClock.Instant? { last.withLock { $0 } }
}
