import Foundation
import GRDB
import TandemCore
import TandemStore

/// Gives and takes seats inside one write transaction: event seats, workshop seats, FIFO
/// waitlists and promotions. Collects the e-mails to send and appends one `seats.changed`
/// change when counts moved. Lives only inside a single `write` closure.
final class Seating {
    let db: Database
    let log: ChangeLog
    let mailer: RegistrationMailer?
    private let event: Event
    private var touchedSessions: Set<Int64> = []

    init(db: Database, log: ChangeLog, event: Event, mailer: RegistrationMailer?) {
        self.db = db
        self.log = log
        self.event = event
        self.mailer = mailer
    }

    /// Takes a seat in a workshop session for a confirmed registration, or queues for one.
    func seat(registrationID: Int64, sessionID: Int64) throws {
        let capacity = try db.cachedValue(Int.self, "SELECT capacity FROM session WHERE id = ?", [sessionID])
        let free = RegistrationRules.hasFreeSeat(confirmed: try db.confirmedCount(sessionID: sessionID), capacity: capacity)
        try RegistrationSessionRecord(
            registrationId: registrationID, sessionId: sessionID,
            status: free ? SessionChoice.Status.confirmed.rawValue : SessionChoice.Status.waitlisted.rawValue,
            queueOrder: free ? nil : try db.nextQueueOrder(sessionID: sessionID), createdAt: log.at
        ).upsertFast(db)
        touch(sessionID)
    }

    /// Records a choice that waits until the attendee has a seat at the event itself.
    func pend(registrationID: Int64, sessionID: Int64) throws {
        try RegistrationSessionRecord(registrationId: registrationID, sessionId: sessionID, status: SessionChoice.Status.pending.rawValue,
                                      queueOrder: nil, createdAt: log.at).upsertFast(db)
    }

    /// Drops a choice; a seat it held goes to the next in line.
    func release(registrationID: Int64, sessionID: Int64) throws {
        guard let choice = try RegistrationSessionRecord.fetchOne(db, key: ["registrationId": registrationID, "sessionId": sessionID]) else { return }
        try choice.delete(db)
        touch(sessionID)
        if choice.status == SessionChoice.Status.confirmed.rawValue { try promoteSession(sessionID) }
    }

    /// Drops every choice of a registration (it was cancelled).
    func releaseAll(registrationID: Int64) throws {
        for choice in try db.choiceRecords(registrationID: registrationID) {
            try release(registrationID: registrationID, sessionID: choice.sessionId)
        }
    }

    /// Confirms a registration and seats its pending choices.
    func confirm(_ record: inout RegistrationRecord) throws {
        record.status = Registration.Status.confirmed.rawValue
        record.queueOrder = nil
        record.updatedAt = log.at
        try record.update(db)
        for choice in try db.choiceRecords(registrationID: record.id!) where choice.status == SessionChoice.Status.pending.rawValue {
            try seat(registrationID: record.id!, sessionID: choice.sessionId)
        }
    }

    /// Fills free event seats from the head of the waitlist, as `RegistrationRules.promotions` decides.
    func promoteEvent() throws {
        let confirmed = try db.confirmedCount(eventID: event.id.rawValue)
        let capacity = try currentCapacity()
        guard RegistrationRules.hasFreeSeat(confirmed: confirmed, capacity: capacity) else { return }
        let waitlist = try Row.fetchAll(db, sql: """
            SELECT id, queueOrder, holdExpiresAt FROM registration WHERE eventId = ? AND status = 'waitlisted'
            """, arguments: [event.id.rawValue]).map { WaitlistEntry(id: $0["id"], queueOrder: $0["queueOrder"] ?? 0, holdExpiresAt: $0["holdExpiresAt"]) }
        for id in RegistrationRules.promotions(confirmed: confirmed, capacity: capacity, waitlist: waitlist, at: log.at) {
            guard var next = try RegistrationRecord.fetchOne(db, key: id) else { continue }
            try confirm(&next)
            // An unconfirmed hold moves up without an e-mail: its address is not known to be real,
            // and confirming tells it where it stands.
            if next.holdExpiresAt == nil { try mailer?.enqueue(.promoted, registrationID: id, db: db) }
        }
    }

