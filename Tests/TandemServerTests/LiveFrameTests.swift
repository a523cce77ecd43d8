import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing
@testable import TandemServer

@Suite("Live frames: encoded once per change", .timeLimit(.minutes(5)))
struct LiveFrameTests {
    /// Payload lengths in bytes at every boundary of the three length encodings.
    static let lengths = [0, 1, 125, 126, 127, 65_535, 65_536, 70_001]

    /// A text of `length` UTF-8 bytes, mostly three-byte characters.
    static func text(_ length: Int) -> String {
        let wide = String(repeating: "汉", count: length / 3)
        return wide + String(repeating: "a", count: length - wide.utf8.count)
    }

    @Test("the pre-encoded frame is byte for byte what NIO's WebSocketFrameEncoder writes", arguments: lengths)
    func sameAsNIOEncoder(length: Int) throws {
        let text = Self.text(length)
        let channel = EmbeddedChannel(handler: WebSocketFrameEncoder())
        try channel.writeOutbound(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text)))
        var encoded = ByteBuffer()
        while var part = try channel.readOutbound(as: ByteBuffer.self) { encoded.writeBuffer(&part) }
        #expect(encoded == LiveFrame.webSocketText(text))
        #expect(try channel.finish().isClean)
    }

    @Test("NIO's WebSocketFrameDecoder reads it back as one final, unmasked text frame", arguments: lengths)
    func decodes(length: Int) throws {
        let text = Self.text(length)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)))
        try channel.writeInbound(LiveFrame(seq: 1, type: "t", text: text, scope: .everyone).wire)
        let frame = try #require(try channel.readInbound(as: WebSocketFrame.self))
        #expect(frame.fin && frame.opcode == .text && frame.maskKey == nil)
        #expect(String(buffer: frame.unmaskedData) == text)
        #expect(try channel.readInbound(as: WebSocketFrame.self) == nil)
        _ = try channel.finish()
    }
}
