import Foundation
import GRDB
import TandemCore
import TandemStore

extension SQLiteStore {
    public func createEvent(_ event: Event, by actor: String) async throws -> Event {
        try await write(actor: actor) { db, log in try insertEvent(db, log, event) }
    }

    /// Inserts an event inside a write (also the schedule import's first step).
    func insertEvent(_ db: Database, _ log: ChangeLog, _ event: Event) throws -> Event {
        var event = event
        event.id = .init(0) // the store assigns ids
        event.parentID = try parentID(db, slug: event.parentSlug)
        try ValidationError.check(EventRules.validate(event))
        if try EventRecord.filter(Column("slug") == event.slug).fetchCount(db) > 0 {
            throw StoreError.conflict(field: "slug", message: "an event with slug \"\(event.slug)\" already exists")
        }
        event.scheduleVersion = 0
        event.seats = SeatCount(capacity: event.capacity)
        var record = EventRecord(event, now: log.at)
        try record.insert(db)
        let id = Event.ID(record.id!)
        try log.append(event: id) { seq in
            event.id = id
            event.scheduleVersion = seq
            return .eventCreated(event)
        }
        return event
    }

    public func updateEvent(slug: String, patch: EventPatch, by actor: String) async throws -> Event {
        try await write(actor: actor) { db, log in
            let old = try db.event(slug: slug)
            var event = patch.applied(to: old)
            if case .set(let parentSlug) = patch.parentSlug {
                event.parentSlug = parentSlug
                event.parentID = try parentID(db, slug: parentSlug)
                let parents = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, parentId FROM event WHERE parentId IS NOT NULL")
                    .map { (Event.ID($0["id"] as Int64), Event.ID($0["parentId"] as Int64)) })
                try ValidationError.check(EventRules.validateParent(event.parentID, named: parentSlug, of: old.id, parents: parents))
            }
            let datesChanged = event.startsAt != old.startsAt || event.endsAt != old.endsAt
            let errors = EventRules.validate(event) + EventRules.validateTransition(from: old.status, to: event.status)
                + EventRules.validateDates(of: event, from: old, sessions: datesChanged ? try db.sessions(eventID: event.id) : [])
            try ValidationError.check(errors)
            guard event != old else { return old }
            let saved = try saveUpdated(event, db: db, log: log)
            if saved.status == .cancelled && old.status != .cancelled {
                // Cancelling by PATCH is cancelling: the same notices as DELETE.
                try notifyCancelled(saved, db: db, at: log.at)
            }
            if saved.capacity != old.capacity {
                // Raising the capacity seats the waitlist in order; lowering it never un-confirms anyone.
                let seating = Seating(db: db, log: log, event: saved, mailer: mailer(at: log.at))
                try seating.promoteEvent()
                try seating.finish()
            }
            return saved
        }
    }

    public func cancelEvent(slug: String, by actor: String) async throws -> Event {
        try await write(actor: actor) { db, log in
            var event = try db.event(slug: slug)
            guard event.status != .cancelled else { return event }
            event.status = .cancelled
            let saved = try saveUpdated(event, db: db, log: log)
            try notifyCancelled(saved, db: db, at: log.at)
            return saved
        }
    }

    /// Everyone holding or awaiting a seat hears of the cancellation, in its transaction.
    private func notifyCancelled(_ event: Event, db: Database, at instant: Date) throws {
        guard let mailer = mailer(at: instant) else { return }
        let active = try db.cachedValues(Int64.self, "SELECT id FROM registration WHERE eventId = ? AND status != 'cancelled' ORDER BY id",
                                         [event.id.rawValue])
        for registrationID in active { try mailer.enqueue(.eventCancelled, registrationID: registrationID, db: db) }
    }

    private func saveUpdated(_ event: Event, db: Database, log: ChangeLog) throws -> Event {
        var event = event
        let seq = try log.append(event: event.id) { seq in
            event.scheduleVersion = seq
            event.seats.capacity = event.capacity
            return .eventUpdated(event)
        }
        var record = EventRecord(event, now: log.at)
        record.scheduleVersion = seq
        try record.update(db, columns: EventRecord.editableColumns)
        return event
    }

    func mailer(at instant: Date) -> RegistrationMailer? {
        tokens.map { _ in RegistrationMailer(now: instant) }
    }

    private func parentID(_ db: Database, slug: String?) throws -> Event.ID? {
        guard let slug else { return nil }
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM event WHERE slug = ?", arguments: [slug]) else {
            throw ValidationError(field: "parentSlug", message: "no event with slug \"\(slug)\"")
        }
        return Event.ID(id)
    }
}

extension EventRecord {
    /// Columns an organiser's edit may change (never counters, version or creation time).
    static let editableColumns = [
        "kind", "status", "titleEn", "titleZh", "descriptionEn", "descriptionZh", "timezone", "startsAt", "endsAt",
        "venueName", "venueAddress", "venueCity", "venueCountry", "capacity", "registrationOpensAt",
        "registrationClosesAt", "registrationMode", "holdMinutes", "parentId",
    ]
}
