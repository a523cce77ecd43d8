import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import TandemCore
import TandemStore

/// Per-event fan-out of committed changes to live subscribers (WebSocket and SSE).
///
/// - Changes arrive from the store after commit, in commit order; each is serialised once per
///   event and the same text is handed to every subscriber.
/// - Every subscriber has a bounded queue. One that falls behind (a stalled or slow client) is cut
///   off with a resume hint instead of delaying anyone else or growing without bound.
/// - As a `Service` run after the HTTP server in the same group, it closes every live connection
///   with 1001 "going away" (and the `seq` to resume from) when the server is shut down gracefully.
public final class LiveHub: ChangeSink, Service {
    /// Frames one subscriber may have queued before it is disconnected.
    let queueLimit: Int
    let logger: Logger
    private let topics = Mutex<[Event.ID: [UUID: Subscriber]]>([:])

    private struct Subscriber: Sendable {
        var continuation: AsyncStream<LiveFrame>.Continuation
        var subscription: LiveSubscription
    }

    public init(queueLimit: Int = 512, logger: Logger) {
        self.queueLimit = queueLimit
        self.logger = logger
    }

    /// Subscribes to an event's frames. Subscribe first, then read the snapshot: nothing slips between.
    func subscribe(eventID: Event.ID, channel: (any Channel)?) -> LiveSubscription {
        let (stream, continuation) = AsyncStream.makeStream(of: LiveFrame.self, bufferingPolicy: .bufferingOldest(queueLimit))
        let subscription = LiveSubscription(eventID: eventID, stream: stream, channel: channel)
        let id = subscription.id
        continuation.onTermination = { [weak self] _ in self?.remove(eventID: eventID, id: id) }
        topics.withLock { $0[eventID, default: [:]][subscription.id] = Subscriber(continuation: continuation, subscription: subscription) }
        return subscription
    }

    /// Ends a subscription whose connection is gone.
    func unsubscribe(_ subscription: LiveSubscription) {
        let subscriber = topics.withLock { $0[subscription.eventID]?[subscription.id] }
        subscriber?.continuation.finish()
    }

    /// Queues a keep-alive tick for one subscriber (SSE comment lines).
    func keepAlive(_ subscription: LiveSubscription) {
        let subscriber = topics.withLock { $0[subscription.eventID]?[subscription.id] }
        _ = subscriber?.continuation.yield(.keepAlive)
    }

    private func remove(eventID: Event.ID, id: UUID) {
        topics.withLock { topics in
            topics[eventID]?[id] = nil
            if topics[eventID]?.isEmpty == true { topics[eventID] = nil }
        }
    }

    /// Live subscribers per event.
    public func subscriberCounts() -> [Event.ID: Int] {
        topics.withLock { $0.mapValues(\.count) }
    }

    /// Live subscribers of one event, or of all events.
    public func subscriberCount(eventID: Event.ID? = nil) -> Int {
        topics.withLock { topics in eventID.map { topics[$0]?.count ?? 0 } ?? topics.values.reduce(0) { $0 + $1.count } }
    }

    /// Called on the database writer's thread right after a commit: hands the changes to the publish
    /// queue (serial, so commit order is kept) and returns, so encoding and fan-out never hold up the
    /// next transaction.
    public func committed(_ changes: [Change]) {
        publishQueue.async { self.publish(changes) }
    }

    private let publishQueue = DispatchQueue(label: "tandem.live.publish")

    private func publish(_ changes: [Change]) {
        for change in changes {
            guard let eventID = change.eventID else { continue }
            let zone = change.timezone.flatMap(ZoneCache.zone) ?? ZoneCache.utc
            let frame: LiveFrame
            do {
                guard let encoded = try LiveMessage.frame(for: change, zone: zone) else { continue }
                frame = encoded
            } catch {
                logger.error("could not encode a live message", metadata: ["type": "\(change.type)", "error": "\(error)"])
                continue
            }
            publish(frame, to: eventID)
        }
    }

    func publish(_ frame: LiveFrame, to eventID: Event.ID) {
        let subscribers = topics.withLock { $0[eventID].map { Array($0.values) } ?? [] }
        var dropped = 0
        for subscriber in subscribers {
            if case .dropped = subscriber.continuation.yield(frame) {
                dropped += 1
                cutOff(subscriber, reason: .overflow)
            }
        }
        TandemMetrics.liveSent.increment(by: subscribers.count - dropped)
        if dropped > 0 { TandemMetrics.liveDropped.increment(by: dropped) }
    }

    /// Ends a subscriber's stream; its handler closes the connection with a resume hint. A client so
    /// stalled that even the close cannot be written is dropped at the socket a moment later.
    private func cutOff(_ subscriber: Subscriber, reason: LiveSubscription.EndReason) {
        subscriber.subscription.end(reason)
        subscriber.continuation.finish()
        if reason == .overflow, let channel = subscriber.subscription.channel {
            logger.info("live subscriber fell behind; disconnecting", metadata: ["event": "\(subscriber.subscription.eventID)"])
            channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
        }
    }

    /// Waits for graceful shutdown, then tells every subscriber the server is going away and gives
    /// the connections a moment to say so before the HTTP server itself stops.
    public func run() async throws {
        try? await gracefulShutdown()
        let all = topics.withLock { $0.values.flatMap(\.values) }
        for subscriber in all { cutOff(subscriber, reason: .shutdown) }
        let deadline = ContinuousClock.now + .seconds(3)
        while subscriberCount() > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// One live connection's feed and why it ended.
final class LiveSubscription: Sendable {
    enum EndReason: Sendable, Equatable {
        /// The client fell too far behind.
        case overflow
        /// The server is shutting down.
        case shutdown
    }

    let id = UUID()
    let eventID: Event.ID
    let stream: AsyncStream<LiveFrame>
    let channel: (any Channel)?
    private let reason = Mutex<EndReason?>(nil)

    init(eventID: Event.ID, stream: AsyncStream<LiveFrame>, channel: (any Channel)?) {
        self.eventID = eventID
        self.stream = stream
        self.channel = channel
    }

    func end(_ why: EndReason) { reason.withLock { $0 = $0 ?? why } }
    var endReason: EndReason? { reason.withLock { $0 } }
}
