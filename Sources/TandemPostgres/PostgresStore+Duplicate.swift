import Foundation
import TandemCore
import TandemStore

extension PostgresStore {
    /// Next year's round, in one transaction: the event, its rooms and its sessions as
    /// `EventDuplication` plans them, written with the same checks as any new event, room and session.
    public func duplicateEvent(slug: String, _ duplication: EventDuplication, makeGUID: @escaping @Sendable () -> UUID,
                               grantOrganiserTo: Account.ID?, by actor: String) async throws -> Event {
        try await write(actor: actor) { tx in
            let source = try await tx.event(slug: slug)
            let plan = duplication.plan(from: source, rooms: try await tx.rooms(eventID: source.id),
                                        sessions: try await tx.sessions(eventID: source.id), makeGUID: makeGUID)
            let event = try await insertEvent(tx, plan.event)
            var roomIDs: [Room.ID] = []
            for room in plan.rooms { roomIDs.append(try await insertRoom(tx, room, in: event).id) }
            for planned in plan.sessions {
                var session = planned.session
                session.roomID = roomIDs[planned.roomIndex]
                // A pure shift makes no clash that the source did not have (an import may have allowed one).
                _ = try await insertSession(tx, session, in: event, checkConflicts: false)
            }
            try await tx.audit(event: event.id, action: "event.duplicated",
                               detail: ["from": source.slug, "rooms": String(plan.rooms.count), "sessions": String(plan.sessions.count)])
            if let accountID = grantOrganiserTo {
                let account = try await Self.acctAccount(tx, Self.acctRow(tx, id: accountID)).account
                try await tx.execute("""
                    INSERT INTO eventRole (accountId, eventId, role) VALUES (\(accountID.rawValue), \(event.id.rawValue), 'organiser')
                    ON CONFLICT (accountId, eventId) DO UPDATE SET role = excluded.role
                    """)
                try await tx.audit(event: event.id, action: "role.granted", detail: ["account": account.email, "role": "organiser"])
            }
            return try await tx.event(slug: event.slug)
        }
    }
}
