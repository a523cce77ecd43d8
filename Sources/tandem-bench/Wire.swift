/// What the load clients read from the bytes themselves, without a framework's decoder: shared by
/// the read benchmark's `GetLoop` and both live clients.
enum Wire {
    /// The index just past the blank line (CRLF CRLF) that ends the HTTP head at the start of
    /// `bytes`, or nil while it is not all there.
    static func endOfHead<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> Int? where Bytes.Element == UInt8, Bytes.Index == Int {
        var index = bytes.startIndex
        while index + 3 < bytes.endIndex {
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 { return index + 4 }
            index += 1
        }
        return nil
    }

    /// The header of a WebSocket frame from the server (RFC 6455 §5.2).
    struct FrameHeader {
        var fin: Bool
        var opcode: UInt8
        /// Header bytes: 2, 4 or 10.
        var size: Int
        var payloadLength: Int
    }

    /// A masked frame: a server never masks its frames (RFC 6455 §5.1).
    struct MaskedFrame: Error {}

    /// The header of the frame at the start of `bytes`, or nil while it is not all there.
    static func frameHeader<Bytes: RandomAccessCollection>(_ bytes: Bytes) throws -> FrameHeader? where Bytes.Element == UInt8, Bytes.Index == Int {
        let start = bytes.startIndex
        guard bytes.count >= 2 else { return nil }
        let first = bytes[start], second = bytes[start + 1]
        var size = 2
        var length = Int(second & 0x7F)
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
            size = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = (2..<10).reduce(0) { $0 << 8 | Int(bytes[start + $1]) }
            size = 10
        }
        guard second & 0x80 == 0 else { throw MaskedFrame() }
        return FrameHeader(fin: first & 0x80 != 0, opcode: first & 0x0F, size: size, payloadLength: length)
    }
}
