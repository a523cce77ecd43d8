import Testing
@testable import TandemCore

@Suite("Check-in and certificate codes", .timeLimit(.minutes(1)))
struct RegistrationCodeTests {
    @Test("40 bits make 8 characters of Crockford's base32, most significant first; 80 bits make 16")
    func encoding() {
        #expect(RegistrationCodeFormat.encode([0, 0, 0, 0, 0]) == "00000000")
        #expect(RegistrationCodeFormat.encode([0, 0, 0, 0, 31]) == "0000000Z")
        #expect(RegistrationCodeFormat.encode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) == "ZZZZZZZZ")
        #expect(RegistrationCodeFormat.encode([0x08, 0, 0, 0, 0]) == "10000000")
        let mac: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        let checkIn = CheckInCode(registrationID: 42, mac: mac)
        let certificate = CertificateCode(registrationID: 42, mac: mac)
        #expect(checkIn.check.count == 8 && certificate.check.count == 16)
        #expect(certificate.check.hasPrefix(checkIn.check), "the first 40 bits read the same")
        #expect(checkIn.description == "42-\(checkIn.check.prefix(4))-\(checkIn.check.suffix(4))")
        #expect(certificate.description.split(separator: "-").count == 5)
    }

    @Test("codes are read forgivingly (case, spaces, dashes, O for 0, I and L for 1) and strictly otherwise")
    func reading() throws {
        let code = CheckInCode(registrationID: 7, mac: [0x01, 0x23, 0x45, 0x67, 0x89])
        let typed = try #require(CheckInCode(" 7-" + code.check.lowercased().replacingOccurrences(of: "0", with: "o") + " "))
        #expect(typed.matches(code))
        #expect(CheckInCode("7-" + String(code.check.dropLast())) == nil, "one character short")
        #expect(CheckInCode("7-" + code.check + "0") == nil, "one too many")
        #expect(CheckInCode("0-" + code.check) == nil && CheckInCode("-" + code.check) == nil && CheckInCode(code.check) == nil)
        #expect(CheckInCode("7-" + String(code.check.dropLast()) + "U") == nil, "U is not in the alphabet")
        #expect(CheckInCode(String(repeating: "7", count: 19) + "-" + code.check) == nil)
        let other = CheckInCode(registrationID: 8, mac: [0x01, 0x23, 0x45, 0x67, 0x89])
        #expect(!other.matches(code), "same check, another registration")
        let certificate = CertificateCode(registrationID: 7, mac: Array(repeating: UInt8(0xA5), count: 10))
        #expect(CertificateCode(certificate.description.lowercased())?.matches(certificate) == true)
        #expect(CertificateCode(code.description) == nil, "a check-in code is no certificate code")
    }
}
