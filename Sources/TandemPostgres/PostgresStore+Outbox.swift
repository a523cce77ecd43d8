import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// The e-mail outbox and the batching of programme-change notices.
extension PostgresStore {
    static let outboxColumns = "id, recipient, recipientName, subject, body, calendar, checkInCode, kind, language"

    public var selfServiceTokens: (any SelfServiceTokens)? { tokens }

    public func composedMailDue(at instant: Date, limit: Int) async throws -> [OutboundMail] {
        try await read { tx in
            try await tx.query("""
                SELECT \(unescaped: Self.outboxColumns) FROM outbox
                WHERE sentAt IS NULL AND failedAt IS NULL AND NOT pendingComposition AND nextAttemptAt <= \(instant)
                ORDER BY nextAttemptAt, id LIMIT \(limit)
                """).map { row in
                let (id, to, toName, subject, text, calendar, checkInCode, kind, language) =
                    try row.decode((Int64, String, String?, String, String, String?, String?, String, String).self)
                return OutboundMail(id: id, to: to, toName: toName, subject: subject, text: text, calendar: calendar,
                                    checkInCode: checkInCode, kind: kind, language: Language(rawValue: language) ?? .en)
            }
        }
    }

    /// Claims with `FOR UPDATE SKIP LOCKED`: instances claiming at the same moment each get other
    /// messages, never waiting for one another.
    public func claimDueMail(at instant: Date, limit: Int, lease: TimeInterval) async throws -> [OutboundMail] {
        let until = instant.addingTimeInterval(lease)
        return try await write(actor: "system") { tx in
            try await tx.query("""
                UPDATE outbox SET claimedUntil = \(until)
                WHERE id IN (
                    SELECT id FROM outbox
                    WHERE sentAt IS NULL AND failedAt IS NULL AND NOT pendingComposition AND nextAttemptAt <= \(instant)
                        AND (claimedUntil IS NULL OR claimedUntil <= \(instant))
                    ORDER BY nextAttemptAt, id LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Self.outboxColumns), nextAttemptAt
                """).map { row in
                let (id, to, toName, subject, text, calendar, checkInCode, kind, language, nextAttemptAt) =
                    try row.decode((Int64, String, String?, String, String, String?, String?, String, String, Date).self)
                return (nextAttemptAt, OutboundMail(id: id, to: to, toName: toName, subject: subject, text: text, calendar: calendar,
                                                    checkInCode: checkInCode, kind: kind, language: Language(rawValue: language) ?? .en))
            }.sorted { ($0.0, $0.1.id) < ($1.0, $1.1.id) }.map(\.1)
        }
    }

    /// Marks delivered messages and drops their bodies: the self-service link in them need not be kept.
    public func markSent(mailIDs: [Int64], at instant: Date) async throws {
        guard !mailIDs.isEmpty else { return }
        try await write(actor: "system") { tx in
            try await tx.execute("""
                UPDATE outbox SET sentAt = \(instant), attempts = attempts + 1, body = '', calendar = NULL, checkInCode = NULL, lastError = NULL, claimedUntil = NULL
                WHERE id = ANY(\(mailIDs))
                """)
        }
    }

    public func markFailed(mailID: Int64, error: String, policy: RetryPolicy) async throws {
        try await write(actor: "system") { tx in
            guard let attempts = try await tx.value(Int.self, "SELECT attempts FROM outbox WHERE id = \(mailID) FOR UPDATE") else { return }
            let retryAt = policy.nextAttempt(afterFailures: attempts + 1, from: tx.at)
            let failedAt: Date? = retryAt == nil ? tx.at : nil
            let message = String(error.prefix(1000))
            try await tx.execute("""
                UPDATE outbox SET attempts = attempts + 1, lastError = \(message),
                    nextAttemptAt = COALESCE(\(retryAt), nextAttemptAt), failedAt = \(failedAt), claimedUntil = NULL
                WHERE id = \(mailID)
                """)
        }
    }

