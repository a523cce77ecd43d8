import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// The group commit's fast path on PostgreSQL: a batch of new registrations in a fixed number of
/// statements, whatever its size. Every round trip to PostgreSQL costs about as much as a whole
/// registration on SQLite, so the per-registration path (a savepoint and ten statements each)
/// manages a tenth of SQLite's rate. This one reads each event's counts once, under the event
/// row's lock, takes every decision in memory with the same Core rules (`RegistrationRules`) in
/// arrival order, and writes the batch in two statements per event plus one for all rows:
///
/// 1. the events' rows, locked (`PGRegistrationBatch.lockEvents`);
/// 2. per event, its counts, the last place in line, how many of the batch's addresses it knows
///    already, and the sessions the batch names with their counts;
/// 3. one statement that inserts the registrations, their session choices and their e-mails;
/// 4. per event, one statement that stores the new counts and appends the `seats.changed` change
///    (its `seq` is known: the event's version, read under the lock, plus one).
///
/// The statements are prepared once per connection (`PGBulkStatements`): planning them cost
/// PostgreSQL more than running them.
///
/// It serves batches of new addresses only: an address already registered for its event (or twice
/// in one batch) sends the batch down the per-registration path, which knows the rarer cases (an
/// expired hold to release, the "already registered" e-mail).
struct PGRegistrationBulk {
    let tx: PGTransaction
    let batch: PGRegistrationBatch

    /// One event's seats as the batch goes: read once, then kept up to date in memory. Valid because
    /// the event row stays locked until commit, and every write to its seats takes that lock first.
    private struct Ledger {
        var confirmed: Int
        var waitlisted: Int
        var lastQueueOrder: Int64
        var sessions: [Int64: SessionLedger]
        /// Sessions whose counts this batch moved.
        var touched: Set<Int64> = []
    }

    private struct SessionLedger {
        var capacity: Int?
        var confirmed: Int
        var waitlisted: Int
        var lastQueueOrder: Int64
    }

    /// A registration decided in memory, to be written.
    private struct Decision {
        var job: RegistrationJob
        var event: Event
        var status: Registration.Status
        var queueOrder: Int64?
        var waitlistPosition: Int?
        var holdExpiresAt: Date?
        var choices: [(sessionID: Int64, status: SessionChoice.Status, queueOrder: Int64?, position: Int?)] = []
        var mail: RegistrationMailKind
    }

    /// Decides and writes the batch, one result per job, in order; `nil` when the batch is not for
    /// this path (an address already known), with nothing written.
    func register(_ jobs: [RegistrationJob]) async throws -> [Result<RegistrationReceipt, any Error>]? {
        guard var ledgers = try await readLedgers(jobs) else { return nil }
        var outcomes: [Result<Decision, any Error>] = []
        for job in jobs {
            do {
                outcomes.append(.success(try decide(job, ledgers: &ledgers)))
            } catch {
                outcomes.append(.failure(error))
            }
        }
        let decisions = outcomes.compactMap { try? $0.get() }
        let ids = try await write(decisions)
        let events = try Set(decisions.map(\.event.id)).sorted(by: { $0.rawValue < $1.rawValue }).map { try batch.event(id: $0) }
        // The change bus's doorbell rides on the last statement: each event's next `seq` is known.
        let doorbell = events.map { "\($0.id.rawValue):\($0.scheduleVersion + 1)" }.joined(separator: ",")
        for (index, event) in events.enumerated() {
            try await finish(event, ledgers[event.id]!, ringing: index == events.count - 1 ? doorbell : nil)
        }
        return outcomes.map { outcome in
            outcome.map { decision in
                let request = decision.job.request
                let registration = Registration(
                    id: Registration.ID(ids[decision.job.tokenHash] ?? 0), eventID: decision.event.id, name: request.name.trimmingWhitespace,
                    email: request.email.trimmingWhitespace, organisation: request.organisation?.trimmingWhitespace, country: request.country,
                    language: request.language, status: decision.status, waitlistPosition: decision.waitlistPosition,
                    choices: decision.choices.map { SessionChoice(sessionID: Session.ID($0.sessionID), status: $0.status, waitlistPosition: $0.position) },
                    consentAt: tx.at, createdAt: tx.at, holdExpiresAt: decision.holdExpiresAt)
                return RegistrationReceipt(registration: registration, token: decision.job.token, timezone: decision.event.timezone,
                                           checkEmail: decision.event.registration.mode == .verified)
            }
        }
    }

