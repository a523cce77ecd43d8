import Foundation

/// An e-mail ready to be delivered: what the outbox stores and a transport sends.
public struct OutboundMail: Codable, Hashable, Sendable {
    /// Stable id of the outbox entry; also the basis of the Message-ID.
    public var id: Int64
    public var to: String
    public var toName: String?
    public var subject: String
    /// Plain-text body (UTF-8), already in the attendee's language(s).
    public var text: String
    /// An iCalendar (RFC 5545) attachment, e.g. the sessions the attendee chose.
    public var calendar: String?
    /// The check-in code its text gives, sent along as a QR code image (confirmations and promotions).
    public var checkInCode: String?
    /// What this message is for: `confirmation`, `waitlisted`, `promoted`, `cancelled`, `schedule-changed`.
    public var kind: String
    public var language: Language

    public init(id: Int64, to: String, toName: String?, subject: String, text: String, calendar: String? = nil,
                checkInCode: String? = nil, kind: String, language: Language) {
        self.id = id
        self.to = to
        self.toName = toName
        self.subject = subject
        self.text = text
        self.calendar = calendar
        self.checkInCode = checkInCode
        self.kind = kind
        self.language = language
    }
}
