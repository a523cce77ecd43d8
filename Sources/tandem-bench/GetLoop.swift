import NIOCore
import NIOPosix

/// The read benchmark's load client: each connection sends one pre-encoded `GET` at a time and
/// finds the end of each response by its `Content-Length`, without decoding the header fields.
/// NIO's HTTP client decoder turns every header of every response into Swift strings; at 20,000
/// responses a second on cores shared with the server, that alone took much of the client's time.
struct GetLoop {
    struct Tally: Sendable {
        var latencies: [Duration] = []
        var failures = 0
    }

    let transport: LoadConnections

    init(host: String, port: Int, threads: Int = 1) {
        transport = LoadConnections(host: host, port: port, threads: threads)
    }

    /// Runs `connections` connections, each getting `path` again and again until `deadline`.
    func run(path: String, connections: Int, until deadline: ContinuousClock.Instant) async throws -> Tally {
        let request = ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: \(transport.host)\r\n\r\n")
        let parts = try await transport.run(Array(repeating: (), count: connections)) { _, channel, done in
            try channel.pipeline.syncOperations.addHandler(Connection(request: request, deadline: deadline, done: done))
        }
        return Tally(latencies: parts.flatMap(\.latencies), failures: parts.reduce(0) { $0 + $1.failures })
    }

    func shutdown() async { await transport.shutdown() }

    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let request: ByteBuffer
        let deadline: ContinuousClock.Instant
        let done: EventLoopPromise<Tally>
        private var received = ByteBuffer()
        private var sentAt = ContinuousClock.now
        private var tally = Tally()
        private var finished = false

        init(request: ByteBuffer, deadline: ContinuousClock.Instant, done: EventLoopPromise<Tally>) {
            self.request = request
            self.deadline = deadline
            self.done = done
            tally.latencies.reserveCapacity(1 << 16)
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is LoadStart { send(context) } else { context.fireUserInboundEventTriggered(event) }
        }

        private func send(_ context: ChannelHandlerContext) {
            sentAt = .now
            guard sentAt < deadline else {
                finished = true
                done.succeed(tally)
                return
            }
            context.writeAndFlush(wrapOutboundOut(request), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var bytes = unwrapInboundIn(data)
            received.writeBuffer(&bytes)
            let status: Int
            do {
                guard let complete = try Self.status(ofComplete: received) else { return }
                status = complete
            } catch {
                errorCaught(context: context, error: error)
                return
            }
            received.clear()
            tally.latencies.append(ContinuousClock.now - sentAt)
            if status != 200 { tally.failures += 1 }
            send(context)
        }

        /// The status of the response in `buffer` once all of it is there (nil: more to come).
        static func status(ofComplete buffer: ByteBuffer) throws -> Int? {
            let view = buffer.readableBytesView
            guard view.count >= 16 else { return nil }
            guard let headEnd = Wire.endOfHead(view) else { return nil }
            let head = view[view.startIndex..<headEnd]
            let digits = head.dropFirst(9).prefix(3)
            let status = digits.reduce(0) { $0 * 10 + Int($1) - 48 }
            guard let contentLength = Self.contentLength(head) else { throw BenchError("a response without Content-Length") }
            return view.count >= headEnd - view.startIndex + contentLength ? status : nil
        }

        /// The `Content-Length` value in a response head (field names are case-insensitive).
        static func contentLength(_ head: ByteBufferView.SubSequence) -> Int? {
            let name = Array("\r\ncontent-length:".utf8)
            var index = head.startIndex
            while index + name.count <= head.endIndex {
                var matches = true
                for (offset, byte) in name.enumerated() where lowercased(head[index + offset]) != byte {
                    matches = false
                    break
                }
                if matches {
                    var value = 0
                    var cursor = index + name.count
                    while cursor < head.endIndex, head[cursor] == 32 { cursor += 1 }
                    while cursor < head.endIndex, (48...57).contains(head[cursor]) {
                        value = value * 10 + Int(head[cursor]) - 48
                        cursor += 1
                    }
                    return value
                }
                index += 1
            }
            return nil
        }

        static func lowercased(_ byte: UInt8) -> UInt8 { (65...90).contains(byte) ? byte + 32 : byte }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            if !finished { done.fail(error) }
            finished = true
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            if !finished { done.fail(ChannelError.ioOnClosedChannel) }
            finished = true
            context.fireChannelInactive()
        }
    }
}
