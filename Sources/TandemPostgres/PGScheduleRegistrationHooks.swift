import Foundation
import TandemCore
import TandemStore

// Where a schedule write reaches into registrations (seating the waitlist, telling attendees).
// The registration store replaces these with the real work; until then they refuse only when
// there is someone to seat or tell, so schedules without registrations behave as on SQLite.
extension PostgresStore {
    /// Everyone holding or awaiting a seat hears of the cancellation, in its transaction.
    func notifyCancelled(_ event: Event, tx: PGTransaction) async throws {
        guard tokens != nil else { return }
        let active = try await tx.values(Int64.self, """
            SELECT id FROM registration WHERE eventId = \(event.id.rawValue) AND status != 'cancelled' ORDER BY id
            """)
        if !active.isEmpty { throw PostgresNotYet(operation: "tell registered attendees that an event is cancelled") }
    }

    /// Raising an event's capacity seats its waitlist in order.
    func promoteAfterCapacityChange(_ tx: PGTransaction, event: Event) async throws {
        if try await hasWaitlist(tx, "eventId = \(event.id.rawValue)") {
            throw PostgresNotYet(operation: "seat an event's waitlist")
        }
    }

    /// A session's capacity changed: its waitlist may move up.
    func promoteAfterCapacityChange(_ tx: PGTransaction, event: Event, session: Session.ID) async throws {
        if try await tx.value(Int64.self, """
            SELECT count(*) FROM registrationSession WHERE sessionId = \(session.rawValue) AND status = 'waitlisted'
            """) ?? 0 > 0 {
            throw PostgresNotYet(operation: "seat a session's waitlist")
        }
    }

    private func hasWaitlist(_ tx: PGTransaction, _ condition: String) async throws -> Bool {
        try await tx.value(Int64.self, "SELECT count(*) FROM registration WHERE \(unescaped: condition) AND status = 'waitlisted'") ?? 0 > 0
    }
}
