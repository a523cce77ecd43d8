import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket
import Synchronization

/// Hummingbird's HTTP/1 child channel with the live feed's WebSocket upgrade.
///
/// Modelled on HummingbirdWebSocket's `HTTP1WebSocketUpgradeChannel`, with one difference that
/// matters at 10,000 screens: an upgraded connection is served by a `LiveSocketHandler` on its
/// event loop instead of a Swift task group with async streams, so it costs a few KiB and the hub
/// writes each change to it directly.
///
/// - An anonymous handshake of a public event's whole feed is admitted on the event loop from
///   what the router admitted for the event before (`LiveHandshakes`), with the same checks, and
///   upgraded by the connection's first handler before any HTTP handler exists (`LiveFirstRequest`).
/// - Any other handshake request runs through the router with every middleware; the `/live` route
///   either admits it (`LiveUpgradeSlot`) or answers with a problem (404, 422, 429), which is sent
///   as an ordinary HTTP response instead of upgrading.
/// - Only a `GET` is upgraded (RFC 6455 §4.1); a handshake with another method gets the router's
///   answer (405 problem from the `/live` route for `HEAD`, which the router runs like `GET`).
/// - Every other request is ordinary Hummingbird HTTP/1.
///
/// Connection hygiene for a public server:
/// - A connection that has not sent a complete first request within `idleTimeout` is
///   closed (an idle or trickling client holds a socket and a slot for nothing); after the first
///   request, Hummingbird's `idleTimeout` (`configuration`) closes a kept-alive connection left idle,
///   and `StalledWriteTimeout` one that stays unwritable (does not read its answers) as long.
/// - Write buffer water marks (`writeBufferWaterMark`): above `high` bytes queued the channel is
///   not writable, and the replay (`SnapshotReplayHandler`) and the live socket (`LiveSocketHandler`)
///   stop reading until it is back below `low`, so a client that does not read its answers cannot
///   make the server buffer them.
struct LiveUpgradeChannel: ServerChildChannel, HTTPChannelHandler {
    enum UpgradeResult: Sendable {
        case live
        case notUpgraded(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// The handshake was refused; the route's response is sent instead.
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, Response)
    }

    struct Value: ServerChildChannelValue {
        let upgradeResult: EventLoopFuture<UpgradeResult>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let router: RouterResponder<TandemRequestContext>
    let hub: LiveHub
    let replay: SnapshotReplay?
    /// Anonymous handshakes admitted without the router (nil: every handshake goes through it).
    let handshakes: LiveHandshakes?
    let configuration: HTTP1Channel.Configuration
    let pingInterval: TimeAmount
    /// One ping timer per event loop for the live sockets on it.
    let heartbeats: LiveHeartbeats
    let maxFrameSize: Int
    /// How long a new connection may take to send its first request, and any connection may stay
    /// unwritable (not reading its answers), before it is closed (nil: no limit).
    let idleTimeout: TimeAmount?

    /// 64 KiB queued makes a connection unwritable (a schedule answer or a few dozen live frames),
    /// 16 KiB makes it writable again: enough to keep the socket busy, little to hold per connection.
    static let writeBufferWaterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 16 * 1024, high: 64 * 1024)

    init(responder: @escaping HTTPChannelHandler.Responder, router: RouterResponder<TandemRequestContext>, hub: LiveHub,
         replay: SnapshotReplay? = nil, handshakes: LiveHandshakes? = nil, configuration: HTTP1Channel.Configuration = .init(), pingInterval: TimeAmount = .seconds(30), maxFrameSize: Int = 1 << 14,
         idleTimeout: TimeAmount? = nil) {
        self.responder = Self.redirectingLateUpgrades(responder)
        self.router = router
        self.hub = hub
        self.replay = replay
        self.handshakes = handshakes
        self.configuration = configuration
        self.pingInterval = pingInterval
        self.heartbeats = LiveHeartbeats(interval: pingInterval)
        self.maxFrameSize = maxFrameSize
        self.idleTimeout = idleTimeout
    }

