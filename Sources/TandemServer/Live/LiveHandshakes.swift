import Dispatch
import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import NIOHTTP1
import Synchronization
import TandemCore
import TandemStore

/// Anonymous WebSocket handshakes of a published event's whole live feed, admitted on the event
/// loop without the router and its middleware chain: when 10,000 screens and phones connect at
/// 09:00, or all come back with the venue's Wi-Fi, each handshake costs a few lookups instead of a
/// Swift task, the router, twelve middlewares and a read of the store.
///
/// As `SnapshotReplay` does for reads, nothing here is built by hand: the first eligible handshake
/// of an event goes through the router, and what the `/live` route admitted (the event, checked to
/// exist and be public) and the headers the middlewares added are kept for that event. Later ones
/// are admitted from that recording with the same per-request checks: the `since` parameter parsed
/// as the route parses it, the client's address found as `ClientAddressMiddleware` finds it
/// (`X-Forwarded-For` only from trusted proxies), its live-connection limit, the same request
/// metrics, and a fresh `X-Request-Id`.
///
/// A recording serves only while the event has not changed: it is a `ChangeSink` (handed each
/// commit before the hub), so any committed change of the event drops it, and a recording older
/// than the newest committed change is never kept. The next handshake goes through the router again.
///
/// Eligible: `GET /api/v1/events/{slug}/live` with no query or only `since=N`; no credentials
/// (`Authorization`, `Cookie`), no `Last-Event-ID`; no `Origin` when CORS is configured (the CORS
/// middleware answers those). Everything else (room screens, organisers' feeds of drafts, odd
/// queries, refusals such as 404, 422 and 429) is the router's, with its problem answers.
final class LiveHandshakes: ChangeSink {
    /// What an eligible handshake asks for.
    struct Request: Equatable {
        var slug: String
        var since: Int64?
    }

    private struct Recording {
        /// The route's admission, for the whole feed from the start (`since` and the address are per request).
        var admission: LiveAdmission
        /// The route's answer headers, as the middlewares left them.
        var headers: HTTPFields
        /// `HTTP/1.1 101 Switching Protocols` and `headers` but the framing ones (a 1xx answer has no
        /// body; NIO's response encoder drops them too), rendered once.
        var switchingProtocols: ByteBuffer
        var version: Int64 { admission.target.event.scheduleVersion }

        init(admission: LiveAdmission, headers: HTTPFields) {
            self.admission = admission
            self.headers = headers
            var head = ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\n")
            for field in headers where field.name != .contentLength && field.name != .transferEncoding {
                head.writeString(field.name.rawName)
                head.writeStaticString(": ")
                head.writeString(field.value)
                head.writeStaticString("\r\n")
            }
            switchingProtocols = head
        }
    }

    private struct State {
        var recordings: [String: Recording] = [:]
        /// The newest seq committed per event: an older recording is never kept.
        var committed: [Event.ID: Int64] = [:]
    }

    private let state = Mutex(State())
    private let trusted: [IPNetwork]
    private let corsConfigured: Bool
    private let counter: Counter?
    private let timer: Timer?
    private let admitted = Atomic<Int>(0)

    /// Handshakes admitted here so far.
    var count: Int { admitted.load(ordering: .relaxed) }

    init(trustedProxies: [IPNetwork], corsConfigured: Bool, metricsEnabled: Bool) {
        self.trusted = trustedProxies
        self.corsConfigured = corsConfigured
        if metricsEnabled {
            // The labels the router's MetricsMiddleware gives the `/live` route's answer.
            let dimensions = [("http.route", "/api/v1/events/{slug}/live"), ("http.request.method", "GET"), ("http.response.status_code", "200")]
            counter = Counter(label: "hb.requests", dimensions: dimensions)
            timer = Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
        } else {
            counter = nil
            timer = nil
        }
    }

    /// The handshake `head` asks for, or nil when the router must answer it.
    func request(of head: HTTPRequestHead) -> Request? {
        let headers = head.headers
        guard head.method == .GET else { return nil }
        return request(uri: head.uri,
                       credentials: headers.contains(name: "authorization") || headers.contains(name: "cookie") || headers.contains(name: "last-event-id"),
                       origin: headers.contains(name: "origin"))
    }

