import Foundation
import GRDB
import TandemCore
import TandemStore

/// The e-mail outbox and the batching of programme-change notices.
extension SQLiteStore {
    public var selfServiceTokens: (any SelfServiceTokens)? { tokens }

    public func composedMailDue(at instant: Date, limit: Int) async throws -> [OutboundMail] {
        try await read { db in
            try OutboxRecord.filter(sql: "sentAt IS NULL AND failedAt IS NULL AND pendingComposition = 0 AND nextAttemptAt <= ?", arguments: [instant])
                .order(Column("nextAttemptAt"), Column("id")).limit(limit).fetchAll(db).map(\.mail)
        }
    }

    public func claimDueMail(at instant: Date, limit: Int, lease: TimeInterval) async throws -> [OutboundMail] {
        try await write(actor: "system") { db, _ in
            let due = try OutboxRecord.filter(sql: """
                sentAt IS NULL AND failedAt IS NULL AND pendingComposition = 0 AND nextAttemptAt <= ?
                AND (claimedUntil IS NULL OR claimedUntil <= ?)
                """, arguments: [instant, instant])
                .order(Column("nextAttemptAt"), Column("id")).limit(limit).fetchAll(db)
            for record in due {
                try db.cachedExecute("UPDATE outbox SET claimedUntil = ? WHERE id = ?", [instant.addingTimeInterval(lease), record.id])
            }
            return due.map(\.mail)
        }
    }

    /// Marks a message delivered and drops its body: the self-service link in it need not be kept.
    public func markSent(mailIDs: [Int64], at instant: Date) async throws {
        guard !mailIDs.isEmpty else { return }
        try await write(actor: "system") { db, _ in
            for id in mailIDs {
                try db.cachedExecute("UPDATE outbox SET sentAt = ?, attempts = attempts + 1, body = '', calendar = NULL, checkInCode = NULL, lastError = NULL, claimedUntil = NULL WHERE id = ?",
                                     [instant, id])
            }
        }
    }

    public func markFailed(mailID: Int64, error: String, policy: RetryPolicy) async throws {
        try await write(actor: "system") { db, log in
            guard let attempts = try Int.fetchOne(db, sql: "SELECT attempts FROM outbox WHERE id = ?", arguments: [mailID]) else { return }
            let retryAt = policy.nextAttempt(afterFailures: attempts + 1, from: log.at)
            try db.execute(sql: """
                UPDATE outbox SET attempts = attempts + 1, lastError = ?, nextAttemptAt = COALESCE(?, nextAttemptAt), failedAt = ?,
                    claimedUntil = NULL
                WHERE id = ?
                """, arguments: [String(error.prefix(1000)), retryAt, retryAt == nil ? log.at : nil, mailID])
        }
    }

    /// Messages queued without their text, read in one snapshot (beside the writer, in WAL mode).
    public func mailDrafts(limit: Int) async throws -> [MailDraft] {
        try await read { db in
            let pending = try Row.fetchAll(db, sql: """
                SELECT id, registrationId, kind, createdAt, changes FROM outbox WHERE pendingComposition = 1 ORDER BY id LIMIT ?
                """, arguments: [limit])
            let reads = TransactionReads(db: db)
            return try pending.map { row in
                var draft = MailDraft(id: row["id"], kind: RegistrationMailKind(rawValue: row["kind"]), createdAt: row["createdAt"])
                if let json: String = row["changes"] {
                    draft.changes = try ChangePayloadCoding.decoder.decode([SessionSnapshot].self, from: Data(json.utf8))
                }
                guard let registrationID: Int64 = row["registrationId"],
                      let record = try db.cachedRecord(RegistrationRecord.self, "SELECT * FROM registration WHERE id = ?", [registrationID]),
                      record.erasedAt == nil, let nonce = record.tokenNonce
                else { return draft }
                let registration = try db.registration(record)
                let event = try reads.event(id: record.eventId)
                let sessions = try reads.sessions(Set(registration.choices.map(\.sessionID) + draft.changes.map(\.sessionID)), in: event.id)
                draft.registration = registration
                draft.tokenNonce = nonce
                draft.event = event
                draft.sessions = sessions
                draft.roomNames = try reads.roomNames(Set(sessions.values.map(\.roomID)), in: event.id)
                return draft
            }
        }
    }

