import NIOCore

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
    typealias Upgrade = (ChannelHandlerContext, HandshakeHead, EventLoopPromise<Result>) -> Bool

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
        guard let head = buffer.getSlice(at: buffer.readerIndex, length: end).flatMap(HandshakeHead.parse) else { return passOn(context) }
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
///
/// The scan keeps only what the fast path asks of a handshake, in one pass over the bytes: no
/// dictionary of every field, no string per field it does not need.
struct HandshakeHead {
    /// The request target, e.g. `/api/v1/events/hamburg-2017/live?since=3`.
    var uri: String
    /// The `Sec-WebSocket-Key` when the head is an RFC 6455 §4.2.1 opening handshake, checked as
    /// NIO's upgrader checks it: one `Upgrade` token, `websocket`; a `Connection` token `upgrade`;
    /// one key; one `Sec-WebSocket-Version`, `13`. Nil otherwise.
    var webSocketKey: String?
    /// `Authorization`, `Cookie` or `Last-Event-ID` is present (the router's to answer).
    var credentials = false
    var origin = false
    var forwardedFor: [String] = []
    var extensions: [String] = []

    /// The number of bytes up to and including the `CRLF CRLF` that ends the head, if it is there.
    static func end(in buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes in
            guard bytes.count >= 4 else { return nil }
            for index in 0...(bytes.count - 4)
            where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
                return index + 4
            }
            return nil
        }
    }

    /// The head of a `GET … HTTP/1.1` request, from its bytes up to and including the `CRLF CRLF`;
    /// nil when anything in it is not plainly well formed or the request may have a body.
    static func parse(_ buffer: ByteBuffer) -> HandshakeHead? {
        buffer.withUnsafeReadableBytes { parse(bytes: $0) }
    }

    private static func parse(bytes: UnsafeRawBufferPointer) -> HandshakeHead? {
        // The request line.
        let get: StaticString = "GET ", version: StaticString = " HTTP/1.1\r\n"
        guard bytes.count >= 4, starts(bytes, at: 0, with: get), let requestLineEnd = lineEnd(bytes, from: 0) else { return nil }
        let targetEnd = requestLineEnd - version.utf8CodeUnitCount + 2
        guard targetEnd > get.utf8CodeUnitCount, starts(bytes, at: targetEnd, with: version) else { return nil }
        let target = UnsafeRawBufferPointer(rebasing: bytes[get.utf8CodeUnitCount..<targetEnd])
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        var head = HandshakeHead(uri: String(decoding: target, as: UTF8.self))

        var upgrade = 0, upgradeWebSocket = false, connectionUpgrade = false, hosts = 0, versions = 0, version13 = false
        var keys: [String] = []
        var fields = 0
        var start = requestLineEnd + 2
        while true {
            guard let end = lineEnd(bytes, from: start) else { return nil }
            if end == start { break }  // the empty line: the head ends here
            fields += 1
            guard fields <= 100 else { return nil }
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            start = end + 2
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0, line[..<colon].allSatisfy(isTokenCharacter) else { return nil }
            var valueStart = colon + 1, valueEnd = line.count
            while valueStart < valueEnd, line[valueStart] == 32 || line[valueStart] == 9 { valueStart += 1 }
            while valueEnd > valueStart, line[valueEnd - 1] == 32 || line[valueEnd - 1] == 9 { valueEnd -= 1 }
            let value = UnsafeRawBufferPointer(rebasing: line[valueStart..<valueEnd])
            guard value.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 9 }) else { return nil }
            let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
            switch name.count {
            case 4 where equalsIgnoringCase(name, "host"):
                hosts += 1
            case 6 where equalsIgnoringCase(name, "cookie"):
                head.credentials = true
            case 6 where equalsIgnoringCase(name, "origin"):
                head.origin = true
            case 7 where equalsIgnoringCase(name, "upgrade"):
                forEachToken(value) { token in
                    upgrade += 1
                    upgradeWebSocket = equalsIgnoringCase(token, "websocket")
                }
            case 10 where equalsIgnoringCase(name, "connection"):
                forEachToken(value) { token in
                    if equalsIgnoringCase(token, "upgrade") { connectionUpgrade = true }
                }
            case 13 where equalsIgnoringCase(name, "authorization"), 13 where equalsIgnoringCase(name, "last-event-id"):
                head.credentials = true
            case 14 where equalsIgnoringCase(name, "content-length"):
                return nil  // a body: the parser's to frame
            case 15 where equalsIgnoringCase(name, "x-forwarded-for"):
                head.forwardedFor.append(String(decoding: value, as: UTF8.self))
            case 17 where equalsIgnoringCase(name, "transfer-encoding"):
                return nil
            case 17 where equalsIgnoringCase(name, "sec-websocket-key"):
                forEachToken(value) { keys.append(String(decoding: $0, as: UTF8.self)) }
            case 21 where equalsIgnoringCase(name, "sec-websocket-version"):
                forEachToken(value) { token in
                    versions += 1
                    version13 = token.elementsEqual("13".utf8)
                }
            case 24 where equalsIgnoringCase(name, "sec-websocket-extensions"):
                head.extensions.append(String(decoding: value, as: UTF8.self))
            default:
                break
            }
        }
        // Exactly one Host (RFC 9112 §3.2), and nothing after the empty line.
        guard hosts == 1, start + 2 == bytes.count else { return nil }
        if upgrade == 1, upgradeWebSocket, connectionUpgrade, keys.count == 1, versions == 1, version13 {
            head.webSocketKey = keys[0]
        }
        return head
    }

    /// Where the line starting at `from` ends (the index of its CR); nil at a bare CR or LF, or
    /// when no CRLF follows.
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int? {
        var index = from
        while index < bytes.count {
            switch bytes[index] {
            case 13: return index + 1 < bytes.count && bytes[index + 1] == 10 ? index : nil
            case 10: return nil
            default: index += 1
            }
        }
        return nil
    }

    private static func starts(_ bytes: UnsafeRawBufferPointer, at offset: Int, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard offset >= 0, offset + count <= bytes.count else { return false }
        return prefix.withUTF8Buffer { UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]).elementsEqual($0) }
    }

    /// `bytes` equal `lowercase` (ASCII lower-case letters, digits, `-`) ignoring the case of letters.
    private static func equalsIgnoringCase(_ bytes: some Collection<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, want in byte == want || (byte >= 65 && byte <= 90 && byte + 32 == want) }
        }
    }

    /// Each comma-separated element of a field value, trimmed of optional whitespace; empty ones skipped.
    private static func forEachToken(_ value: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer.SubSequence) -> Void) {
        for element in value.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true) {
            var token = element[...]
            while let first = token.first, first == 32 || first == 9 { token = token.dropFirst() }
            while let last = token.last, last == 32 || last == 9 { token = token.dropLast() }
            if !token.isEmpty { body(token) }
        }
    }

    /// RFC 9110 §5.6.2 `tchar`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
             UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
