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
        self.registrationID = registrationID
        self.check = RegistrationCodeFormat.encode(mac.prefix(10))
    }

    /// Reads a typed or scanned code; `nil` when it cannot be one.
    public init?(_ text: String) {
        guard let (id, check) = RegistrationCodeFormat.parse(text, maxLength: 60, checkLength: Self.checkLength) else { return nil }
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
        registrationID == other.registrationID && RegistrationCodeFormat.sameCheck(check, other.check)
    }
}