    public func storeComposedMail(_ composed: [ComposedMail]) async throws {
        guard !composed.isEmpty else { return }
        try await write(actor: "system") { db, log in
            for item in composed {
                if let mail = item.mail {
                    try db.cachedExecute("""
                        UPDATE outbox SET subject = ?, body = ?, calendar = ?, checkInCode = ?, pendingComposition = 0, changes = NULL
                        WHERE id = ? AND pendingComposition = 1 AND failedAt IS NULL AND sentAt IS NULL
                        """, [mail.subject, mail.text, mail.calendar, mail.checkInCode, item.id])
                } else {
                    // Erased (or unknown) before its text was written: nothing to send.
                    try db.cachedExecute("""
                        UPDATE outbox SET pendingComposition = 0, changes = NULL, failedAt = COALESCE(failedAt, ?), subject = '(erased)'
                        WHERE id = ? AND pendingComposition = 1
                        """, [log.at, item.id])
                }
            }
        }
    }

    public func outboxBacklog() async throws -> Int {
        try await read { db in try OutboxRecord.filter(sql: "sentAt IS NULL AND failedAt IS NULL").fetchCount(db) }
    }

    public func flushScheduleNotices(quietSince: Date, oldestAllowed: Date) async throws -> Int {
        guard tokens != nil else { return 0 }
        return try await write(actor: "system") { db, log in
            let due = try Int64.fetchAll(db, sql: """
                SELECT registrationId FROM scheduleNotice GROUP BY registrationId
                HAVING MAX(lastAt) <= ? OR MIN(firstAt) <= ?
                """, arguments: [quietSince, oldestAllowed])
            let mailer = RegistrationMailer(now: log.at)
            var written = 0
            for registrationID in due {
                let notices = try ScheduleNoticeRecord.filter(Column("registrationId") == registrationID).order(Column("sessionId")).fetchAll(db)
                try ScheduleNoticeRecord.filter(Column("registrationId") == registrationID).deleteAll(db)
                let befores = try notices.map { try ChangePayloadCoding.decoder.decode(SessionSnapshot.self, from: Data($0.before.utf8)) }
                // A session moved and moved back again is no news.
                let changed = try befores.filter { before in
                    let now = try SessionRecord.fetchOne(db, key: before.sessionID.rawValue).map { try $0.domain(speakerIDs: []) }
                    let room = try now.flatMap { try String.fetchOne(db, sql: "SELECT name FROM room WHERE id = ?", arguments: [$0.roomID.rawValue]) }
                    return before.isNews(comparedTo: now, roomName: room)
                }
                guard !changed.isEmpty else { continue }
                try mailer.enqueue(.scheduleChanged, registrationID: registrationID, changes: changed, db: db)
                written += 1
            }
            return written
        }
    }
}

extension Database {
    /// Remembers, for every attendee holding or awaiting a seat in `before`'s session, how it was
    /// before this burst of edits, when its time, room or status changes.
    func noteScheduleChange(before: Session, after: Session?, at instant: Date) throws {
        if let after, after.startsAt == before.startsAt, after.endsAt == before.endsAt, after.roomID == before.roomID, after.status == before.status {
            return
        }
        let holders = try Int64.fetchAll(self, sql: """
            SELECT rs.registrationId FROM registrationSession rs JOIN registration r ON r.id = rs.registrationId
            WHERE rs.sessionId = ? AND r.status != 'cancelled' AND r.erasedAt IS NULL
            """, arguments: [before.id.rawValue])
        guard !holders.isEmpty else { return }
        let roomName = try String.fetchOne(self, sql: "SELECT name FROM room WHERE id = ?", arguments: [before.roomID.rawValue]) ?? ""
        let snapshot = SessionSnapshot(sessionID: before.id, title: before.title, startsAt: before.startsAt, endsAt: before.endsAt,
                                       roomName: roomName, cancelled: before.status == .cancelled)
        let json = String(decoding: try ChangePayloadCoding.encoder.encode(snapshot), as: UTF8.self)
        for registrationID in holders {
            // The first edit of a burst keeps its "before"; later edits only extend the burst.
            try execute(sql: """
                INSERT INTO scheduleNotice (registrationId, sessionId, before, firstAt, lastAt) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (registrationId, sessionId) DO UPDATE SET lastAt = excluded.lastAt
                """, arguments: [registrationID, before.id.rawValue, json, instant, instant])
        }
    }
}
