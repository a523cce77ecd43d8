import Foundation
import TandemCore
import TandemStore

/// Gives and takes seats inside one write transaction: event seats, workshop seats, FIFO
/// waitlists and promotions; the same decisions (`RegistrationRules`) as the SQLite store's
/// `Seating`. Every caller holds the event row's lock (`lockEventRow`) before it is created, so
/// counts read here cannot change under it. Appends one `seats.changed` change when counts moved.
/// Lives only inside a single `write` closure.
final class PGSeating {
    let tx: PGTransaction
    let mailer: PGRegistrationMailer?
    private let event: Event
    private var touchedSessions: Set<Int64> = []

    init(tx: PGTransaction, event: Event, mailer: PGRegistrationMailer?) {
        self.tx = tx
        self.event = event
        self.mailer = mailer
    }

    private func sessionCapacity(_ sessionID: Int64) async throws -> Int? {
        (try await tx.value(Int?.self, "SELECT capacity FROM session WHERE id = \(sessionID)")).flatMap { $0 }
    }

    /// Takes a seat in a workshop session for a confirmed registration, or queues for one.
    func seat(registrationID: Int64, sessionID: Int64) async throws {
        let free = RegistrationRules.hasFreeSeat(confirmed: try await tx.confirmedCount(sessionID: sessionID),
                                                 capacity: try await sessionCapacity(sessionID))
        let status = free ? SessionChoice.Status.confirmed : .waitlisted
        let order: Int64? = free ? nil : try await tx.nextQueueOrder(sessionID: sessionID)
        try await tx.execute("""
            INSERT INTO registrationSession (registrationId, sessionId, status, queueOrder, createdAt)
            VALUES (\(registrationID), \(sessionID), \(status.rawValue), \(order), \(tx.at))
            ON CONFLICT (registrationId, sessionId) DO UPDATE SET status = excluded.status, queueOrder = excluded.queueOrder
            """)
        touch(sessionID)
    }

    /// Records a choice that waits until the attendee has a seat at the event itself.
    func pend(registrationID: Int64, sessionID: Int64) async throws {
        try await tx.execute("""
            INSERT INTO registrationSession (registrationId, sessionId, status, queueOrder, createdAt)
            VALUES (\(registrationID), \(sessionID), 'pending', NULL, \(tx.at))
            ON CONFLICT (registrationId, sessionId) DO UPDATE SET status = excluded.status, queueOrder = excluded.queueOrder
            """)
    }

    /// Drops a choice; a seat it held goes to the next in line.
    func release(registrationID: Int64, sessionID: Int64) async throws {
        guard let status = try await tx.value(String.self, """
            DELETE FROM registrationSession WHERE registrationId = \(registrationID) AND sessionId = \(sessionID) RETURNING status
            """) else { return }
        touch(sessionID)
        if status == SessionChoice.Status.confirmed.rawValue { try await promoteSession(sessionID) }
    }

    /// Drops every choice of a registration (it was cancelled).
    func releaseAll(registrationID: Int64) async throws {
        for choice in try await tx.choiceRows(registrationID: registrationID) {
            try await release(registrationID: registrationID, sessionID: choice.sessionID)
        }
    }

    /// Confirms a registration and seats its pending choices.
    func confirm(_ row: inout PGRegistrationRow) async throws {
        row.status = .confirmed
        row.queueOrder = nil
        try await tx.execute("""
            UPDATE registration SET status = 'confirmed', queueOrder = NULL, updatedAt = \(tx.at) WHERE id = \(row.id)
            """)
        for choice in try await tx.choiceRows(registrationID: row.id) where choice.status == .pending {
            try await seat(registrationID: row.id, sessionID: choice.sessionID)
        }
    }

    /// Fills free event seats from the head of the waitlist, as `RegistrationRules.promotions` decides.
    func promoteEvent() async throws {
        let eventID = event.id.rawValue
        let confirmed = try await tx.confirmedCount(eventID: eventID)
        let capacity = try await currentCapacity()
        guard RegistrationRules.hasFreeSeat(confirmed: confirmed, capacity: capacity) else { return }
        let waitlist = try await tx.query("""
            SELECT id, queueOrder, holdExpiresAt FROM registration WHERE eventId = \(eventID) AND status = 'waitlisted'
            """).map { row in
            let (id, order, expires) = try row.decode((Int64, Int64?, Date?).self)
            return WaitlistEntry(id: id, queueOrder: order ?? 0, holdExpiresAt: expires)
        }
        for id in RegistrationRules.promotions(confirmed: confirmed, capacity: capacity, waitlist: waitlist, at: tx.at) {
            guard var next = try await tx.registrationRow(id: id) else { continue }
            try await confirm(&next)
            // An unconfirmed hold moves up without an e-mail: its address is not known to be real,
            // and confirming tells it where it stands.
            if next.holdExpiresAt == nil { try await mailer?.enqueue(.promoted, registrationID: id, tx: tx) }
        }
    }

