import Foundation
import TandemCore
import TandemStore

extension PGTransaction {
    /// Remembers, for every attendee holding or awaiting a seat in `before`'s session, how it was
    /// before this burst of edits, when its time, room or status changes.
    func noteScheduleChange(before: Session, after: Session?) async throws {
        if let after, after.startsAt == before.startsAt, after.endsAt == before.endsAt, after.roomID == before.roomID, after.status == before.status {
            return
        }
        let holders = try await values(Int64.self, """
            SELECT rs.registrationId FROM registrationSession rs JOIN registration r ON r.id = rs.registrationId
            WHERE rs.sessionId = \(before.id.rawValue) AND r.status != 'cancelled' AND r.erasedAt IS NULL
            """)
        guard !holders.isEmpty else { return }
        let roomName = try await value(String.self, "SELECT name FROM room WHERE id = \(before.roomID.rawValue)") ?? ""
        let snapshot = SessionSnapshot(sessionID: before.id, title: before.title, startsAt: before.startsAt, endsAt: before.endsAt,
                                       roomName: roomName, cancelled: before.status == .cancelled)
        let json = String(decoding: try ChangePayloadCoding.encoder.encode(snapshot), as: UTF8.self)
        for registrationID in holders {
            // The first edit of a burst keeps its "before"; later edits only extend the burst.
            try await execute("""
                INSERT INTO scheduleNotice (registrationId, sessionId, before, firstAt, lastAt)
                VALUES (\(registrationID), \(before.id.rawValue), \(json), \(at), \(at))
                ON CONFLICT (registrationId, sessionId) DO UPDATE SET lastAt = excluded.lastAt
                """)
        }
    }
}