    /// What the handshake's route run decided, for the upgrade step that follows it.
    private final class Handshake: Sendable {
        let admission = Mutex<LiveAdmission?>(nil)
        let refusal = Mutex<(response: Response, head: Bool)?>(nil)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.syncOptions?.setOption(ChannelOptions.writeBufferWaterMark, value: Self.writeBufferWaterMark)
            if let idleTimeout {
                try channel.pipeline.syncOperations.addHandler(StalledWriteTimeout(timeout: idleTimeout, logger: logger))
            }
            // Until the first request's head has arrived, the clock runs.
            let deadline = idleTimeout.map { timeout in
                channel.eventLoop.scheduleTask(in: timeout) {
                    logger.debug("closing a connection that sent no request in time", metadata: ["timeout": "\(timeout)"])
                    channel.close(promise: nil)
                }
            }
            channel.closeFuture.whenComplete { _ in deadline?.cancel() }
            let result: EventLoopFuture<UpgradeResult>
            if handshakes != nil {
                // The first bytes decide: an anonymous handshake of a public feed is upgraded at once,
                // anything else gets the HTTP pipeline below (`LiveFirstRequest`).
                let promise = channel.eventLoop.makePromise(of: UpgradeResult.self)
                try channel.pipeline.syncOperations.addHandler(LiveFirstRequest(
                    promise: promise,
                    upgrade: { context, head, promise in self.upgradeAtOnce(context: context, head: head, promise: promise) },
                    installHTTP: { channel in try self.installHTTP(channel, deadline: deadline, logger: logger) }))
                result = promise.futureResult
            } else {
                result = try installHTTP(channel, deadline: deadline, logger: logger)
            }
            // A request without an upgrade completes the upgrade step at once; a handshake, above.
            result.whenComplete { _ in deadline?.cancel() }
            return Value(upgradeResult: result, channel: channel)
        }
    }

    /// NIO's upgradable HTTP/1 pipeline with Hummingbird behind it: every request but the handshakes
    /// `LiveFirstRequest` upgrades itself. A handshake here is admitted by `LiveHandshakes` when it
    /// can be, else by the router's `/live` route.
    private func installHTTP(_ channel: any Channel, deadline: Scheduled<Void>?, logger: Logger) throws -> EventLoopFuture<UpgradeResult> {
        let handshake = Handshake()
        let upgrader = NIOTypedWebSocketServerUpgrader<UpgradeResult>(
            maxFrameSize: maxFrameSize,
            shouldUpgrade: { channel, head in
                deadline?.cancel()
                let eligible = handshakes?.request(of: head)
                if let eligible, let (admitted, recorded) = handshakes?.admit(eligible, head: head, remote: channel.remoteAddress) {
                    let (admission, headers) = Self.negotiatingDeflate(head, admitted, recorded)
                    handshake.admission.withLock { $0 = admission }
                    // Answered on the next turn of the loop, not at once: NIO's upgrader would
                    // start upgrading inside the HTTP decoder's read of the head, before the
                    // request's end is decoded, and then wait for that end forever.
                    let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                    channel.eventLoop.execute { promise.succeed(headers) }
                    return promise.futureResult
                }
                let promise = channel.eventLoop.makePromise(of: HTTPHeaders?.self)
                promise.completeWithTask {
                    try await self.shouldUpgrade(head, channel: channel, logger: logger, handshake: handshake, eligible: eligible)
                }
                return promise.futureResult
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    guard let admission = handshake.admission.withLock({ $0.take() }) else {
                        throw ChannelError.inappropriateOperationForState
                    }
                    // NIO's upgrader put the frame encoder in; change frames, encoded once, skip it.
                    let encoder = try channel.pipeline.syncOperations.context(handlerType: WebSocketFrameEncoder.self)
                    let handler = LiveSocketHandler(admission: admission, hub: hub, heartbeats: heartbeats, wire: encoder)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    return UpgradeResult.live
                }
            })
        let upgrade = NIOTypedHTTPServerUpgradeConfiguration(
            upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                    try channel.pipeline.syncOperations.addHandlers(configuration.additionalChannelHandlers())
                    try channel.pipeline.syncOperations.addHandler(
                        HTTPConnectionStateHandler(idleTimeout: configuration.idleTimeout.map { .init($0) }, logger: logger))
                    if let replay { try channel.pipeline.syncOperations.addHandler(SnapshotReplayHandler(replay: replay)) }
                    let http = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                        wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                    if let refusal = handshake.refusal.withLock({ $0.take() }) {
                        var response = refusal.response
                        // The answer to a HEAD has no body (RFC 9110 §9.3.2).
                        if refusal.head { response.body = ResponseBody() }
                        return UpgradeResult.refused(http, response)
                    }
                    return UpgradeResult.notUpgraded(http)
                }
            })
        var pipeline = NIOUpgradableHTTPServerPipelineConfiguration<UpgradeResult>(upgradeConfiguration: upgrade)
        pipeline.enablePipelining = false  // HTTP is pipelined by NIOAsyncChannel
        pipeline.enableErrorHandling = false  // Hummingbird handles these
        pipeline.enableResponseHeaderValidation = false  // swift-http-types validates already
        pipeline.decoderConfiguration.maxHeaderFieldSize = configuration.httpDecoder.maxHeaderFieldSize
        pipeline.decoderConfiguration.maxHeaderListSize = configuration.httpDecoder.maxHeaderListSize
        pipeline.decoderConfiguration.maxHeaderFieldCount = configuration.httpDecoder.maxHeaderFieldCount
        return try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: pipeline)
    }

    /// Upgrades an anonymous handshake of a public event's whole feed without the HTTP pipeline, with
    /// what NIO's WebSocket upgrader would do: the same checks of the handshake (`HandshakeHead`), the
    /// same `101` (the recorded route's headers, `X-Request-Id`, `Sec-WebSocket-Extensions`, `Upgrade`,
    /// `Sec-WebSocket-Accept`, `Connection`, in NIO's order) and the same WebSocket handlers. The
    /// `101` is not flushed here: the opening frames follow it in the same write. False (nothing
    /// written) when the handshake is not eligible or not admitted.
    private func upgradeAtOnce(context: ChannelHandlerContext, head: HandshakeHead, promise: EventLoopPromise<UpgradeResult>) -> Bool {
        guard let handshakes, let key = head.webSocketKey,
              let eligible = handshakes.request(uri: head.uri, credentials: head.credentials, origin: head.origin),
              var (admission, answer) = handshakes.admitRendered(eligible, forwardedFor: head.forwardedFor, remote: context.channel.remoteAddress,
                                                                 allocator: context.channel.allocator) else { return false }
        if let accepted = LiveDeflate.negotiate(offers: head.extensions) {
            admission.deflate = true
            answer.writeStaticString("Sec-WebSocket-Extensions: ")
            answer.writeString(accepted)
            answer.writeStaticString("\r\n")
        }
        answer.writeStaticString("Upgrade: websocket\r\nSec-WebSocket-Accept: ")
        answer.writeString(Self.webSocketAccept(key))
        answer.writeStaticString("\r\nConnection: upgrade\r\n\r\n")
        do {
            let pipeline = context.pipeline.syncOperations
            context.write(NIOAny(answer), promise: nil)
            try pipeline.addHandler(WebSocketFrameEncoder())
            let encoder = try pipeline.context(handlerType: WebSocketFrameEncoder.self)
            try pipeline.addHandler(ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: maxFrameSize)))
            try pipeline.addHandler(WebSocketProtocolErrorHandler())
            try pipeline.addHandler(LiveSocketHandler(admission: admission, hub: hub, heartbeats: heartbeats, wire: encoder))
            promise.succeed(.live)
        } catch {
            promise.fail(error)
            context.close(promise: nil)
        }
        return true
    }

    /// RFC 6455 §4.2.2: base64 of the SHA-1 of the client's key and the protocol's GUID.
    static func webSocketAccept(_ key: String) -> String {
        Data(Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))).base64EncodedString()
    }

    /// Runs the handshake request through the router: upgrade headers when the `/live` route admits
    /// it, `nil` (no upgrade; its response is sent instead) otherwise.
    private func shouldUpgrade(_ head: HTTPRequestHead, channel: any Channel, logger: Logger, handshake: Handshake,
                               eligible: LiveHandshakes.Request?) async throws -> HTTPHeaders? {
        let request = Request(head: try HTTPRequest(head, secure: false, splitCookie: false), body: .init(buffer: .init()))
        var logger = logger
        logger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
        let context = TandemRequestContext(source: .init(channel: channel, logger: logger))
        var response: Response
        do {
            response = try await router.respond(to: request, context: context)
        } catch {
            response = Response(status: .notFound)
        }
        // Only a GET upgrades (RFC 6455 §4.1); the `/live` route refuses other methods itself (405).
        if response.status == .ok, head.method == .GET, let admitted = context.liveUpgrade.value {
            if let eligible { handshakes?.record(eligible, admission: admitted, headers: response.headers) }
            let (admission, headers) = Self.negotiatingDeflate(head, admitted, HTTPHeaders(response.headers))
            handshake.admission.withLock { $0 = admission }
            return headers
        }
        if response.status == .ok {
            // A route that is not a WebSocket endpoint (or one that let another method through).
            response = Response(status: .badRequest, headers: [.connection: "close", .contentLength: "0"])
        }
        response.headers[.connection] = "close"
        handshake.refusal.withLock { $0 = (response, head.method == .HEAD) }
        return nil
    }

    /// The admission and answer headers with permessage-deflate, when the client offered it in a
    /// form Tandem accepts (`LiveDeflate`).
    static func negotiatingDeflate(_ head: HTTPRequestHead, _ admission: LiveAdmission, _ headers: HTTPHeaders) -> (LiveAdmission, HTTPHeaders) {
        guard let accepted = LiveDeflate.negotiate(head.headers) else { return (admission, headers) }
        var admission = admission, headers = headers
        admission.deflate = true
        headers.replaceOrAdd(name: "Sec-WebSocket-Extensions", value: accepted)
        return (admission, headers)
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgradeResult.get() {
            case .live:
                // The connection now lives on its event loop; the hub and the handler own it.
                break
            case .notUpgraded(let http):
                await handleHTTP(asyncChannel: http, logger: logger)
            case .refused(let http, let response):
                await refuse(http, with: response, logger: logger)
            }
        } catch let error as ChannelError where error == .inputClosed {
            logger.trace("upgrade failed: input closed")
        } catch {
            logger.debug("upgrade failed", metadata: ["error": "\(error)"])
        }
    }

    /// Sends the route's answer to a refused handshake (404, 422, 429 problem) and closes.
    private func refuse(_ http: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, with response: Response, logger: Logger) async {
        do {
            try await http.executeThenClose { _, outbound in
                try await ResponseWriter(outbound: outbound).write(response: response.head, body: response.body)
            }
        } catch {
            logger.trace("could not answer a refused WebSocket handshake", metadata: ["error": "\(error)"])
        }
    }

    /// NIO only upgrades a connection's first request. A later request on a kept-alive connection
    /// asking to upgrade is redirected to the same URI with `Connection: close`, so the client opens
    /// a new connection where the upgrade can happen (as HummingbirdWebSocket does).
    static func redirectingLateUpgrades(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
        struct RedirectClose: Error {}
        return { request, writer, channel in
            if request.headers[.upgrade]?.lowercased() == "websocket" {
                var path = request.uri.path
                if let query = request.uri.query { path += "?\(query)" }
                try await writer.writeResponse(HTTPResponse(status: .temporaryRedirect, headerFields: [.connection: "close", .location: path]))
                throw RedirectClose()
            }
            try await responder(request, writer, channel)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 with the live feed's WebSocket upgrade (see `LiveUpgradeChannel`).
    /// `idleTimeout`: how long a connection may stay without a request (before its first one, and
    /// between requests on a kept-alive connection) or unwritable (nil: forever).
    static func tandem(router: Router<TandemRequestContext>, hub: LiveHub, replay: SnapshotReplay? = nil, handshakes: LiveHandshakes? = nil,
                       pingInterval: Duration = .seconds(30), idleTimeout: Duration? = nil) -> HTTPServerBuilder {
        let routerResponder = router.buildResponder()
        let timeout = idleTimeout.map { TimeAmount($0) }
        return HTTPServerBuilder { responder in
            LiveUpgradeChannel(responder: responder, router: routerResponder, hub: hub, replay: replay, handshakes: handshakes,
                               configuration: .init(idleTimeout: timeout), pingInterval: .init(pingInterval), idleTimeout: timeout)
        }
    }
}
