import Foundation
import GRDB
import TandemCore

/// Writes attendees' e-mails into the outbox, in the same transaction as the change they report.
struct RegistrationMailer {
    let tokens: any SelfServiceTokens
    let now: Date

    func enqueue(_ kind: RegistrationMailKind, registrationID: Int64, changes: [SessionSnapshot] = [], db: Database) throws {
        guard let record = try RegistrationRecord.fetchOne(db, key: registrationID), record.erasedAt == nil,
              let nonce = record.tokenNonce
        else { return }
        let registration = try db.registration(record)
        let event = try db.event(db.eventRecordByID(record.eventId))
        let sessions = try db.sessions(eventID: event.id)
        let rooms = try db.rooms(eventID: event.id)
        let context = RegistrationMail.Context(
            event: event, sessions: Dictionary(uniqueKeysWithValues: sessions.map { ($0.id, $0) }),
            roomNames: Dictionary(uniqueKeysWithValues: rooms.map { ($0.id, $0.name) }),
            selfServiceURL: tokens.url(token: tokens.token(nonce: nonce)), now: now)
        let mail = RegistrationMail.compose(kind, for: registration, context: context, changes: changes)
        var row = OutboxRecord(
            id: nil, registrationId: registrationID, kind: kind.rawValue, recipient: record.email, recipientName: record.name,
            language: record.language, subject: mail.subject, body: mail.text, calendar: mail.calendar, createdAt: now,
            nextAttemptAt: now, attempts: 0, sentAt: nil, failedAt: nil, lastError: nil)
        try row.insert(db)
    }
}

extension Database {
    func eventRecordByID(_ id: Int64) throws -> EventRecord {
        guard let record = try EventRecord.fetchOne(self, key: id) else { throw StoreError.notFound(entity: "event", key: String(id)) }
        return record
    }
}
