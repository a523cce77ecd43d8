import Testing
@testable import TandemCore
import TandemTestSupport

/// The PNG and SVG drawings of a QR code: well-formed, pixel for pixel the symbol, quiet zone included.
@Suite("QR code images (PNG and SVG)", .timeLimit(.minutes(2)))
struct QRCodeImageTests {
    @Test("CRC-32 and Adler-32 against their published check values")
    func checksums() {
        #expect(PNGWriter.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGWriter.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(PNGWriter.crc32(Array("IEND".utf8)) == 0xAE42_6082, "every PNG ends in these four bytes")
    }

    @Test("the PNG: signature, IHDR (1-bit greyscale), chunk CRCs, zlib stored blocks with Adler-32, and the pixels of the symbol", arguments: [1, 8, 20])
    func png(moduleSize: Int) throws {
        // Version 10 at 20 pixels a module is 213,200 bytes of scanlines: four stored blocks.
        let text = String(repeating: "汉堡 Hamburg ", count: moduleSize == 20 ? 13 : 1)
        let code = try QRCode.encode(text)
        #expect(code.version == (moduleSize == 20 ? 10 : 2))
        let png = code.png(moduleSize: moduleSize)
        let image = try DecodedPNG(png)
        let width = (code.size + 8) * moduleSize
        #expect(image.width == width && image.height == width && image.bitDepth == 1 && image.colourType == 0)
        #expect(image.chunkTypes == ["IHDR", "IDAT", "IEND"])
        for y in stride(from: 0, to: width, by: max(1, moduleSize / 2)) {
            for x in 0..<width {
                let module = code.isDark(x: x / moduleSize - 4, y: y / moduleSize - 4)
                guard image.isBlack(x: x, y: y) == module else {
                    Issue.record("pixel (\(x), \(y)) is \(module ? "white" : "black"), its module is \(module ? "dark" : "light")")
                    return
                }
            }
        }
        #expect(image.storedBlocks == (moduleSize == 20 ? 4 : 1))
        // One pixel a module is only here for the file's structure; a camera needs more.
        if moduleSize > 1 { #expect(try ZBar.decodeText(png: png) == text) }
    }

    @Test("the SVG: one path whose rectangles are exactly the dark modules, a white background, crisp edges, an accessible title")
    func svg() throws {
        let code = try QRCode.encode("42-K7QM-3XPT")
        let svg = code.svg(moduleSize: 7, title: "QR code <42-K7QM-3XPT> & \"more\"")
        #expect(svg.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg" width="203" height="203" viewBox="0 0 29 29""#))
        #expect(svg.contains(#"shape-rendering="crispEdges""#) && svg.contains(#"role="img""#))
        #expect(svg.contains("<title>QR code &lt;42-K7QM-3XPT&gt; &amp; &quot;more&quot;</title>"))
        #expect(svg.contains(##"<rect width="29" height="29" fill="#fff"/>"##))
        #expect(svg.components(separatedBy: "<path").count == 2 && svg.hasSuffix("</svg>"))
        let d = try #require(svg.firstMatch(of: /d="([^"]*)"/)).1
        var drawn = Set<[Int]>()
        for rect in d.matches(of: /M(\d+) (\d+)h(\d+)v1h-(\d+)z/) {
            let (x, y, run) = (Int(rect.1)!, Int(rect.2)!, Int(rect.3)!)
            #expect(rect.3 == rect.4)
            for dx in 0..<run { drawn.insert([x + dx - 4, y - 4]) }
        }
        let dark = Set((0..<code.size).flatMap { y in (0..<code.size).filter { code.isDark(x: $0, y: y) }.map { [$0, y] } })
        #expect(drawn == dark)
    }
}

/// Just enough of a PNG reader for a 1-bit greyscale image in stored deflate blocks: it checks
/// every CRC and the Adler-32 while reading.
private struct DecodedPNG {
    var width = 0, height = 0, bitDepth = 0, colourType = 0
    var chunkTypes: [String] = []
    var storedBlocks = 0
    var scanlines: [UInt8] = []

    struct Malformed: Error, CustomStringConvertible { let description: String }

    init(_ bytes: [UInt8]) throws {
        guard bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else { throw Malformed(description: "no PNG signature") }
        func u32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        var offset = 8
        var zlib: [UInt8] = []
        while offset < bytes.count {
            let length = u32(offset)
            let typed = Array(bytes[offset + 4..<offset + 8 + length])
            let type = String(decoding: typed.prefix(4), as: UTF8.self)
            guard u32(offset + 8 + length) == Int(PNGWriter.crc32(typed)) else { throw Malformed(description: "bad CRC in \(type)") }
            chunkTypes.append(type)
            let data = Array(typed.dropFirst(4))
            if type == "IHDR" {
                width = u32(offset + 8); height = u32(offset + 12); bitDepth = Int(data[8]); colourType = Int(data[9])
            }
            if type == "IDAT" { zlib += data }
            offset += 12 + length
        }
        guard zlib.count >= 6, zlib[0] == 0x78, (Int(zlib[0]) << 8 | Int(zlib[1])) % 31 == 0 else { throw Malformed(description: "bad zlib header") }
        var position = 2
        while true {
            let header = zlib[position]
            guard header & 0b110 == 0 else { throw Malformed(description: "not a stored block") }
            let length = Int(zlib[position + 1]) | Int(zlib[position + 2]) << 8
            let complement = Int(zlib[position + 3]) | Int(zlib[position + 4]) << 8
            guard length ^ complement == 0xFFFF else { throw Malformed(description: "LEN and NLEN disagree") }
            scanlines += zlib[position + 5..<position + 5 + length]
            position += 5 + length
            storedBlocks += 1
            if header & 1 == 1 { break }
        }
        let adler = zlib[position..<position + 4].reduce(0) { $0 << 8 | Int($1) }
        guard adler == Int(PNGWriter.adler32(scanlines)), position + 4 == zlib.count else { throw Malformed(description: "bad Adler-32 or trailing bytes") }
        guard scanlines.count == height * (1 + (width + 7) / 8) else { throw Malformed(description: "wrong amount of pixel data") }
    }

    func isBlack(x: Int, y: Int) -> Bool {
        let row = y * (1 + (width + 7) / 8)
        precondition(scanlines[row] == 0, "filter type 0 expected")
        return scanlines[row + 1 + x / 8] & (0x80 >> UInt8(x % 8)) == 0
    }
}
