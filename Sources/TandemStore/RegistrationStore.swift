import Foundation
import TandemCore

/// A new registration and its self-service token, which is shown to the attendee only now.
public struct RegistrationReceipt: Hashable, Sendable {
    public var registration: Registration
    public var token: String
    /// The event's time zone, for showing the registration's times.
    public var timezone: String
    /// A `verified` event: the caller must answer nothing but "check your e-mail". The receipt may then
    /// describe an earlier registration of the same address (with an empty token), which must not be shown.
    public var checkEmail: Bool = false

    public init(registration: Registration, token: String, timezone: String, checkEmail: Bool = false) {
        self.registration = registration
        self.token = token
        self.timezone = timezone
        self.checkEmail = checkEmail
    }
}

/// Filters and paging for the organiser's registration list.
public struct RegistrationQuery: Hashable, Sendable {
    /// Matches name, e-mail or organisation.
    public var search: String?
    public var status: Registration.Status?
    /// `true`: only unconfirmed holds (`verified` events); `false`: none of them; `nil`: either.
    public var pending: Bool?
    /// Registrations after this id (the page cursor).
    public var after: Registration.ID?
    public var limit: Int

    public init(search: String? = nil, status: Registration.Status? = nil, after: Registration.ID? = nil, limit: Int = 50) {
        self.search = search
        self.status = status
        self.after = after
        self.limit = limit
    }
}

/// The outcome of a check-in scan.
public struct CheckIn: Hashable, Sendable {
    public var registration: Registration
    /// True when this token had been checked in before; `registration.checkedInAt` says when.
    public var alreadyCheckedIn: Bool

    public init(registration: Registration, alreadyCheckedIn: Bool) {
        self.registration = registration
        self.alreadyCheckedIn = alreadyCheckedIn
    }
}

/// The door's count: confirmed registrations (not pending, not waitlisted, not cancelled) and how
/// many of them have been checked in.
public struct CheckInSummary: Hashable, Sendable {
    public var checkedIn: Int
    public var confirmed: Int

    public init(checkedIn: Int, confirmed: Int) {
        self.checkedIn = checkedIn
        self.confirmed = confirmed
    }
}

/// Everything Tandem keeps about one attendee, for a data-access request.
public struct RegistrationExport: Hashable, Sendable {
    public var registration: Registration
    public var eventSlug: String
    public var messages: [SentMessage]

    public struct SentMessage: Hashable, Sendable {
        public var kind: String
        public var subject: String
        public var createdAt: Date
        public var sentAt: Date?

        public init(kind: String, subject: String, createdAt: Date, sentAt: Date?) {
            self.kind = kind
            self.subject = subject
            self.createdAt = createdAt
            self.sentAt = sentAt
        }
    }

    public init(registration: Registration, eventSlug: String, messages: [SentMessage]) {
        self.registration = registration
        self.eventSlug = eventSlug
        self.messages = messages
    }
}

/// Registrations, seats, waitlists, check-in and the e-mail outbox. Every seat decision is made
/// inside one write transaction, so capacity can never be exceeded, whatever the concurrency.
public protocol RegistrationStore: Sendable {
    func register(eventSlug: String, _ request: RegistrationRequest) async throws -> RegistrationReceipt
    func registration(token: String) async throws -> (Registration, Event)
    func changeSessions(token: String, to sessionIDs: [Session.ID]) async throws -> Registration
    func cancelRegistration(token: String) async throws -> Registration
    /// Confirms a pending hold from the e-mailed link: it stays the seat or waitlist place it held.
    /// Confirming twice changes nothing; after the hold expired, `RegistrationError.holdExpired`.
    func confirmRegistration(token: String) async throws -> Registration
    /// Releases the unconfirmed holds that have expired, one transaction each. Returns how many.
    func expireHolds() async throws -> Int

    func registrations(eventSlug: String, query: RegistrationQuery) async throws -> [Registration]
    func registration(eventSlug: String, id: Registration.ID) async throws -> Registration
    /// A registration by its number alone, with its event (a certificate's verification code names
    /// only the number); `notFound` when there is none.
    func registration(id: Registration.ID) async throws -> (Registration, Event)
    /// Checks in by the code shown to the attendee (never by the self-service token).
    func checkIn(eventSlug: String, code: CheckInCode, by actor: String) async throws -> CheckIn
    /// How many confirmed attendees the event has, and how many of them are checked in.
    func checkInSummary(eventSlug: String) async throws -> CheckInSummary
    func promote(eventSlug: String, id: Registration.ID, by actor: String) async throws -> Registration
    func cancelRegistration(eventSlug: String, id: Registration.ID, by actor: String) async throws -> Registration
    func exportRegistration(eventSlug: String, id: Registration.ID, by actor: String) async throws -> RegistrationExport
    func eraseRegistration(eventSlug: String, id: Registration.ID, by actor: String) async throws -> Registration

    /// Messages queued without their text, oldest first, with what their text is made of.
    func mailDrafts(limit: Int) async throws -> [MailDraft]
    /// Stores the texts `MailComposer` wrote; leaves alone a message erased or delivered meanwhile.
    func storeComposedMail(_ composed: [ComposedMail]) async throws
    /// Composed messages due for delivery at `instant`, oldest first, whether claimed or not.
    func composedMailDue(at instant: Date, limit: Int) async throws -> [OutboundMail]
    /// Claims up to `limit` composed messages due at `instant` for this instance to send, oldest
    /// first, each for `lease` seconds: no other instance claims it meanwhile, and one neither marked
    /// sent nor failed by then is claimed again (its sender died mid-send).
    func claimDueMail(at instant: Date, limit: Int, lease: TimeInterval) async throws -> [OutboundMail]
    /// The tokens the store was opened with (`nil`: registrations are refused), for composing mail.
    var selfServiceTokens: (any SelfServiceTokens)? { get }
    /// Marks delivered messages, many in one transaction, and ends their claims.
    func markSent(mailIDs: [Int64], at instant: Date) async throws
    /// Records a failed attempt and ends its claim; `policy` decides when to retry or whether to give up.
    func markFailed(mailID: Int64, error: String, policy: RetryPolicy) async throws
    /// Turns programme-change notices that have been quiet since `quietSince` (or waiting since
    /// `oldestAllowed`) into one queued e-mail per attendee. Returns the number of e-mails queued.
    func flushScheduleNotices(quietSince: Date, oldestAllowed: Date) async throws -> Int
    /// Messages not yet delivered (and not given up).
    func outboxBacklog() async throws -> Int
}

extension RegistrationStore {
    /// Messages due for delivery at `instant`, oldest first, after composing those queued without
    /// their text (what the outbox worker does each round).
    public func dueMail(at instant: Date, limit: Int) async throws -> [OutboundMail] {
        if let tokens = selfServiceTokens { try await MailComposer(tokens: tokens).composeAllPending(in: self) }
        return try await composedMailDue(at: instant, limit: limit)
    }
}
