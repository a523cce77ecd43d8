import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// `POST /api/v1/events/{slug}/registrations`.
struct RegisterRequest: Decodable {
    var name: String
    var email: String
    var organisation: String?
    var country: String?
    var language: Language?
    var sessionIds: [Session.ID]?
    var consent: Bool

    var request: RegistrationRequest {
        RegistrationRequest(name: name, email: email, organisation: organisation.flatMap { $0.trimmingWhitespace.isEmpty ? nil : $0 },
                            country: country.flatMap { $0.isEmpty ? nil : $0.asciiUppercased }, language: language ?? .en,
                            sessionIDs: sessionIds ?? [], consent: consent)
    }
}

/// `PATCH /api/v1/registrations/{token}`.
struct ChangeSessionsRequest: Decodable {
    var sessionIds: [Session.ID]
}

/// `POST /api/v1/events/{slug}/checkins`: `{"code": "42-K7QM-3XPT"}`. `token` is the field's
/// older name, still read, and it too takes only a check-in code.
struct CheckInRequest: Decodable {
    var code: String?
    var token: String?
}

/// A registration as its attendee and the organisers see it. `status` is `pending` while a
/// `verified` registration waits for its e-mailed link; `heldPlace` then says what it holds.
struct RegistrationResponse: ResponseEncodable {
    var id: Int64
    var eventSlug: String?
    var status: String
    var heldPlace: String?
    var holdExpiresAt: String?
    var waitlistPosition: Int?
    var name: String
    var email: String
    var organisation: String?
    var country: String?
    var language: Language
    var sessions: [Choice]
    var createdAt: String
    var cancelledAt: String?
    var checkedInAt: String?
    var erased: Bool

    struct Choice: Codable, Sendable {
        var sessionId: Int64
        var status: SessionChoice.Status
        var waitlistPosition: Int?
    }

    init(_ registration: Registration, zone: TimeZone, eventSlug: String? = nil) {
        id = registration.id.rawValue
        self.eventSlug = eventSlug
        status = registration.shownStatus
        if registration.isPending {
            heldPlace = registration.status == .confirmed ? "seat" : "waitlist"
            holdExpiresAt = registration.holdExpiresAt?.wire(in: zone)
        }
        waitlistPosition = registration.waitlistPosition
        name = registration.name
        email = registration.email
        organisation = registration.organisation
        country = registration.country
        language = registration.language
        sessions = registration.choices.map { Choice(sessionId: $0.sessionID.rawValue, status: $0.status, waitlistPosition: $0.waitlistPosition) }
        createdAt = registration.createdAt.wire(in: zone)
        cancelledAt = registration.cancelledAt?.wire(in: zone)
        checkedInAt = registration.checkedInAt?.wire(in: zone)
        erased = registration.erasedAt != nil
    }
}

/// 201 to a new registration: the registration plus its private token and link, shown only now.
struct RegisteredResponse: ResponseEncodable {
    var registration: RegistrationResponse
    var token: String
    var selfServiceUrl: String

    enum CodingKeys: String, CodingKey { case token, selfServiceUrl }

    func encode(to encoder: any Encoder) throws {
        try registration.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(token, forKey: .token)
        try container.encode(selfServiceUrl, forKey: .selfServiceUrl)
    }
}

extension Registration {
    /// The status as clients see it: `pending` for an unconfirmed hold, else the stored status.
    var shownStatus: String { isPending ? "pending" : status.rawValue }
}

/// 202 to every registration on a `verified` event, new address or known: the same bytes.
struct CheckEmailResponse: ResponseEncodable {
    var status = "check-email"
    var message = "If this address can register, we have sent it an e-mail with a link. Open it to confirm your place; until then it is held for a limited time."
}

/// The attendee's own view: the registration with the event it is for.
struct OwnRegistrationResponse: ResponseEncodable {
    var registration: RegistrationResponse
    var event: EventResponse
    /// What the attendee shows at the door (absent once cancelled): it checks in, nothing else.
    var checkInCode: String?

    enum CodingKeys: String, CodingKey { case event, checkInCode }

    func encode(to encoder: any Encoder) throws {
        try registration.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event, forKey: .event)
        try container.encodeIfPresent(checkInCode, forKey: .checkInCode)
    }
}

/// `GET …/registrations/{id}/export`: everything kept about one attendee.
struct RegistrationExportResponse: ResponseEncodable {
    var registration: RegistrationResponse
    var messages: [Message]

    struct Message: Codable, Sendable {
        var kind: String
        var subject: String
        var createdAt: String
        var sentAt: String?
    }

    init(_ export: RegistrationExport, zone: TimeZone) {
        registration = RegistrationResponse(export.registration, zone: zone, eventSlug: export.eventSlug)
        messages = export.messages.map { Message(kind: $0.kind, subject: $0.subject, createdAt: $0.createdAt.wire(in: zone), sentAt: $0.sentAt?.wire(in: zone)) }
    }
}