    /// What a `GET` of `uri` asks for, or nil when the router must answer it: `credentials` when it
    /// carries `Authorization`, `Cookie` or `Last-Event-ID`, `origin` when it has an `Origin`.
    func request(uri: String, credentials: Bool, origin: Bool) -> Request? {
        guard uri.utf8.count <= 160, !credentials, !(corsConfigured && origin) else { return nil }
        // Compared as bytes: this runs for every screen of a storm, and `String`'s Unicode-aware
        // prefix and suffix tests cost more than the rest of the admission.
        let bytes = uri.utf8
        let query = bytes.firstIndex(of: UInt8(ascii: "?"))
        let path = bytes[..<(query ?? bytes.endIndex)]
        let prefix = "/api/v1/events/".utf8, suffix = "/live".utf8
        guard path.count > prefix.count + suffix.count, path.starts(with: prefix), path.reversed().starts(with: suffix.reversed()) else { return nil }
        let slug = path.dropFirst(prefix.count).dropLast(suffix.count)
        // Slugs are lower-case letters, digits and hyphens (EventRules); anything else (an escape,
        // another segment) is the router's.
        guard slug.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }) else { return nil }
        var since: Int64?
        if let query {
            // Only `since=` and decimal digits that fit (a sign, an escape or another parameter is the router's).
            let value = bytes[bytes.index(after: query)...]
            let name = "since=".utf8
            guard value.starts(with: name) else { return nil }
            let digits = value.dropFirst(name.count)
            guard digits.allSatisfy({ (48...57).contains($0) }), let number = Int64(String(decoding: digits, as: UTF8.self)) else { return nil }
            since = number
        }
        return Request(slug: String(decoding: slug, as: UTF8.self), since: since)
    }

    /// Admits `request` from the event's recording: its admission and the headers to answer with.
    /// Nil when there is no current recording or the address is at its limit (the router then
    /// answers, with its 429).
    func admit(_ request: Request, head: HTTPRequestHead, remote: SocketAddress?) -> (LiveAdmission, HTTPHeaders)? {
        admit(request, forwardedFor: head.headers["x-forwarded-for"], remote: remote).map { admission, recording, requestID in
            var headers = recording.headers
            headers[.xRequestID] = requestID
            return (admission, HTTPHeaders(headers))
        }
    }

    /// As `admit(_:head:remote:)`, with the answer's head rendered up to its last field: the status
    /// line, the route's headers as the middlewares left them (rendered once per recording), and
    /// this request's `X-Request-Id`. The caller adds the upgrade's own fields and the empty line.
    func admitRendered(_ request: Request, forwardedFor: [String], remote: SocketAddress?, allocator: ByteBufferAllocator) -> (LiveAdmission, ByteBuffer)? {
        admit(request, forwardedFor: forwardedFor, remote: remote).map { admission, recording, requestID in
            var answer = allocator.buffer(capacity: recording.switchingProtocols.readableBytes + 64)
            answer.writeImmutableBuffer(recording.switchingProtocols)
            answer.writeStaticString("X-Request-Id: ")
            answer.writeString(requestID)
            answer.writeStaticString("\r\n")
            return (admission, answer)
        }
    }

    private func admit(_ request: Request, forwardedFor: [String], remote: SocketAddress?) -> (LiveAdmission, Recording, String)? {
        let started = DispatchTime.now().uptimeNanoseconds
        guard let recording = state.withLock({ $0.recordings[request.slug] }) else { return nil }
        let clientIP = ClientAddressMiddleware.clientIP(peer: remote?.ipAddress ?? "unknown", forwardedFor: forwardedFor, trusted: trusted)
        let controller = recording.admission.controller
        do {
            try controller.limits.admitLiveConnection(address: clientIP, count: false)
        } catch {
            return nil
        }
        var target = recording.admission.target
        target.since = request.since
        admitted.add(1, ordering: .relaxed)
        counter?.increment()
        timer?.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
        return (LiveAdmission(controller: controller, target: target, clientIP: clientIP), recording, RequestID().description)
    }

    /// Keeps what the router admitted for an eligible handshake of the whole feed.
    func record(_ request: Request, admission: LiveAdmission, headers: HTTPFields) {
        guard admission.target.room == nil, admission.target.event.status != .draft else { return }
        var headers = headers
        headers[.xRequestID] = nil
        var base = admission.target
        base.since = nil
        let recording = Recording(admission: LiveAdmission(controller: admission.controller, target: base, clientIP: ""), headers: headers)
        state.withLock { state in
            if let committed = state.committed[base.event.id], recording.version < committed { return }
            if let current = state.recordings[request.slug], current.version > recording.version { return }
            state.recordings[request.slug] = recording
        }
    }

    func committed(_ changes: [Change]) {
        let versions = Dictionary(changes.compactMap { c in c.eventID.flatMap { id in c.seq.map { (id, $0) } } }, uniquingKeysWith: max)
        guard !versions.isEmpty else { return }
        state.withLock { state in
            for (eventID, seq) in versions { state.committed[eventID] = max(state.committed[eventID] ?? 0, seq) }
            state.recordings = state.recordings.filter { _, recording in
                guard let seq = versions[recording.admission.target.event.id] else { return true }
                return recording.version >= seq
            }
        }
    }
}
