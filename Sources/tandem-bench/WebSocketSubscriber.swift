import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// The fan-out benchmark's load client: opens subscribers and records when their messages arrive.
protocol SubscriberClient: Sendable {
    /// Opens one subscriber; `box` gets the arrival times of the messages after the snapshot.
    /// `connected` counts subscribers whose snapshot arrived, `failed` those that could not connect.
    func connect(_ box: LiveFanOutCommand.Arrivals, connected: LiveFanOutCommand.Counter, failed: LiveFanOutCommand.Counter)
    func shutdown() async
}

/// What a subscriber does with its upgrade and each complete text message. Usually the first
/// message is its snapshot (it now counts as connected) and each later one is an arrival, timed. A
/// resuming subscriber (`Arrivals.resumes`) counts as connected on its `101`, and every message is
/// an arrival.
struct ArrivalLog {
    let box: LiveFanOutCommand.Arrivals
    let connected: LiveFanOutCommand.Counter
    /// The snapshot arrived or, for a resuming subscriber, the upgrade.
    private(set) var isConnected = false

    init(box: LiveFanOutCommand.Arrivals, connected: LiveFanOutCommand.Counter) {
        self.box = box
        self.connected = connected
    }

    mutating func upgraded(at now: ContinuousClock.Instant) {
        if box.timesConnecting { box.milestones.withLock { $0.upgraded = now } }
        guard box.resumes else { return }
        isConnected = true
        connected.withLock { $0 += 1 }
    }

    mutating func message(at now: ContinuousClock.Instant, payload: UnsafeRawBufferPointer? = nil) {
        if box.keepsPayloads, let payload { box.milestones.withLock { $0.payloads.append(Array(payload)) } }
        if isConnected {
            box.times.withLock { $0.append(now) }
        } else {
            isConnected = true
            if box.timesConnecting { box.milestones.withLock { $0.firstMessage = now } }
            connected.withLock { $0 += 1 }
        }
    }
}

/// A lean WebSocket load client for the fan-out benchmark: every subscriber is a NIO channel whose
/// handler records arrival times on its event loop. No task or stream per connection, so on a
/// machine shared with the server the client's own overhead stays out of the measured latency.
struct WebSocketSubscribers: SubscriberClient {
    let group: MultiThreadedEventLoopGroup
    let host: String
    let port: Int
    let path: String

    init(host: String, port: Int, path: String, threads: Int) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.host = host
        self.port = port
        self.path = path
    }

    func connect(_ box: LiveFanOutCommand.Arrivals, connected: LiveFanOutCommand.Counter, failed: LiveFanOutCommand.Counter) {
        let host = host, port = port, path = path
        let bootstrap = ClientBootstrap(group: group)
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = SubscriberUpgrader(box: box, connected: connected)
                    // The snapshot can arrive in the same read as the 101 response: forward those bytes.
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes, withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    try channel.pipeline.syncOperations.addHandler(HandshakeRequest(host: host, path: path, failed: failed))
                }
            }
        bootstrap.connect(host: host, port: port).whenFailure { _ in failed.withLock { $0 += 1 } }
    }

    func shutdown() async { try? await group.shutdownGracefully() }
}

/// NIOWebSocket's client upgrader for the handshake (key and accept check), but the upgraded
/// connection gets `SubscriberHandler`, which reads frames from the bytes, instead of NIOWebSocket's
/// frame decoder. Only the frame encoder is added, for pongs.
private struct SubscriberUpgrader: NIOHTTPClientProtocolUpgrader {
    let handshake = NIOWebSocketClientUpgrader(upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() })
    let box: LiveFanOutCommand.Arrivals
    let connected: LiveFanOutCommand.Counter

    var supportedProtocol: String { handshake.supportedProtocol }
    var requiredUpgradeHeaders: [String] { handshake.requiredUpgradeHeaders }
    func addCustom(upgradeRequestHeaders: inout HTTPHeaders) { handshake.addCustom(upgradeRequestHeaders: &upgradeRequestHeaders) }
    func shouldAllowUpgrade(upgradeResponse: HTTPResponseHead) -> Bool { handshake.shouldAllowUpgrade(upgradeResponse: upgradeResponse) }

    func upgrade(context: ChannelHandlerContext, upgradeResponse: HTTPResponseHead) -> EventLoopFuture<Void> {
        context.eventLoop.makeCompletedFuture {
            try context.pipeline.syncOperations.addHandler(WebSocketFrameEncoder())
            try context.pipeline.syncOperations.addHandler(SubscriberHandler(box: box, connected: connected))
        }
    }
}

/// Sends the upgrade request once connected (the upgrade handler adds the WebSocket headers). After
/// the upgrade it passes frames on untouched.
private final class HandshakeRequest: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart
    let host: String
    let path: String
    let failed: LiveFanOutCommand.Counter

    init(host: String, path: String, failed: LiveFanOutCommand.Counter) {
        self.host = host
        self.path = path
        self.failed = failed
    }

    func channelActive(context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host)")
        headers.add(name: "Content-Length", value: "0")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    /// A refused handshake (the server answered with an ordinary response) arrives as an error.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failed.withLock { $0 += 1 }
        context.close(promise: nil)
    }
}

/// Records when each message arrives; answers pings so the server does not reap the connection.
///
/// It reads the server's frames from the bytes itself (2 to 10 header bytes, unmasked payload)
/// instead of through NIOWebSocket's frame decoder: at 10,000 subscribers on the cores the server
/// uses, every microsecond the client spends per message shows up in the measured latency.
private final class SubscriberHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame
    private var log: ArrivalLog
    private var pending = ByteBuffer()

    init(box: LiveFanOutCommand.Arrivals, connected: LiveFanOutCommand.Counter) {
        log = ArrivalLog(box: box, connected: connected)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if pending.readableBytes == 0 {
            swap(&pending, &bytes)
        } else {
            pending.writeBuffer(&bytes)
        }
        while let frame = Self.frame(in: &pending) {
            switch frame.opcode {
            case 0x1 where frame.fin, 0x0 where frame.fin:
                // The last (usually only) frame of a text message.
                frame.payload.withUnsafeReadableBytes { log.message(at: .now, payload: $0) }
            case 0x9:
                var payload = frame.payload
                let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: payload)
                payload.clear()
                context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
            case 0x8:
                context.close(promise: nil)
                return
            default:
                break
            }
        }
        if pending.readableBytes == 0 { pending.clear() }
    }

    /// The next complete frame at the start of `buffer` (consumed), or nil when it is not all there.
    static func frame(in buffer: inout ByteBuffer) -> (fin: Bool, opcode: UInt8, payload: ByteBuffer)? {
        // A masked frame stops the reading here, as an incomplete one does.
        guard let header = try? Wire.frameHeader(buffer.readableBytesView), buffer.readableBytes >= header.size + header.payloadLength,
              let payload = buffer.getSlice(at: buffer.readerIndex + header.size, length: header.payloadLength) else { return nil }
        buffer.moveReaderIndex(forwardBy: header.size + header.payloadLength)
        return (header.fin, header.opcode, payload)
    }
}
