import Foundation

/// The rules of `verified` registration: how long an unconfirmed place is held, which holds have
/// expired, and how often an address that is already registered may be told so by e-mail.
public enum RegistrationHolds {
    /// Organisers may hold unconfirmed places from 5 minutes to a day.
    public static let holdMinutesRange = 5...1440
    /// An address is told "you are already registered" at most this often per event.
    public static let knownAddressMailInterval: TimeInterval = 3600

    /// A place taken at `heldAt` is held until this instant.
    public static func expiry(heldAt: Date, holdMinutes: Int) -> Date {
        heldAt.addingTimeInterval(TimeInterval(holdMinutes) * 60)
    }

    /// Whether a hold running until `expiresAt` has ended at `instant` (the end itself is expired).
    public static func hasExpired(_ expiresAt: Date, at instant: Date) -> Bool {
        instant >= expiresAt
    }

    /// Whether a cancelled registration is a hold that was released unconfirmed (cancelled at or
    /// after its hold ended), rather than one its attendee cancelled in time.
    public static func wasReleasedUnconfirmed(holdExpiresAt: Date?, cancelledAt: Date?) -> Bool {
        guard let holdExpiresAt, let cancelledAt else { return false }
        return cancelledAt >= holdExpiresAt
    }

    /// One unconfirmed place, as the expiry job sees it.
    public struct Hold: Hashable, Sendable {
        public var registrationID: Registration.ID
        public var expiresAt: Date

        public init(registrationID: Registration.ID, expiresAt: Date) {
            self.registrationID = registrationID
            self.expiresAt = expiresAt
        }
    }

    /// The holds that have expired at `instant`, the earliest first (ties by id, so arrival order):
    /// their places are released in that order.
    public static func expired(_ holds: [Hold], at instant: Date) -> [Hold] {
        holds.filter { hasExpired($0.expiresAt, at: instant) }
            .sorted { ($0.expiresAt, $0.registrationID.rawValue) < ($1.expiresAt, $1.registrationID.rawValue) }
    }

    /// Whether an address already registered may get the "already registered" e-mail again, last sent at `lastSent`.
    public static func mayMailKnownAddress(lastSent: Date?, at instant: Date) -> Bool {
        guard let lastSent else { return true }
        return instant.timeIntervalSince(lastSent) >= knownAddressMailInterval
    }
}
