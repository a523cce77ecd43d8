import Foundation
import GRDB
import TandemCore
import TandemStore

/// The organiser's registration tools: list and search, check-in, manual promote and cancel,
/// data export and erasure.
extension SQLiteStore {
    public func registrations(eventSlug: String, query: RegistrationQuery) async throws -> [Registration] {
        try await read { db in
            let event = try db.eventRecord(slug: eventSlug)
            var request = RegistrationRecord.filter(Column("eventId") == event.id!)
            if let status = query.status { request = request.filter(Column("status") == status.rawValue) }
            if let pending = query.pending {
                request = request.filter(sql: pending ? "holdExpiresAt IS NOT NULL AND status != 'cancelled'" : "(holdExpiresAt IS NULL OR status = 'cancelled')")
            }
            if let after = query.after { request = request.filter(Column("id") > after.rawValue) }
            if let search = query.search?.trimmingWhitespace, !search.isEmpty {
                let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
                request = request.filter(sql: "(name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' OR organisation LIKE ? ESCAPE '\\')",
                                         arguments: [pattern, pattern, pattern])
            }
            return try request.order(Column("id")).limit(max(1, min(query.limit, 1000))).fetchAll(db).map { try db.registration($0) }
        }
    }

    public func registration(eventSlug: String, id: Registration.ID) async throws -> Registration {
        try await read { db in
            let event = try db.eventRecord(slug: eventSlug)
            return try db.registration(db.registrationRecord(id: id, eventID: Event.ID(event.id!)))
        }
    }

    public func registration(id: Registration.ID) async throws -> (Registration, Event) {
        try await read { db in
            guard let record = try RegistrationRecord.filter(Column("id") == id.rawValue).fetchOne(db) else {
                throw StoreError.notFound(entity: "registration", key: id.description)
            }
            return (try db.registration(record), try db.event(db.eventRecordByID(record.eventId)))
        }
    }

    public func checkIn(eventSlug: String, code: CheckInCode, by actor: String) async throws -> CheckIn {
        let tokens = try requireTokens()
        return try await write(actor: actor) { db, log in
            let event = try db.eventRecord(slug: eventSlug)
            let unknown = StoreError.notFound(entity: "registration", key: "with this check-in code at this event")
            guard var record = try RegistrationRecord.filter(Column("id") == code.registrationID && Column("eventId") == event.id!).fetchOne(db),
                  let nonce = record.tokenNonce,
                  tokens.checkInCode(registrationID: code.registrationID, token: tokens.token(nonce: nonce)).matches(code)
            else { throw unknown }
            if record.checkedInAt != nil { return CheckIn(registration: try db.registration(record), alreadyCheckedIn: true) }
            guard record.registrationStatus == .confirmed else { throw RegistrationError.notConfirmed(record.registrationStatus) }
            guard record.holdExpiresAt == nil else { throw RegistrationError.awaitingConfirmation }
            record.checkedInAt = log.at
            record.checkedInBy = actor
            record.updatedAt = log.at
            try record.update(db)
            try log.audit(event: Event.ID(event.id!), action: "registration.checked-in", detail: ["registrationId": "\(record.id!)"])
            return CheckIn(registration: try db.registration(record), alreadyCheckedIn: false)
        }
    }

