import Foundation
import GRDB
import TandemCore
import TandemStore

extension SQLiteStore {
    public func delaySessions(eventSlug: String, _ delay: Delay, by actor: String) async throws -> DelayApplied {
        try await write(actor: actor) { db, log in
            let event = try db.event(slug: eventSlug)
            if let roomID = delay.roomID, try db.room(roomID, in: event.id) == nil {
                throw ValidationError(field: "roomId", message: "no room with id \(roomID) in this event")
            }
            let sessions = try db.sessions(eventID: event.id)
            let moved = try delay.plan(for: event, sessions: sessions)
            let before = Dictionary(uniqueKeysWithValues: sessions.map { ($0.id, $0) })
            for session in moved { try db.noteScheduleChange(before: before[session.id]!, after: session, at: log.at) }
            var applied = DelayApplied(delay: delay, sessions: try db.details(moved))
            guard !moved.isEmpty else { return applied }
            try log.append(event: event.id) { seq in
                for index in applied.sessions.indices { applied.sessions[index].session.version = seq }
                return .scheduleDelayed(applied)
            }
            for detail in applied.sessions { try SessionRecord(detail.session).update(db) }
            return applied
        }
    }
}
