import CompressNIO
import HTTPTypes
import NIOCore
import NIOHTTP1
import WSCore

/// permessage-deflate (RFC 7692) for the live feed, as the server's side of it needs: the snapshot,
/// ~20 KB of JSON, is compressed once per schedule version and the same bytes are written to every
/// connection that negotiated the extension; change frames stay uncompressed (RSV1 clear), which
/// the extension allows message by message.
///
/// - Negotiation: the first `permessage-deflate` offer in `Sec-WebSocket-Extensions` that Tandem can
///   honour is accepted with `server_no_context_takeover`, which a server may add to any accepted
///   offer (§7.1.1.1): every message is compressed on its own, so one compressed snapshot suits
///   every connection. An offer that limits the server's window below 15 bits
///   (`server_max_window_bits`), or has parameters RFC 7692 does not define, is declined; with
///   none accepted the connection is plain. Offers are parsed by swift-websocket's parser (WSCore).
/// - Messages: raw deflate (compress-nio's zlib) with a sync flush, the final `00 00 FF FF` removed
///   (§7.2.1), sent as one final text frame with RSV1 set.
/// - The client's frames: a browser compresses only messages it sends; the live feed expects none
///   but control frames (ping, pong, close), which are never compressed (§6.1).
enum LiveDeflate {
    /// The answer header for the client's offers, or nil to decline the extension.
    static func negotiate(_ headers: HTTPHeaders) -> String? {
        negotiate(offers: headers[canonicalForm: "sec-websocket-extensions"].map(String.init))
    }

    /// The answer header for the values of the client's `Sec-WebSocket-Extensions` fields.
    static func negotiate(offers: [String]) -> String? {
        guard !offers.isEmpty else { return nil }
        var fields = HTTPFields()
        for value in offers {
            fields.append(HTTPField(name: .secWebSocketExtensions, value: value))
        }
        let known: Set<String> = ["server_no_context_takeover", "client_no_context_takeover", "server_max_window_bits", "client_max_window_bits"]
        for offer in WebSocketExtensionHTTPParameters.parseHeaders(fields) where offer.name == "permessage-deflate" {
            guard offer.parameters.keys.allSatisfy(known.contains) else { continue }
            if let window = offer.parameters["server_max_window_bits"] {
                // Our one compressed snapshot uses a 32 KiB window: only an offer that allows it.
                guard window.integer == 15 else { continue }
            }
            return "permessage-deflate; server_no_context_takeover"
        }
        return nil
    }

    /// `text` as one final, unmasked, compressed text frame: `0xC1`, the length, the deflated bytes.
    static func frame(_ text: String) throws -> ByteBuffer {
        let compressor = try ZlibCompressor(algorithm: .deflate, configuration: .init(windowSize: 15, compressionLevel: 6))
        var input = ByteBuffer(string: text)
        var deflated = try input.compressStream(with: compressor, flush: .sync)
        // A sync flush ends with an empty stored block, 00 00 FF FF, which the receiver adds back.
        if deflated.readableBytes >= 4, deflated.getBytes(at: deflated.writerIndex - 4, length: 4) == [0x00, 0x00, 0xFF, 0xFF] {
            deflated.moveWriterIndex(to: deflated.writerIndex - 4)
        }
        return LiveFrame.webSocketFrame(firstByte: 0xC1, payload: deflated)
    }
}
