import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TandemStore

/// Health, readiness and the OpenAPI document.
struct MetaController {
    let store: any TandemStorage
    let hub: LiveHub
    let openAPIPath: String

    struct Status: ResponseEncodable {
        var status: String
    }

    struct Readiness: ResponseEncodable {
        var status: String
        /// Open live connections (WebSocket and SSE), all events.
        var liveSubscribers: Int
    }

    func addRoutes(to router: Router<TandemRequestContext>) {
        router.get("/healthz") { _, _ in Status(status: "ok") }
        router.get("/readyz") { _, _ in
            guard (try? await store.isMigrated()) == true else {
                throw Problem(.serviceUnavailable, code: "not-ready", title: "Not ready", detail: "The database is not reachable or not migrated.")
            }
            return Readiness(status: "ready", liveSubscribers: hub.subscriberCount())
        }
        let document = FileManager.default.contents(atPath: openAPIPath)
        router.get("/openapi.yaml") { _, _ in
            guard let document else { throw Problem.notFound("The OpenAPI document is not installed (\(openAPIPath)).") }
            return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-cache"],
                            body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }
}
