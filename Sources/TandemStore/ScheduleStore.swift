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
    /// The programme's speakers (only fellows with `fellowsOnly`, one cohort with `cohort`), each with
    /// the scheduled sessions of published events they speak in.
    func speakerDirectory(fellowsOnly: Bool, cohort: Int?) async throws -> [SpeakerAppearances]
    func changes(eventSlug: String, after seq: Int64, limit: Int) async throws -> [Change]

    // Writes
    func createEvent(_ event: Event, by actor: String) async throws -> Event
    /// Next year's round of the event `slug`, in one transaction (see `EventDuplication`): a draft with
    /// the source's rooms and programme skeleton, moved in time; new guids from `makeGUID`. With
    /// `grantOrganiserTo` that account becomes the new event's organiser (a per-event organiser of
    /// the source would otherwise not see the copy it made).
    func duplicateEvent(slug: String, _ duplication: EventDuplication, makeGUID: @escaping @Sendable () -> UUID,
                        grantOrganiserTo: Account.ID?, by actor: String) async throws -> Event
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
    /// When each session of an event last changed (created, edited, moved, delayed, cancelled), from
    /// the change log: calendar exports give it as LAST-MODIFIED.
    func sessionsLastModified(eventSlug: String) async throws -> [Session.ID: Date]
}

/// A speaker and where they speak.
public struct SpeakerAppearances: Hashable, Sendable {
    public var speaker: Speaker
    public var sessions: [Appearance]

    public struct Appearance: Hashable, Sendable {
        public var eventSlug: String
        public var eventTitle: TranslatedText
        public var timezone: String
        public var sessionID: Session.ID
        public var title: TranslatedText
        public var startsAt: Date

        public init(eventSlug: String, eventTitle: TranslatedText, timezone: String, sessionID: Session.ID, title: TranslatedText, startsAt: Date) {
            self.eventSlug = eventSlug
            self.eventTitle = eventTitle
            self.timezone = timezone
            self.sessionID = sessionID
            self.title = title
            self.startsAt = startsAt
        }
    }

    public init(speaker: Speaker, sessions: [Appearance]) {
        self.speaker = speaker
        self.sessions = sessions
    }
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

/// One login's credentials, as hashes.
public struct NewLogin: Sendable {
    public var bearerHash: String
    public var bearerExpiresAt: Date
    public var sessionHash: String
    public var sessionExpiresAt: Date

    public init(bearerHash: String, bearerExpiresAt: Date, sessionHash: String, sessionExpiresAt: Date) {
        self.bearerHash = bearerHash
        self.bearerExpiresAt = bearerExpiresAt
        self.sessionHash = sessionHash
        self.sessionExpiresAt = sessionExpiresAt
    }
}

/// Organiser accounts and their bearer tokens (stored as SHA-256 hashes only).
public protocol AccountStore: Sendable {
    func credentials(email: String) async throws -> AccountCredentials?
    func accounts() async throws -> [Account]
    func account(id: Account.ID) async throws -> Account
    func createAccount(email: String, name: String, role: Account.Role, passwordHash: String, by actor: String) async throws -> Account
    /// Edits an account; disabling it or changing its password ends all its credentials: sessions,
    /// login tokens and API tokens.
    func updateAccount(id: Account.ID, patch: AccountPatch, by actor: String) async throws -> Account
    /// Grants (or with `nil` withdraws) a role for one event.
    func setEventRole(accountID: Account.ID, eventSlug: String, role: Account.EventRole?, by actor: String) async throws -> Account
    /// Creates the admin when no account has this e-mail; an existing account is left exactly as it
    /// is (never re-enabled, its password never reset): `created` says which.
    func ensureAdmin(email: String, passwordHash: String) async throws -> (account: Account, created: Bool)
    /// Creates the admin, or sets its password, makes it an enabled admin and ends its credentials
    /// (`tandem create-admin`: the explicit reset).
    func resetAdmin(email: String, passwordHash: String) async throws -> Account
    func accountCount() async throws -> Int

    /// Stores a login: its bearer token and its browser session, which end together.
    func storeLogin(_ login: NewLogin, accountID: Account.ID) async throws
    func account(tokenHash: String, kind: LoginTokenKind, at instant: Date) async throws -> Account?
    /// Ends the login a bearer token or session belongs to: both its token and its session.
    func revokeLogin(tokenHash: String) async throws

    func createAPIToken(accountID: Account.ID, name: String, hash: String, expiresAt: Date, by actor: String) async throws -> APIToken
    /// An account's API tokens, or everyone's with `nil`.
    func apiTokens(accountID: Account.ID?) async throws -> [APIToken]
    /// Revokes a token; `ownerID` restricts it to that account's tokens (404 otherwise).
    func revokeAPIToken(id: APIToken.ID, ownerID: Account.ID?, by actor: String) async throws -> APIToken
    /// The account behind a valid (unrevoked, unexpired) API token.
    func account(apiTokenHash: String, at instant: Date) async throws -> (Account, APIToken)?

    /// Audit entries matching `query`, newest first.
    func auditLog(_ query: AuditQuery) async throws -> [AuditEntry]
}

/// Whether a login token is a bearer token for scripts and apps, or a browser's session cookie.
public enum LoginTokenKind: String, Sendable {
    case bearer
    case session
}

/// Changes to an account; `nil` leaves a field as it is.
public struct AccountPatch: Sendable {
    public var name: String?
    public var role: Account.Role?
    public var disabled: Bool?
    public var passwordHash: String?

    public init(name: String? = nil, role: Account.Role? = nil, disabled: Bool? = nil, passwordHash: String? = nil) {
        self.name = name
        self.role = role
        self.disabled = disabled
        self.passwordHash = passwordHash
    }
}

/// A named token for scripts; the token itself is shown once and never stored.
public struct APIToken: Sendable, Hashable {
    public typealias ID = Identifier<APIToken>
    public var id: ID
    public var accountID: Account.ID
    public var name: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(id: ID, accountID: Account.ID, name: String, createdAt: Date, expiresAt: Date, revokedAt: Date?) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}

/// One line of the audit log.
public struct AuditEntry: Sendable, Hashable {
    public var id: Int64
    public var eventSlug: String?
    /// The change this action made to the event's public state, if any.
    public var seq: Int64?
    /// The change type (`session.updated`) or the private action (`registration.checked-in`).
    public var action: String
    public var actor: String
    public var at: Date
    /// The change's payload or the action's detail, as JSON text.
    public var data: String?

    public init(id: Int64, eventSlug: String?, seq: Int64?, action: String, actor: String, at: Date, data: String?) {
        self.id = id
        self.eventSlug = eventSlug
        self.seq = seq
        self.action = action
        self.actor = actor
        self.at = at
        self.data = data
    }
}
