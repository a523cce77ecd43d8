import NIOCore
import NIOHTTP1

/// The first handler of a new connection, in front of everything HTTP: it holds the first bytes
/// until it knows whether they are an anonymous WebSocket handshake of a public event's whole live
/// feed (`LiveHandshakes`), and then either
/// - upgrades the connection itself (`upgrade` returns true): no HTTP decoder, encoder or upgrade
///   handler is ever added to the pipeline, the `101` is written without a flush of its own (the
///   opening frames follow in the same write), and the WebSocket handlers take the bytes that
///   followed the head; or
/// - adds the ordinary HTTP/1 pipeline (`installHTTP`: NIO's upgradable HTTP server, Hummingbird,
///   the router for every other request and handshake) and passes it every byte it held, untouched.
///
/// So a storm of 10,000 screens costs one handler and one strict scan of each head instead of a
/// pipeline of HTTP handlers built, run and torn down per connection. Only a head the scan
/// (`HandshakeHead`) takes exactly is upgraded here; anything unusual, incomplete past 8 KiB, or
/// refused by `upgrade` is NIO's and the router's, which answer it as they always did.
final class LiveFirstRequest: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias Result = LiveUpgradeChannel.UpgradeResult

    /// Upgrades the connection for a handshake head: true when it did (the promise is then its
    /// business), false to leave the request to the HTTP pipeline.
    typealias Upgrade = (ChannelHandlerContext, HTTPRequestHead, EventLoopPromise<Result>) -> Bool

    /// Only a request starting with these bytes can be a live handshake.
    static let prefix = Array("GET /api/v1/events/".utf8)
    /// A handshake head longer than this is NIO's (which has its own limits).
    static let maxHead = 8 * 1024

    private let upgrade: Upgrade
    private let installHTTP: (any Channel) throws -> EventLoopFuture<Result>
    private let promise: EventLoopPromise<Result>
    private var held: ByteBuffer?
    private var decided = false

    init(promise: EventLoopPromise<Result>, upgrade: @escaping Upgrade, installHTTP: @escaping (any Channel) throws -> EventLoopFuture<Result>) {
        self.promise = promise
        self.upgrade = upgrade
        self.installHTTP = installHTTP
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !decided else {
            context.fireChannelRead(data)
            return
        }
        var bytes = unwrapInboundIn(data)
        if held == nil {
            held = bytes
        } else {
            held!.writeBuffer(&bytes)
        }
        let buffer = held!
        let start = min(buffer.readableBytes, Self.prefix.count)
        guard buffer.readableBytesView.prefix(start).elementsEqual(Self.prefix.prefix(start)) else {
            return passOn(context)
        }
        guard let end = HandshakeHead.end(in: buffer) else {
            if buffer.readableBytes > Self.maxHead { passOn(context) }
            return
        }
        guard let head = HandshakeHead.parse(buffer.readableBytesView.prefix(end)) else { return passOn(context) }
        guard upgrade(context, head, promise) else { return passOn(context) }
        decided = true
        held = nil
        // Frames a client sent right behind its handshake are the WebSocket handlers' now.
        let rest = buffer.getSlice(at: buffer.readerIndex + end, length: buffer.readableBytes - end)
        if let rest, rest.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(rest)) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // A client that half-closes before its head is complete: NIO's HTTP handlers decide, as before.
        if !decided, let event = event as? ChannelEvent, event == .inputClosed {
            return passOn(context, then: event)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        fail()
    }

    /// The connection ended before its first request was decided.
    private func fail() {
        guard !decided else { return }
        decided = true
        held = nil
        promise.fail(ChannelError.inputClosed)
    }

    /// Adds the HTTP pipeline behind this handler, hands it the bytes held, and leaves.
    private func passOn(_ context: ChannelHandlerContext, then event: ChannelEvent? = nil) {
        decided = true
        do {
            try installHTTP(context.channel).cascade(to: promise)
        } catch {
            promise.fail(error)
            context.close(promise: nil)
            return
        }
        if let held {
            self.held = nil
            context.fireChannelRead(wrapInboundOut(held))
        }
        if let event { context.fireUserInboundEventTriggered(event) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

/// A request head as the live fast path takes it: a strict scan that accepts only what is plainly
/// well formed (RFC 9112), so that nothing NIO's parser would treat differently is upgraded here.
/// Anything else (another version, obs-fold, a bare CR or LF, a control or non-ASCII byte, a body)
/// is not a head to it, and goes to NIO's parser unread.
enum HandshakeHead {
    /// The number of bytes up to and including the `CRLF CRLF` that ends the head, if it is there.
    static func end(in buffer: ByteBuffer) -> Int? {
        let view = buffer.readableBytesView
        var index = view.startIndex
        let last = view.endIndex - 3
        while index < last {
            if view[index] == 13, view[index + 1] == 10, view[index + 2] == 13, view[index + 3] == 10 {
                return index + 4 - view.startIndex
            }
            index += 1
        }
        return nil
    }

    /// The head of a `GET … HTTP/1.1` request, from its bytes up to and including the `CRLF CRLF`;
    /// nil when anything in it is not plainly well formed or the request may have a body.
    static func parse(_ bytes: ByteBufferView) -> HTTPRequestHead? {
        let bytes = Array(bytes)
        guard bytes.count >= 4 else { return nil }
        var lines: [ArraySlice<UInt8>] = []
        var start = 0, index = 0
        while index < bytes.count {
            switch bytes[index] {
            case 13:
                guard index + 1 < bytes.count, bytes[index + 1] == 10 else { return nil }
                lines.append(bytes[start..<index])
                index += 2
                start = index
            case 10:
                return nil  // a bare LF
            default:
                index += 1
            }
        }
        // The request line, the fields, and the empty line that ends the head (and nothing after it).
        guard lines.count >= 2, lines.last!.isEmpty, start == bytes.count, lines.count <= 102 else { return nil }
        let requestLine = lines[0]
        let get = Array("GET ".utf8), version = Array(" HTTP/1.1".utf8)
        guard requestLine.count > get.count + version.count, requestLine.starts(with: get), requestLine.suffix(version.count).elementsEqual(version)
        else { return nil }
        let target = requestLine.dropFirst(get.count).dropLast(version.count)
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        var headers = HTTPHeaders()
        for line in lines.dropFirst().dropLast() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { return nil }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(isTokenCharacter) else { return nil }
            var value = line[(colon + 1)...]
            while let first = value.first, first == 32 || first == 9 { value = value.dropFirst() }
            while let last = value.last, last == 32 || last == 9 { value = value.dropLast() }
            guard value.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 9 }) else { return nil }
            headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
        // A request with a body, or without exactly one Host (RFC 9112 §3.2), is the parser's to judge.
        guard !headers.contains(name: "content-length"), !headers.contains(name: "transfer-encoding"),
              headers[canonicalForm: "host"].count == 1 else { return nil }
        return HTTPRequestHead(version: .http1_1, method: .GET, uri: String(decoding: target, as: UTF8.self), headers: headers)
    }

    /// RFC 9110 §5.6.2 `tchar`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// The WebSocket key of an RFC 6455 §4.2.1 opening handshake, checked as NIO's upgrader checks
    /// it (`Upgrade: websocket`, `Connection` naming `upgrade`, one key, version 13); nil otherwise.
    static func webSocketKey(_ head: HTTPRequestHead) -> String? {
        let upgrade = head.headers[canonicalForm: "upgrade"]
        guard upgrade.count == 1, upgrade[0].lowercased() == "websocket",
              head.headers[canonicalForm: "connection"].contains(where: { $0.lowercased() == "upgrade" }) else { return nil }
        let key = head.headers[canonicalForm: "sec-websocket-key"], version = head.headers[canonicalForm: "sec-websocket-version"]
        guard key.count == 1, !key[0].isEmpty, version.count == 1, version[0] == "13" else { return nil }
        return String(key[0])
    }
}
