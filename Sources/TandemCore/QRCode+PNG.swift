/// The symbol as a PNG image (RFC 2083), written by hand: 1-bit greyscale, the quiet zone
/// included, the pixels in zlib "stored" (uncompressed) deflate blocks. A version 1 code at 8
/// pixels a module is about 7 KB, small enough not to need compression.
extension QRCode {
    /// `moduleSize`: pixels per module.
    public func png(moduleSize: Int) -> [UInt8] {
        precondition(moduleSize >= 1, "a module is at least one pixel wide")
        let width = (size + 2 * Self.quietZone) * moduleSize
        let rowBytes = (width + 7) / 8
        var pixels: [UInt8] = []
        pixels.reserveCapacity((rowBytes + 1) * width)
        for moduleY in -Self.quietZone..<(size + Self.quietZone) {
            // Filter type 0 (none), then the row's bits: 1 is white, 0 is black.
            var row = [UInt8](repeating: 0, count: rowBytes + 1)
            for pixelX in 0..<width where !isDark(x: pixelX / moduleSize - Self.quietZone, y: moduleY) {
                row[1 + pixelX / 8] |= 0x80 >> UInt8(pixelX % 8)
            }
            for _ in 0..<moduleSize { pixels += row }
        }
        // Width, height, bit depth 1, colour type 0 (greyscale), deflate, filter method 0, no interlace.
        let header = PNGWriter.bigEndian(UInt32(width)) + PNGWriter.bigEndian(UInt32(width)) + [1, 0, 0, 0, 0]
        return PNGWriter.signature + PNGWriter.chunk("IHDR", header) + PNGWriter.chunk("IDAT", PNGWriter.zlibStored(pixels))
            + PNGWriter.chunk("IEND", [])
    }
}

/// zlib, CRC-32 and Adler-32, as much of them as a PNG without compression needs.
enum PNGWriter {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A chunk: length, type, data, and the CRC-32 of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4), at most 65,535 bytes each.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        // CMF 0x78 (deflate, 32 KiB window), FLG 0x01: together a multiple of 31, no dictionary.
        var stream: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + 65_535, data.count)
            let length = UInt16(end - start)
            stream.append(end == data.count ? 1 : 0)  // BFINAL on the last block; BTYPE 00 (stored)
            stream += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            stream += data[start..<end]
            start = end
        } while start < data.count
        return stream + bigEndian(adler32(data))
    }

    static func adler32(_ data: some Sequence<UInt8>) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }

    /// The CRC-32 of ISO 3309 / ITU-T V.42 (reflected polynomial 0xEDB88320), as PNG and zip use it.
    static func crc32(_ data: some Sequence<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }
}
