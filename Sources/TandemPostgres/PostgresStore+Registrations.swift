import Foundation
import Synchronization
import TandemCore
import TandemStore

/// Attendee-side registration intents. Each is one transaction that first locks the event row:
/// seats, waitlists, counts, the `seats.changed` change and the outbox e-mail commit together or
/// not at all, and two transactions (on any number of Tandem processes) never see the same free seat.
extension PostgresStore: RegistrationStore {
    /// Registers through the group-commit queue: one durable transaction for many concurrent attendees.
    public func register(eventSlug: String, _ request: RegistrationRequest) async throws -> RegistrationReceipt {
        let tokens = try requireTokens()
        return try await registrationBatcher.submit(RegistrationJob(slug: eventSlug, request: request, tokens: tokens)) { [self] jobs, late in
            await registerBatch(jobs, late: late)
        }
    }

    /// Writes a batch of registrations in one transaction, in order: new addresses in bulk
    /// (`PGRegistrationBulk`), any other batch one registration at a time, each in its own savepoint.
    /// The seat counts are brought up to date once per event, after the last registration. Once the
    /// bulk path holds its events' locks it takes in the registrations for them that arrived while
    /// it waited (`late`); the answers are in the order the jobs were given, then taken.
    func registerBatch(_ jobs: [RegistrationJob], late: LateArrivals = .none) async -> [Result<RegistrationReceipt, any Error>] {
        let taken = LateJobs()
        do {
            _ = try requireTokens()
        } catch {
            return jobs.map { _ in .failure(error) }
        }
        do {
            if let results = try await registerInBulk(jobs, late: late, taken: taken) { return results }
        } catch {
            // Not expected (the decisions were checked in memory): the careful path decides again.
            logger.warning("a registration batch could not be written in bulk; writing it one by one",
                           metadata: ["error": "\(Self.logDescription(error))"])
        }
        return await registerOneByOne(jobs + taken.jobs)
    }

    /// The bulk path, or `nil` when the batch is not for it (an address already known). Late
    /// arrivals taken in are added to `taken`, which outlives a retried transaction.
    func registerInBulk(_ jobs: [RegistrationJob], late: LateArrivals = .none,
                        taken: LateJobs = LateJobs()) async throws -> [Result<RegistrationReceipt, any Error>]? {
        try await write(actor: "attendee") { tx in
            let batch = PGRegistrationBatch(tx: tx, mailer: PGRegistrationMailer(now: tx.at))
            var all = jobs + taken.jobs
            try await batch.lockEvents(slugs: Set(all.map(\.slug)))
            let more = await late.take(for: batch.lockedSlugs)
            taken.add(more)
            all += more
            return try await PGRegistrationBulk(tx: tx, batch: batch).register(all)
        }
    }

    private func registerOneByOne(_ jobs: [RegistrationJob]) async -> [Result<RegistrationReceipt, any Error>] {
        do {
            return try await write(actor: "attendee") { tx in
                let batch = PGRegistrationBatch(tx: tx, mailer: PGRegistrationMailer(now: tx.at))
                try await batch.lockEvents(slugs: Set(jobs.map(\.slug)))
                var results: [Result<RegistrationReceipt, any Error>] = []
                for job in jobs {
                    do {
                        results.append(.success(try await tx.savepoint { try await register(job, batch: batch) }))
                    } catch {
                        // A failure of the connection or the transaction fails the whole batch (and is retried);
                        // a refusal of this one registration answers only its caller.
                        if Self.isRetryable(Self.unwrap(error)) { throw error }
                        results.append(.failure(Self.translate(Self.unwrap(error))))
                    }
                }
                try await batch.finish()
                return results
            }
        } catch {
            return jobs.map { _ in .failure(error) }
        }
    }

