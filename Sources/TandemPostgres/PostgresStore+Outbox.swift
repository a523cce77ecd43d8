import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// The e-mail outbox and the batching of programme-change notices.
extension PostgresStore {
    static let outboxColumns = "id, recipient, recipientName, subject, body, calendar, kind, language"

    /// Messages due for delivery; composes the text of those written without it first.
    public func dueMail(at instant: Date, limit: Int) async throws -> [OutboundMail] {
        while try await composePendingMail(limit: 200) == 200 {}
        return try await read { tx in
            try await tx.query("""
                SELECT \(unescaped: Self.outboxColumns) FROM outbox
                WHERE sentAt IS NULL AND failedAt IS NULL AND NOT pendingComposition AND nextAttemptAt <= \(instant)
                ORDER BY nextAttemptAt, id LIMIT \(limit)
                """).map { row in
                let (id, to, toName, subject, text, calendar, kind, language) =
                    try row.decode((Int64, String, String?, String, String, String?, String, String).self)
                return OutboundMail(id: id, to: to, toName: toName, subject: subject, text: text, calendar: calendar,
                                    kind: kind, language: Language(rawValue: language) ?? .en)
            }
        }
    }

    /// Marks delivered messages and drops their bodies: the self-service link in them need not be kept.
    public func markSent(mailIDs: [Int64], at instant: Date) async throws {
        guard !mailIDs.isEmpty else { return }
        try await write(actor: "system") { tx in
            try await tx.execute("""
                UPDATE outbox SET sentAt = \(instant), attempts = attempts + 1, body = '', calendar = NULL, lastError = NULL
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
                    nextAttemptAt = COALESCE(\(retryAt), nextAttemptAt), failedAt = \(failedAt)
                WHERE id = \(mailID)
                """)
        }
    }

    /// Writes the text of up to `limit` messages queued without it: composed in a read, stored by a
    /// write that leaves alone a message erased or delivered in between. Returns how many were looked at.
    @discardableResult
    func composePendingMail(limit: Int) async throws -> Int {
        guard let tokens else { return 0 }
        let composed: [(id: Int64, mail: RegistrationMail?)] = try await read { tx in
            let pending = try await tx.query("""
                SELECT id, registrationId, kind, createdAt FROM outbox WHERE pendingComposition ORDER BY id LIMIT \(limit)
                """).map { try $0.decode((Int64, Int64?, String, Date).self) }
            var composed: [(id: Int64, mail: RegistrationMail?)] = []
            for (id, registrationID, kind, createdAt) in pending {
                guard let registrationID, let kind = RegistrationMailKind(rawValue: kind) else {
                    composed.append((id, nil))
                    continue
                }
                let mailer = PGRegistrationMailer(tokens: tokens, now: createdAt)
                composed.append((id, try await mailer.compose(kind, registrationID: registrationID, tx: tx)?.1))
            }
            return composed
        }
        guard !composed.isEmpty else { return 0 }
        try await write(actor: "system") { tx in
            for (id, mail) in composed {
                if let mail {
                    try await tx.execute("""
                        UPDATE outbox SET subject = \(mail.subject), body = \(mail.text), calendar = \(mail.calendar), pendingComposition = FALSE
                        WHERE id = \(id) AND pendingComposition AND failedAt IS NULL AND sentAt IS NULL
                        """)
                } else {
                    // Erased (or unknown) before its text was written: nothing to send.
                    try await tx.execute("""
                        UPDATE outbox SET pendingComposition = FALSE, failedAt = COALESCE(failedAt, \(tx.at)), subject = '(erased)'
                        WHERE id = \(id) AND pendingComposition
                        """)
                }
            }
        }
        return composed.count
    }

    public func outboxBacklog() async throws -> Int {
        try await read { tx in
            try await tx.value(Int.self, "SELECT count(*)::int8 FROM outbox WHERE sentAt IS NULL AND failedAt IS NULL") ?? 0
        }
    }

    public func flushScheduleNotices(quietSince: Date, oldestAllowed: Date) async throws -> Int {
        guard let tokens else { return 0 }
        return try await write(actor: "system") { tx in
            let due = try await tx.values(Int64.self, """
                SELECT registrationId FROM scheduleNotice GROUP BY registrationId
                HAVING max(lastAt) <= \(quietSince) OR min(firstAt) <= \(oldestAllowed) ORDER BY registrationId
                """)
            let mailer = PGRegistrationMailer(tokens: tokens, now: tx.at)
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
