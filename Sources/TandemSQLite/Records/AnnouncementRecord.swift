import Foundation
import GRDB
import TandemCore
import TandemStore

/// A row of `announcement`.
struct AnnouncementRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "announcement"

    var id: Int64?
    var eventId: Int64
    var textEn: String
    var textZh: String?
    var severity: String
    var createdAt: Date
    var expiresAt: Date?
    /// Whether the `announcement.expired` change has been recorded.
    var expiryRecorded: Bool

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AnnouncementRecord {
    init(_ announcement: Announcement) {
        self.init(
            id: announcement.id.rawValue == 0 ? nil : announcement.id.rawValue, eventId: announcement.eventID.rawValue,
            textEn: announcement.text.en, textZh: announcement.text.zh, severity: announcement.severity.rawValue,
            createdAt: announcement.createdAt, expiresAt: announcement.expiresAt, expiryRecorded: false)
    }

    func domain() throws -> Announcement {
        guard let id, let severity = Announcement.Severity(rawValue: severity) else {
            throw CorruptRow(table: Self.databaseTableName, id: id)
        }
        return Announcement(id: Announcement.ID(id), eventID: Event.ID(eventId), text: TranslatedText(en: textEn, zh: textZh),
                            severity: severity, createdAt: createdAt, expiresAt: expiresAt)
    }
}