    private func register(_ job: RegistrationJob, batch: PGRegistrationBatch) async throws -> RegistrationReceipt {
        let request = job.request
        let tx = batch.tx
        let event = try batch.event(slug: job.slug)
        if event.status == .draft { throw StoreError.notFound(entity: "event", key: job.slug) }
        try ValidationError.check(RegistrationRules.validate(request))
        if let reason = RegistrationRules.closedReason(for: event, at: tx.at) { throw RegistrationError.closed(reason: reason) }
        // The sessions are checked before the address is looked up: in `verified` mode the answer
        // must depend on the request alone, never on whether the address is known.
        let sessions = try await batch.sessions(Set(request.sessionIDs), in: event.id)
        try ValidationError.check(RegistrationRules.validateChoices(request.sessionIDs, sessions: sessions))
        let verified = event.registration.mode == .verified
        let email = request.email.trimmingWhitespace
        if let found = try await tx.query("""
            SELECT \(unescaped: PGRegistrationRow.columns) FROM registration
            WHERE eventId = \(event.id.rawValue) AND lower(email) = lower(\(email)) AND status != 'cancelled'
            """).first {
            var existing = try PGRegistrationRow(found)
            if let expiresAt = existing.holdExpiresAt, RegistrationHolds.hasExpired(expiresAt, at: tx.at) {
                // An expired hold the job has not released yet: release it now; the address starts afresh.
                try await cancel(&existing, tx: tx, notify: false)
            } else {
                guard verified else { throw RegistrationError.alreadyRegistered }
                return try await answerKnownAddress(existing, event: event, batch: batch)
            }
        }

        let eventID = event.id.rawValue
        let free = RegistrationRules.hasFreeSeat(confirmed: try await tx.confirmedCount(eventID: eventID), capacity: event.capacity)
        let status = free ? Registration.Status.confirmed : .waitlisted
        let order: Int64? = free ? nil : try await tx.nextQueueOrder(eventID: eventID)
        let holdExpiresAt = verified ? RegistrationHolds.expiry(heldAt: tx.at, holdMinutes: event.registration.holdMinutes) : nil
        let name = request.name.trimmingWhitespace
        let organisation = request.organisation?.trimmingWhitespace
        guard let inserted = try await tx.query("""
            INSERT INTO registration (eventId, tokenHash, tokenNonce, name, email, organisation, country, language, status, queueOrder,
                                      consentAt, createdAt, updatedAt, holdExpiresAt)
            VALUES (\(eventID), \(job.tokenHash), \(job.nonce), \(name), \(email), \(organisation), \(request.country),
                    \(request.language.rawValue), \(status.rawValue), \(order), \(tx.at), \(tx.at), \(tx.at), \(holdExpiresAt))
            RETURNING \(unescaped: PGRegistrationRow.columns)
            """).first else { throw PGCorruptRow(table: "registration", id: nil) }
        let row = try PGRegistrationRow(inserted)
        let seating = batch.seating(for: event)
        for sessionID in request.sessionIDs {
            if free {
                try await seating.seat(registrationID: row.id, sessionID: sessionID.rawValue)
            } else {
                try await seating.pend(registrationID: row.id, sessionID: sessionID.rawValue)
            }
        }
        try await batch.mailer.enqueue(verified ? .confirmRequest : free ? .confirmation : .waitlisted, registrationID: row.id, tx: tx)
        return RegistrationReceipt(registration: try await tx.registration(row), token: job.token, timezone: event.timezone, checkEmail: verified)
    }

    /// A `verified` event and an address that is already registered: nothing changes, the address is
    /// told by e-mail (at most once an hour), and the caller gets the same "check your e-mail".
    private func answerKnownAddress(_ existing: PGRegistrationRow, event: Event, batch: PGRegistrationBatch) async throws -> RegistrationReceipt {
        let tx = batch.tx
        if RegistrationHolds.mayMailKnownAddress(lastSent: existing.knownAddressMailAt, at: tx.at) {
            try await tx.execute("UPDATE registration SET knownAddressMailAt = \(tx.at) WHERE id = \(existing.id)")
            try await batch.mailer.enqueue(.alreadyRegistered, registrationID: existing.id, tx: tx)
        }
        return RegistrationReceipt(registration: try await tx.registration(existing), token: "", timezone: event.timezone, checkEmail: true)
    }

