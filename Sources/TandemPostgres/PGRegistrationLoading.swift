import Foundation
import PostgresNIO
import TandemCore
import TandemStore

/// A row of `registration`, as the registration writes need it.
struct PGRegistrationRow: Sendable {
    var id: Int64
    var eventID: Int64
    var tokenNonce: String?
    var name: String
    var email: String
    var organisation: String?
    var country: String?
    var language: String
    var status: Registration.Status
    var queueOrder: Int64?
    var consentAt: Date
    var createdAt: Date
    var cancelledAt: Date?
    var checkedInAt: Date?
    var checkedInBy: String?
    var erasedAt: Date?
    var holdExpiresAt: Date?
    var knownAddressMailAt: Date?

    static let columns = """
        id, eventId, tokenNonce, name, email, organisation, country, language, status, queueOrder,
        consentAt, createdAt, cancelledAt, checkedInAt, checkedInBy, erasedAt, holdExpiresAt, knownAddressMailAt
        """

    init(_ row: PostgresRow) throws {
        var c = PGCursor(row)
        id = try c.next()
        eventID = try c.next()
        tokenNonce = try c.next()
        name = try c.next()
        email = try c.next()
        organisation = try c.next()
        country = try c.next()
        language = try c.next()
        let status: String = try c.next()
        guard let known = Registration.Status(rawValue: status) else { throw PGCorruptRow(table: "registration", id: id) }
        self.status = known
        queueOrder = try c.next()
        consentAt = try c.next()
        createdAt = try c.next()
        cancelledAt = try c.next()
        checkedInAt = try c.next()
        checkedInBy = try c.next()
        erasedAt = try c.next()
        holdExpiresAt = try c.next()
        knownAddressMailAt = try c.next()
    }
}

/// Reading registrations, their choices and their places in line, inside a transaction.
extension PGTransaction {
    func registrationRow(tokenHash: String) async throws -> PGRegistrationRow {
        guard let row = try await query("SELECT \(unescaped: PGRegistrationRow.columns) FROM registration WHERE tokenHash = \(tokenHash)").first.map(PGRegistrationRow.init) else {
            throw StoreError.notFound(entity: "registration", key: "for this link")
        }
        return row
    }

    func registrationRow(id: Int64) async throws -> PGRegistrationRow? {
        try await query("SELECT \(unescaped: PGRegistrationRow.columns) FROM registration WHERE id = \(id)").first.map(PGRegistrationRow.init)
    }

    func registrationRow(id: Registration.ID, eventID: Event.ID) async throws -> PGRegistrationRow {
        guard let row = try await query("""
            SELECT \(unescaped: PGRegistrationRow.columns) FROM registration WHERE id = \(id.rawValue) AND eventId = \(eventID.rawValue)
            """).first.map(PGRegistrationRow.init) else {
            throw StoreError.notFound(entity: "registration", key: id.description)
        }
        return row
    }

    /// A registration's session choices, by session: (session, status, queue order).
    func choiceRows(registrationID: Int64) async throws -> [(sessionID: Int64, status: SessionChoice.Status, queueOrder: Int64?)] {
        try await query("""
            SELECT sessionId, status, queueOrder FROM registrationSession WHERE registrationId = \(registrationID) ORDER BY sessionId
            """).map { row in
            let (sessionID, status, order) = try row.decode((Int64, String, Int64?).self)
            return (sessionID, SessionChoice.Status(rawValue: status) ?? .pending, order)
        }
    }

    /// The domain value, with waitlist positions computed from the FIFO order.
    func registration(_ row: PGRegistrationRow) async throws -> Registration {
        var choices: [SessionChoice] = []
        for choice in try await choiceRows(registrationID: row.id) {
            var position: Int?
            if choice.status == .waitlisted, let order = choice.queueOrder {
                position = try await value(Int.self, """
                    SELECT count(*)::int8 FROM registrationSession
                    WHERE sessionId = \(choice.sessionID) AND status = 'waitlisted' AND queueOrder <= \(order)
                    """)
            }
            choices.append(SessionChoice(sessionID: Session.ID(choice.sessionID), status: choice.status, waitlistPosition: position))
        }
        var position: Int?
        if row.status == .waitlisted, let order = row.queueOrder {
            position = try await value(Int.self, """
                SELECT count(*)::int8 FROM registration WHERE eventId = \(row.eventID) AND status = 'waitlisted' AND queueOrder <= \(order)
                """)
        }
        return Registration(
            id: Registration.ID(row.id), eventID: Event.ID(row.eventID), name: row.name, email: row.email,
            organisation: row.organisation, country: row.country, language: Language(rawValue: row.language) ?? .en,
            status: row.status, waitlistPosition: position, choices: choices, consentAt: row.consentAt,
            createdAt: row.createdAt, cancelledAt: row.cancelledAt, checkedInAt: row.checkedInAt,
            checkedInBy: row.checkedInBy, erasedAt: row.erasedAt, holdExpiresAt: row.holdExpiresAt)
    }

    func confirmedCount(eventID: Int64) async throws -> Int {
        try await value(Int.self, "SELECT count(*)::int8 FROM registration WHERE eventId = \(eventID) AND status = 'confirmed'") ?? 0
    }

    func confirmedCount(sessionID: Int64) async throws -> Int {
        try await value(Int.self, "SELECT count(*)::int8 FROM registrationSession WHERE sessionId = \(sessionID) AND status = 'confirmed'") ?? 0
    }

    /// The place after the last in line (only waitlisted rows carry a `queueOrder`).
    func nextQueueOrder(eventID: Int64) async throws -> Int64 {
        let last = try await value(Int64?.self, "SELECT max(queueOrder) FROM registration WHERE eventId = \(eventID) AND status = 'waitlisted'")
        return (last.flatMap { $0 } ?? 0) + 1
    }

    func nextQueueOrder(sessionID: Int64) async throws -> Int64 {
        let last = try await value(Int64?.self, """
            SELECT max(queueOrder) FROM registrationSession WHERE sessionId = \(sessionID) AND status = 'waitlisted'
            """)
        return (last.flatMap { $0 } ?? 0) + 1
    }

    /// Takes the event row's lock: every decision about the event's seats and waitlists is made
    /// under it, so two transactions never count the same free seat (READ COMMITTED re-reads
    /// committed rows after the lock is granted).
    func lockEventRow(_ id: Int64) async throws {
        guard try await value(Int64.self, "SELECT id FROM event WHERE id = \(id) FOR UPDATE") != nil else {
            throw StoreError.notFound(entity: "event", key: String(id))
        }
    }
}