    public func checkInSummary(eventSlug: String) async throws -> CheckInSummary {
        try await read { db in
            let event = try db.eventRecord(slug: eventSlug)
            let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(checkedInAt), COUNT(*) FROM registration
                WHERE eventId = ? AND status = 'confirmed' AND holdExpiresAt IS NULL
                """, arguments: [event.id!])
            return CheckInSummary(checkedIn: row?[0] ?? 0, confirmed: row?[1] ?? 0)
        }
    }

    /// Confirms a waitlisted registration ahead of the queue, if a seat is free; never overbooks.
    public func promote(eventSlug: String, id: Registration.ID, by actor: String) async throws -> Registration {
        _ = try requireTokens()
        return try await write(actor: actor) { db, log in
            let event = try db.event(slug: eventSlug)
            var record = try db.registrationRecord(id: id, eventID: event.id)
            switch record.registrationStatus {
            case .confirmed: return try db.registration(record)
            case .cancelled: throw RegistrationError.registrationCancelled(id)
            case .waitlisted: break
            }
            let capacity = try Int.fetchOne(db, sql: "SELECT capacity FROM event WHERE id = ?", arguments: [event.id.rawValue])
            guard RegistrationRules.hasFreeSeat(confirmed: try db.confirmedCount(eventID: event.id.rawValue), capacity: capacity) else {
                throw RegistrationError.noFreeSeat
            }
            let mailer = RegistrationMailer(now: log.at)
            let seating = Seating(db: db, log: log, event: event, mailer: mailer)
            try seating.confirm(&record)
            if record.holdExpiresAt == nil { try mailer.enqueue(.promoted, registrationID: record.id!, db: db) }
            try seating.finish()
            try log.audit(event: event.id, action: "registration.promoted", detail: ["registrationId": "\(id)"])
            return try db.registration(record)
        }
    }

    public func cancelRegistration(eventSlug: String, id: Registration.ID, by actor: String) async throws -> Registration {
        _ = try requireTokens()
        return try await write(actor: actor) { db, log in
            let event = try db.eventRecord(slug: eventSlug)
            var record = try db.registrationRecord(id: id, eventID: Event.ID(event.id!))
            let cancelled = try cancel(&record, db: db, log: log)
            try log.audit(event: Event.ID(event.id!), action: "registration.cancelled", detail: ["registrationId": "\(id)"])
            return cancelled
        }
    }

    /// One attendee's data; the export itself is audited (it is personal data leaving the system).
    public func exportRegistration(eventSlug: String, id: Registration.ID, by actor: String) async throws -> RegistrationExport {
        try await write(actor: actor) { db, log in
            let event = try db.eventRecord(slug: eventSlug)
            let record = try db.registrationRecord(id: id, eventID: Event.ID(event.id!))
            let messages = try OutboxRecord.filter(Column("registrationId") == id.rawValue).order(Column("id")).fetchAll(db).map {
                RegistrationExport.SentMessage(kind: $0.kind, subject: $0.subject, createdAt: $0.createdAt, sentAt: $0.sentAt)
            }
            try log.audit(event: Event.ID(event.id!), action: "registration.exported", detail: ["registrationId": "\(id)"])
            return RegistrationExport(registration: try db.registration(record), eventSlug: event.slug, messages: messages)
        }
    }

    /// Anonymises the personal fields and kills the self-service link; the registration keeps its
    /// status, so seat counts and statistics stay right.
    public func eraseRegistration(eventSlug: String, id: Registration.ID, by actor: String) async throws -> Registration {
        try await write(actor: actor) { db, log in
            let event = try db.eventRecord(slug: eventSlug)
            var record = try db.registrationRecord(id: id, eventID: Event.ID(event.id!))
            guard record.erasedAt == nil else { return try db.registration(record) }
            record.name = "(erased)"
            record.email = "erased-\(id)@invalid"
            record.organisation = nil
            record.country = nil
            record.tokenHash = "erased-\(id)"
            record.tokenNonce = nil
            record.checkedInBy = nil
            record.erasedAt = log.at
            record.updatedAt = log.at
            try record.update(db)
            // Messages keep only what they were about, not to whom or what they said.
            try db.execute(sql: """
                UPDATE outbox SET recipient = 'erased', recipientName = NULL, subject = '(erased)', body = '', calendar = NULL, checkInCode = NULL,
                    lastError = CASE WHEN lastError IS NULL THEN NULL ELSE '(erased)' END,
                    failedAt = COALESCE(sentAt, failedAt, ?)
                WHERE registrationId = ?
                """, arguments: [log.at, id.rawValue])
            try db.execute(sql: "DELETE FROM scheduleNotice WHERE registrationId = ?", arguments: [id.rawValue])
            try log.audit(event: Event.ID(event.id!), action: "registration.erased", detail: ["registrationId": "\(id)"])
            return try db.registration(record)
        }
    }
}
