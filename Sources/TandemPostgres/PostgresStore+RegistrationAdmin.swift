import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// The organiser's registration tools: list and search, check-in, manual promote and cancel,
/// data export and erasure.
extension PostgresStore {
    public func registrations(eventSlug: String, query: RegistrationQuery) async throws -> [Registration] {
        try await read { tx in
            let eventID = try await tx.eventID(slug: eventSlug).rawValue
            var conditions = ["eventId = \(eventID)"]
            var sql = PostgresQueryBuilder()
            if let status = query.status { conditions.append("status = \(sql.bind(status.rawValue))") }
            if let pending = query.pending {
                conditions.append(pending ? "holdExpiresAt IS NOT NULL AND status != 'cancelled'" : "(holdExpiresAt IS NULL OR status = 'cancelled')")
            }
            if let after = query.after { conditions.append("id > \(after.rawValue)") }
            if let search = query.search?.trimmingWhitespace, !search.isEmpty {
                let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
                let p = sql.bind(pattern)
                // ILIKE: SQLite's LIKE ignores the case of ASCII letters, and so must this.
                conditions.append("(name ILIKE \(p) OR email ILIKE \(p) OR organisation ILIKE \(p))")
            }
            let limit = max(1, min(query.limit, 1000))
            let rows = try await tx.query(sql.query("""
                SELECT \(PGRegistrationRow.columns) FROM registration WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT \(limit)
                """))
            var found: [Registration] = []
            for row in rows { found.append(try await tx.registration(PGRegistrationRow(row))) }
            return found
        }
    }

    public func registration(eventSlug: String, id: Registration.ID) async throws -> Registration {
        try await read { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            return try await tx.registration(tx.registrationRow(id: id, eventID: eventID))
        }
    }

    public func registration(id: Registration.ID) async throws -> (Registration, Event) {
        try await read { tx in
            guard let row = try await tx.registrationRow(id: id.rawValue) else {
                throw StoreError.notFound(entity: "registration", key: id.description)
            }
            return (try await tx.registration(row), try await tx.eventByID(row.eventID))
        }
    }

    public func checkIn(eventSlug: String, code: CheckInCode, by actor: String) async throws -> CheckIn {
        let tokens = try requireTokens()
        return try await write(actor: actor) { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            let unknown = StoreError.notFound(entity: "registration", key: "with this check-in code at this event")
            // The registration row's lock makes two scans of the same code at two doors one check-in.
            guard let found = try await tx.query("""
                SELECT \(unescaped: PGRegistrationRow.columns) FROM registration
                WHERE id = \(code.registrationID) AND eventId = \(eventID.rawValue) FOR UPDATE
                """).first else { throw unknown }
            let row = try PGRegistrationRow(found)
            guard let nonce = row.tokenNonce,
                  tokens.checkInCode(registrationID: code.registrationID, token: tokens.token(nonce: nonce)).matches(code)
            else { throw unknown }
            if row.checkedInAt != nil { return CheckIn(registration: try await tx.registration(row), alreadyCheckedIn: true) }
            guard row.status == .confirmed else { throw RegistrationError.notConfirmed(row.status) }
            guard row.holdExpiresAt == nil else { throw RegistrationError.awaitingConfirmation }
            try await tx.execute("""
                UPDATE registration SET checkedInAt = \(tx.at), checkedInBy = \(actor), updatedAt = \(tx.at) WHERE id = \(row.id)
                """)
            var checkedIn = row
            checkedIn.checkedInAt = tx.at
            checkedIn.checkedInBy = actor
            try await tx.audit(event: eventID, action: "registration.checked-in", detail: ["registrationId": "\(row.id)"])
            return CheckIn(registration: try await tx.registration(checkedIn), alreadyCheckedIn: false)
        }
    }

    public func checkInSummary(eventSlug: String) async throws -> CheckInSummary {
        try await read { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            guard let row = try await tx.query("""
                SELECT count(checkedInAt), count(*) FROM registration
                WHERE eventId = \(eventID.rawValue) AND status = 'confirmed' AND holdExpiresAt IS NULL
                """).first else { return CheckInSummary(checkedIn: 0, confirmed: 0) }
            let (checkedIn, confirmed) = try row.decode((Int64, Int64).self)
            return CheckInSummary(checkedIn: Int(checkedIn), confirmed: Int(confirmed))
        }
    }

