/// What the check-in code and the certificate code share: a registration's number, a dash, and
/// check characters in Crockford's base32 (no I, L, O or U), read forgivingly (case, spaces and
/// dashes do not matter; O reads as 0, I or L as 1) and compared in constant time.
enum RegistrationCodeFormat {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// 8 characters per 40 bits: each 5 bytes of `bytes` (a whole number of 5-byte groups).
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        precondition(bytes.count % 5 == 0, "base32 groups of 40 bits")
        var characters: [Character] = []
        var rest = bytes[...]
        while !rest.isEmpty {
            var bits = rest.prefix(5).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            var chunk: [Character] = []
            for _ in 0..<8 {
                chunk.append(alphabet[Int(bits & 31)])
                bits >>= 5
            }
            characters += chunk.reversed()
            rest = rest.dropFirst(5)
        }
        return String(characters)
    }

    /// Reads `NUMBER-CHECK…` (at most `maxLength` bytes) with exactly `checkLength` check
    /// characters; `nil` when the text cannot be such a code.
    static func parse(_ text: String, maxLength: Int, checkLength: Int) -> (registrationID: Int64, check: String)? {
        let trimmed = text.trimmingWhitespace.uppercased()
        guard trimmed.utf8.count <= maxLength, let dash = trimmed.firstIndex(of: "-") else { return nil }
        let number = trimmed[..<dash]
        guard (1...18).contains(number.count), number.allSatisfy(\.isASCIIDigit), let id = Int64(number), id > 0 else { return nil }
        var check = ""
        for character in trimmed[trimmed.index(after: dash)...] where character != "-" && character != " " {
            let read: Character = switch character {
            case "O": "0"
            case "I", "L": "1"
            default: character
            }
            guard alphabet.contains(read) else { return nil }
            check.append(read)
        }
        guard check.count == checkLength else { return nil }
        return (id, check)
    }

    /// Whether two check values are equal, in time that does not depend on where they differ.
    static func sameCheck(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