    /// Fills free seats of a workshop session from its waitlist, as `RegistrationRules.promotions` decides.
    func promoteSession(_ sessionID: Int64) async throws {
        let capacity = try await sessionCapacity(sessionID)
        let confirmed = try await tx.confirmedCount(sessionID: sessionID)
        guard RegistrationRules.hasFreeSeat(confirmed: confirmed, capacity: capacity) else { return }
        let waitlist = try await tx.query("""
            SELECT registrationId, queueOrder FROM registrationSession WHERE sessionId = \(sessionID) AND status = 'waitlisted'
            """).map { row in
            let (id, order) = try row.decode((Int64, Int64?).self)
            return WaitlistEntry(id: id, queueOrder: order ?? 0)
        }
        for registrationID in RegistrationRules.promotions(confirmed: confirmed, capacity: capacity, waitlist: waitlist, at: tx.at) {
            try await tx.execute("""
                UPDATE registrationSession SET status = 'confirmed', queueOrder = NULL
                WHERE registrationId = \(registrationID) AND sessionId = \(sessionID)
                """)
            touch(sessionID)
            let pending = try await tx.value(Bool.self, "SELECT holdExpiresAt IS NOT NULL FROM registration WHERE id = \(registrationID)") ?? false
            if !pending { try await mailer?.enqueue(.sessionPromoted, registrationID: registrationID, tx: tx) }
        }
    }

    func touch(_ sessionID: Int64) { touchedSessions.insert(sessionID) }

    /// Stores the new counts and appends one `seats.changed` change if any count moved. Each count
    /// is read in one statement with the capacity beside it (every statement is a round trip).
    func finish() async throws {
        let eventID = event.id.rawValue
        guard let counts = try await tx.query("""
            SELECT count(*) FILTER (WHERE status = 'confirmed')::int8, count(*) FILTER (WHERE status = 'waitlisted')::int8,
                   (SELECT capacity FROM event WHERE id = \(eventID))
            FROM registration WHERE eventId = \(eventID)
            """).first else { return }
        let (confirmed, waitlisted, capacity) = try counts.decode((Int, Int, Int?).self)
        let eventChanged = try await !tx.query("""
            UPDATE event SET seatsConfirmed = \(confirmed), seatsWaitlisted = \(waitlisted)
            WHERE id = \(eventID) AND (seatsConfirmed != \(confirmed) OR seatsWaitlisted != \(waitlisted)) RETURNING 1
            """).isEmpty
        var sessions: [SeatsChanged.SessionSeats] = []
        for sessionID in touchedSessions.sorted() {
            guard let row = try await tx.query("""
                SELECT count(*) FILTER (WHERE status = 'confirmed')::int8, count(*) FILTER (WHERE status = 'waitlisted')::int8,
                       (SELECT capacity FROM session WHERE id = \(sessionID))
                FROM registrationSession WHERE sessionId = \(sessionID)
                """).first else { continue }
            let (sessionConfirmed, sessionWaitlisted, sessionCapacity) = try row.decode((Int, Int, Int?).self)
            let seats = SeatCount(capacity: sessionCapacity, confirmed: sessionConfirmed, waitlisted: sessionWaitlisted)
            let moved = try await !tx.query("""
                UPDATE session SET seatsConfirmed = \(seats.confirmed), seatsWaitlisted = \(seats.waitlisted)
                WHERE id = \(sessionID) AND (seatsConfirmed != \(seats.confirmed) OR seatsWaitlisted != \(seats.waitlisted)) RETURNING 1
                """).isEmpty
            if moved { sessions.append(SeatsChanged.SessionSeats(sessionID: Session.ID(sessionID), seats: seats)) }
        }
        guard eventChanged || !sessions.isEmpty else { return }
        let eventSeats = SeatCount(capacity: capacity, confirmed: confirmed, waitlisted: waitlisted)
        try await tx.append(event: event.id) { _ in .seatsChanged(SeatsChanged(event: eventSeats, sessions: sessions)) }
    }

    private func currentCapacity() async throws -> Int? {
        (try await tx.value(Int?.self, "SELECT capacity FROM event WHERE id = \(event.id.rawValue)")).flatMap { $0 }
    }
}