    /// Messages queued without their text, read in one snapshot.
    public func mailDrafts(limit: Int) async throws -> [MailDraft] {
        try await read { tx in
            let pending = try await tx.query("""
                SELECT id, registrationId, kind, createdAt, changes FROM outbox WHERE pendingComposition ORDER BY id LIMIT \(limit)
                """).map { try $0.decode((Int64, Int64?, String, Date, String?).self) }
            var drafts: [MailDraft] = []
            for (id, registrationID, kind, createdAt, changes) in pending {
                var draft = MailDraft(id: id, kind: RegistrationMailKind(rawValue: kind), createdAt: createdAt)
                if let changes {
                    draft.changes = try ChangePayloadCoding.decoder.decode([SessionSnapshot].self, from: Data(changes.utf8))
                }
                if let registrationID, let row = try await tx.registrationRow(id: registrationID), row.erasedAt == nil, let nonce = row.tokenNonce {
                    let registration = try await tx.registration(row)
                    let event = try await tx.eventByID(row.eventID)
                    let ids = Set(registration.choices.map(\.sessionID) + draft.changes.map(\.sessionID))
                    let sessions = Dictionary(try await tx.sessions(ids: ids, in: event.id).map { ($0.id, $0) }) { first, _ in first }
                    draft.registration = registration
                    draft.tokenNonce = nonce
                    draft.event = event
                    draft.sessions = sessions
                    draft.roomNames = try await tx.roomNames(Set(sessions.values.map(\.roomID)), in: event.id)
                }
                drafts.append(draft)
            }
            return drafts
        }
    }

    public func storeComposedMail(_ composed: [ComposedMail]) async throws {
        guard !composed.isEmpty else { return }
        try await write(actor: "system") { tx in
            for item in composed {
                if let mail = item.mail {
                    try await tx.execute("""
                        UPDATE outbox SET subject = \(mail.subject), body = \(mail.text), calendar = \(mail.calendar), checkInCode = \(mail.checkInCode),
                            pendingComposition = FALSE, changes = NULL
                        WHERE id = \(item.id) AND pendingComposition AND failedAt IS NULL AND sentAt IS NULL
                        """)
                } else {
                    // Erased (or unknown) before its text was written: nothing to send.
                    try await tx.execute("""
                        UPDATE outbox SET pendingComposition = FALSE, changes = NULL, failedAt = COALESCE(failedAt, \(tx.at)), subject = '(erased)'
                        WHERE id = \(item.id) AND pendingComposition
                        """)
                }
            }
        }
    }

    public func outboxBacklog() async throws -> Int {
        try await read { tx in
            try await tx.value(Int.self, "SELECT count(*)::int8 FROM outbox WHERE sentAt IS NULL AND failedAt IS NULL") ?? 0
        }
    }

    public func flushScheduleNotices(quietSince: Date, oldestAllowed: Date) async throws -> Int {
        guard tokens != nil else { return 0 }
        return try await write(actor: "system") { tx in
            let due = try await tx.values(Int64.self, """
                SELECT registrationId FROM scheduleNotice GROUP BY registrationId
                HAVING max(lastAt) <= \(quietSince) OR min(firstAt) <= \(oldestAllowed) ORDER BY registrationId
                """)
            let mailer = PGRegistrationMailer(now: tx.at)
            var written = 0
            for registrationID in due {
                // Deleting takes the notices: a flush running beside this one waits for these rows,
                // then finds them gone and writes nothing twice.
                let befores = try await tx.query("""
                    DELETE FROM scheduleNotice WHERE registrationId = \(registrationID) RETURNING sessionId, before
                    """).map { row in
                    let (sessionID, before) = try row.decode((Int64, String).self)
                    return (sessionID, try ChangePayloadCoding.decoder.decode(SessionSnapshot.self, from: Data(before.utf8)))
                }.sorted { $0.0 < $1.0 }.map(\.1)
                guard !befores.isEmpty else { continue }
                var changed: [SessionSnapshot] = []
                for before in befores {
                    let now = try await tx.query("""
                        SELECT \(unescaped: PGTransaction.sessionColumns) FROM session WHERE id = \(before.sessionID.rawValue)
                        """).first.map(PGTransaction.decodeSession)
                    let room = try await now.asyncMap { try await tx.value(String.self, "SELECT name FROM room WHERE id = \($0.roomID.rawValue)") } ?? nil
                    if before.isNews(comparedTo: now, roomName: room) { changed.append(before) }
                }
                guard !changed.isEmpty else { continue }
                try await mailer.enqueue(.scheduleChanged, registrationID: registrationID, changes: changed, tx: tx)
                written += 1
            }
            return written
        }
    }
}

private extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
