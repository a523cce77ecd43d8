/// The four penalty rules (ISO/IEC 18004 §7.8.3) by which the mask is chosen: the lower the score,
/// the easier the symbol is to read.
enum MaskPenalty {
    /// The score of a `size` × `size` symbol (`dark` row-major).
    static func score(size: Int, dark: [Bool]) -> Int {
        func isDark(x: Int, y: Int) -> Bool { dark[y * size + x] }
        var score = 0
        let rows = (0..<size).map { y in (0..<size).map { x in isDark(x: x, y: y) } }
        let columns = (0..<size).map { x in (0..<size).map { y in isDark(x: x, y: y) } }
        for line in rows + columns {
            score += runPenalty(line) + finderLikePenalty(line)
        }
        // Rule 2: every 2×2 block of one colour, 3 points (overlapping blocks count separately).
        for y in 0..<size - 1 {
            for x in 0..<size - 1 {
                let colour = isDark(x: x, y: y)
                if isDark(x: x + 1, y: y) == colour && isDark(x: x, y: y + 1) == colour && isDark(x: x + 1, y: y + 1) == colour {
                    score += 3
                }
            }
        }
        // Rule 4: 10 points for every full 5% by which the share of dark modules is off 50%.
        let darkCount = dark.filter { $0 }.count
        let total = size * size
        score += 10 * (abs(darkCount * 20 - total * 10) / total)
        return score
    }

    /// Rule 1: five or more modules of one colour in a row: 3 points, plus 1 for each beyond five.
    static func runPenalty(_ line: [Bool]) -> Int {
        var score = 0
        var runLength = 1
        for index in 1..<line.count {
            if line[index] == line[index - 1] {
                runLength += 1
            } else {
                if runLength >= 5 { score += runLength - 2 }
                runLength = 1
            }
        }
        if runLength >= 5 { score += runLength - 2 }
        return score
    }

    /// Dark-light-dark-dark-dark-light-dark (1:1:3:1:1) with four light modules on one side.
    private static let finderLike: [[Bool]] = [
        [true, false, true, true, true, false, true, false, false, false, false],
        [false, false, false, false, true, false, true, true, true, false, true],
    ]

    /// Rule 3: 40 points for each finder-like pattern in a row or column.
    static func finderLikePenalty(_ line: [Bool]) -> Int {
        guard line.count >= 11 else { return 0 }
        var score = 0
        for start in 0...(line.count - 11) {
            for pattern in finderLike where line[start..<start + 11].elementsEqual(pattern) { score += 40 }
        }
        return score
    }
}
