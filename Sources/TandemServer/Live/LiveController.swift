import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOWebSocket
import TandemCore
import TandemStore

/// The live feed of an event: WebSocket at `/live`, Server-Sent Events at `/live/stream`.
/// The first message is a `snapshot`, unless the client resumes with `since` (or `Last-Event-ID`),
/// in which case exactly the missed changes are replayed in order, or a fresh snapshot when they
/// are older than the retained window. `?room=ID` narrows the feed to one room's screen.
struct LiveController {
    let store: any ScheduleStore
    let hub: LiveHub
    let clock: any WallClock
    /// How many missed changes a resuming client may replay before it gets a snapshot instead.
    let replayWindow: Int64
    /// Comment lines that keep SSE connections (and proxies) alive.
    let keepAliveInterval: Duration
    /// Open connections per client address.
    let limits: Limits
    /// The schedule new connections open with, read once per version. It must be one of the store's
    /// change sinks, ahead of the hub (`cachedOpening` relies on it).
    let openingSchedules: OpeningSchedules

    func addRoutes(to router: Router<TandemRequestContext>) {
        // The WebSocket handshake: checked here with every middleware (client address, credentials,
        // limits), then upgraded by `LiveUpgradeChannel`, which hands the connection to a
        // `LiveSocketHandler` on the event loop.
        router.get("/api/v1/events/{slug}/live") { request, context -> Response in
            let target = try await target(request, context)
            guard request.headers[.upgrade]?.lowercased() == "websocket" else {
                throw Problem(.upgradeRequired, code: "websocket-required", title: "This is a WebSocket endpoint",
                              detail: "Open it as a WebSocket (Upgrade: websocket), or read /live/stream as Server-Sent Events.")
            }
            // The router runs this route for HEAD too; a WebSocket handshake is a GET (RFC 6455 §4.1).
            guard request.method == .get else {
                var problem = Problem(.methodNotAllowed, code: "method-not-allowed", title: "Method not allowed",
                                      detail: "A WebSocket handshake is a GET request: open the live feed with GET.")
                problem.headers[.allow] = "GET"
                throw problem
            }
            try admit(context, count: false)
            context.liveUpgrade.admit(LiveAdmission(controller: self, target: target, clientIP: context.clientIP))
            return Response(status: .ok)
        }
        router.get("/api/v1/events/{slug}/live/stream", use: serveEvents)
    }

    /// What a live connection asks for.
    struct Target: Sendable {
        var event: Event
        var since: Int64?
        var room: Int64?
    }

    private func target(_ request: Request, _ context: TandemRequestContext) async throws -> Target {
        let slug = try context.parameters.require("slug")
        let query = request.uri.queryParameters
        var since: Int64?
        if let value = query.get("since") ?? request.headers[HTTPField.Name("Last-Event-ID")!] {
            guard let seq = Int64(value), seq >= 0 else { throw Problem.invalid(field: "since", "must be a seq number (0 or more)") }
            since = seq
        }
        var room: Int64?
        if let value = query.get("room") {
            guard let id = Int64(value) else { throw Problem.invalid(field: "room", "must be a room id") }
            room = id
        }
        let event = try await store.event(slug: slug)
        if event.status == .draft && !(context.may(.editSchedule)) {
            throw StoreError.notFound(entity: "event", key: slug)
        }
        if let room, try await store.schedule(slug: slug, announcementsActiveAt: clock.now()).rooms.contains(where: { $0.id.rawValue == room }) == false {
            throw Problem.invalid(field: "room", "no room \(room) in this event")
        }
        return Target(event: event, since: since, room: room)
    }

    /// The frames a new connection starts with, and the sessions a room screen has been shown.
    typealias Opening = (frames: [LiveFrame], known: Set<Int64>)

    /// The opening from memory, without a read or a wait, when the event's current version is cached
    /// (see `OpeningSchedules.cachedOpening`); nil when `opening(_:)` must read the store. The caller
    /// must have subscribed to the hub first.
    func cachedOpening(_ target: Target) -> Opening? {
        openingSchedules.cachedOpening(eventID: target.event.id, since: target.since, room: target.room, at: clock.now())
    }

