import Foundation
import GRDB
import TandemCore
import TandemStore

extension SQLiteStore {
    /// Next year's round, in one transaction: the event, its rooms and its sessions as
    /// `EventDuplication` plans them, written with the same checks as any new event, room and session.
    public func duplicateEvent(slug: String, _ duplication: EventDuplication, makeGUID: @escaping @Sendable () -> UUID,
                               grantOrganiserTo: Account.ID?, by actor: String) async throws -> Event {
        try await write(actor: actor) { db, log in
            let source = try db.event(slug: slug)
            let plan = duplication.plan(from: source, rooms: try db.rooms(eventID: source.id), sessions: try db.sessions(eventID: source.id),
                                        makeGUID: makeGUID)
            let event = try insertEvent(db, log, plan.event)
            var roomIDs: [Room.ID] = []
            for room in plan.rooms { roomIDs.append(try insertRoom(db, log, room, in: event).id) }
            for planned in plan.sessions {
                var session = planned.session
                session.roomID = roomIDs[planned.roomIndex]
                // A pure shift makes no clash that the source did not have (an import may have allowed one).
                _ = try insertSession(db, log, session, in: event, checkConflicts: false)
            }
            try log.audit(event: event.id, action: "event.duplicated",
                          detail: ["from": source.slug, "rooms": String(plan.rooms.count), "sessions": String(plan.sessions.count)])
            if let accountID = grantOrganiserTo {
                let account = try db.accountRecord(id: accountID)
                try db.execute(sql: """
                    INSERT INTO eventRole (accountId, eventId, role) VALUES (?, ?, 'organiser')
                    ON CONFLICT (accountId, eventId) DO UPDATE SET role = excluded.role
                    """, arguments: [accountID.rawValue, event.id.rawValue])
                try log.audit(event: event.id, action: "role.granted", detail: ["account": account.email, "role": "organiser"])
            }
            return try db.event(slug: event.slug)
        }
    }
}