    /// Each event's counts and its named sessions with theirs; `nil` when an address of the batch is
    /// already registered for its event, or named twice.
    private func readLedgers(_ jobs: [RegistrationJob]) async throws -> [Event.ID: Ledger]? {
        var emails: [Event.ID: [String]] = [:]
        var sessionIDs: [Event.ID: Set<Int64>] = [:]
        for job in jobs {
            // Unknown events are refused in `decide`, with the same answer on either path.
            guard let event = try? batch.event(slug: job.slug) else { continue }
            let email = job.request.email.trimmingWhitespace.lowercased()
            if emails[event.id]?.contains(email) == true { return nil }
            emails[event.id, default: []].append(email)
            sessionIDs[event.id, default: []].formUnion(job.request.sessionIDs.map(\.rawValue))
        }
        var ledgers: [Event.ID: Ledger] = [:]
        for (eventID, addresses) in emails.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            // One statement: a row per named session (its columns, then its counts), each ending
            // with the event's counts, its last place in line and how many of the addresses it knows.
            let ids = Array(sessionIDs[eventID] ?? [])
            let rows = try await tx.run(PGBulkStatements.Ledger(eventID: eventID.rawValue, emails: addresses, sessionIDs: ids))
            guard let first = rows.first?.makeRandomAccess() else { throw PGCorruptRow(table: "registration", id: nil) }
            let count = first.count
            guard try first[count - 1].decode(Int.self) == 0 else { return nil }
            var ledger = Ledger(confirmed: try first[count - 4].decode(Int.self), waitlisted: try first[count - 3].decode(Int.self),
                                lastQueueOrder: try first[count - 2].decode(Int64.self), sessions: [:])
            var sessions: [Session] = []
            for row in rows {
                let columns = row.makeRandomAccess()
                // No session named or found: the session's columns are NULL.
                guard try columns[0].decode(Int64?.self) != nil else { continue }
                let session = try PGTransaction.decodeSession(row)
                ledger.sessions[session.id.rawValue] = SessionLedger(
                    capacity: session.capacity, confirmed: try columns[count - 7].decode(Int.self),
                    waitlisted: try columns[count - 6].decode(Int.self), lastQueueOrder: try columns[count - 5].decode(Int64.self))
                sessions.append(session)
            }
            batch.remember(sessions, named: Set(ids.map { Session.ID($0) }), in: eventID)
            ledgers[eventID] = ledger
        }
        return ledgers
    }

    /// The same checks and decisions as the per-registration path, on the ledgers instead of the rows.
    private func decide(_ job: RegistrationJob, ledgers: inout [Event.ID: Ledger]) throws -> Decision {
        let request = job.request
        let event = try batch.event(slug: job.slug)
        if event.status == .draft { throw StoreError.notFound(entity: "event", key: job.slug) }
        try ValidationError.check(RegistrationRules.validate(request))
        if let reason = RegistrationRules.closedReason(for: event, at: tx.at) { throw RegistrationError.closed(reason: reason) }
        let sessions = batch.knownSessions(Set(request.sessionIDs), in: event.id)
        try ValidationError.check(RegistrationRules.validateChoices(request.sessionIDs, sessions: sessions))
        guard var ledger = ledgers[event.id] else { throw StoreError.notFound(entity: "event", key: job.slug) }

        let verified = event.registration.mode == .verified
        let free = RegistrationRules.hasFreeSeat(confirmed: ledger.confirmed, capacity: event.capacity)
        var decision = Decision(job: job, event: event, status: free ? .confirmed : .waitlisted,
                                holdExpiresAt: verified ? RegistrationHolds.expiry(heldAt: tx.at, holdMinutes: event.registration.holdMinutes) : nil,
                                mail: verified ? .confirmRequest : free ? .confirmation : .waitlisted)
        if free {
            ledger.confirmed += 1
        } else {
            ledger.lastQueueOrder += 1
            ledger.waitlisted += 1
            decision.queueOrder = ledger.lastQueueOrder
            // Every earlier place in line has a lower queue order: this one is last.
            decision.waitlistPosition = ledger.waitlisted
        }
        for sessionID in Set(request.sessionIDs.map(\.rawValue)).sorted() {
            guard free, var seats = ledger.sessions[sessionID] else {
                // Waits until the attendee has a seat at the event itself.
                decision.choices.append((sessionID, .pending, nil, nil))
                continue
            }
            if RegistrationRules.hasFreeSeat(confirmed: seats.confirmed, capacity: seats.capacity) {
                seats.confirmed += 1
                decision.choices.append((sessionID, .confirmed, nil, nil))
            } else {
                seats.lastQueueOrder += 1
                seats.waitlisted += 1
                decision.choices.append((sessionID, .waitlisted, seats.lastQueueOrder, seats.waitlisted))
            }
            ledger.sessions[sessionID] = seats
            ledger.touched.insert(sessionID)
        }
        ledgers[event.id] = ledger
        return decision
    }

    /// One statement for the whole batch: the registrations, their session choices and their
    /// e-mails (queued as `PGRegistrationMailer` queues one; the text is written later). Returns
    /// each registration's id by its token hash.
    private func write(_ decisions: [Decision]) async throws -> [String: Int64] {
        guard !decisions.isEmpty else { return [:] }
        // `ord` keeps the batch's order: ids, and so arrival order, follow it.
        struct RegistrationRow: Encodable {
            var ord: Int, eventId: Int64, tokenHash: String, tokenNonce: String, name: String, email: String
            var organisation: String?, country: String?, language: String, status: String, queueOrder: Int64?, holdExpiresAt: Date?
            var mail: String
        }
        struct ChoiceRow: Encodable { var tokenHash: String, sessionId: Int64, status: String, queueOrder: Int64? }
        let registrations = decisions.enumerated().map { ord, decision in
            let request = decision.job.request
            return RegistrationRow(ord: ord, eventId: decision.event.id.rawValue, tokenHash: decision.job.tokenHash, tokenNonce: decision.job.nonce,
                                   name: request.name.trimmingWhitespace, email: request.email.trimmingWhitespace,
                                   organisation: request.organisation?.trimmingWhitespace, country: request.country,
                                   language: request.language.rawValue, status: decision.status.rawValue, queueOrder: decision.queueOrder,
                                   holdExpiresAt: decision.holdExpiresAt, mail: decision.mail.rawValue)
        }
        let choices = decisions.flatMap { decision in
            decision.choices.map { ChoiceRow(tokenHash: decision.job.tokenHash, sessionId: $0.sessionID, status: $0.status.rawValue, queueOrder: $0.queueOrder) }
        }
        var ids: [String: Int64] = [:]
        for row in try await tx.run(PGBulkStatements.Write(registrations: try Self.json(registrations), choices: try Self.json(choices), at: tx.at)) {
            let (id, hash) = try row.decode((Int64, String).self)
            ids[hash] = id
        }
        guard ids.count == decisions.count else { throw PGCorruptRow(table: "registration", id: nil) }
        return ids
    }

    /// One statement per event: the new counts of the event and of the sessions the batch moved, and
    /// the `seats.changed` change with the next `seq` (the event row is locked: its version, read
    /// with the lock, plus one). The change reaches the sink after commit, as every change does.
    /// With `ringing`, the statement also rings the change bus for the whole transaction.
    private func finish(_ event: Event, _ ledger: Ledger, ringing doorbell: String?) async throws {
        let seq = event.scheduleVersion + 1
        let sessions = ledger.touched.sorted().map { id in
            let seats = ledger.sessions[id]!
            return SeatsChanged.SessionSeats(sessionID: Session.ID(id), seats: SeatCount(capacity: seats.capacity, confirmed: seats.confirmed,
                                                                                          waitlisted: seats.waitlisted))
        }
        let data = ChangeData.seatsChanged(SeatsChanged(
            event: SeatCount(capacity: event.capacity, confirmed: ledger.confirmed, waitlisted: ledger.waitlisted), sessions: sessions))
        let payload = String(decoding: try data.encodedPayload(using: ChangePayloadCoding.encoder), as: UTF8.self)
        struct SessionRow: Encodable { var id: Int64, confirmed: Int, waitlisted: Int }
        let sessionRows = sessions.map { SessionRow(id: $0.sessionID.rawValue, confirmed: $0.seats.confirmed, waitlisted: $0.seats.waitlisted) }
        let rows = try await tx.run(PGBulkStatements.Finish(
            eventID: event.id.rawValue, confirmed: Int64(ledger.confirmed), waitlisted: Int64(ledger.waitlisted), version: event.scheduleVersion,
            at: tx.at, sessions: try Self.json(sessionRows), type: data.type, payload: payload, actor: tx.actor, channel: ChangeBus.channel,
            doorbell: doorbell ?? "", ring: doorbell != nil))
        // The version was read under the lock, so it cannot have moved; if it had, nothing was written.
        guard let (written, _) = try rows.first?.decode((Int64, Int64).self), written == seq else {
            throw PGCorruptRow(table: "event", id: event.id.rawValue)
        }
        tx.recorded(Change(eventID: event.id, seq: seq, data: data, actor: tx.actor, at: tx.at, timezone: event.timezone))
        if doorbell != nil { tx.busRung = true }
    }

    /// Rows as a JSON array for `jsonb_to_recordset` (one parameter, with real NULLs): keys in lower
    /// case, as PostgreSQL folds the unquoted column names of the record; times as seconds since
    /// 1970, for `to_timestamp`.
    private static func json(_ rows: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in LowercasedKey(stringValue: path.last!.stringValue) }
        encoder.dateEncodingStrategy = .secondsSince1970
        return String(decoding: try encoder.encode(rows), as: UTF8.self)
    }
}

/// A JSON key in lower case (see `PGRegistrationBulk.json`).
private struct LowercasedKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue.lowercased() }
    init?(intValue: Int) { nil }
}
