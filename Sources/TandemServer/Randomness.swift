import Foundation

/// Sources of randomness, injected so tests can be deterministic.
public struct Randomness: Sendable {
    /// `count` cryptographically secure random bytes.
    public var bytes: @Sendable (Int) -> [UInt8]
    public var uuid: @Sendable () -> UUID

    public init(bytes: @escaping @Sendable (Int) -> [UInt8], uuid: @escaping @Sendable () -> UUID) {
        self.bytes = bytes
        self.uuid = uuid
    }

    /// The system's CSPRNG (`SystemRandomNumberGenerator` reads getrandom(2) on Linux).
    public static let system = Randomness(
        bytes: { count in
            var generator = SystemRandomNumberGenerator()
            return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        },
        uuid: { UUID() })
}