    public func confirmRegistration(token: String) async throws -> Registration {
        let tokens = try requireTokens()
        let hash = tokens.lookupHash(token: token)
        let outcome: Result<Registration, RegistrationError> = try await write(actor: "attendee") { tx in
            var row = try await lockedRegistration(tx) { try await tx.registrationRow(tokenHash: hash) }
            let slug = try await tx.eventByID(row.eventID).slug
            guard let expiresAt = row.holdExpiresAt else { return .success(try await tx.registration(row)) }
            if row.status == .cancelled {
                // Released by the expiry job, or cancelled by the attendee before confirming.
                return .failure(RegistrationHolds.wasReleasedUnconfirmed(holdExpiresAt: expiresAt, cancelledAt: row.cancelledAt)
                    ? .holdExpired(eventSlug: slug) : .registrationCancelled(Registration.ID(row.id)))
            }
            if RegistrationHolds.hasExpired(expiresAt, at: tx.at) {
                // The job has not come round yet: release the place now, as it would have.
                try await cancel(&row, tx: tx, notify: false)
                return .failure(.holdExpired(eventSlug: slug))
            }
            row.holdExpiresAt = nil
            try await tx.execute("UPDATE registration SET holdExpiresAt = NULL, updatedAt = \(tx.at) WHERE id = \(row.id)")
            // Now that the address is known to be real, the usual e-mail with the seat or waitlist place.
            try await PGRegistrationMailer(now: tx.at)
                .enqueue(row.status == .confirmed ? .confirmation : .waitlisted, registrationID: row.id, tx: tx)
            return .success(try await tx.registration(row))
        }
        return try outcome.get()
    }

    /// Releases every unconfirmed hold that has expired, each in its own transaction, exactly as a
    /// cancellation does. Returns how many.
    public func expireHolds() async throws -> Int {
        _ = try requireTokens()
        let now = clock.now()
        let candidates = try await read { tx in
            try await tx.query("""
                SELECT id, holdExpiresAt FROM registration
                WHERE holdExpiresAt IS NOT NULL AND status != 'cancelled' AND holdExpiresAt <= \(now)
                ORDER BY holdExpiresAt, id LIMIT 500
                """).map { row in
                let (id, expiresAt) = try row.decode((Int64, Date).self)
                return RegistrationHolds.Hold(registrationID: Registration.ID(id), expiresAt: expiresAt)
            }
        }
        var released = 0
        for hold in RegistrationHolds.expired(candidates, at: now) {
            let done: Bool = try await write(actor: "system") { tx in
                // Read again under the lock: the attendee may have confirmed or cancelled meanwhile.
                let id = hold.registrationID.rawValue
                guard let first = try await tx.registrationRow(id: id) else { return false }
                try await tx.lockEventRow(first.eventID)
                guard var row = try await tx.registrationRow(id: id), row.status != .cancelled, let expiresAt = row.holdExpiresAt,
                      RegistrationHolds.hasExpired(expiresAt, at: tx.at)
                else { return false }
                try await cancel(&row, tx: tx, notify: false)
                return true
            }
            if done { released += 1 }
        }
        return released
    }

    public func registration(token: String) async throws -> (Registration, Event) {
        let hash = try requireTokens().lookupHash(token: token)
        return try await read { tx in
            let row = try await tx.registrationRow(tokenHash: hash)
            return (try await tx.registration(row), try await tx.eventByID(row.eventID))
        }
    }

