import Foundation
import NIOCore
import TandemCore

/// One live message, serialised once per change and shared by every subscriber of the event.
struct LiveFrame: Sendable {
    var seq: Int64
    var type: String
    /// The whole message: `{"at","data","seq","type"}`.
    var text: String
    /// Which room screens need it.
    var scope: Scope
    /// The message as one complete WebSocket text frame, header included, shared (not copied) by
    /// every WebSocket subscriber: the frame is encoded once per change, not once per connection.
    let wire: ByteBuffer
    /// The SSE event for it, `id: seq` / `data: message`, shared by every SSE subscriber.
    let event: ByteBuffer
    /// The message compressed (permessage-deflate, `LiveDeflate`) as one WebSocket frame, for the
    /// connections that negotiated it; nil for frames sent uncompressed to everyone (changes).
    let deflated: ByteBuffer?

    /// `deflate`: also compress it once, for the connections that negotiated permessage-deflate.
    init(seq: Int64, type: String, text: String, scope: Scope, deflate: Bool = false) {
        self.seq = seq
        self.type = type
        self.text = text
        self.scope = scope
        wire = Self.webSocketText(text)
        event = ByteBuffer(string: "id: \(seq)\ndata: \(text)\n\n")
        // zlib fails only without memory; the plain frame then serves everyone.
        deflated = deflate ? try? LiveDeflate.frame(text) : nil
    }

    /// The bytes for a connection: compressed when it negotiated permessage-deflate and there are some.
    func wire(deflate: Bool) -> ByteBuffer {
        deflate ? (deflated ?? wire) : wire
    }

    enum Scope: Sendable {
        case everyone
        case room(Int64)
        /// Session changes: rooms they are in, and rooms they just left.
        case sessions([Place])
        /// A comment line to keep SSE connections (and proxies) alive; never a message.
        case keepAlive
    }

    struct Place: Sendable {
        var sessionID: Int64
        var roomID: Int64
        var previousRoomID: Int64?
    }

    /// Whether a screen showing only `room` (nil: every room) should receive this frame.
    /// `known` holds the sessions that screen has been shown, so a session moved away is removed there too.
    func concerns(room: Int64?, known: Set<Int64>) -> Bool {
        guard let room else { return true }
        switch scope {
        case .everyone, .keepAlive: return true
        case .room(let id): return id == room
        case .sessions(let places):
            return places.contains { $0.roomID == room || $0.previousRoomID == room || known.contains($0.sessionID) }
        }
    }

    /// An unmasked, final WebSocket text frame (RFC 6455 §5.2), as a server sends it: `0x81`, the
    /// payload length in 7, 7+16 or 7+64 bits, then the payload.
    static func webSocketText(_ text: String) -> ByteBuffer {
        webSocketFrame(firstByte: 0x81, payload: ByteBuffer(string: text))
    }

    /// An unmasked frame: `firstByte` (FIN, RSV bits and opcode), the payload length, the payload.
    static func webSocketFrame(firstByte: UInt8, payload: ByteBuffer) -> ByteBuffer {
        let length = payload.readableBytes
        var buffer = ByteBufferAllocator().buffer(capacity: length + 10)
        buffer.writeInteger(firstByte)
        switch length {
        case ..<126:
            buffer.writeInteger(UInt8(length))
        case ...0xFFFF:
            buffer.writeInteger(UInt8(126))
            buffer.writeInteger(UInt16(length))
        default:
            buffer.writeInteger(UInt8(127))
            buffer.writeInteger(UInt64(length))
        }
        buffer.writeImmutableBuffer(payload)
        return buffer
    }

    static let keepAlive = LiveFrame(seq: 0, type: "keep-alive", text: "", scope: .keepAlive)
}