    /// Confirms a waitlisted registration ahead of the queue, if a seat is free; never overbooks.
    public func promote(eventSlug: String, id: Registration.ID, by actor: String) async throws -> Registration {
        _ = try requireTokens()
        return try await write(actor: actor) { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            try await tx.lockEventRow(eventID.rawValue)
            let event = try await tx.eventByID(eventID.rawValue)
            var row = try await tx.registrationRow(id: id, eventID: eventID)
            switch row.status {
            case .confirmed: return try await tx.registration(row)
            case .cancelled: throw RegistrationError.registrationCancelled(id)
            case .waitlisted: break
            }
            guard RegistrationRules.hasFreeSeat(confirmed: try await tx.confirmedCount(eventID: eventID.rawValue), capacity: event.capacity) else {
                throw RegistrationError.noFreeSeat
            }
            let mailer = PGRegistrationMailer(now: tx.at)
            let seating = PGSeating(tx: tx, event: event, mailer: mailer)
            try await seating.confirm(&row)
            if row.holdExpiresAt == nil { try await mailer.enqueue(.promoted, registrationID: row.id, tx: tx) }
            try await seating.finish()
            try await tx.audit(event: eventID, action: "registration.promoted", detail: ["registrationId": "\(id)"])
            return try await tx.registration(row)
        }
    }

    public func cancelRegistration(eventSlug: String, id: Registration.ID, by actor: String) async throws -> Registration {
        _ = try requireTokens()
        return try await write(actor: actor) { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            try await tx.lockEventRow(eventID.rawValue)
            var row = try await tx.registrationRow(id: id, eventID: eventID)
            let cancelled = try await cancel(&row, tx: tx)
            try await tx.audit(event: eventID, action: "registration.cancelled", detail: ["registrationId": "\(id)"])
            return cancelled
        }
    }

    /// One attendee's data; the export itself is audited (it is personal data leaving the system).
    public func exportRegistration(eventSlug: String, id: Registration.ID, by actor: String) async throws -> RegistrationExport {
        try await write(actor: actor) { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            let row = try await tx.registrationRow(id: id, eventID: eventID)
            let messages = try await tx.query("""
                SELECT kind, subject, createdAt, sentAt FROM outbox WHERE registrationId = \(id.rawValue) ORDER BY id
                """).map { row in
                let (kind, subject, createdAt, sentAt) = try row.decode((String, String, Date, Date?).self)
                return RegistrationExport.SentMessage(kind: kind, subject: subject, createdAt: createdAt, sentAt: sentAt)
            }
            try await tx.audit(event: eventID, action: "registration.exported", detail: ["registrationId": "\(id)"])
            return RegistrationExport(registration: try await tx.registration(row), eventSlug: eventSlug, messages: messages)
        }
    }

    /// Anonymises the personal fields and kills the self-service link; the registration keeps its
    /// status, so seat counts and statistics stay right.
    public func eraseRegistration(eventSlug: String, id: Registration.ID, by actor: String) async throws -> Registration {
        try await write(actor: actor) { tx in
            let eventID = try await tx.eventID(slug: eventSlug)
            guard let found = try await tx.query("""
                SELECT \(unescaped: PGRegistrationRow.columns) FROM registration
                WHERE id = \(id.rawValue) AND eventId = \(eventID.rawValue) FOR UPDATE
                """).first else { throw StoreError.notFound(entity: "registration", key: id.description) }
            let existing = try PGRegistrationRow(found)
            guard existing.erasedAt == nil else { return try await tx.registration(existing) }
            let erasedEmail = "erased-\(id)@invalid"
            let erasedHash = "erased-\(id)"
            guard let updated = try await tx.query("""
                UPDATE registration SET name = '(erased)', email = \(erasedEmail), organisation = NULL, country = NULL,
                    tokenHash = \(erasedHash), tokenNonce = NULL, checkedInBy = NULL, erasedAt = \(tx.at), updatedAt = \(tx.at)
                WHERE id = \(id.rawValue) RETURNING \(unescaped: PGRegistrationRow.columns)
                """).first else { throw StoreError.notFound(entity: "registration", key: id.description) }
            // Messages keep only what they were about, not to whom or what they said.
            try await tx.execute("""
                UPDATE outbox SET recipient = 'erased', recipientName = NULL, subject = '(erased)', body = '', calendar = NULL, checkInCode = NULL,
                    lastError = CASE WHEN lastError IS NULL THEN NULL ELSE '(erased)' END,
                    failedAt = COALESCE(sentAt, failedAt, \(tx.at))
                WHERE registrationId = \(id.rawValue)
                """)
            try await tx.execute("DELETE FROM scheduleNotice WHERE registrationId = \(id.rawValue)")
            try await tx.audit(event: eventID, action: "registration.erased", detail: ["registrationId": "\(id)"])
            return try await tx.registration(PGRegistrationRow(updated))
        }
    }
}

/// Builds a statement whose SQL is assembled from trusted pieces, with the user's values as binds.
struct PostgresQueryBuilder {
    private var bindings = PostgresBindings()

    /// Binds `value` and returns its placeholder (`$n`) for the SQL text.
    mutating func bind(_ value: String) -> String {
        bindings.append(value, context: .default)
        return "$\(bindings.count)"
    }

    func query(_ sql: String) -> PostgresQuery {
        PostgresQuery(unsafeSQL: sql, binds: bindings)
    }
}
