import Foundation
import TandemCore
import TandemStore

/// Queues attendees' e-mails in the outbox, in the same transaction as the change they report, as
/// the SQLite store does; `MailComposer` in the outbox worker writes their text later. A
/// programme-change notice keeps the sessions as they were before, which are gone after commit.
struct PGRegistrationMailer {
    let now: Date

    func enqueue(_ kind: RegistrationMailKind, registrationID: Int64, changes: [SessionSnapshot] = [], tx: PGTransaction) async throws {
        let changesJSON = changes.isEmpty ? nil : String(decoding: try ChangePayloadCoding.encoder.encode(changes), as: UTF8.self)
        try await tx.execute("""
            INSERT INTO outbox (registrationId, kind, recipient, recipientName, language, subject, body, createdAt,
                                nextAttemptAt, attempts, pendingComposition, changes)
            SELECT id, \(kind.rawValue), email, name, language, '', '', \(now), \(now), 0, TRUE, \(changesJSON) FROM registration
            WHERE id = \(registrationID) AND erasedAt IS NULL AND tokenNonce IS NOT NULL
            """)
    }
}

extension PostgresStore {
    func mailer(at instant: Date) -> PGRegistrationMailer? {
        tokens.map { _ in PGRegistrationMailer(now: instant) }
    }
}