    public func changeSessions(token: String, to sessionIDs: [Session.ID]) async throws -> Registration {
        let tokens = try requireTokens()
        let hash = tokens.lookupHash(token: token)
        return try await write(actor: "attendee") { tx in
            let row = try await lockedRegistration(tx) { try await tx.registrationRow(tokenHash: hash) }
            let event = try await tx.eventByID(row.eventID)
            guard row.status != .cancelled else { throw RegistrationError.registrationCancelled(Registration.ID(row.id)) }
            if event.status == .cancelled || tx.at >= event.endsAt {
                throw RegistrationError.closed(reason: event.status == .cancelled ? "This event has been cancelled." : "This event is over.")
            }
            var request = RegistrationRequest(name: row.name, email: row.email, sessionIDs: sessionIDs, consent: true)
            request.language = Language(rawValue: row.language) ?? .en
            try ValidationError.check(RegistrationRules.validate(request).filter { $0.field == "sessionIds" })
            let current = Set(try await tx.choiceRows(registrationID: row.id).map { Session.ID($0.sessionID) })
            let sessions = Dictionary(uniqueKeysWithValues: try await tx.sessions(eventID: event.id).map { ($0.id, $0) })
            // Sessions kept from before stay even if they were cancelled since; new ones must be open.
            let added = sessionIDs.filter { !current.contains($0) }
            try ValidationError.check(RegistrationRules.validateSignUp(added, sessions: sessions)
                + RegistrationRules.validateNoOverlap(sessionIDs, sessions: sessions))

            let seating = PGSeating(tx: tx, event: event, mailer: PGRegistrationMailer(now: tx.at))
            for removed in current.subtracting(sessionIDs).sorted() {
                try await seating.release(registrationID: row.id, sessionID: removed.rawValue)
            }
            for sessionID in added {
                if row.status == .confirmed {
                    try await seating.seat(registrationID: row.id, sessionID: sessionID.rawValue)
                } else {
                    try await seating.pend(registrationID: row.id, sessionID: sessionID.rawValue)
                }
            }
            try await tx.execute("UPDATE registration SET updatedAt = \(tx.at) WHERE id = \(row.id)")
            try await seating.finish()
            return try await tx.registration(row)
        }
    }

    public func cancelRegistration(token: String) async throws -> Registration {
        let tokens = try requireTokens()
        let hash = tokens.lookupHash(token: token)
        return try await write(actor: "attendee") { tx in
            var row = try await lockedRegistration(tx) { try await tx.registrationRow(tokenHash: hash) }
            return try await cancel(&row, tx: tx)
        }
    }

    /// Finds a registration, locks its event row, and reads the registration again under the lock
    /// (a concurrent cancel or promotion committed before the lock was granted is seen).
    func lockedRegistration(_ tx: PGTransaction, _ find: () async throws -> PGRegistrationRow) async throws -> PGRegistrationRow {
        let first = try await find()
        try await tx.lockEventRow(first.eventID)
        return try await find()
    }

    /// Cancels and hands the freed seats on; cancelling twice changes nothing. The caller holds the
    /// event row's lock and read `row` under it.
    @discardableResult
    func cancel(_ row: inout PGRegistrationRow, tx: PGTransaction, notify: Bool = true) async throws -> Registration {
        guard row.status != .cancelled else { return try await tx.registration(row) }
        let event = try await tx.eventByID(row.eventID)
        let mailer = PGRegistrationMailer(now: tx.at)
        let seating = PGSeating(tx: tx, event: event, mailer: mailer)
        let wasConfirmed = row.status == .confirmed
        row.status = .cancelled
        row.queueOrder = nil
        row.cancelledAt = tx.at
        try await tx.execute("""
            UPDATE registration SET status = 'cancelled', queueOrder = NULL, cancelledAt = \(tx.at), updatedAt = \(tx.at) WHERE id = \(row.id)
            """)
        try await tx.execute("DELETE FROM scheduleNotice WHERE registrationId = \(row.id)")
        if notify { try await mailer.enqueue(.cancelled, registrationID: row.id, tx: tx) }
        try await seating.releaseAll(registrationID: row.id)
        if wasConfirmed { try await seating.promoteEvent() }
        try await seating.finish()
        return try await tx.registration(row)
    }
}

