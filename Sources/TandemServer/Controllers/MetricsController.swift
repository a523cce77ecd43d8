import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import Prometheus
import TandemCore
import TandemStore

/// `GET /metrics` in the Prometheus text format: HTTP requests by route and status with a latency
/// histogram (Hummingbird's MetricsMiddleware), live subscribers per event, live messages sent and
/// dropped, registration outcomes and the e-mail outbox backlog. Served only when the process
/// bootstrapped swift-metrics with a Prometheus registry (`tandem serve` does).
///
/// Not anonymous: an admin's credentials, the metrics token (`TANDEM_METRICS_TOKEN`, for
/// Prometheus' `authorization` setting), or a caller on the loopback interface that came directly
/// (no forwarding header: a request relayed by a local proxy is a stranger's).
struct MetricsController {
    let registry: PrometheusCollectorRegistry
    let store: any ScheduleStore & RegistrationStore
    let hub: LiveHub
    /// SHA-256 of the metrics token, if one is configured.
    let tokenHash: String?

    init(registry: PrometheusCollectorRegistry, store: any ScheduleStore & RegistrationStore, hub: LiveHub, token: String?) {
        self.registry = registry
        self.store = store
        self.hub = hub
        tokenHash = token.flatMap { $0.isEmpty ? nil : AccessToken.hash($0) }
    }

    func addRoutes(to router: Router<TandemRequestContext>) {
        router.get("/metrics") { request, context in
            try authorise(request, context)
            // Gauges that are cheapest to read at scrape time. Drafts are nobody's business yet.
            let counts = hub.subscriberCounts()
            for event in try await store.events(includeDrafts: false) {
                Metrics.Gauge(label: "tandem_live_subscribers", dimensions: [("event", event.slug)]).record(counts[event.id] ?? 0)
            }
            Metrics.Gauge(label: "tandem_outbox_backlog").record(try await store.outboxBacklog())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}

extension MetricsController {
    func authorise(_ request: Request, _ context: TandemRequestContext) throws {
        if context.identity?.role == .admin { return }
        if let tokenHash, let bearer = request.headers.bearer, bearer.token.utf8.count <= 256,
           AccessToken.hash(bearer.token).utf8.elementsEqual(tokenHash.utf8) { return }
        let peer = context.channel.remoteAddress
        let forwarded = request.headers[.xForwardedFor] != nil || request.headers[HTTPField.Name("Forwarded")!] != nil
            || request.headers[.xForwardedProto] != nil
        if !forwarded, let peer, let bytes = peer.ipAddress.flatMap(IPNetwork.bytes), Self.loopback.contains(where: { $0.contains(bytes) }) { return }
        if context.identity != nil { throw Problem(.forbidden, code: "forbidden", title: "Not allowed", detail: "Only admins (or the metrics token) may read the metrics.") }
        throw Problem(.unauthorized, code: "metrics-unauthorised", title: "Metrics need credentials",
                      detail: "Send an admin's credentials or the metrics token (TANDEM_METRICS_TOKEN) as 'Authorization: Bearer …', or scrape from the same host without a proxy.")
    }

    /// The loopback interface, IPv4 and IPv6 (`IPNetwork` matches IPv4-mapped IPv6 addresses too).
    static let loopback = [IPNetwork("127.0.0.0/8")!, IPNetwork("::1")!]
}

/// The application's own counters (swift-metrics: whatever backend the process bootstrapped).
enum TandemMetrics {
    static func registration(_ outcome: String) {
        Metrics.Counter(label: "tandem_registrations_total", dimensions: [("outcome", outcome)]).increment()
    }

    /// Looked up on each use (a registry lookup per published change, not per subscriber), so they
    /// bind to whichever backend is bootstrapped by then.
    static var liveSent: Metrics.Counter { Metrics.Counter(label: "tandem_live_messages_sent_total") }
    static var liveDropped: Metrics.Counter { Metrics.Counter(label: "tandem_live_messages_dropped_total") }
}
