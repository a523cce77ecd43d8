import Foundation
import GRDB
import TandemCore
import TandemStore

/// A row of `registration`.
struct RegistrationRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "registration"

    var id: Int64?
    var eventId: Int64
    var tokenHash: String
    var tokenNonce: String?
    var name: String
    var email: String
    var organisation: String?
    var country: String?
    var language: String
    var status: String
    var queueOrder: Int64?
    var consentAt: Date
    var createdAt: Date
    var updatedAt: Date
    var cancelledAt: Date?
    var checkedInAt: Date?
    var checkedInBy: String?
    var erasedAt: Date?
    var holdExpiresAt: Date?
    var knownAddressMailAt: Date?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var registrationStatus: Registration.Status { Registration.Status(rawValue: status) ?? .cancelled }

    /// Inserts a new registration through a cached statement: registrations come in rushes, and
    /// this is their hot path (Codable persistence costs more than the insert itself).
    mutating func insertFast(_ db: Database) throws {
        try db.cachedExecute("""
            INSERT INTO registration (eventId, tokenHash, tokenNonce, name, email, organisation, country, language, status,
                                      queueOrder, consentAt, createdAt, updatedAt, holdExpiresAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [eventId, tokenHash, tokenNonce, name, email, organisation, country, language, status, queueOrder, consentAt, createdAt, updatedAt,
                  holdExpiresAt])
        id = db.lastInsertedRowID
    }
}

/// A row of `registrationSession`: a workshop choice, holding a seat or queued for one.
struct RegistrationSessionRecord: Codable, FetchableRecord, PersistableRecord {
    /// Inserts or replaces this choice through a cached statement (the registration hot path).
    func upsertFast(_ db: Database) throws {
        try db.cachedExecute("""
            INSERT OR REPLACE INTO registrationSession (registrationId, sessionId, status, queueOrder, createdAt) VALUES (?, ?, ?, ?, ?)
            """, [registrationId, sessionId, status, queueOrder, createdAt])
    }

    static let databaseTableName = "registrationSession"

    var registrationId: Int64
    var sessionId: Int64
    var status: String
    var queueOrder: Int64?
    var createdAt: Date
}

/// A row of `outbox`.
struct OutboxRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "outbox"

    var id: Int64?
    var registrationId: Int64?
    var kind: String
    var recipient: String
    var recipientName: String?
    var language: String
    var subject: String
    var body: String
    var calendar: String?
    var checkInCode: String?
    var createdAt: Date
    var nextAttemptAt: Date
    var attempts: Int
    var sentAt: Date?
    var failedAt: Date?
    var lastError: String?

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var mail: OutboundMail {
        OutboundMail(id: id ?? 0, to: recipient, toName: recipientName, subject: subject, text: body, calendar: calendar, checkInCode: checkInCode,
                     kind: kind, language: Language(rawValue: language) ?? .en)
    }
}

/// A row of `scheduleNotice`.
struct ScheduleNoticeRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "scheduleNotice"

    var registrationId: Int64
    var sessionId: Int64
    var before: String
    var firstAt: Date
    var lastAt: Date
}