/// What the registrations of one group-commit transaction share: the events and sessions they
/// name, and one `PGSeating` per event, whose counts are brought up to date once at the end. The
/// event rows are locked first, so the counts read hold until commit.
final class PGRegistrationBatch {
    let tx: PGTransaction
    let mailer: PGRegistrationMailer
    private var eventsBySlug: [String: Event] = [:]
    private var sessions: [Event.ID: [Session.ID: Session?]] = [:]
    private var seatings: [Event.ID: PGSeating] = [:]

    init(tx: PGTransaction, mailer: PGRegistrationMailer) {
        self.tx = tx
        self.mailer = mailer
    }

    /// Locks the rows of the events the batch names, in id order (so two batches never wait for
    /// each other in a circle), before any registration's savepoint: a lock taken inside a savepoint
    /// that rolls back would be released with it. Unknown slugs are left for `event(slug:)` to refuse.
    func lockEvents(slugs: Set<String>) async throws {
        for row in try await tx.run(PGBulkStatements.LockEvents(slugs: Array(slugs))) {
            let event = try PGTransaction.decodeEvent(row)
            eventsBySlug[event.slug] = event
        }
    }

    /// The slugs of the events whose rows this batch has locked.
    var lockedSlugs: Set<String> { Set(eventsBySlug.keys) }

    /// An event of the batch, as read under its lock.
    func event(slug: String) throws -> Event {
        guard let event = eventsBySlug[slug] else { throw StoreError.notFound(entity: "event", key: slug) }
        return event
    }

    func event(id: Event.ID) throws -> Event {
        guard let event = eventsBySlug.values.first(where: { $0.id == id }) else { throw StoreError.notFound(entity: "event", key: id.description) }
        return event
    }

    /// Keeps sessions read elsewhere in the batch (`PGRegistrationBulk`); ids named but not found
    /// are remembered as missing.
    func remember(_ found: [Session], named ids: Set<Session.ID>, in eventID: Event.ID) {
        var known = sessions[eventID] ?? [:]
        for id in ids where known[id] == nil { known[id] = .some(nil) }
        for session in found { known[session.id] = .some(session) }
        sessions[eventID] = known
    }

    /// The named sessions the batch has read already, by id.
    func knownSessions(_ ids: Set<Session.ID>, in eventID: Event.ID) -> [Session.ID: Session] {
        var found: [Session.ID: Session] = [:]
        for id in ids { if let session = sessions[eventID]?[id] ?? nil { found[id] = session } }
        return found
    }

    /// The named sessions of the event, by id (unknown ids and other events' sessions are left out).
    func sessions(_ ids: Set<Session.ID>, in eventID: Event.ID) async throws -> [Session.ID: Session] {
        var known = sessions[eventID] ?? [:]
        let missing = ids.filter { known[$0] == nil }
        if !missing.isEmpty {
            let loaded = Dictionary(try await tx.sessions(ids: missing, in: eventID).map { ($0.id, $0) }) { first, _ in first }
            for id in missing { known[id] = .some(loaded[id]) }
            sessions[eventID] = known
        }
        return knownSessions(ids, in: eventID)
    }

    func seating(for event: Event) -> PGSeating {
        if let seating = seatings[event.id] { return seating }
        let seating = PGSeating(tx: tx, event: event, mailer: mailer)
        seatings[event.id] = seating
        return seating
    }

    /// Stores the new counts and appends one `seats.changed` per event whose counts moved.
    func finish() async throws {
        for eventID in seatings.keys.sorted(by: { $0.rawValue < $1.rawValue }) { try await seatings[eventID]!.finish() }
    }
}

/// The late arrivals a batch has taken in (`LateArrivals`): kept outside the transaction, so that
/// a retried transaction, and the one-by-one path after a failed bulk write, answer them too.
final class LateJobs: Sendable {
    private let taken = Mutex<[RegistrationJob]>([])
    var jobs: [RegistrationJob] { taken.withLock { $0 } }
    func add(_ more: [RegistrationJob]) { taken.withLock { $0 += more } }
}
