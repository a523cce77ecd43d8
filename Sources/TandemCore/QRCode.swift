/// A QR code (ISO/IEC 18004) for a short text such as a check-in code: byte mode, error-correction
/// level M (about 15% of the symbol may be damaged), versions 1 to 10 (up to 213 bytes), the
/// smallest version that fits, and the mask with the lowest penalty. Written by hand because no QR
/// library is available here; `svg(moduleSize:title:)` and `png(moduleSize:)` draw it.
public struct QRCode: Sendable, Hashable {
    /// 1 to 10; the symbol is `17 + 4 × version` modules wide.
    public let version: Int
    /// The width and height in modules, without the quiet zone.
    public let size: Int
    /// The mask pattern (0 to 7) that was applied.
    public let mask: Int
    /// Row-major: `modules[y * size + x]` is dark.
    private let modules: [Bool]

    /// The light margin every renderer draws around the symbol, in modules (the standard's minimum).
    public static let quietZone = 4
    /// The longest input a version 10 symbol at level M holds in byte mode.
    public static let maximumBytes = capacity(version: maximumVersion)
    static let maximumVersion = 10

    /// Why bytes cannot become a QR code.
    public enum EncodingError: Error, Equatable, CustomStringConvertible {
        case tooLong(bytes: Int, maximum: Int)

        public var description: String {
            switch self {
            case .tooLong(let bytes, let maximum):
                "The text is \(bytes) bytes long, but a QR code here holds at most \(maximum) bytes (version 10, error-correction level M)."
            }
        }
    }

    /// Encodes `bytes` in the smallest version that holds them, with the best of the eight masks.
    public static func encode(_ bytes: [UInt8]) throws(EncodingError) -> QRCode {
        try encode(bytes, mask: nil)
    }

    /// Encodes the UTF-8 of `text`.
    public static func encode(_ text: String) throws(EncodingError) -> QRCode {
        try encode(Array(text.utf8))
    }

    /// `mask`: a fixed mask pattern instead of the one with the lowest penalty (for tests).
    static func encode(_ bytes: [UInt8], mask fixedMask: Int?) throws(EncodingError) -> QRCode {
        guard let version = (1...maximumVersion).first(where: { bytes.count <= capacity(version: $0) }) else {
            throw .tooLong(bytes: bytes.count, maximum: maximumBytes)
        }
        let codewords = ErrorCorrection.interleaved(dataCodewords(bytes, version: version), version: version)
        var unmasked = QRMatrix(version: version)
        unmasked.place(codewords)
        let candidates = (fixedMask.map { [$0] } ?? Array(0..<8)).map { mask in
            var candidate = unmasked
            candidate.apply(mask: mask)
            candidate.drawFormat(mask: mask)
            return (matrix: candidate, mask: mask, penalty: MaskPenalty.score(size: candidate.size, dark: candidate.dark))
        }
        // Of equally good masks, the lowest-numbered.
        let chosen = candidates.min { $0.penalty < $1.penalty }!
        return QRCode(version: version, size: chosen.matrix.size, mask: chosen.mask, modules: chosen.matrix.dark)
    }

    /// Whether the module at column `x`, row `y` is dark; outside the symbol (the quiet zone) it is light.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    /// The mask penalty of this symbol (the lowest of the eight, unless a mask was fixed).
    var penalty: Int { MaskPenalty.score(size: size, dark: modules) }

    /// Bytes a version holds at level M in byte mode: its data codewords less the 4-bit mode and the
    /// character count (8 bits up to version 9, 16 from version 10).
    static func capacity(version: Int) -> Int {
        (ErrorCorrection.blocks(version: version).dataCodewords * 8 - 4 - countBits(version: version)) / 8
    }

    static func countBits(version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// The data codewords: mode 0100 (byte), the count, the bytes, a terminator of up to four zero
    /// bits, zero bits to a whole byte, then the pad bytes 0xEC and 0x11 in turn.
    static func dataCodewords(_ bytes: [UInt8], version: Int) -> [UInt8] {
        let capacityBits = ErrorCorrection.blocks(version: version).dataCodewords * 8
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: countBits(version: version))
        for byte in bytes { bits.append(Int(byte), count: 8) }
        bits.append(0, count: min(4, capacityBits - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var codewords = bits.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < capacityBits / 8 {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }
}

/// Bits appended most significant first, packed into bytes.
struct BitBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ value: Int, count width: Int) {
        for shift in stride(from: width - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> shift) & 1 == 1 { bytes[bytes.count - 1] |= 0x80 >> UInt8(count % 8) }
            count += 1
        }
    }
}
