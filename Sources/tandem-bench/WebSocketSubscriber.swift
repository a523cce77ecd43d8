import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization

/// A lean WebSocket load client for the fan-out benchmark: every subscriber is a NIO channel whose
/// handler records arrival times on its event loop. No task or stream per connection, so on a
/// machine shared with the server the client's own overhead stays out of the measured latency.
struct WebSocketSubscribers {
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

    /// Opens one subscriber; `box` gets the snapshot flag and the arrival times of later messages.
    func connect(_ box: LiveFanOutCommand.Arrivals, connected: LiveFanOutCommand.Counter, failed: LiveFanOutCommand.Counter) {
        let host = host, port = port, path = path
        let bootstrap = ClientBootstrap(group: group)
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOWebSocketClientUpgrader(maxFrameSize: 1 << 24, automaticErrorHandling: true) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(SubscriberHandler(box: box, connected: connected))
                        }
                    }
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
private final class SubscriberHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame
    let box: LiveFanOutCommand.Arrivals
    let connected: LiveFanOutCommand.Counter
    var sawSnapshot = false

    init(box: LiveFanOutCommand.Arrivals, connected: LiveFanOutCommand.Counter) {
        self.box = box
        self.connected = connected
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text where frame.fin:
            let now = ContinuousClock.now
            if sawSnapshot {
                box.times.withLock { $0.append(now) }
            } else {
                sawSnapshot = true
                connected.withLock { $0 += 1 }
            }
        case .ping:
            var pong = frame.unmaskedData
            let masked = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: pong)
            pong.clear()
            context.writeAndFlush(wrapOutboundOut(masked), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }
}
