import Foundation
import GRDB
import TandemCore
import TandemStore

extension SQLiteStore {
    public func createSession(eventSlug: String, _ session: Session, by actor: String) async throws -> SessionDetail {
        try await write(actor: actor) { db, log in
            try insertSession(db, log, session, in: try db.event(slug: eventSlug))
        }
    }

    public func updateSession(eventSlug: String, id: Session.ID, patch: SessionPatch, ifVersion: Int64?, by actor: String) async throws -> SessionDetail {
        try await write(actor: actor) { db, log in
            try updateSession(db, log, id: id, patch: patch, ifVersion: ifVersion, in: try db.event(slug: eventSlug))
        }
    }

    /// Inserts a session inside a write. `checkConflicts: false` leaves clashes to the caller,
    /// which checks the end state of its whole transaction (the schedule import).
    func insertSession(_ db: Database, _ log: ChangeLog, _ session: Session, in event: Event, checkConflicts: Bool = true) throws -> SessionDetail {
        var session = session
        session.id = .init(0)
        session.eventID = event.id
        session.status = .scheduled
        session.seats = SeatCount(capacity: session.capacity)
        try checkPlacement(db, session, in: event, checkConflicts: checkConflicts)
        var record = SessionRecord(session)
        try record.insert(db)
        session.id = Session.ID(record.id!)
        try db.setSpeakers(session.speakerIDs, of: session.id)
        return try recordChange(db, log, session, event: event, as: ChangeData.sessionCreated)
    }

    /// Applies a patch inside a write; see `insertSession` for `checkConflicts`.
    func updateSession(_ db: Database, _ log: ChangeLog, id: Session.ID, patch: SessionPatch, ifVersion: Int64?, in event: Event,
                       checkConflicts: Bool = true) throws -> SessionDetail {
        let old = try db.session(id, in: event.id)
        try checkVersion(old, ifVersion)
        var session = patch.applied(to: old)
        session.seats.capacity = session.capacity
        guard session != old else { return try db.detail(old) }
        try checkPlacement(db, session, in: event, before: old, checkConflicts: checkConflicts)
        if session.speakerIDs != old.speakerIDs { try db.setSpeakers(session.speakerIDs, of: id) }
        try db.noteScheduleChange(before: old, after: session, at: log.at)
        let becameCancelled = old.status == .scheduled && session.status == .cancelled
        let detail = try recordChange(db, log, session, event: event, previousRoomID: old.roomID != session.roomID ? old.roomID : nil,
                                      as: becameCancelled ? ChangeData.sessionCancelled : ChangeData.sessionUpdated)
        if session.capacity != old.capacity {
            let seating = Seating(db: db, log: log, event: event, mailer: mailer(at: log.at))
            seating.touch(id.rawValue)
            try seating.promoteSession(id.rawValue)
            try seating.finish()
        }
        return detail
    }

    public func cancelSession(eventSlug: String, id: Session.ID, ifVersion: Int64?, by actor: String) async throws -> SessionDetail {
        var patch = SessionPatch()
        patch.status = .set(.cancelled)
        return try await updateSession(eventSlug: eventSlug, id: id, patch: patch, ifVersion: ifVersion, by: actor)
    }

    public func deleteSession(eventSlug: String, id: Session.ID, ifVersion: Int64?, by actor: String) async throws {
        try await write(actor: actor) { db, log in
            let event = try db.event(slug: eventSlug)
            let session = try db.session(id, in: event.id)
            try checkVersion(session, ifVersion)
            let detail = try db.detail(session)
            try db.noteScheduleChange(before: session, after: nil, at: log.at)
            try SessionRecord.deleteOne(db, key: id.rawValue)
            try log.append(event: event.id) { _ in .sessionDeleted(detail) }
        }
    }

    /// Validates a session's fields, room, speakers and clashes against the rest of its event.
    /// An edit is refused only for clashes it makes: a clash the session already had (a programme
    /// imported with `allowConflicts`) does not block renaming it or moving it within that clash.
    private func checkPlacement(_ db: Database, _ session: Session, in event: Event, before old: Session? = nil,
                                checkConflicts: Bool = true) throws {
        var errors = ScheduleRules.validate(session, in: event)
        if try db.room(session.roomID, in: event.id) == nil {
            errors.append(FieldError(field: "roomId", message: "no room with id \(session.roomID) in this event"))
        }
        errors += try db.unknownSpeakers(session.speakerIDs)
        try ValidationError.check(errors)
        guard checkConflicts else { return }
        let conflicts = ScheduleRules.newConflicts(of: session, replacing: old, with: try db.sessions(eventID: event.id))
        if !conflicts.isEmpty { throw ScheduleConflictError(conflicts: conflicts, timezone: event.timezone) }
    }

    private func checkVersion(_ session: Session, _ expected: Int64?) throws {
        if let expected, expected != session.version {
            throw StoreError.stale(entity: "session", currentVersion: session.version)
        }
    }

    /// Appends the change for `session` and saves it with that change's seq as its version.
    private func recordChange(_ db: Database, _ log: ChangeLog, _ session: Session, event: Event, previousRoomID: Room.ID? = nil,
                              as kind: (SessionDetail) -> ChangeData) throws -> SessionDetail {
        var detail = try db.detail(session)
        detail.previousRoomID = previousRoomID
        try log.append(event: event.id) { seq in
            detail.session.version = seq
            return kind(detail)
        }
        try SessionRecord(detail.session).update(db)
        return detail
    }
}
