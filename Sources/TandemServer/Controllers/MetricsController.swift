import Foundation
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
struct MetricsController {
    let registry: PrometheusCollectorRegistry
    let store: SQLiteStore
    let hub: LiveHub

    func addRoutes(to router: Router<TandemRequestContext>) {
        router.get("/metrics") { _, _ in
            // Gauges that are cheapest to read at scrape time.
            let counts = hub.subscriberCounts()
            for event in try await store.events(includeDrafts: true) {
                Metrics.Gauge(label: "tandem_live_subscribers", dimensions: [("event", event.slug)]).record(counts[event.id] ?? 0)
            }
            Metrics.Gauge(label: "tandem_outbox_backlog").record(try await store.outboxBacklog())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
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
