import Foundation

/// A message shown on the venue screens and agenda pages until it expires.
public struct Announcement: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<Announcement>

    public var id: ID
    public var eventID: Event.ID
    public var text: TranslatedText
    public var severity: Severity
    public var createdAt: Date
    public var expiresAt: Date?

    public init(id: ID, eventID: Event.ID, text: TranslatedText, severity: Severity = .info, createdAt: Date, expiresAt: Date? = nil) {
        self.id = id
        self.eventID = eventID
        self.text = text
        self.severity = severity
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    public enum Severity: String, Codable, Hashable, Sendable, CaseIterable {
        case info
        case warning
        case critical
    }

    public func isActive(at instant: Date) -> Bool {
        expiresAt.map { instant < $0 } ?? true
    }
}
