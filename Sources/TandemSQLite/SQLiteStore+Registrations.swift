import Foundation
import GRDB
import TandemCore
import TandemStore

/// Attendee-side registration intents. Each is one transaction: seats, waitlists, counts,
/// the `seats.changed` change and the outbox e-mail commit together or not at all.
extension SQLiteStore: RegistrationStore {
    /// Registers through the group-commit queue: one durable transaction for many concurrent attendees.
    public func register(eventSlug: String, _ request: RegistrationRequest) async throws -> RegistrationReceipt {
        let tokens = try requireTokens()
        // The token is derived here, beside the other requests, not in the one writer.
        return try await registrationBatcher.submit(RegistrationJob(slug: eventSlug, request: request, tokens: tokens)) { [self] jobs, _ in
            // The one writer never waits for a lock, so nothing arrives while a batch waits.
            await registerBatch(jobs)
        }
    }

    /// Writes a batch of registrations in one transaction, each in its own savepoint, in order.
    /// The seat counts (and their one `seats.changed` change per event) are brought up to date once,
    /// after the last registration of the batch, not after each.
    func registerBatch(_ jobs: [RegistrationJob]) async -> [Result<RegistrationReceipt, any Error>] {
        do {
            _ = try requireTokens()
            return try await write(actor: "attendee") { db, log in
                let batch = RegistrationBatch(db: db, log: log, mailer: RegistrationMailer(now: log.at))
                let results = jobs.map { job in
                    Result {
                        do {
                            return try log.savepoint { try register(job, batch: batch) }
                        } catch let error as DatabaseError {
                            throw Self.translate(error)
                        }
                    }
                }
                try batch.finish()
                return results
            }
        } catch {
            return jobs.map { _ in .failure(error) }
        }
    }

    private func register(_ job: RegistrationJob, batch: RegistrationBatch) throws -> RegistrationReceipt {
        let request = job.request
        let eventSlug = job.slug
        let db = batch.db
        let log = batch.log
        let event = try batch.reads.event(slug: eventSlug)
        if event.status == .draft { throw StoreError.notFound(entity: "event", key: eventSlug) }
        try ValidationError.check(RegistrationRules.validate(request))
        if let reason = RegistrationRules.closedReason(for: event, at: log.at) { throw RegistrationError.closed(reason: reason) }
        // The sessions are checked before the address is looked up: in `verified` mode the answer
        // must depend on the request alone, never on whether the address is known.
        let sessions = try batch.reads.sessions(Set(request.sessionIDs), in: event.id)
        try ValidationError.check(RegistrationRules.validateChoices(request.sessionIDs, sessions: sessions))
        let verified = event.registration.mode == .verified
        if var existing = try db.cachedRecord(RegistrationRecord.self, """
            SELECT * FROM registration WHERE eventId = ? AND email = ? COLLATE NOCASE AND status != 'cancelled'
            """, [event.id.rawValue, request.email.trimmingWhitespace]) {
            if let expiresAt = existing.holdExpiresAt, RegistrationHolds.hasExpired(expiresAt, at: log.at) {
                // An expired hold the job has not released yet: release it now; the address starts afresh.
                try expireHold(&existing, db: db, log: log)
            } else {
                guard verified else { throw RegistrationError.alreadyRegistered }
                return try answerKnownAddress(existing, event: event, batch: batch)
            }
        }

        let free = RegistrationRules.hasFreeSeat(confirmed: try db.confirmedCount(eventID: event.id.rawValue), capacity: event.capacity)
        var record = RegistrationRecord(
            id: nil, eventId: event.id.rawValue, tokenHash: job.tokenHash, tokenNonce: job.nonce,
            name: request.name.trimmingWhitespace, email: request.email.trimmingWhitespace,
            organisation: request.organisation?.trimmingWhitespace, country: request.country, language: request.language.rawValue,
            status: (free ? Registration.Status.confirmed : .waitlisted).rawValue,
            queueOrder: free ? nil : try db.nextQueueOrder(eventID: event.id.rawValue),
            consentAt: log.at, createdAt: log.at, updatedAt: log.at,
            holdExpiresAt: verified ? RegistrationHolds.expiry(heldAt: log.at, holdMinutes: event.registration.holdMinutes) : nil)
        try record.insertFast(db)
        let seating = batch.seating(for: event)
        for sessionID in request.sessionIDs {
            if free {
                try seating.seat(registrationID: record.id!, sessionID: sessionID.rawValue)
            } else {
                try seating.pend(registrationID: record.id!, sessionID: sessionID.rawValue)
            }
        }
        try batch.mailer.enqueue(verified ? .confirmRequest : free ? .confirmation : .waitlisted, registrationID: record.id!, db: db)
        return RegistrationReceipt(registration: try db.registration(record), token: job.token, timezone: event.timezone, checkEmail: verified)
    }

