import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import NIOHTTPTypes
import Synchronization
import TandemCore
#if canImport(Glibc)
import Glibc
#endif

/// Answers anonymous `GET /api/v1/events/{slug}` and `…/schedule` on the connection's event loop by
/// replaying the response the router itself gave for the same cached snapshot, with a fresh `Date`
/// and `X-Request-Id`. Screens and phones poll these two documents; this keeps their cost to one
/// read and one write on the event loop instead of a Swift task, the router and twelve middlewares.
///
/// What it replays is recorded, never built: the first request for a snapshot goes through the
/// router, and its answer (status, every header the middlewares added, body) is kept next to the
/// snapshot's ETag. A recording is used only while `SnapshotCache` holds a snapshot with that same
/// ETag, so a committed change (which drops the snapshot) or an expired announcement ends it at
/// once. Two recordings per snapshot: the full answer (200) and the conditional one (304), chosen
/// by `If-None-Match` exactly as the route chooses.
///
/// Anything else goes through the router untouched: other methods and paths, a query string, a
/// request with credentials (`Authorization`, `Cookie`), a CORS request (`Origin`), `Connection`
/// other than keep-alive, and an upgrade. Answers stay in request order (see
/// `SnapshotReplayHandler`). Off when request logging is at debug level, so that every request is
/// logged.
///
/// A recording is only right while every answer to such a request differs by `Date` and
/// `X-Request-Id` alone. A middleware that makes other headers vary per request (a cookie, a
/// nonce) must make those requests ineligible in `target(of:)`.
final class SnapshotReplay: Sendable {
    let cache: SnapshotCache
    let clock: any WallClock
    let metricsEnabled: Bool

    struct Target: Hashable, Sendable {
        var slug: String
        var representation: SnapshotCache.Representation

        /// The route's path, as the request metrics name it.
        var route: String {
            switch representation {
            case .event: "/api/v1/events/{slug}"
            case .schedule: "/api/v1/events/{slug}/schedule"
            }
        }
    }

    /// The router's answer for one snapshot: the head as sent and the body (none for 304).
    struct Recording: Sendable {
        var etag: String
        var head: HTTPResponse
        var body: ByteBuffer?
    }

    private struct Key: Hashable {
        var target: Target
        var notModified: Bool
    }

    private let recordings = Mutex<[Key: Recording]>([:])
    private struct MetricKey: Hashable {
        var representation: SnapshotCache.Representation
        var status: Int
    }

    private let counters = Mutex<[MetricKey: (Counter, Timer)]>([:])
    private let dates = HTTPDate()
    private let answered = Atomic<Int>(0)

    /// Requests answered here so far.
    var replayed: Int { answered.load(ordering: .relaxed) }

    init(cache: SnapshotCache, clock: any WallClock, metricsEnabled: Bool) {
        self.cache = cache
        self.clock = clock
        self.metricsEnabled = metricsEnabled
    }

    /// The snapshot an eligible request asks for, or nil when the router must answer it.
    static func target(of request: HTTPRequest) -> Target? {
        guard request.method == .get, let path = request.path, path.utf8.count <= 120 else { return nil }
        let prefix = "/api/v1/events/"
        guard path.hasPrefix(prefix) else { return nil }
        var rest = path.dropFirst(prefix.count)
        var representation = SnapshotCache.Representation.event
        if rest.hasSuffix("/schedule") {
            rest = rest.dropLast("/schedule".count)
            representation = .schedule
        }
        // Slugs are lower-case letters, digits and hyphens (EventRules); anything else (a query,
        // another segment, an escape) is the router's.
        guard !rest.isEmpty, rest.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }) else { return nil }
        let fields = request.headerFields
        guard fields[.authorization] == nil, fields[.cookie] == nil, fields[.origin] == nil, fields[.upgrade] == nil else { return nil }
        if let connection = fields[.connection], connection.lowercased() != "keep-alive" { return nil }
        return Target(slug: String(rest), representation: representation)
    }

    /// Which recording answers `request` now: the snapshot must be cached with the recording's ETag.
    func answer(_ request: HTTPRequest, for target: Target) -> Recording? {
        guard let entry = cache.entry(slug: target.slug, target.representation, at: clock.now()) else { return nil }
        let notModified = request.headerFields[.ifNoneMatch].map { ETag.matches($0, entry.etag) } ?? false
        guard let recording = recordings.withLock({ $0[Key(target: target, notModified: notModified)] }),
              recording.etag == entry.etag else { return nil }
        return recording
    }

    /// Keeps the router's answer for `target` when it is the current snapshot's (200 or 304 with its ETag).
    func record(_ head: HTTPResponse, body: ByteBuffer?, for target: Target) {
        guard head.status == .ok || head.status == .notModified, let etag = head.headerFields[.eTag],
              cache.entry(slug: target.slug, target.representation, at: clock.now())?.etag == etag else { return }
        let key = Key(target: target, notModified: head.status == .notModified)
        let recording = Recording(etag: etag, head: head, body: head.status == .ok ? body : nil)
        recordings.withLock { $0[key] = recording }
    }

    /// The recorded head with this answer's own `Date` and request id.
    func head(from recording: Recording) -> HTTPResponse {
        var head = recording.head
        head.headerFields[.date] = dates.now()
        head.headerFields[.xRequestID] = RequestID().description
        return head
    }

    /// Counts a replayed answer where the router's metrics middleware counts it (`hb_requests`,
    /// `http_server_request_duration_seconds`, same labels).
    func count(_ target: Target, status: HTTPResponse.Status, nanoseconds: UInt64) {
        answered.add(1, ordering: .relaxed)
        guard metricsEnabled else { return }
        let key = MetricKey(representation: target.representation, status: status.code)
        let (counter, timer) = counters.withLock { counters in
            if let pair = counters[key] { return pair }
            let dimensions = [("http.route", target.route), ("http.request.method", "GET"), ("http.response.status_code", status.code.description)]
            let pair = (Counter(label: "hb.requests", dimensions: dimensions),
                        Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds))
            counters[key] = pair
            return pair
        }
        counter.increment()
        timer.recordNanoseconds(Int64(nanoseconds))
    }
}