    /// Fills free seats of a workshop session from its waitlist, as `RegistrationRules.promotions` decides.
    func promoteSession(_ sessionID: Int64) throws {
        let capacity = try Int.fetchOne(db, sql: "SELECT capacity FROM session WHERE id = ?", arguments: [sessionID])
        let confirmed = try db.confirmedCount(sessionID: sessionID)
        guard RegistrationRules.hasFreeSeat(confirmed: confirmed, capacity: capacity) else { return }
        let waitlist = try Row.fetchAll(db, sql: """
            SELECT registrationId, queueOrder FROM registrationSession WHERE sessionId = ? AND status = 'waitlisted'
            """, arguments: [sessionID]).map { WaitlistEntry(id: $0["registrationId"], queueOrder: $0["queueOrder"] ?? 0) }
        for registrationID in RegistrationRules.promotions(confirmed: confirmed, capacity: capacity, waitlist: waitlist, at: log.at) {
            try db.execute(sql: """
                UPDATE registrationSession SET status = 'confirmed', queueOrder = NULL WHERE registrationId = ? AND sessionId = ?
                """, arguments: [registrationID, sessionID])
            touch(sessionID)
            let pending = try db.cachedValue(Bool.self, "SELECT holdExpiresAt IS NOT NULL FROM registration WHERE id = ?", [registrationID]) ?? false
            if !pending { try mailer?.enqueue(.sessionPromoted, registrationID: registrationID, db: db) }
        }
    }

    func touch(_ sessionID: Int64) { touchedSessions.insert(sessionID) }

    /// Stores the new counts and appends one `seats.changed` change if any count moved.
    func finish() throws {
        let eventID = event.id.rawValue
        // Two index range counts, not a scan of every registration.
        let confirmed = try db.confirmedCount(eventID: eventID)
        let waitlisted = try db.cachedValue(Int.self, "SELECT COUNT(*) FROM registration WHERE eventId = ? AND status = 'waitlisted'",
                                            [eventID]) ?? 0
        let capacity = try currentCapacity()
        try db.cachedExecute(
            "UPDATE event SET seatsConfirmed = ?, seatsWaitlisted = ? WHERE id = ? AND (seatsConfirmed != ? OR seatsWaitlisted != ?)",
            [confirmed, waitlisted, eventID, confirmed, waitlisted])
        let eventChanged = db.changesCount > 0
        var sessions: [SeatsChanged.SessionSeats] = []
        for sessionID in touchedSessions.sorted() {
            let sessionCapacity = try db.cachedValue(Int.self, "SELECT capacity FROM session WHERE id = ?", [sessionID])
            let waiting = try db.cachedValue(Int.self, "SELECT COUNT(*) FROM registrationSession WHERE sessionId = ? AND status = 'waitlisted'",
                                             [sessionID]) ?? 0
            let seats = SeatCount(capacity: sessionCapacity, confirmed: try db.confirmedCount(sessionID: sessionID), waitlisted: waiting)
            try db.cachedExecute("""
                UPDATE session SET seatsConfirmed = ?, seatsWaitlisted = ?
                WHERE id = ? AND (seatsConfirmed != ? OR seatsWaitlisted != ?)
                """, [seats.confirmed, seats.waitlisted, sessionID, seats.confirmed, seats.waitlisted])
            if db.changesCount > 0 { sessions.append(SeatsChanged.SessionSeats(sessionID: Session.ID(sessionID), seats: seats)) }
        }
        guard eventChanged || !sessions.isEmpty else { return }
        let eventSeats = SeatCount(capacity: capacity, confirmed: confirmed, waitlisted: waitlisted)
        try log.append(event: event.id) { _ in .seatsChanged(SeatsChanged(event: eventSeats, sessions: sessions)) }
    }

    private func currentCapacity() throws -> Int? {
        try db.cachedValue(Int.self, "SELECT capacity FROM event WHERE id = ?", [event.id.rawValue])
    }
}
