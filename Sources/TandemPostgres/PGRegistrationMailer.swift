import Foundation
import TandemCore
import TandemStore

/// Writes attendees' e-mails into the outbox, in the same transaction as the change they report,
/// exactly as the SQLite store does: the row is written now (no confirmed registration ever lacks
/// its e-mail) and its text is composed later by `dueMail`, outside the write path. Programme-change
/// notices, which describe a "before" that is gone after commit, are composed at once.
struct PGRegistrationMailer {
    let tokens: any SelfServiceTokens
    let now: Date

    func enqueue(_ kind: RegistrationMailKind, registrationID: Int64, changes: [SessionSnapshot] = [], tx: PGTransaction) async throws {
        if changes.isEmpty {
            try await tx.execute("""
                INSERT INTO outbox (registrationId, kind, recipient, recipientName, language, subject, body, createdAt,
                                    nextAttemptAt, attempts, pendingComposition)
                SELECT id, \(kind.rawValue), email, name, language, '', '', \(now), \(now), 0, TRUE FROM registration
                WHERE id = \(registrationID) AND erasedAt IS NULL AND tokenNonce IS NOT NULL
                """)
            return
        }
        guard let (row, mail) = try await compose(kind, registrationID: registrationID, changes: changes, tx: tx) else { return }
        try await tx.execute("""
            INSERT INTO outbox (registrationId, kind, recipient, recipientName, language, subject, body, calendar, createdAt,
                                nextAttemptAt, attempts)
            VALUES (\(registrationID), \(kind.rawValue), \(row.email), \(row.name), \(row.language), \(mail.subject), \(mail.text),
                    \(mail.calendar), \(now), \(now), 0)
            """)
    }

    /// The message for `kind` as the registration stands now; `nil` when it was erased.
    func compose(_ kind: RegistrationMailKind, registrationID: Int64, changes: [SessionSnapshot] = [],
                 tx: PGTransaction) async throws -> (PGRegistrationRow, RegistrationMail)? {
        guard let row = try await tx.registrationRow(id: registrationID), row.erasedAt == nil, let nonce = row.tokenNonce else { return nil }
        let registration = try await tx.registration(row)
        let event = try await tx.eventByID(row.eventID)
        // Only what this message mentions: the attendee's sessions and the changed ones.
        let ids = Set(registration.choices.map(\.sessionID) + changes.map(\.sessionID))
        let sessions = Dictionary(try await tx.sessions(ids: ids, in: event.id).map { ($0.id, $0) }) { first, _ in first }
        let token = tokens.token(nonce: nonce)
        let context = RegistrationMail.Context(
            event: event, sessions: sessions, roomNames: try await tx.roomNames(Set(sessions.values.map(\.roomID)), in: event.id),
            selfServiceURL: tokens.url(token: token), checkInCode: tokens.checkInCode(registrationID: row.id, token: token).description,
            now: now)
        return (row, RegistrationMail.compose(kind, for: registration, context: context, changes: changes))
    }
}

extension PostgresStore {
    func mailer(at instant: Date) -> PGRegistrationMailer? {
        tokens.map { PGRegistrationMailer(tokens: $0, now: instant) }
    }
}
