import Foundation
import GRDB
import TandemCore
import TandemStore

/// Writes attendees' e-mails into the outbox, in the same transaction as the change they report.
///
/// The row is written in that transaction (so no confirmed registration ever lacks its e-mail), but
/// its text is composed later, by the outbox worker, outside the write path: a rush of registrations
/// spends its transactions on seats. Programme-change notices, which describe a "before" that is
/// gone after commit, are composed at once.
struct RegistrationMailer {
    let tokens: any SelfServiceTokens
    let now: Date

    func enqueue(_ kind: RegistrationMailKind, registrationID: Int64, changes: [SessionSnapshot] = [], db: Database) throws {
        if changes.isEmpty {
            try db.cachedExecute("""
                INSERT INTO outbox (registrationId, kind, recipient, recipientName, language, subject, body, createdAt,
                                    nextAttemptAt, attempts, pendingComposition)
                SELECT id, ?, email, name, language, '', '', ?, ?, 0, 1 FROM registration
                WHERE id = ? AND erasedAt IS NULL AND tokenNonce IS NOT NULL
                """, [kind.rawValue, now, now, registrationID])
            return
        }
        guard let (record, mail) = try compose(kind, registrationID: registrationID, changes: changes, db: db) else { return }
        var row = OutboxRecord(
            id: nil, registrationId: registrationID, kind: kind.rawValue, recipient: record.email, recipientName: record.name,
            language: record.language, subject: mail.subject, body: mail.text, calendar: mail.calendar, createdAt: now,
            nextAttemptAt: now, attempts: 0, sentAt: nil, failedAt: nil, lastError: nil)
        try row.insert(db)
    }

    /// The message for `kind` as the registration stands now; `nil` when it was erased.
    func compose(_ kind: RegistrationMailKind, registrationID: Int64, changes: [SessionSnapshot] = [],
                 db: Database, reads: TransactionReads? = nil) throws -> (RegistrationRecord, RegistrationMail)? {
        guard let record = try db.cachedRecord(RegistrationRecord.self, "SELECT * FROM registration WHERE id = ?", [registrationID]),
              record.erasedAt == nil,
              let nonce = record.tokenNonce
        else { return nil }
        let registration = try db.registration(record)
        let reads = reads ?? TransactionReads(db: db)
        let event = try reads.event(id: record.eventId)
        // Only what this message mentions: the attendee's sessions and the changed ones.
        let sessions = try reads.sessions(Set(registration.choices.map(\.sessionID) + changes.map(\.sessionID)), in: event.id)
        let token = tokens.token(nonce: nonce)
        let context = RegistrationMail.Context(
            event: event, sessions: sessions, roomNames: try reads.roomNames(Set(sessions.values.map(\.roomID)), in: event.id),
            selfServiceURL: tokens.url(token: token), checkInCode: tokens.checkInCode(registrationID: record.id!, token: token).description,
            now: now)
        return (record, RegistrationMail.compose(kind, for: registration, context: context, changes: changes))
    }
}

extension Database {
    func eventRecordByID(_ id: Int64) throws -> EventRecord {
        guard let record = try cachedRecord(EventRecord.self, "SELECT * FROM event WHERE id = ?", [id]) else { throw StoreError.notFound(entity: "event", key: String(id)) }
        return record
    }
}
