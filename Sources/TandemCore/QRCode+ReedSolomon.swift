/// Level M's error correction: the block layout of versions 1 to 10 (ISO/IEC 18004 table 9),
/// Reed–Solomon codewords over GF(256), and the interleaving of the blocks.
enum ErrorCorrection {
    /// How a version's codewords split into blocks: `groups` of `count` blocks of `data` codewords
    /// each, every block followed by `ecPerBlock` error-correction codewords.
    struct Blocks: Sendable {
        let ecPerBlock: Int
        let groups: [(count: Int, data: Int)]

        var dataCodewords: Int { groups.reduce(0) { $0 + $1.count * $1.data } }
        var blockCount: Int { groups.reduce(0) { $0 + $1.count } }
        var totalCodewords: Int { dataCodewords + blockCount * ecPerBlock }
    }

    /// Level M, versions 1 to 10.
    private static let levelM: [Blocks] = [
        Blocks(ecPerBlock: 10, groups: [(1, 16)]),
        Blocks(ecPerBlock: 16, groups: [(1, 28)]),
        Blocks(ecPerBlock: 26, groups: [(1, 44)]),
        Blocks(ecPerBlock: 18, groups: [(2, 32)]),
        Blocks(ecPerBlock: 24, groups: [(2, 43)]),
        Blocks(ecPerBlock: 16, groups: [(4, 27)]),
        Blocks(ecPerBlock: 18, groups: [(4, 31)]),
        Blocks(ecPerBlock: 22, groups: [(2, 38), (2, 39)]),
        Blocks(ecPerBlock: 22, groups: [(3, 36), (2, 37)]),
        Blocks(ecPerBlock: 26, groups: [(4, 43), (1, 44)]),
    ]

    static func blocks(version: Int) -> Blocks { levelM[version - 1] }

    /// The final codeword sequence: the data codewords of every block taken in turn (first
    /// codeword of each block, then the second …; the longer blocks of the second group last), then
    /// the blocks' error-correction codewords the same way.
    static func interleaved(_ data: [UInt8], version: Int) -> [UInt8] {
        let layout = blocks(version: version)
        precondition(data.count == layout.dataCodewords, "version \(version) takes \(layout.dataCodewords) data codewords, not \(data.count)")
        var dataBlocks: [ArraySlice<UInt8>] = []
        var start = 0
        for group in layout.groups {
            for _ in 0..<group.count {
                dataBlocks.append(data[start..<start + group.data])
                start += group.data
            }
        }
        let generator = generatorPolynomial(degree: layout.ecPerBlock)
        let ecBlocks = dataBlocks.map { remainder(Array($0), generator: generator) }
        var result: [UInt8] = []
        result.reserveCapacity(layout.totalCodewords)
        for index in 0..<(dataBlocks.map(\.count).max() ?? 0) {
            for block in dataBlocks where index < block.count { result.append(block[block.startIndex + index]) }
        }
        for index in 0..<layout.ecPerBlock {
            for block in ecBlocks { result.append(block[index]) }
        }
        return result
    }

    /// The error-correction codewords of `data`: the remainder of data(x)·x^n divided by the
    /// generator polynomial of degree n (the coefficients after its leading 1, highest first).
    static func remainder(_ data: [UInt8], generator: [UInt8]) -> [UInt8] {
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in remainder.indices { remainder[index] ^= GaloisField.multiply(generator[index], factor) }
        }
        return remainder
    }

    /// (x − α⁰)(x − α¹)…(x − αⁿ⁻¹), the coefficients after the leading 1, highest power first.
    static func generatorPolynomial(degree: Int) -> [UInt8] {
        var coefficients: [UInt8] = [1]
        for power in 0..<degree {
            let root = GaloisField.exp[power]
            var next = [UInt8](repeating: 0, count: coefficients.count + 1)
            for (index, coefficient) in coefficients.enumerated() {
                next[index] ^= coefficient
                next[index + 1] ^= GaloisField.multiply(coefficient, root)
            }
            coefficients = next
        }
        return Array(coefficients.dropFirst())
    }
}

/// GF(2⁸) with QR's reducing polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), α = 2.
enum GaloisField {
    /// αⁱ for i in 0..<510, so that a product's exponent needs no reduction.
    static let exp: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for index in 0..<255 {
            table[index] = UInt8(value)
            table[index + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return table
    }()

    /// log_α of 1…255 (entry 0 is unused).
    static let log: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for index in 0..<255 { table[Int(exp[index])] = index }
        return table
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return exp[log[Int(a)] + log[Int(b)]]
    }
}
