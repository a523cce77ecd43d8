import CompressNIO
import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOWebSocket
@testable import TandemServer
import TandemTestSupport
import Testing

@Suite("Live feed: permessage-deflate (RFC 7692)", .timeLimit(.minutes(5)))
struct LiveDeflateTests {
    static func offer(_ values: String...) -> HTTPHeaders {
        HTTPHeaders(values.map { ("Sec-WebSocket-Extensions", $0) })
    }

    @Test("the offers browsers make are accepted with server_no_context_takeover; offers Tandem cannot honour are declined")
    func negotiation() {
        let accepted = "permessage-deflate; server_no_context_takeover"
        // Chromium, Firefox and Safari.
        #expect(LiveDeflate.negotiate(Self.offer("permessage-deflate; client_max_window_bits")) == accepted)
        #expect(LiveDeflate.negotiate(Self.offer("permessage-deflate")) == accepted)
        #expect(LiveDeflate.negotiate(Self.offer("permessage-deflate; server_no_context_takeover; client_no_context_takeover")) == accepted)
        #expect(LiveDeflate.negotiate(Self.offer("permessage-deflate; server_max_window_bits=15")) == accepted)
        // A smaller window than the shared snapshot's is declined, then the next offer taken.
        #expect(LiveDeflate.negotiate(Self.offer("permessage-deflate; server_max_window_bits=10")) == nil)
        #expect(LiveDeflate.negotiate(Self.offer("permessage-deflate; server_max_window_bits=10, permessage-deflate")) == accepted)
        #expect(LiveDeflate.negotiate(Self.offer("permessage-deflate; server_max_window_bits=10", "permessage-deflate")) == accepted)
        // Unknown extensions and parameters, or no offer at all.
        #expect(LiveDeflate.negotiate(Self.offer("x-webkit-deflate-frame")) == nil)
        #expect(LiveDeflate.negotiate(Self.offer("permessage-deflate; method=lz4")) == nil)
        #expect(LiveDeflate.negotiate(Self.offer("")) == nil)
        #expect(LiveDeflate.negotiate(HTTPHeaders()) == nil)
    }

    /// The message a compressed frame carries, inflated as RFC 7692 §7.2.2 says (the tail added back).
    static func inflate(_ payload: ByteBuffer) throws -> String {
        var data = payload
        data.writeBytes([0x00, 0x00, 0xFF, 0xFF])
        let decompressor = try ZlibDecompressor(algorithm: .deflate, windowSize: 15)
        let inflated = try data.decompressStream(with: decompressor, maxSize: 1 << 24)
        return String(buffer: inflated)
    }

    @Test("NIO's WebSocketFrameDecoder reads the compressed snapshot as one final, unmasked text frame with RSV1, which inflates to the text",
          arguments: [1, 200, 20_000])
    func decodedByNIO(repeats: Int) throws {
        let text = #"{"seq":7,"type":"snapshot","data":{"title":"Fundraising for NGOs / 非政府组织筹款"}}"# + String(repeating: " 能力建设 capacity", count: repeats)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 24)))
        try channel.writeInbound(try LiveDeflate.frame(text))
        let frame = try #require(try channel.readInbound(as: WebSocketFrame.self))
        #expect(frame.fin && frame.rsv1 && !frame.rsv2 && !frame.rsv3)
        #expect(frame.opcode == .text && frame.maskKey == nil)
        #expect(try Self.inflate(frame.data) == text)
        if repeats > 100 { #expect(frame.data.readableBytes * 5 < text.utf8.count, "repetitive JSON shrinks") }
        #expect(try channel.readInbound(as: WebSocketFrame.self) == nil)
    }

    @Test("a client that offers permessage-deflate gets the snapshot compressed, through the router and on the event loop, and changes uncompressed",
          arguments: StoreKind.available)
    func liveWithDeflate(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live, config: liveConfig()) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.seedEvent()
            let port = try #require(anonymous.port)
            let path = "/api/v1/events/hamburg-2017/live"
            // swift-websocket's client with its own permessage-deflate extension inflates what we send.
            // The first handshake of the event goes through the router, later ones are admitted on the loop.
            let viaRouter = LiveClient(port: port, path: path, deflate: true)
            let compressed = try await viaRouter.messages(count: 1)[0]
            #expect(anonymous.handshakes?.count == 0)
            let plain = LiveClient(port: port, path: path)
            let expected = try await plain.messages(count: 1)[0]
            let viaLoop = LiveClient(port: port, path: path, deflate: true)
            #expect(try await viaLoop.messages(count: 1)[0] == expected)
            #expect(anonymous.handshakes?.count == 2)
            #expect(expected["type"].string == "snapshot" && compressed == expected)

            // On the wire: the answer names the extension; the snapshot frame has RSV1, a change not.
            let raw = try RawSocket(port: port)
            raw.send("GET \(path) HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                     + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
            var bytes = try await Self.readBytes(raw) { Self.afterHead($0).map { $0.count > 2 } ?? false }
            let head = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
            #expect(head.hasPrefix("HTTP/1.1 101"))
            #expect(head.lowercased().contains("sec-websocket-extensions: permessage-deflate; server_no_context_takeover"))
            let snapshotFrame = try #require(Self.afterHead(bytes))
            #expect(snapshotFrame.first == 0xC1, "FIN, RSV1 and text")

            try await LiveTests().waitFor(subscribers: 4, api: anonymous)
            _ = try await admin.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Lunch at 12:30"}}"#)
            for client in [viaRouter, viaLoop] {
                #expect(try await client.messages(count: 2)[1]["type"].string == "announcement.created")
            }
            bytes = try await Self.readBytes(raw) { String(decoding: $0, as: UTF8.self).contains("announcement.created") }
            let change = String(decoding: bytes, as: UTF8.self)
            #expect(change.contains("Lunch at 12:30"), "the change is readable as it is: not compressed")
            #expect(bytes.first == 0x81, "FIN and text, RSV1 clear")
            raw.shutdown()
            for client in [plain, viaRouter, viaLoop] { client.disconnect() }
        }
    }

    /// The bytes after the answer's head, once the head is complete.
    static func afterHead(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
        let end: [UInt8] = [13, 10, 13, 10]
        guard let index = bytes.indices.first(where: { bytes[$0...].starts(with: end) }) else { return nil }
        return bytes[(index + 4)...]
    }

    static func readBytes(_ socket: RawSocket, until done: ([UInt8]) -> Bool) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline, !done(bytes) {
            let (chunk, _) = await socket.readUntilClosed(timeout: .milliseconds(100))
            bytes += chunk
        }
        return bytes
    }
}
