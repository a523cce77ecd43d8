/// The verification code printed on a certificate of attendance: `42-K7QM-3XPT-9ABC-DEFG`, the
/// registration's number and 80 bits of a secret-keyed check value in Crockford's base32 (read
/// like a check-in code: case, spaces and dashes do not matter, O reads as 0, I or L as 1). It
/// proves that Tandem issued the certificate and reveals nothing of the attendee's private link.
public struct CertificateCode: Sendable, Hashable, CustomStringConvertible {
    public let registrationID: Int64
    /// The 16 check characters, normalised.
    public let check: String

    static let checkLength = 16

    /// The code for a registration, from a keyed MAC (at least 10 bytes; the first 80 bits are used).
    public init(registrationID: Int64, mac: some Collection<UInt8>) {
        precondition(mac.count >= 10, "a certificate code needs 80 bits of MAC")
        var characters: [Character] = []
        // Two 40-bit halves, 8 characters each.
        for half in [mac.prefix(5), mac.dropFirst(5).prefix(5)] {
            var bits = half.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            var chunk: [Character] = []
            for _ in 0..<8 {
                chunk.append(CheckInCode.alphabet[Int(bits & 31)])
                bits >>= 5
            }
            characters += chunk.reversed()
        }
        self.registrationID = registrationID
        self.check = String(characters)
    }

    /// Reads a typed or scanned code; `nil` when it cannot be one.
    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace.uppercased()
        guard trimmed.utf8.count <= 60, let dash = trimmed.firstIndex(of: "-") else { return nil }
        let number = trimmed[..<dash]
        guard (1...18).contains(number.count), number.allSatisfy(\.isASCIIDigit), let id = Int64(number), id > 0 else { return nil }
        var check = ""
        for character in trimmed[trimmed.index(after: dash)...] where character != "-" && character != " " {
            let read: Character = switch character {
            case "O": "0"
            case "I", "L": "1"
            default: character
            }
            guard CheckInCode.alphabet.contains(read) else { return nil }
            check.append(read)
        }
        guard check.count == Self.checkLength else { return nil }
        self.registrationID = id
        self.check = check
    }

    /// `42-K7QM-3XPT-9ABC-DEFG`.
    public var description: String {
        let groups = stride(from: 0, to: Self.checkLength, by: 4).map { offset in
            String(check.dropFirst(offset).prefix(4))
        }
        return ([String(registrationID)] + groups).joined(separator: "-")
    }

    /// Compares the check values in time that does not depend on where they differ.
    public func matches(_ other: CertificateCode) -> Bool {
        guard registrationID == other.registrationID, check.utf8.count == other.check.utf8.count else { return false }
        return zip(check.utf8, other.check.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
