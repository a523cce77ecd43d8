import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import TandemCore

/// POSTs one signed webhook body and tells how it went: a 2xx is a delivery, anything else (another
/// status, a refused connection, a timeout) a failure described in a sentence.
struct WebhookSender: Sendable {
    /// One client for the process, never shut down (like `HTTPClient.shared`), but with Tandem's
    /// settings: 5 s to connect, redirects not followed (a receiver that moved must be edited, and a
    /// redirect must not send signed bodies elsewhere).
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)),
                                                decompression: .disabled))

    var totalTimeout: Duration
    var clock: any WallClock

    struct Outcome: Sendable {
        var status: Int?
        /// `nil`: delivered.
        var error: String?
        var milliseconds: Int
    }

    /// Sends `body` to `url`, signed with `secret`, with the Tandem headers.
    func send(url: String, body: String, secret: String, eventSlug: String, seq: Int64, deliveryID: String) async -> Outcome {
        let bytes = Data(body.utf8)
        let timestamp = Int64(clock.now().timeIntervalSince1970.rounded(.down))
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Tandem-Webhooks/1")
        request.headers.add(name: "Tandem-Signature", value: WebhookSecrets.signature(secret: secret, timestamp: timestamp, body: bytes))
        request.headers.add(name: "Tandem-Event", value: eventSlug)
        request.headers.add(name: "Tandem-Seq", value: String(seq))
        request.headers.add(name: "Tandem-Delivery", value: deliveryID)
        request.body = .bytes(ByteBuffer(data: bytes))
        let started = ContinuousClock.now
        func elapsed() -> Int {
            let duration = ContinuousClock.now - started
            return Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        }
        do {
            let response = try await Self.client.execute(request, timeout: TimeAmount(totalTimeout))
            // The answer's body is not needed; a little is read so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return Outcome(status: status, error: nil, milliseconds: elapsed()) }
            let redirect = (300..<400).contains(status) ? " (redirects are not followed: register the new URL)" : ""
            return Outcome(status: status, error: "the receiver answered HTTP \(status)\(redirect)", milliseconds: elapsed())
        } catch {
            return Outcome(status: nil, error: Self.sentence(error), milliseconds: elapsed())
        }
    }

    /// A failure that is not an HTTP status, in words.
    static func sentence(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            switch client {
            case .connectTimeout: return "could not connect within 5 seconds"
            case .deadlineExceeded, .readTimeout: return "the receiver did not answer in time"
            case .remoteConnectionClosed: return "the receiver closed the connection without answering"
            default: return "the request failed: \(client)"
            }
        }
        if error is NIOConnectionError || "\(error)".contains("connectionRefused") || "\(error)".contains("Connection refused") {
            return "could not connect: connection refused"
        }
        return "the request failed: \(String(describing: error).prefix(300))"
    }
}
