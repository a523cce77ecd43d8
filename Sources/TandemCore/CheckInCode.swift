/// The code check-in staff scan or type at the door: `42-K7QM-3XPT`, the registration's number and
/// 40 bits of a secret-keyed check value in Crockford's base32 (no I, L, O or U; case, spaces and
/// dashes do not matter; O reads as 0 and I or L as 1). It checks an attendee in and does nothing
/// else: it is not the self-service token, which changes and cancels the registration.
public struct CheckInCode: Sendable, Hashable, CustomStringConvertible {
    public let registrationID: Int64
    /// The 8 check characters, normalised.
    public let check: String

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    static let checkLength = 8

    /// The code for a registration, from a keyed MAC (at least 5 bytes; the first 40 bits are used).
    public init(registrationID: Int64, mac: some Collection<UInt8>) {
        precondition(mac.count >= 5, "a check-in code needs 40 bits of MAC")
        var bits = mac.prefix(5).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        var characters: [Character] = []
        for _ in 0..<Self.checkLength {
            characters.append(Self.alphabet[Int(bits & 31)])
            bits >>= 5
        }
        self.registrationID = registrationID
        self.check = String(characters.reversed())
    }

    /// Reads a typed or scanned code; `nil` when it cannot be one.
    public init?(_ text: String) {
        let trimmed = text.trimmingWhitespace.uppercased()
        guard trimmed.utf8.count <= 40, let dash = trimmed.firstIndex(of: "-") else { return nil }
        let number = trimmed[..<dash]
        guard (1...18).contains(number.count), number.allSatisfy(\.isASCIIDigit), let id = Int64(number), id > 0 else { return nil }
        var check = ""
        for character in trimmed[trimmed.index(after: dash)...] where character != "-" && character != " " {
            let read: Character = switch character {
            case "O": "0"
            case "I", "L": "1"
            default: character
            }
            guard Self.alphabet.contains(read) else { return nil }
            check.append(read)
        }
        guard check.count == Self.checkLength else { return nil }
        self.registrationID = id
        self.check = check
    }

    /// `42-K7QM-3XPT`.
    public var description: String {
        "\(registrationID)-\(check.prefix(4))-\(check.suffix(4))"
    }

    /// Compares the check values in time that does not depend on where they differ.
    public func matches(_ other: CheckInCode) -> Bool {
        guard registrationID == other.registrationID else { return false }
        return zip(check.utf8, other.check.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0 && check.utf8.count == other.check.utf8.count
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
