import Foundation

/// An attendee's registration for an event, with the workshop sessions they chose.
public struct Registration: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<Registration>

    public var id: ID
    public var eventID: Event.ID
    public var name: String
    public var email: String
    public var organisation: String?
    /// ISO 3166-1 alpha-2.
    public var country: String?
    public var language: Language
    public var status: Status
    /// 1-based place on the event's waitlist, while waitlisted.
    public var waitlistPosition: Int?
    public var choices: [SessionChoice]
    public var consentAt: Date
    public var createdAt: Date
    public var cancelledAt: Date?
    public var checkedInAt: Date?
    public var checkedInBy: String?
    /// Set once personal data has been erased on request; the registration still counts.
    public var erasedAt: Date?
    /// On a `verified` event, until the attendee confirms from the e-mailed link: when the place
    /// (a seat, or a place on the waitlist) stops being held. `nil` once confirmed, and in `instant` mode.
    /// Kept on a hold that expired, so the link can say so.
    public var holdExpiresAt: Date?

    /// Holds a place (seat or waitlist) that the attendee has not confirmed yet.
    public var isPending: Bool { holdExpiresAt != nil && status != .cancelled }

    public init(
        id: ID, eventID: Event.ID, name: String, email: String, organisation: String? = nil, country: String? = nil,
        language: Language = .en, status: Status = .confirmed, waitlistPosition: Int? = nil, choices: [SessionChoice] = [],
        consentAt: Date, createdAt: Date, cancelledAt: Date? = nil, checkedInAt: Date? = nil, checkedInBy: String? = nil,
        erasedAt: Date? = nil, holdExpiresAt: Date? = nil
    ) {
        self.id = id
        self.eventID = eventID
        self.name = name
        self.email = email
        self.organisation = organisation
        self.country = country
        self.language = language
        self.status = status
        self.waitlistPosition = waitlistPosition
        self.choices = choices
        self.consentAt = consentAt
        self.createdAt = createdAt
        self.cancelledAt = cancelledAt
        self.checkedInAt = checkedInAt
        self.checkedInBy = checkedInBy
        self.erasedAt = erasedAt
        self.holdExpiresAt = holdExpiresAt
    }

    public enum Status: String, Codable, Hashable, Sendable, CaseIterable {
        case confirmed
        case waitlisted
        case cancelled
    }
}

/// One workshop session an attendee chose, and whether they hold a seat in it.
public struct SessionChoice: Codable, Hashable, Sendable {
    public var sessionID: Session.ID
    public var status: Status
    /// 1-based place on the session's waitlist, while waitlisted.
    public var waitlistPosition: Int?

    public init(sessionID: Session.ID, status: Status, waitlistPosition: Int? = nil) {
        self.sessionID = sessionID
        self.status = status
        self.waitlistPosition = waitlistPosition
    }

    public enum Status: String, Codable, Hashable, Sendable, CaseIterable {
        /// Holds a seat.
        case confirmed
        /// Queued for a seat in the session.
        case waitlisted
        /// Chosen while the attendee waits for the event itself; no seat is held or queued yet.
        case pending
    }
}

/// What an attendee submits to register.
public struct RegistrationRequest: Hashable, Sendable {
    public var name: String
    public var email: String
    public var organisation: String?
    public var country: String?
    public var language: Language
    public var sessionIDs: [Session.ID]
    public var consent: Bool

    public init(name: String, email: String, organisation: String? = nil, country: String? = nil, language: Language = .en,
                sessionIDs: [Session.ID] = [], consent: Bool) {
        self.name = name
        self.email = email
        self.organisation = organisation
        self.country = country
        self.language = language
        self.sessionIDs = sessionIDs
        self.consent = consent
    }
}

extension Registration.Status: WireEnum {}
extension SessionChoice.Status: WireEnum {}
