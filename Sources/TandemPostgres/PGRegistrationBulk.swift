import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// The group commit's fast path on PostgreSQL: a batch of new registrations in a fixed number of
/// statements, whatever its size. Every round trip to PostgreSQL costs about as much as a whole
/// registration on SQLite, so the per-registration path (a savepoint and ten statements each)
/// manages a tenth of SQLite's rate. This one reads each event's counts once, under the event
/// row's lock, takes every decision in memory with the same Core rules (`RegistrationRules`) in
/// arrival order, and writes the batch in one statement:
///
/// 1. the events' rows, locked (`PGRegistrationBatch.lockEvents`);
/// 2. per event, its counts, the last place in line, how many of the batch's addresses it knows
///    already, and the sessions the batch names with their counts;
/// 3. one statement that inserts the registrations, their session choices and their e-mails,
///    stores each event's new counts, appends its `seats.changed` change (its `seq` is known: the
///    event's version, read under the lock, plus one) and rings the change bus.
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
        let ids = try await write(decisions, ledgers: ledgers)
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

    /// One statement for the whole batch (`PGBulkStatements.Write`): the registrations, their
    /// session choices and their e-mails (queued as `PGRegistrationMailer` queues one; the text is
    /// written later); each event's new counts and those of the sessions the batch moved, its next
    /// version and the `seats.changed` change with that version as its `seq` (the event row is
    /// locked: its version, read with the lock, plus one); and the change bus's doorbell. The
    /// changes reach the sink after commit, as every change does. Returns each registration's id by
    /// its token hash.
    private func write(_ decisions: [Decision], ledgers: [Event.ID: Ledger]) async throws -> [String: Int64] {
        guard !decisions.isEmpty else { return [:] }
        // `ord` keeps the batch's order: ids, and so arrival order, follow it.
        struct RegistrationRow: Encodable {
            var ord: Int, eventId: Int64, tokenHash: String, tokenNonce: String, name: String, email: String
            var organisation: String?, country: String?, language: String, status: String, queueOrder: Int64?, holdExpiresAt: Date?
            var mail: String
        }
        struct ChoiceRow: Encodable { var tokenHash: String, sessionId: Int64, status: String, queueOrder: Int64? }
        struct EventRow: Encodable { var id: Int64, version: Int64, confirmed: Int, waitlisted: Int, type: String, payload: String }
        struct SessionRow: Encodable { var id: Int64, confirmed: Int, waitlisted: Int }
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
        var eventRows: [EventRow] = []
        var sessionRows: [SessionRow] = []
        var changes: [Change] = []
        for eventID in Set(decisions.map(\.event.id)).sorted(by: { $0.rawValue < $1.rawValue }) {
            let event = try batch.event(id: eventID)
            let ledger = ledgers[eventID]!
            let sessions = ledger.touched.sorted().map { id in
                let seats = ledger.sessions[id]!
                return SeatsChanged.SessionSeats(sessionID: Session.ID(id),
                                                 seats: SeatCount(capacity: seats.capacity, confirmed: seats.confirmed, waitlisted: seats.waitlisted))
            }
            let data = ChangeData.seatsChanged(SeatsChanged(
                event: SeatCount(capacity: event.capacity, confirmed: ledger.confirmed, waitlisted: ledger.waitlisted), sessions: sessions))
            eventRows.append(EventRow(id: eventID.rawValue, version: event.scheduleVersion, confirmed: ledger.confirmed, waitlisted: ledger.waitlisted,
                                      type: data.type, payload: String(decoding: try data.encodedPayload(using: ChangePayloadCoding.encoder), as: UTF8.self)))
            sessionRows += sessions.map { SessionRow(id: $0.sessionID.rawValue, confirmed: $0.seats.confirmed, waitlisted: $0.seats.waitlisted) }
            changes.append(Change(eventID: eventID, seq: event.scheduleVersion + 1, data: data, actor: tx.actor, at: tx.at, timezone: event.timezone))
        }
        let doorbell = ChangeBus.payload(for: changes) ?? ChangeBus.everyEvent
        var ids: [String: Int64] = [:]
        var written: [Int64: Int64] = [:]
        for row in try await tx.run(PGBulkStatements.Write(
            registrations: try Self.json(registrations), choices: try Self.json(choices), at: tx.at, events: try Self.json(eventRows),
            sessions: try Self.json(sessionRows), actor: tx.actor, channel: ChangeBus.channel, doorbell: doorbell)) {
            let (kind, id, text) = try row.decode((String, Int64, String).self)
            switch kind {
            case "registration": ids[text] = id
            case "change": written[id] = Int64(text)
            default: break
            }
        }
        // The versions were read under the locks, so they cannot have moved; if one had, its update
        // and change were not written, and this batch must not commit.
        guard ids.count == decisions.count, changes.allSatisfy({ written[$0.eventID!.rawValue] == $0.seq }) else {
            throw PGCorruptRow(table: ids.count == decisions.count ? "event" : "registration", id: nil)
        }
        for change in changes { tx.recorded(change) }
        tx.busRung = true
        return ids
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