    /// A `verified` event and an address that is already registered: nothing changes, the address is
    /// told by e-mail (at most once an hour, so the form cannot be used to flood someone), and the
    /// caller gets the same "check your e-mail" as for a new address.
    private func answerKnownAddress(_ existing: RegistrationRecord, event: Event, batch: RegistrationBatch) throws -> RegistrationReceipt {
        var record = existing
        if RegistrationHolds.mayMailKnownAddress(lastSent: record.knownAddressMailAt, at: batch.log.at) {
            record.knownAddressMailAt = batch.log.at
            try record.update(batch.db, columns: ["knownAddressMailAt"])
            try batch.mailer.enqueue(.alreadyRegistered, registrationID: record.id!, db: batch.db)
        }
        return RegistrationReceipt(registration: try batch.db.registration(record), token: "", timezone: event.timezone, checkEmail: true)
    }

    public func confirmRegistration(token: String) async throws -> Registration {
        let tokens = try requireTokens()
        let outcome: Result<Registration, RegistrationError> = try await write(actor: "attendee") { db, log in
            var record = try db.registrationRecord(tokenHash: tokens.lookupHash(token: token))
            let slug = try db.eventRecordByID(record.eventId).slug
            guard let expiresAt = record.holdExpiresAt else { return .success(try db.registration(record)) }
            if record.registrationStatus == .cancelled {
                // Released by the expiry job, or cancelled by the attendee before confirming.
                return .failure(RegistrationHolds.wasReleasedUnconfirmed(holdExpiresAt: expiresAt, cancelledAt: record.cancelledAt)
                    ? .holdExpired(eventSlug: slug) : .registrationCancelled(Registration.ID(record.id!)))
            }
            if RegistrationHolds.hasExpired(expiresAt, at: log.at) {
                // The job has not come round yet: release the place now, as it would have.
                try expireHold(&record, db: db, log: log)
                return .failure(.holdExpired(eventSlug: slug))
            }
            record.holdExpiresAt = nil
            record.updatedAt = log.at
            try record.update(db)
            // Now that the address is known to be real, the usual e-mail with the seat or waitlist place.
            try RegistrationMailer(now: log.at)
                .enqueue(record.registrationStatus == .confirmed ? .confirmation : .waitlisted, registrationID: record.id!, db: db)
            return .success(try db.registration(record))
        }
        return try outcome.get()
    }

