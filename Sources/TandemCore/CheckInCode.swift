/// The code check-in staff scan or type at the door: `42-K7QM-3XPT`, the registration's number and
/// 40 bits of a secret-keyed check value in Crockford's base32 (no I, L, O or U; case, spaces and
/// dashes do not matter; O reads as 0 and I or L as 1). It checks an attendee in and does nothing
/// else: it is not the self-service token, which changes and cancels the registration.
public struct CheckInCode: Sendable, Hashable, CustomStringConvertible {
    public let registrationID: Int64
    /// The 8 check characters, normalised.
    public let check: String

    static let alphabet = RegistrationCodeFormat.alphabet
    static let checkLength = 8

    /// The code for a registration, from a keyed MAC (at least 5 bytes; the first 40 bits are used).
    public init(registrationID: Int64, mac: some Collection<UInt8>) {
        precondition(mac.count >= 5, "a check-in code needs 40 bits of MAC")
        self.registrationID = registrationID
        self.check = RegistrationCodeFormat.encode(mac.prefix(5))
    }

    /// Reads a typed or scanned code; `nil` when it cannot be one.
    public init?(_ text: String) {
        guard let (id, check) = RegistrationCodeFormat.parse(text, maxLength: 40, checkLength: Self.checkLength) else { return nil }
        self.registrationID = id
        self.check = check
    }

    /// `42-K7QM-3XPT`.
    public var description: String {
        "\(registrationID)-\(check.prefix(4))-\(check.suffix(4))"
    }

    /// Compares the check values in time that does not depend on where they differ.
    public func matches(_ other: CheckInCode) -> Bool {
        registrationID == other.registrationID && RegistrationCodeFormat.sameCheck(check, other.check)
    }
}
