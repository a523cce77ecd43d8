import Foundation
import TandemCore
import TandemStore

// Where a schedule write reaches into registrations: seating the waitlist, telling attendees.
// Each runs inside the schedule write's transaction, after the event row is locked by its change.
extension PostgresStore {
    /// Everyone holding or awaiting a seat hears of the cancellation, in its transaction.
    func notifyCancelled(_ event: Event, tx: PGTransaction) async throws {
        guard let mailer = mailer(at: tx.at) else { return }
        let active = try await tx.values(Int64.self, """
            SELECT id FROM registration WHERE eventId = \(event.id.rawValue) AND status != 'cancelled' ORDER BY id
            """)
        for registrationID in active { try await mailer.enqueue(.eventCancelled, registrationID: registrationID, tx: tx) }
    }

    /// Raising an event's capacity seats its waitlist in order; lowering it never un-confirms anyone.
    func promoteAfterCapacityChange(_ tx: PGTransaction, event: Event) async throws {
        try await tx.lockEventRow(event.id.rawValue)
        let seating = PGSeating(tx: tx, event: event, mailer: mailer(at: tx.at))
        try await seating.promoteEvent()
        try await seating.finish()
    }

    /// A session's capacity changed: its waitlist may move up.
    func promoteAfterCapacityChange(_ tx: PGTransaction, event: Event, session: Session.ID) async throws {
        try await tx.lockEventRow(event.id.rawValue)
        let seating = PGSeating(tx: tx, event: event, mailer: mailer(at: tx.at))
        seating.touch(session.rawValue)
        try await seating.promoteSession(session.rawValue)
        try await seating.finish()
    }
}
