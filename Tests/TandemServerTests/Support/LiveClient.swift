import Foundation
import HummingbirdWSClient
import HummingbirdWSCompression
import Logging
import Testing

/// A real WebSocket client that collects the server's messages; every wait has a timeout, so a
/// missing message fails the test instead of hanging it.
final class LiveClient: Sendable {
    private let inbox = Inbox()
    private let task: Task<WebSocketCloseFrame?, any Error>

    actor Inbox {
        var messages: [JSON] = []
        var closed = false
        func add(_ message: JSON) { messages.append(message) }
        func close() { closed = true }
    }

    /// `deflate`: offer permessage-deflate (swift-websocket's extension), as browsers do.
    init(port: Int, path: String, deflate: Bool = false) {
        let inbox = self.inbox
        let configuration = WebSocketClientConfiguration(extensions: deflate ? [.perMessageDeflate(maxDecompressedFrameSize: 4 << 20)] : [])
        task = Task {
            defer { Task { await inbox.close() } }
            return try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)\(path)", configuration: configuration,
                                                     logger: Logger(label: "live-client")) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 4 << 20) {
                    if case .text(let text) = message, let json = try? JSON(data: Data(text.utf8)) { await inbox.add(json) }
                }
            }
        }
    }

    /// Waits for the `count`-th message (1-based) and returns all received so far.
    func messages(count: Int, timeout: Duration = .seconds(5), sourceLocation: SourceLocation = #_sourceLocation) async throws -> [JSON] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let messages = await inbox.messages
            if messages.count >= count { return messages }
            try await Task.sleep(for: .milliseconds(5))
        }
        // Looked at once more after the deadline: a message that arrived during the last sleep counts.
        let messages = await inbox.messages
        if messages.count >= count { return messages }
        Issue.record("expected \(count) messages, got \(messages.count): \(messages.map { $0["type"] })", sourceLocation: sourceLocation)
        return messages
    }

    var received: [JSON] { get async { await inbox.messages } }

    /// How the server closed the connection (waits for it).
    func closeFrame(timeout: Duration = .seconds(10)) async throws -> WebSocketCloseFrame? {
        try await withThrowingTaskGroup(of: WebSocketCloseFrame?.self) { group in
            group.addTask { try await self.task.value }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw CancellationError()
            }
            let frame = try await group.next()!
            group.cancelAll()
            return frame
        }
    }

    func disconnect() { task.cancel() }
}
