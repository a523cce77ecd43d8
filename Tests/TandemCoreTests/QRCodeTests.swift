import Testing
@testable import TandemCore
import TandemTestSupport

/// The hand-written QR encoder: against published vectors, and read back by a real decoder (ZBar's
/// `zbarimg`, from zbar-tools; a missing zbarimg fails these tests with what to install).
@Suite("QR code encoder", .timeLimit(.minutes(2)))
struct QRCodeTests {
    // MARK: Known vectors

    @Test("Reed–Solomon: ISO/IEC 18004 annex I (\"01234567\", 1-M) and Thonky's \"HELLO WORLD\" 1-M")
    func reedSolomon() {
        let generator = ErrorCorrection.generatorPolynomial(degree: 10)
        #expect(generator.map { GaloisField.log[Int($0)] } == [251, 67, 46, 61, 118, 70, 64, 94, 32, 45], "α exponents of the degree-10 generator")
        let iso: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(ErrorCorrection.remainder(iso, generator: generator) == [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
        let hello: [UInt8] = [0x20, 0x5B, 0x0B, 0x78, 0xD1, 0x72, 0xDC, 0x4D, 0x43, 0x40, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        #expect(ErrorCorrection.remainder(hello, generator: generator) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
    }

    @Test("byte mode: 0100, an 8-bit count, the bytes, a terminator, then 0xEC 0x11 padding")
    func dataCodewords() {
        // 0100 00000001 01000001 0000 → 0x40 0x14 0x10, then 13 pad bytes for version 1-M's 16.
        let expected: [UInt8] = [0x40, 0x14, 0x10] + Array([0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC])
        #expect(QRCode.dataCodewords(Array("A".utf8), version: 1) == expected)
        // Version 10 counts in 16 bits: 0100 0000000000000001 01000001 0000 ….
        #expect(QRCode.dataCodewords(Array("A".utf8), version: 10).prefix(4) == [0x40, 0x00, 0x14, 0x10])
    }

    @Test("format information for level M and each mask, as ISO/IEC 18004 table C.1 lists it")
    func formatBits() {
        let published = ["101010000010010", "101000100100101", "101111001111100", "101101101001011",
                         "100010111111001", "100000011001110", "100111110010111", "100101010100000"]
        #expect((0..<8).map { String(QRMatrix.formatBits(mask: $0), radix: 2) } == published)
    }

    @Test("version information for versions 7 to 10 (table D.1)")
    func versionBits() {
        #expect((7...10).map { QRMatrix.versionBits($0) } == [0x07C94, 0x085BC, 0x09A99, 0x0A4D3])
    }

    @Test("each version's blocks fill exactly the modules its function patterns leave (plus 0 or 7 remainder bits)")
    func blockTable() {
        for version in 1...10 {
            let matrix = QRMatrix(version: version)
            let free = (0..<matrix.size).flatMap { y in (0..<matrix.size).map { x in matrix.isReserved(x: x, y: y) } }.filter { !$0 }.count
            let remainderBits = (2...6).contains(version) ? 7 : 0
            #expect(free == ErrorCorrection.blocks(version: version).totalCodewords * 8 + remainderBits, "version \(version)")
        }
    }

    // MARK: Choices the encoder makes

    static let capacities = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213]

    @Test("the smallest version that holds the bytes; 17 + 4 × version modules wide")
    func smallestVersion() throws {
        for (index, capacity) in Self.capacities.enumerated() {
            let atCapacity = try QRCode.encode([UInt8](repeating: 0x61, count: capacity))
            #expect(atCapacity.version == index + 1 && atCapacity.size == 17 + 4 * (index + 1))
            if index < 9 { #expect(try QRCode.encode([UInt8](repeating: 0x61, count: capacity + 1)).version == index + 2) }
        }
        #expect(try QRCode.encode("42-K7QM-3XPT").version == 1)
    }

    @Test("more than 213 bytes is refused with a sentence saying the limit")
    func tooLong() throws {
        #expect(throws: QRCode.EncodingError.tooLong(bytes: 214, maximum: 213)) { try QRCode.encode([UInt8](repeating: 0x61, count: 214)) }
        #expect(QRCode.maximumBytes == 213)
        #expect(QRCode.EncodingError.tooLong(bytes: 300, maximum: 213).description
                == "The text is 300 bytes long, but a QR code here holds at most 213 bytes (version 10, error-correction level M).")
    }

    @Test("the chosen mask has the lowest penalty of the eight, and the symbol carries its format bits twice")
    func maskChoice() throws {
        for text in ["42-K7QM-3XPT", "https://tandem.example/registrations/abc", String(repeating: "Tandem ", count: 20)] {
            let chosen = try QRCode.encode(text)
            let penalties = try (0..<8).map { try QRCode.encode(Array(text.utf8), mask: $0).penalty }
            #expect(chosen.penalty == penalties.min() && chosen.mask == penalties.firstIndex(of: penalties.min()!))
            let expected = QRMatrix.formatBits(mask: chosen.mask)
            let size = chosen.size
            // Bit i of the first copy, around the top-left finder; of the second, split between the others.
            let first: [(Int, Int)] = (0...5).map { (8, $0) } + [(8, 7), (8, 8), (7, 8)] + (9..<15).map { (14 - $0, 8) }
            let second: [(Int, Int)] = (0..<8).map { (size - 1 - $0, 8) } + (8..<15).map { (8, size - 15 + $0) }
            for copy in [first, second] {
                let read = copy.enumerated().reduce(0) { $0 | (chosen.isDark(x: $1.element.0, y: $1.element.1) ? 1 << $1.offset : 0) }
                #expect(read == expected)
            }
            #expect(chosen.isDark(x: 8, y: size - 8), "the dark module")
        }
    }

    @Test("penalty rules 1 and 3 on single lines")
    func penaltyRules() {
        #expect(MaskPenalty.runPenalty([true, true, true, true, false, true]) == 0)
        #expect(MaskPenalty.runPenalty([true, true, true, true, true, false]) == 3)
        #expect(MaskPenalty.runPenalty([false, false, false, false, false, false, false]) == 5)
        let finder = [true, false, true, true, true, false, true]
        #expect(MaskPenalty.finderLikePenalty(finder + Array(repeating: false, count: 4)) == 40)
        #expect(MaskPenalty.finderLikePenalty(Array(repeating: false, count: 4) + finder + Array(repeating: false, count: 4)) == 80)
        #expect(MaskPenalty.finderLikePenalty(finder + Array(repeating: false, count: 3)) == 0)
    }

    // MARK: Read back by a real decoder

    /// A check-in code, inputs at and just over every version's capacity, Chinese, and ASCII with
    /// punctuation, tabs and line breaks.
    static let decodedTexts: [String] = {
        var texts = ["42-K7QM-3XPT", "7-0000-0000", "999999999999999999-ZZZZ-ZZZZ",
                     "报名成功：能力建设工作坊 — 李伟 Li Wei", String(repeating: "中欧NGO结对交流项目，", count: 7)]
        var seed: UInt64 = 0x7A4D_E11A
        func next() -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33)
        }
        let ascii = Array(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCXYZ[\\]^_`abcxyz{|}~\t\n")
        for capacity in capacities {
            for length in [capacity, capacity + 1] where length <= QRCode.maximumBytes {
                texts.append(String((0..<length).map { _ in ascii[next() % ascii.count] }))
            }
        }
        return texts
    }()

    @Test("zbarimg reads back exactly the text that was encoded", arguments: decodedTexts)
    func decodesText(text: String) throws {
        let code = try QRCode.encode(text)
        #expect(try ZBar.decodeText(png: code.png(moduleSize: 4)) == text, "version \(code.version), mask \(code.mask)")
    }

    @Test("every mask pattern decodes (not only those the penalty happens to pick)", arguments: 0..<8)
    func everyMask(mask: Int) throws {
        for text in ["42-K7QM-3XPT", String(repeating: "mask \(mask) ", count: 12)] {
            let code = try QRCode.encode(Array(text.utf8), mask: mask)
            #expect(code.mask == mask)
            #expect(try ZBar.decodeText(png: code.png(moduleSize: 3)) == text)
        }
    }

    @Test("arbitrary bytes, 0x00 to 0xFF, come back byte for byte")
    func binary() throws {
        let bytes = (0..<180).map { UInt8(($0 * 73 + 11) % 256) }
        let code = try QRCode.encode(bytes)
        #expect(code.version == 9)
        #expect(try ZBar.decodeBytes(png: code.png(moduleSize: 4)) == bytes)
    }
}
