/// A string enum whose decoding error names the allowed values, so a caller sees
/// "must be one of: talk, workshop, …" instead of a decoder's internals.
public protocol WireEnum: RawRepresentable, CaseIterable, Codable, Sendable where RawValue == String {}

extension WireEnum {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "must be one of: \(Self.allowedValues)")
        }
        self = value
    }

    public static var allowedValues: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

extension Event.Kind: WireEnum {}
extension Event.Status: WireEnum {}
extension Session.Kind: WireEnum {}
extension Session.Status: WireEnum {}
extension Announcement.Severity: WireEnum {}
extension Account.Role: WireEnum {}
extension Language: WireEnum {}
