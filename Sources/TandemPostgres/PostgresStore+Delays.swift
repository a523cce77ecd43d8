import Foundation
import TandemCore
import TandemStore

extension PostgresStore {
    public func delaySessions(eventSlug: String, _ delay: Delay, by actor: String) async throws -> DelayApplied {
        try await write(actor: actor) { tx in
            let event = try await tx.event(slug: eventSlug)
            try await lockEvent(tx, event.id)
            if let roomID = delay.roomID, try await tx.room(roomID, in: event.id) == nil {
                throw ValidationError(field: "roomId", message: "no room with id \(roomID) in this event")
            }
            let sessions = try await tx.sessions(eventID: event.id)
            let moved = try delay.plan(for: event, sessions: sessions)
            let before = Dictionary(uniqueKeysWithValues: sessions.map { ($0.id, $0) })
            for session in moved {
                guard let old = before[session.id] else { continue }
                try await tx.noteScheduleChange(before: old, after: session)
            }
            var applied = DelayApplied(delay: delay, sessions: try await tx.details(moved))
            guard !moved.isEmpty else { return applied }
            try await tx.append(event: event.id) { seq in
                for index in applied.sessions.indices { applied.sessions[index].session.version = seq }
                return .scheduleDelayed(applied)
            }
            for detail in applied.sessions { try await tx.saveSession(detail.session) }
            return applied
        }
    }
}
