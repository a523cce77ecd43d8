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
    private let topics = Mutex<[Event.ID: Topic]>([:])

    /// An event's subscribers: SSE streams, and WebSocket handlers grouped by their event loop so
    /// that one change costs one hop per loop, not one task wake-up per subscriber.
    private struct Topic {
        var streams: [UUID: Subscriber] = [:]
        var sockets: [ObjectIdentifier: LoopSockets] = [:]

        var count: Int { streams.count + sockets.values.reduce(0) { $0 + $1.handlers.count } }
        var isEmpty: Bool { streams.isEmpty && sockets.isEmpty }
    }

    private struct LoopSockets {
        let loop: any EventLoop
        var handlers: [ObjectIdentifier: LiveSocketHandler] = [:]
    }

    private struct Subscriber: Sendable {
        var continuation: AsyncStream<LiveFrame>.Continuation
        var subscription: LiveSubscription
    }

    public init(queueLimit: Int = 512, logger: Logger) {
        self.queueLimit = queueLimit
        self.logger = logger
    }

    /// Subscribes an SSE stream to an event's frames. Subscribe first, then read the snapshot: nothing slips between.
    func subscribe(eventID: Event.ID) -> LiveSubscription {
        let (stream, continuation) = AsyncStream.makeStream(of: LiveFrame.self, bufferingPolicy: .bufferingOldest(queueLimit))
        let subscription = LiveSubscription(eventID: eventID, stream: stream)
        let id = subscription.id
        continuation.onTermination = { [weak self] _ in self?.remove(eventID: eventID, id: id) }
        topics.withLock { $0[eventID, default: Topic()].streams[subscription.id] = Subscriber(continuation: continuation, subscription: subscription) }
        return subscription
    }

    /// Ends a subscription whose connection is gone.
    func unsubscribe(_ subscription: LiveSubscription) {
        let subscriber = topics.withLock { $0[subscription.eventID]?.streams[subscription.id] }
        subscriber?.continuation.finish()
    }

    /// Queues a keep-alive tick for one subscriber (SSE comment lines).
    func keepAlive(_ subscription: LiveSubscription) {
        let subscriber = topics.withLock { $0[subscription.eventID]?.streams[subscription.id] }
        _ = subscriber?.continuation.yield(.keepAlive)
    }

    private func remove(eventID: Event.ID, id: UUID) {
        topics.withLock { topics in
            topics[eventID]?.streams[id] = nil
            if topics[eventID]?.isEmpty == true { topics[eventID] = nil }
        }
    }

    /// Adds a WebSocket subscriber; from now on it gets the event's frames on `loop`.
    func attach(_ handler: LiveSocketHandler, on loop: any EventLoop) {
        let key = ObjectIdentifier(loop)
        topics.withLock { topics in
            topics[handler.eventID, default: Topic()].sockets[key, default: LoopSockets(loop: loop)].handlers[ObjectIdentifier(handler)] = handler
        }
    }

    /// Removes a WebSocket subscriber (idempotent).
    func detach(_ handler: LiveSocketHandler) {
        guard let loop = handler.eventLoop else { return }
        let key = ObjectIdentifier(loop)
        topics.withLock { topics in
            guard topics[handler.eventID]?.sockets[key]?.handlers.removeValue(forKey: ObjectIdentifier(handler)) != nil else { return }
            if topics[handler.eventID]?.sockets[key]?.handlers.isEmpty == true { topics[handler.eventID]?.sockets[key] = nil }
            if topics[handler.eventID]?.isEmpty == true { topics[handler.eventID] = nil }
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

    /// Hands `frame` to every subscriber of the event: one `execute` per event loop for the WebSocket
    /// subscribers (each writes it to its socket there), and a bounded stream per SSE subscriber.
    func publish(_ frame: LiveFrame, to eventID: Event.ID) {
        let topic = topics.withLock { $0[eventID] } ?? Topic()
        onEachSocket(of: topic) { $0.deliver(frame) }
        var dropped = 0
        for subscriber in topic.streams.values {
            if case .dropped = subscriber.continuation.yield(frame) {
                dropped += 1
                cutOff(subscriber, reason: .overflow)
            }
        }
        TandemMetrics.liveSent.increment(by: topic.count - dropped)
    }

    /// Runs `body` for every WebSocket subscriber of `topic`, on its event loop: one hop per loop.
    private func onEachSocket(of topic: Topic, _ body: @escaping @Sendable (LiveSocketHandler) -> Void) {
        for group in topic.sockets.values {
            let handlers = group.handlers
            group.loop.execute { for handler in handlers.values { body(handler) } }
        }
    }

    /// A subscriber fell behind and is being cut off: logged, and counted as a dropped message.
    func reportOverflow(eventID: Event.ID) {
        logger.info("live subscriber fell behind; disconnecting", metadata: ["event": "\(eventID)"])
        TandemMetrics.liveDropped.increment()
    }

    /// Ends an SSE subscriber's stream; its handler ends the response with a resume hint.
    private func cutOff(_ subscriber: Subscriber, reason: LiveSubscription.EndReason) {
        subscriber.subscription.end(reason)
        subscriber.continuation.finish()
        if reason == .overflow { reportOverflow(eventID: subscriber.subscription.eventID) }
    }

    /// Waits for graceful shutdown, then tells every subscriber the server is going away and gives
    /// the connections a moment to say so before the HTTP server itself stops.
    public func run() async throws {
        try? await gracefulShutdown()
        let all = topics.withLock { Array($0.values) }
        for topic in all {
            for subscriber in topic.streams.values { cutOff(subscriber, reason: .shutdown) }
            onEachSocket(of: topic) { $0.cutOff(.shutdown) }
        }
        let deadline = ContinuousClock.now + .seconds(3)
        while subscriberCount() > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        // Give the close frames a moment to reach the clients before the server stops.
        try? await Task.sleep(for: .milliseconds(100))
    }
}

/// One SSE connection's feed and why it ended.
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
    private let reason = Mutex<EndReason?>(nil)

    init(eventID: Event.ID, stream: AsyncStream<LiveFrame>) {
        self.eventID = eventID
        self.stream = stream
    }

    func end(_ why: EndReason) { reason.withLock { $0 = $0 ?? why } }
    var endReason: EndReason? { reason.withLock { $0 } }
}
