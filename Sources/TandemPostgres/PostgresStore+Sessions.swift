import Foundation
import TandemCore
import TandemStore

extension PostgresStore {
    public func createSession(eventSlug: String, _ session: Session, by actor: String) async throws -> SessionDetail {
        try await write(actor: actor) { tx in
            try await insertSession(tx, session, in: try await tx.event(slug: eventSlug))
        }
    }

    public func updateSession(eventSlug: String, id: Session.ID, patch: SessionPatch, ifVersion: Int64?, by actor: String) async throws -> SessionDetail {
        try await write(actor: actor) { tx in
            try await updateSession(tx, id: id, patch: patch, ifVersion: ifVersion, in: try await tx.event(slug: eventSlug))
        }
    }

    /// Inserts a session inside a write. `checkConflicts: false` leaves clashes to the caller,
    /// which checks the end state of its whole transaction (the schedule import).
    func insertSession(_ tx: PGTransaction, _ session: Session, in event: Event, checkConflicts: Bool = true) async throws -> SessionDetail {
        var session = session
        session.id = .init(0)
        session.eventID = event.id
        session.status = .scheduled
        session.seats = SeatCount(capacity: session.capacity)
        // Clash checks read the event's other sessions: one writer per event at a time.
        if checkConflicts { try await lockEvent(tx, event.id) }
        try await checkPlacement(tx, session, in: event, checkConflicts: checkConflicts)
        guard let id = try await tx.value(Int64.self, """
            INSERT INTO session (eventId, guid, titleEn, titleZh, abstractEn, abstractZh, kind, status, roomId, startsAt, endsAt,
                capacity, language, version, seatsConfirmed, seatsWaitlisted)
            VALUES (\(event.id.rawValue), \(session.guid.uuidString.lowercased()), \(session.title.en), \(session.title.zh),
                \(session.abstract?.en), \(session.abstract?.zh), \(session.kind.rawValue), \(session.status.rawValue),
                \(session.roomID.rawValue), \(session.startsAt), \(session.endsAt), \(session.capacity), \(session.language),
                \(session.version), \(session.seats.confirmed), \(session.seats.waitlisted))
            RETURNING id
            """) else { throw StoreError.notFound(entity: "session", key: session.guid.uuidString) }
        session.id = Session.ID(id)
        try await tx.setSpeakers(session.speakerIDs, of: session.id)
        return try await recordChange(tx, session, event: event, as: ChangeData.sessionCreated)
    }

    /// Applies a patch inside a write; see `insertSession` for `checkConflicts`.
    func updateSession(_ tx: PGTransaction, id: Session.ID, patch: SessionPatch, ifVersion: Int64?, in event: Event,
                       checkConflicts: Bool = true) async throws -> SessionDetail {
        if checkConflicts { try await lockEvent(tx, event.id) }
        let old = try await tx.session(id, in: event.id)
        try checkVersion(old, ifVersion)
        var session = patch.applied(to: old)
        session.seats.capacity = session.capacity
        guard session != old else { return try await tx.detail(old) }
        try await checkPlacement(tx, session, in: event, before: old, checkConflicts: checkConflicts)
        if session.speakerIDs != old.speakerIDs { try await tx.setSpeakers(session.speakerIDs, of: id) }
        try await tx.noteScheduleChange(before: old, after: session)
        let becameCancelled = old.status == .scheduled && session.status == .cancelled
        let detail = try await recordChange(tx, session, event: event, previousRoomID: old.roomID != session.roomID ? old.roomID : nil,
                                            as: becameCancelled ? ChangeData.sessionCancelled : ChangeData.sessionUpdated)
        if session.capacity != old.capacity {
            try await promoteAfterCapacityChange(tx, event: event, session: id)
        }
        return detail
    }

    public func cancelSession(eventSlug: String, id: Session.ID, ifVersion: Int64?, by actor: String) async throws -> SessionDetail {
        var patch = SessionPatch()
        patch.status = .set(.cancelled)
        return try await updateSession(eventSlug: eventSlug, id: id, patch: patch, ifVersion: ifVersion, by: actor)
    }

    public func deleteSession(eventSlug: String, id: Session.ID, ifVersion: Int64?, by actor: String) async throws {
        try await write(actor: actor) { tx in
            let event = try await tx.event(slug: eventSlug)
            try await lockEvent(tx, event.id)
            let session = try await tx.session(id, in: event.id)
            try checkVersion(session, ifVersion)
            let detail = try await tx.detail(session)
            try await tx.noteScheduleChange(before: session, after: nil)
            try await tx.execute("DELETE FROM session WHERE id = \(id.rawValue)")
            try await tx.append(event: event.id) { _ in .sessionDeleted(detail) }
        }
    }

    /// Locks the event row until commit: what follows reads the event's sessions to decide.
    func lockEvent(_ tx: PGTransaction, _ id: Event.ID) async throws {
        try await tx.execute("SELECT id FROM event WHERE id = \(id.rawValue) FOR UPDATE")
    }

    /// Validates a session's fields, room, speakers and clashes against the rest of its event.
    /// An edit is refused only for clashes it makes: a clash the session already had (a programme
    /// imported with `allowConflicts`) does not block renaming it or moving it within that clash.
    private func checkPlacement(_ tx: PGTransaction, _ session: Session, in event: Event, before old: Session? = nil,
                                checkConflicts: Bool = true) async throws {
        var errors = ScheduleRules.validate(session, in: event)
        if try await tx.room(session.roomID, in: event.id) == nil {
            errors.append(FieldError(field: "roomId", message: "no room with id \(session.roomID) in this event"))
        }
        errors += try await tx.unknownSpeakers(session.speakerIDs)
        try ValidationError.check(errors)
        guard checkConflicts else { return }
        let conflicts = ScheduleRules.newConflicts(of: session, replacing: old, with: try await tx.sessions(eventID: event.id))
        if !conflicts.isEmpty { throw ScheduleConflictError(conflicts: conflicts, timezone: event.timezone) }
    }

    private func checkVersion(_ session: Session, _ expected: Int64?) throws {
        if let expected, expected != session.version {
            throw StoreError.stale(entity: "session", currentVersion: session.version)
        }
    }

    /// Appends the change for `session` and saves it with that change's seq as its version.
    private func recordChange(_ tx: PGTransaction, _ session: Session, event: Event, previousRoomID: Room.ID? = nil,
                              as kind: (SessionDetail) -> ChangeData) async throws -> SessionDetail {
        var detail = try await tx.detail(session)
        detail.previousRoomID = previousRoomID
        try await tx.append(event: event.id) { seq in
            detail.session.version = seq
            return kind(detail)
        }
        try await tx.saveSession(detail.session)
        return detail
    }
}

extension PGTransaction {
    /// Writes a session's row (all columns but its id), as SQLite's record update does.
    func saveSession(_ session: Session) async throws {
        try await execute("""
            UPDATE session SET eventId = \(session.eventID.rawValue), guid = \(session.guid.uuidString.lowercased()),
                titleEn = \(session.title.en), titleZh = \(session.title.zh), abstractEn = \(session.abstract?.en),
                abstractZh = \(session.abstract?.zh), kind = \(session.kind.rawValue), status = \(session.status.rawValue),
                roomId = \(session.roomID.rawValue), startsAt = \(session.startsAt), endsAt = \(session.endsAt),
                capacity = \(session.capacity), language = \(session.language), version = \(session.version),
                seatsConfirmed = \(session.seats.confirmed), seatsWaitlisted = \(session.seats.waitlisted)
            WHERE id = \(session.id.rawValue)
            """)
    }
}
