import Foundation
import Logging
import ServiceLifecycle
import TandemCore
import TandemStore

/// Delivers every endpoint's changes, in `seq` order, one POST at a time per endpoint. Each round
/// claims the due endpoints (with a lease, so that of several instances on one database one
/// delivers an endpoint), and delivers each until it is caught up or a POST fails; a failure's
/// back-off and pausing are `WebhookRules`' decisions, recorded by the store.
final class WebhookWorker: Sendable {
    let store: any TandemStorage
    let secrets: WebhookSecrets
    let sender: WebhookSender
    let settings: WebhookSettings
    let clock: any WallClock
    let randomness: Randomness
    let logger: Logger
    /// This instance, as the holder of its claims.
    let holder: String

    init(store: any TandemStorage, secrets: WebhookSecrets, sender: WebhookSender, settings: WebhookSettings, clock: any WallClock,
         randomness: Randomness, logger: Logger) {
        self.store = store
        self.secrets = secrets
        self.sender = sender
        self.settings = settings
        self.clock = clock
        self.randomness = randomness
        self.logger = logger
        self.holder = randomness.uuid().uuidString
    }

    /// Delivers until no endpoint is due. Returns the number of POSTs made.
    @discardableResult
    func runOnce() async throws -> Int {
        var posts = 0
        while !Task.isCancelled {
            let claims = try await store.claimDueWebhooks(holder: holder, at: clock.now(), lease: settings.lease, limit: 16)
            if claims.isEmpty { return posts }
            posts += await withTaskGroup(of: Int.self) { group in
                for claim in claims { group.addTask { await self.deliver(claim) } }
                return await group.reduce(0, +)
            }
        }
        return posts
    }

    /// Delivers one claimed endpoint's changes in order until it is caught up, a POST fails or the
    /// claim is lost. Returns the number of POSTs made.
    func deliver(_ claim: WebhookClaim) async -> Int {
        let endpoint = claim.endpoint
        var posts = 0
        do {
            let secret = try secrets.open(claim.sealedSecret)
            let zone = TimeZone(identifier: claim.timezone) ?? .gmt
            var delivered = endpoint.deliveredSeq
            while !Task.isCancelled {
                let changes = try await store.changes(eventSlug: claim.eventSlug, after: delivered, limit: 100)
                guard !changes.isEmpty else { break }
                var skipped: Int64?
                for change in changes {
                    guard let seq = change.seq else { continue }
                    guard endpoint.wants(change.type), let frame = try LiveMessage.frame(for: change, zone: zone) else {
                        skipped = seq
                        continue
                    }
                    if let through = skipped {
                        guard try await store.skipWebhookChanges(endpointID: endpoint.id, through: through, holder: holder, lease: settings.lease)
                        else { return posts }
                        skipped = nil
                    }
                    let deliveryID = randomness.uuid().uuidString.lowercased()
                    let outcome = await sender.send(url: endpoint.url, body: frame.text, secret: secret, eventSlug: claim.eventSlug, seq: seq,
                                                    deliveryID: deliveryID)
                    posts += 1
                    let attempt = WebhookAttempt(endpointID: endpoint.id, seq: seq, type: change.type, status: outcome.status, error: outcome.error,
                                                 durationMilliseconds: outcome.milliseconds, deliveryID: deliveryID)
                    guard try await store.recordWebhookAttempt(attempt, holder: holder, rules: settings.rules, lease: settings.lease,
                                                               keep: settings.keepDeliveries)
                    else { return posts }
                    if let error = outcome.error {
                        logger.info("webhook delivery failed; will retry or pause", metadata: [
                            "webhook": "\(endpoint.id)", "event": "\(claim.eventSlug)", "seq": "\(seq)", "error": "\(error)"])
                        return posts
                    }
                    delivered = seq
                }
                if let through = skipped {
                    guard try await store.skipWebhookChanges(endpointID: endpoint.id, through: through, holder: holder, lease: settings.lease)
                    else { return posts }
                    delivered = through
                }
            }
        } catch is CancellationError {
            // Shutting down: the lease runs out and this instance or another goes on from there.
            return posts
        } catch {
            logger.error("webhook delivery round failed", metadata: ["webhook": "\(endpoint.id)", "error": "\(error)"])
        }
        try? await store.releaseWebhook(endpointID: endpoint.id, holder: holder)
        return posts
    }
}

/// Runs the webhook worker until graceful shutdown: a round whenever changes are committed
/// (the doorbell) and at least every `pollInterval` (retries that came due, leases that ran out).
struct WebhookService: Service {
    let worker: WebhookWorker
    let doorbell: WebhookDoorbell
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await worker.runOnce()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("webhook round failed", metadata: ["error": "\(error)"])
                }
                await doorbell.wait(upTo: interval)
            }
        }
    }
}