/// The per-connection half of `SnapshotReplay`, between Hummingbird's connection state handler and
/// its request stream. Lives on the channel's event loop.
///
/// Answers go out in request order. A request the replay can answer while earlier ones are still
/// with the router waits in `pending` and is written right after the router's answer before it
/// (HTTP/1.1 pipelining, or simply the next request arriving before the router has written the
/// end of a response whose body the client already has).
///
/// Back-pressure: a client that pipelines reads and never reads the answers must not make the
/// server buffer them. While the channel is not writable (its outbound buffer is above the high
/// water mark), replayed answers wait in `pending` (a few bytes each; the recorded body is shared)
/// and no `read` is passed on, so no more requests arrive. When the channel becomes writable again
/// the waiting answers are written, and reading resumes. The router's answers have their own
/// back-pressure (Hummingbird's outbound writer waits for writability, and its request stream
/// stops reading when full); a replayed answer queued before one of them is written first.
final class SnapshotReplayHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Answer {
        /// The router answers; `record` names the snapshot when its answer may be recorded.
        case router(record: SnapshotReplay.Target?)
        /// A recording answers, once every earlier answer is written.
        case replay(SnapshotReplay.Target, SnapshotReplay.Recording, started: UInt64)
    }

    private let replay: SnapshotReplay
    /// Answers not yet completely written, oldest first.
    private var pending = CircularBuffer<Answer>(initialCapacity: 2)
    /// The request being read is answered here: its body (if any) is dropped, its end awaited.
    private var reading: Answer?
    /// The router's answer being recorded: its head and body so far.
    private var recorded: (head: HTTPResponse?, body: ByteBuffer?) = (nil, nil)
    /// A `read` held back while the channel was not writable; passed on once it is.
    private var heldReads = HeldReads()

    init(replay: SnapshotReplay) {
        self.replay = replay
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            reading = nil
            if let target = SnapshotReplay.target(of: request) {
                if let recording = replay.answer(request, for: target) {
                    reading = .replay(target, recording, started: DispatchTime.now().uptimeNanoseconds)
                    return
                }
                pending.append(.router(record: target))
            } else {
                pending.append(.router(record: nil))
            }
            context.fireChannelRead(data)
        case .body:
            // A GET answered here has no use for a body.
            if reading == nil { context.fireChannelRead(data) }
        case .end:
            guard let answer = reading else {
                context.fireChannelRead(data)
                return
            }
            reading = nil
            pending.append(answer)
            sendReplays(context: context, whileWritable: true)
        }
    }

    func read(context: ChannelHandlerContext) {
        heldReads.read(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            sendReplays(context: context, whileWritable: true)
            heldReads.resumeIfWritable(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Replayed answers that waited for writability go before this later answer of the router's.
        sendReplays(context: context, whileWritable: false)
        guard case .router(let target) = pending.first else {
            context.write(data, promise: promise)
            return
        }
        let part = unwrapOutboundIn(data)
        if target != nil {
            switch part {
            case .head(let head):
                recorded.head = head
            case .body(var buffer):
                if var body = recorded.body {
                    recorded.body = nil
                    body.writeBuffer(&buffer)
                    recorded.body = body
                } else {
                    recorded.body = buffer
                }
            case .end:
                break
            }
        }
        context.write(data, promise: promise)
        guard case .end = part else { return }
        _ = pending.removeFirst()
        if let target, let head = recorded.head, head.status.kind != .informational {
            replay.record(head, body: recorded.body, for: target)
        }
        recorded = (nil, nil)
        // Replayed answers that were waiting for this one.
        sendReplays(context: context, whileWritable: true)
    }

    /// Writes the replayed answers at the head of `pending` (those no router answer is before), and
    /// flushes; with `whileWritable`, only as long as the channel takes more.
    private func sendReplays(context: ChannelHandlerContext, whileWritable: Bool) {
        var sent = false
        while case .replay = pending.first, !whileWritable || context.channel.isWritable {
            send(pending.removeFirst(), context: context)
            sent = true
        }
        if sent { context.flush() }
    }

    private func send(_ answer: Answer, context: ChannelHandlerContext) {
        guard case .replay(let target, let recording, let started) = answer else { return }
        let head = replay.head(from: recording)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = recording.body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        replay.count(target, status: head.status, nanoseconds: DispatchTime.now().uptimeNanoseconds - started)
    }
}

/// `Date` header values (RFC 9110 §5.6.7), formatted once per second.
final class HTTPDate: Sendable {
    private let cached = Mutex<(second: Int, text: String)>((-1, ""))

    func now() -> String {
        let second = time(nil)
        return cached.withLock { cached in
            if cached.second == second { return cached.text }
            var parts = tm()
            var seconds = second
            gmtime_r(&seconds, &parts)
            let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
            let text = "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
            cached = (second, text)
            return text
        }
    }
}
