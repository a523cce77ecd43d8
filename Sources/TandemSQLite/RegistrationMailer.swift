import Foundation
import GRDB
import TandemCore
import TandemStore

/// Queues attendees' e-mails in the outbox, in the same transaction as the change they report (so
/// no confirmed registration ever lacks its e-mail). Their text is written later, outside the write
/// path, by `MailComposer` in the outbox worker; a programme-change notice keeps the sessions as
/// they were before, which are gone after commit.
struct RegistrationMailer {
    let now: Date

    func enqueue(_ kind: RegistrationMailKind, registrationID: Int64, changes: [SessionSnapshot] = [], db: Database) throws {
        let changesJSON = changes.isEmpty ? nil : String(decoding: try ChangePayloadCoding.encoder.encode(changes), as: UTF8.self)
        try db.cachedExecute("""
            INSERT INTO outbox (registrationId, kind, recipient, recipientName, language, subject, body, createdAt,
                                nextAttemptAt, attempts, pendingComposition, changes)
            SELECT id, ?, email, name, language, '', '', ?, ?, 0, 1, ? FROM registration
            WHERE id = ? AND erasedAt IS NULL AND tokenNonce IS NOT NULL
            """, [kind.rawValue, now, now, changesJSON, registrationID])
    }
}

extension Database {
    func eventRecordByID(_ id: Int64) throws -> EventRecord {
        guard let record = try cachedRecord(EventRecord.self, "SELECT * FROM event WHERE id = ?", [id]) else { throw StoreError.notFound(entity: "event", key: String(id)) }
        return record
    }
}
