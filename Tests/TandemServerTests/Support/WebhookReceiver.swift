import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
@testable import TandemServer

/// A real HTTP receiver for webhook tests: a Hummingbird app on a free port of the loopback that
/// records every POST to `/hook` and answers 204, or the statuses it was told to answer.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var headers: HTTPFields
        var body: String
        var status: Int
        var ok: Bool { (200..<300).contains(status) }
        var seq: Int64? { headers[HTTPField.Name("Tandem-Seq")!].flatMap { Int64($0) } }
    }

    private struct State {
        var received: [Received] = []
        /// Statuses for the next requests, in order; then `answer`.
        var planned: [HTTPResponse.Status] = []
        var answer: HTTPResponse.Status = .noContent
    }
    private let state = Mutex(State())
    private let bell = WebhookDoorbell()

    /// Answers the next `count` requests with `status`.
    func fail(next count: Int, with status: HTTPResponse.Status = .internalServerError) {
        state.withLock { $0.planned += Array(repeating: status, count: count) }
    }

    /// Answers every request from now on with `status` (until told otherwise).
    func answer(_ status: HTTPResponse.Status) { state.withLock { $0.answer = status } }

    var received: [Received] { state.withLock { $0.received } }
    var delivered: [Received] { received.filter(\.ok) }

    /// Waits until `condition` holds for what was received, or fails after `timeout`.
    @discardableResult
    func wait(timeout: Duration = .seconds(20), sourceLocation: String = #function, until condition: ([Received]) -> Bool) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let now = received
            if condition(now) { return now }
            guard ContinuousClock.now < deadline else { throw ReceiverTimeout(received: now.count) }
            await bell.wait(upTo: min(.milliseconds(500), deadline - ContinuousClock.now))
        }
    }

    /// Runs `body` with the receiver listening; `body` gets the hook's URL.
    func run<T: Sendable>(_ body: @escaping @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hook") { [self] request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let status = state.withLock { state -> HTTPResponse.Status in
                let status = state.planned.isEmpty ? state.answer : state.planned.removeFirst()
                state.received.append(Received(headers: request.headers, body: String(buffer: buffer), status: Int(status.code)))
                return status
            }
            bell.ring()
            return Response(status: status)
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/hook")
        }
    }
}

struct ReceiverTimeout: Error, CustomStringConvertible {
    var received: Int
    var description: String { "the receiver did not get what the test waited for (it got \(received) requests)" }
}
