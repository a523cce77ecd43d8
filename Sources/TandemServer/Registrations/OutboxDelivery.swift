import Foundation
import Logging
import Synchronization
import TandemCore
import TandemStore

/// Delivers the outbox: turns quiet bursts of programme changes into one notice per attendee,
/// writes the text of queued messages (`MailComposer`), then sends every due message, retrying failures with back-off. Survives restarts because the
/// outbox is in the database; run every `pollInterval` by a `PeriodicService`.
final class OutboxDelivery: Sendable {
    let store: any RegistrationStore
    let transport: any MailTransport
    let clock: any WallClock
    let settings: MailSettings
    let logger: Logger
    /// When a registration was last answered: rounds wait while a burst is being answered.
    let activity: RegistrationActivity
    /// Since when rounds have been held back for a registration burst.
    private let deferredSince = Mutex<ContinuousClock.Instant?>(nil)

    init(store: any RegistrationStore, transport: any MailTransport, clock: any WallClock, settings: MailSettings, logger: Logger,
         activity: RegistrationActivity = RegistrationActivity()) {
        self.activity = activity
        self.store = store
        self.transport = transport
        self.clock = clock
        self.settings = settings
        self.logger = logger
    }

    /// Whether to hold this round back: registrations are being written right now, and the round
    /// has not yet been held back for `burstMaxDeferral`.
    func holdsBackForBurst(now: ContinuousClock.Instant = .now) -> Bool {
        guard let last = activity.lastRegistration, now - last < settings.burstQuiet else {
            deferredSince.withLock { $0 = nil }
            return false
        }
        return deferredSince.withLock { since in
            let start = since ?? now
            since = start
            if now - start < settings.burstMaxDeferral { return true }
            since = nil
            return false
        }
    }

    /// One round: flush notices, deliver what is due. Returns the number of messages delivered.
    @discardableResult
    func runOnce() async throws -> Int {
        if holdsBackForBurst() { return 0 }
        let now = clock.now()
        _ = try await store.flushScheduleNotices(quietSince: now.addingTimeInterval(-settings.noticeQuietPeriod),
                                                 oldestAllowed: now.addingTimeInterval(-settings.noticeMaxDelay))
        var delivered = 0
        // The stores queue messages without their text; it is written here, outside their write path.
        let composer = store.selfServiceTokens.map { MailComposer(tokens: $0) }
        while true {
            try await composer?.composeAllPending(in: store)
            // Claimed for this instance: no other instance sends these while the lease runs.
            let due = try await store.claimDueMail(at: clock.now(), limit: 20, lease: settings.claimLease)
            if due.isEmpty { return delivered }
            for mail in due {
                let failure: (any Error)?
                do {
                    try await transport.deliver(mail)
                    failure = nil
                } catch is CancellationError {
                    // Shutting down: the claim runs out and this instance or another sends it then.
                    throw CancellationError()
                } catch {
                    failure = error
                }
                guard let error = failure else {
                    // Marked one by one: a crash (or a kill) can repeat only the message being sent,
                    // never lose one (at least once), and another instance takes over the rest
                    // when their lease runs out.
                    try await store.markSent(mailIDs: [mail.id], at: clock.now())
                    delivered += 1
                    continue
                }
                // A transport's error may quote the address (sendmail's "user unknown: …"):
                // neither the log nor the outbox keeps it.
                let text = String(describing: error).replacingOccurrences(of: mail.to, with: "<recipient>")
                let permanent = (error as? MailTransportError)?.isPermanent ?? false
                logger.warning(permanent ? "e-mail delivery failed for good; not retried" : "e-mail delivery failed; will retry",
                               metadata: ["id": "\(mail.id)", "kind": "\(mail.kind)", "error": "\(text)"])
                try await store.markFailed(mailID: mail.id, error: text, policy: permanent ? .never : settings.retry)
            }
        }
    }
}