    /// Releases every unconfirmed hold that has expired, each in its own transaction, exactly as a
    /// cancellation does: its seats go to the head of the waitlists in that transaction. Returns how many.
    public func expireHolds() async throws -> Int {
        _ = try requireTokens()
        let candidates = try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, holdExpiresAt FROM registration WHERE holdExpiresAt IS NOT NULL AND status != 'cancelled' AND holdExpiresAt <= ?
                ORDER BY holdExpiresAt, id LIMIT 500
                """, arguments: [clock.now()]).map { RegistrationHolds.Hold(registrationID: Registration.ID($0["id"]), expiresAt: $0["holdExpiresAt"]) }
        }
        var released = 0
        for hold in RegistrationHolds.expired(candidates, at: clock.now()) {
            let done: Bool = try await write(actor: "system") { db, log in
                // Read again inside the write: the attendee may have confirmed or cancelled meanwhile.
                guard var record = try RegistrationRecord.fetchOne(db, key: hold.registrationID.rawValue),
                      record.registrationStatus != .cancelled, let expiresAt = record.holdExpiresAt,
                      RegistrationHolds.hasExpired(expiresAt, at: log.at)
                else { return false }
                try expireHold(&record, db: db, log: log)
                return true
            }
            if done { released += 1 }
        }
        return released
    }

    /// Cancels an expired hold without an e-mail (the address was never confirmed) and hands its places on.
    private func expireHold(_ record: inout RegistrationRecord, db: Database, log: ChangeLog) throws {
        try cancel(&record, db: db, log: log, notify: false)
    }

    public func registration(token: String) async throws -> (Registration, Event) {
        let hash = try requireTokens().lookupHash(token: token)
        return try await read { db in
            let record = try db.registrationRecord(tokenHash: hash)
            return (try db.registration(record), try db.event(db.eventRecordByID(record.eventId)))
        }
    }

    public func changeSessions(token: String, to sessionIDs: [Session.ID]) async throws -> Registration {
        let tokens = try requireTokens()
        return try await write(actor: "attendee") { db, log in
            var record = try db.registrationRecord(tokenHash: tokens.lookupHash(token: token))
            let event = try db.event(db.eventRecordByID(record.eventId))
            guard record.registrationStatus != .cancelled else { throw RegistrationError.registrationCancelled(Registration.ID(record.id!)) }
            if event.status == .cancelled || log.at >= event.endsAt {
                throw RegistrationError.closed(reason: event.status == .cancelled ? "This event has been cancelled." : "This event is over.")
            }
            var request = RegistrationRequest(name: record.name, email: record.email, sessionIDs: sessionIDs, consent: true)
            request.language = Language(rawValue: record.language) ?? .en
            let fieldErrors = RegistrationRules.validate(request).filter { $0.field == "sessionIds" }
            try ValidationError.check(fieldErrors)
            let current = Set(try db.choiceRecords(registrationID: record.id!).map { Session.ID($0.sessionId) })
            let sessions = Dictionary(uniqueKeysWithValues: try db.sessions(eventID: event.id).map { ($0.id, $0) })
            // Sessions kept from before stay even if they were cancelled since; new ones must be open.
            let added = sessionIDs.filter { !current.contains($0) }
            try ValidationError.check(RegistrationRules.validateSignUp(added, sessions: sessions)
                + RegistrationRules.validateNoOverlap(sessionIDs, sessions: sessions))

            let seating = Seating(db: db, log: log, event: event, mailer: RegistrationMailer(now: log.at))
            for removed in current.subtracting(sessionIDs).sorted() {
                try seating.release(registrationID: record.id!, sessionID: removed.rawValue)
            }
            for sessionID in added {
                if record.registrationStatus == .confirmed {
                    try seating.seat(registrationID: record.id!, sessionID: sessionID.rawValue)
                } else {
                    try seating.pend(registrationID: record.id!, sessionID: sessionID.rawValue)
                }
            }
            record.updatedAt = log.at
            try record.update(db)
            try seating.finish()
            return try db.registration(record)
        }
    }

    public func cancelRegistration(token: String) async throws -> Registration {
        let tokens = try requireTokens()
        return try await write(actor: "attendee") { db, log in
            var record = try db.registrationRecord(tokenHash: tokens.lookupHash(token: token))
            return try cancel(&record, db: db, log: log)
        }
    }

    /// Cancels and hands the freed seats on; cancelling twice changes nothing.
    @discardableResult
    func cancel(_ record: inout RegistrationRecord, db: Database, log: ChangeLog, notify: Bool = true) throws -> Registration {
        guard record.registrationStatus != .cancelled else { return try db.registration(record) }
        let event = try db.event(db.eventRecordByID(record.eventId))
        let mailer = RegistrationMailer(now: log.at)
        let seating = Seating(db: db, log: log, event: event, mailer: mailer)
        let wasConfirmed = record.registrationStatus == .confirmed
        record.status = Registration.Status.cancelled.rawValue
        record.queueOrder = nil
        record.cancelledAt = log.at
        record.updatedAt = log.at
        try record.update(db)
        try db.execute(sql: "DELETE FROM scheduleNotice WHERE registrationId = ?", arguments: [record.id!])
        if notify { try mailer.enqueue(.cancelled, registrationID: record.id!, db: db) }
        try seating.releaseAll(registrationID: record.id!)
        if wasConfirmed { try seating.promoteEvent() }
        try seating.finish()
        return try db.registration(record)
    }

    func requireTokens() throws -> any SelfServiceTokens {
        guard let tokens else { throw StoreNotConfigured(what: "self-service tokens for registrations") }
        return tokens
    }
}

/// What the registrations of one group-commit transaction share: the events and sessions they
/// name (`TransactionReads`), and one `Seating` per event, whose counts are brought up to date
/// once at the end. A registration rolled back to its savepoint leaves nothing behind that matters: the
/// counts are recounted from the rows.
final class RegistrationBatch {
    let db: Database
    let log: ChangeLog
    let mailer: RegistrationMailer
    let reads: TransactionReads
    private var seatings: [Event.ID: Seating] = [:]

    init(db: Database, log: ChangeLog, mailer: RegistrationMailer) {
        self.db = db
        self.log = log
        self.mailer = mailer
        reads = TransactionReads(db: db)
    }

    func seating(for event: Event) -> Seating {
        if let seating = seatings[event.id] { return seating }
        let seating = Seating(db: db, log: log, event: event, mailer: mailer)
        seatings[event.id] = seating
        return seating
    }

    /// Stores the new counts and appends one `seats.changed` per event whose counts moved.
    func finish() throws {
        for eventID in seatings.keys.sorted(by: { $0.rawValue < $1.rawValue }) { try seatings[eventID]!.finish() }
    }
}