    func opening(_ target: Target) async throws -> Opening {
        let current = try await store.scheduleVersion(slug: target.event.slug)
        if let since = target.since, since <= current, current - since <= replayWindow {
            // Nothing missed (a screen whose Wi-Fi came back): nothing to read.
            if since == current { return ([], []) }
            let changes = try await store.changes(eventSlug: target.event.slug, after: since, limit: Int(replayWindow))
            let zone = target.event.zone
            let frames = try changes.compactMap { try LiveMessage.frame(for: $0, zone: zone) }
            var known = Set<Int64>()
            for frame in frames { if case .sessions(let places) = frame.scope { places.forEach { if $0.roomID == target.room { known.insert($0.sessionID) } } } }
            return (frames, known)
        }
        let now = clock.now()
        let (frame, known) = try await openingSchedules.snapshot(eventID: target.event.id, version: current, room: target.room, at: now) {
            try await store.schedule(slug: target.event.slug, announcementsActiveAt: now)
        }
        return ([frame], known)
    }

    /// Refuses (429) a client address that has too many live connections open; with `count`, counts this one.
    private func admit(_ context: TandemRequestContext, count: Bool) throws {
        try limits.admitLiveConnection(address: context.clientIP, count: count)
    }

    private func release(_ context: TandemRequestContext) {
        limits.closeLiveConnection(address: context.clientIP)
    }

    @Sendable func serveEvents(_ request: Request, context: TandemRequestContext) async throws -> Response {
        let target = try await target(request, context)
        try admit(context, count: true)
        let subscription = hub.subscribe(eventID: target.event.id)
        let opening: Opening
        do {
            opening = try await self.opening(target)
        } catch {
            hub.unsubscribe(subscription)
            release(context)
            throw error
        }
        let hub = self.hub
        let connection = context
        let interval = keepAliveInterval
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache",
                      HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: ResponseBody { writer in
                var feed = Feed(target: target, opening: opening)
                let ticker = Task {
                    while !Task.isCancelled {
                        try await Task.sleep(for: interval)
                        hub.keepAlive(subscription)
                    }
                }
                do {
                    try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                    for frame in opening.frames where feed.accepts(frame) { try await writer.write(Self.event(frame)) }
                    for await frame in subscription.stream {
                        if case .keepAlive = frame.scope {
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        } else if feed.accepts(frame) {
                            try await writer.write(Self.event(frame))
                        }
                    }
                    if subscription.endReason != nil {
                        try await writer.write(ByteBuffer(string: "event: close\ndata: \(Feed.resumeHint(since: feed.lastSeq))\n\n"))
                    }
                } catch {
                    ticker.cancel()
                    hub.unsubscribe(subscription)
                    release(connection)
                    throw error
                }
                ticker.cancel()
                hub.unsubscribe(subscription)
                release(connection)
                try await writer.finish(nil)
            })
    }

    /// One SSE event per message, flushed as written: `id:` is the seq, so `Last-Event-ID` resumes.
    static func event(_ frame: LiveFrame) -> ByteBuffer { frame.event }
}

/// What one connection has been sent: the last seq and, for a room screen, the sessions it shows.
struct Feed: Sendable {
    var room: Int64?
    var lastSeq: Int64 = 0
    var known: Set<Int64> = []

    init(room: Int64?) { self.room = room }

    /// A feed that has just been sent `opening`: a room screen knows the sessions shown to it, and a
    /// resumed feed with nothing to replay carries on from `since`.
    init(target: LiveController.Target, opening: LiveController.Opening) {
        self.init(room: target.room)
        known = opening.known
        if let since = target.since, opening.frames.isEmpty { lastSeq = since }
    }

    /// The reason a closing feed gives: reconnect with `?since=` this seq to get exactly what was missed.
    static func resumeHint(since seq: Int64) -> String { "{\"resume\":{\"since\":\(seq)}}" }

    /// Whether to send `frame` (newer than anything sent, and about this screen's room); remembers it.
    mutating func accepts(_ frame: LiveFrame) -> Bool {
        if case .keepAlive = frame.scope { return true }
        guard frame.seq > lastSeq || frame.type == "snapshot" else { return false }
        lastSeq = max(lastSeq, frame.seq)
        guard frame.concerns(room: room, known: known) else { return false }
        if let room, case .sessions(let places) = frame.scope {
            for place in places {
                if place.roomID == room { known.insert(place.sessionID) } else { known.remove(place.sessionID) }
            }
        }
        return true
    }
}
