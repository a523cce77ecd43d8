import Foundation
import GRDB
import TandemCore
import TandemStore

/// Reading registrations, their choices and their places in line, inside a transaction.
extension Database {
    func registrationRecord(tokenHash: String) throws -> RegistrationRecord {
        guard let record = try RegistrationRecord.filter(Column("tokenHash") == tokenHash).fetchOne(self) else {
            throw StoreError.notFound(entity: "registration", key: "for this link")
        }
        return record
    }

    func registrationRecord(id: Registration.ID, eventID: Event.ID) throws -> RegistrationRecord {
        guard let record = try RegistrationRecord.filter(Column("id") == id.rawValue && Column("eventId") == eventID.rawValue).fetchOne(self) else {
            throw StoreError.notFound(entity: "registration", key: id.description)
        }
        return record
    }

    func choiceRecords(registrationID: Int64) throws -> [RegistrationSessionRecord] {
        try cachedRecords(RegistrationSessionRecord.self, "SELECT * FROM registrationSession WHERE registrationId = ? ORDER BY sessionId", [registrationID])
    }

    /// The domain value, with waitlist positions computed from the FIFO order.
    func registration(_ record: RegistrationRecord) throws -> Registration {
        let id = record.id!
        let choices = try choiceRecords(registrationID: id).map { choice -> SessionChoice in
            let status = SessionChoice.Status(rawValue: choice.status) ?? .pending
            var position: Int?
            if status == .waitlisted, let order = choice.queueOrder {
                position = try cachedValue(Int.self, """
                    SELECT COUNT(*) FROM registrationSession WHERE sessionId = ? AND status = 'waitlisted' AND queueOrder <= ?
                    """, [choice.sessionId, order])
            }
            return SessionChoice(sessionID: Session.ID(choice.sessionId), status: status, waitlistPosition: position)
        }
        var position: Int?
        if record.registrationStatus == .waitlisted, let order = record.queueOrder {
            position = try cachedValue(Int.self, """
                SELECT COUNT(*) FROM registration WHERE eventId = ? AND status = 'waitlisted' AND queueOrder <= ?
                """, [record.eventId, order])
        }
        return Registration(
            id: Registration.ID(id), eventID: Event.ID(record.eventId), name: record.name, email: record.email,
            organisation: record.organisation, country: record.country, language: Language(rawValue: record.language) ?? .en,
            status: record.registrationStatus, waitlistPosition: position, choices: choices, consentAt: record.consentAt,
            createdAt: record.createdAt, cancelledAt: record.cancelledAt, checkedInAt: record.checkedInAt,
            checkedInBy: record.checkedInBy, erasedAt: record.erasedAt, holdExpiresAt: record.holdExpiresAt)
    }

    func confirmedCount(eventID: Int64) throws -> Int {
        try cachedValue(Int.self, "SELECT COUNT(*) FROM registration WHERE eventId = ? AND status = 'confirmed'", [eventID]) ?? 0
    }

    func confirmedCount(sessionID: Int64) throws -> Int {
        try cachedValue(Int.self, "SELECT COUNT(*) FROM registrationSession WHERE sessionId = ? AND status = 'confirmed'", [sessionID]) ?? 0
    }

    /// The place after the last in line. Only waitlisted rows carry a `queueOrder`, so naming the
    /// status lets the (eventId, status, queueOrder) index answer with one seek instead of a scan.
    func nextQueueOrder(eventID: Int64) throws -> Int64 {
        (try cachedValue(Int64.self, "SELECT MAX(queueOrder) FROM registration WHERE eventId = ? AND status = 'waitlisted'", [eventID]) ?? 0) + 1
    }

    func nextQueueOrder(sessionID: Int64) throws -> Int64 {
        (try cachedValue(Int64.self, "SELECT MAX(queueOrder) FROM registrationSession WHERE sessionId = ? AND status = 'waitlisted'",
                         [sessionID]) ?? 0) + 1
    }
}
