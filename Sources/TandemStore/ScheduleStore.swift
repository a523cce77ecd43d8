import Foundation
import TandemCore

/// Everything about an event's public state that is read in one consistent snapshot.
public struct EventSchedule: Hashable, Sendable {
    public var event: Event
    public var rooms: [Room]
    public var sessions: [SessionDetail]
    public var announcements: [Announcement]

    public init(event: Event, rooms: [Room], sessions: [SessionDetail], announcements: [Announcement]) {
        self.event = event
        self.rooms = rooms
        self.sessions = sessions
        self.announcements = announcements
    }
}

/// Events, rooms, sessions, speakers and announcements. Every write is one transaction that
/// stores the new state and appends its change record(s); `actor` is recorded with each change.
public protocol ScheduleStore: Sendable {
    // Reads
    func events(includeDrafts: Bool) async throws -> [Event]
    func event(slug: String) async throws -> Event
    /// The current `scheduleVersion` of an event, cheaply.
    func scheduleVersion(slug: String) async throws -> Int64
    func schedule(slug: String, announcementsActiveAt: Date) async throws -> EventSchedule
    func session(eventSlug: String, id: Session.ID) async throws -> SessionDetail
    func speakers(eventSlug: String) async throws -> [Speaker]
    func speaker(id: Speaker.ID) async throws -> Speaker
    func changes(eventSlug: String, after seq: Int64, limit: Int) async throws -> [Change]

    // Writes
    func createEvent(_ event: Event, by actor: String) async throws -> Event
    func updateEvent(slug: String, patch: EventPatch, by actor: String) async throws -> Event
    func cancelEvent(slug: String, by actor: String) async throws -> Event
    func createRoom(eventSlug: String, _ room: Room, by actor: String) async throws -> Room
    func updateRoom(eventSlug: String, id: Room.ID, patch: RoomPatch, by actor: String) async throws -> Room
    func deleteRoom(eventSlug: String, id: Room.ID, by actor: String) async throws
    func createSession(eventSlug: String, _ session: Session, by actor: String) async throws -> SessionDetail
    func updateSession(eventSlug: String, id: Session.ID, patch: SessionPatch, ifVersion: Int64?, by actor: String) async throws -> SessionDetail
    func cancelSession(eventSlug: String, id: Session.ID, ifVersion: Int64?, by actor: String) async throws -> SessionDetail
    func deleteSession(eventSlug: String, id: Session.ID, ifVersion: Int64?, by actor: String) async throws
    func delaySessions(eventSlug: String, _ delay: Delay, by actor: String) async throws -> DelayApplied
    func createAnnouncement(eventSlug: String, _ announcement: Announcement, by actor: String) async throws -> Announcement
    func expireAnnouncement(eventSlug: String, id: Announcement.ID, by actor: String) async throws -> Announcement
    /// Records `announcement.expired` for announcements whose time is up (once each).
    func recordExpiredAnnouncements() async throws -> Int
    func createSpeaker(_ speaker: Speaker, by actor: String) async throws -> Speaker
    func updateSpeaker(id: Speaker.ID, patch: SpeakerPatch, by actor: String) async throws -> Speaker
    /// Whether no event exists yet (a fresh database that may receive demo data).
    func isEmpty() async throws -> Bool
}

/// An account with its password hash, for login checks only.
public struct AccountCredentials: Sendable {
    public var account: Account
    public var passwordHash: String

    public init(account: Account, passwordHash: String) {
        self.account = account
        self.passwordHash = passwordHash
    }
}

/// Organiser accounts and their bearer tokens (stored as SHA-256 hashes only).
public protocol AccountStore: Sendable {
    func credentials(email: String) async throws -> AccountCredentials?
    func accounts() async throws -> [Account]
    func createAccount(email: String, name: String, role: Account.Role, passwordHash: String, by actor: String) async throws -> Account
    /// Creates the admin, or resets its password and role when it exists.
    func ensureAdmin(email: String, passwordHash: String) async throws -> Account
    func accountCount() async throws -> Int
    func storeToken(hash: String, accountID: Account.ID, expiresAt: Date) async throws
    func account(tokenHash: String, at instant: Date) async throws -> Account?
    func revokeToken(hash: String) async throws
}
