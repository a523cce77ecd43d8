import Foundation
import TandemCore
import TandemStore

extension PostgresStore: ScheduleStore {
    public func createEvent(_ event: Event, by actor: String) async throws -> Event {
        try await write(actor: actor) { tx in try await insertEvent(tx, event) }
    }

    /// Inserts an event inside a write (also the schedule import's first step).
    func insertEvent(_ tx: PGTransaction, _ event: Event) async throws -> Event {
        var event = event
        event.id = .init(0) // the store assigns ids
        event.parentID = try await parentID(tx, slug: event.parentSlug)
        try ValidationError.check(EventRules.validate(event))
        if try await tx.value(Int64.self, "SELECT count(*) FROM event WHERE slug = \(event.slug)") ?? 0 > 0 {
            throw StoreError.conflict(field: "slug", message: "an event with slug \"\(event.slug)\" already exists")
        }
        event.scheduleVersion = 0
        event.seats = SeatCount(capacity: event.capacity)
        guard let rawID = try await tx.value(Int64.self, """
            INSERT INTO event (slug, kind, status, titleEn, titleZh, descriptionEn, descriptionZh, timezone, startsAt, endsAt,
                venueName, venueAddress, venueCity, venueCountry, capacity, registrationOpensAt, registrationClosesAt,
                registrationMode, holdMinutes, parentId, scheduleVersion, seatsConfirmed, seatsWaitlisted, createdAt, updatedAt)
            VALUES (\(event.slug), \(event.kind.rawValue), \(event.status.rawValue), \(event.title.en), \(event.title.zh),
                \(event.description?.en), \(event.description?.zh), \(event.timezone), \(event.startsAt), \(event.endsAt),
                \(event.venue.name), \(event.venue.address), \(event.venue.city), \(event.venue.country), \(event.capacity),
                \(event.registration.opensAt), \(event.registration.closesAt), \(event.registration.mode.rawValue),
                \(event.registration.holdMinutes), \(event.parentID?.rawValue), 0, 0, 0, \(tx.at), \(tx.at))
            RETURNING id
            """) else { throw StoreError.notFound(entity: "event", key: event.slug) }
        let id = Event.ID(rawID)
        try await tx.append(event: id) { seq in
            event.id = id
            event.scheduleVersion = seq
            return .eventCreated(event)
        }
        return event
    }

    public func updateEvent(slug: String, patch: EventPatch, by actor: String) async throws -> Event {
        try await write(actor: actor) { tx in
            let old = try await tx.event(slug: slug)
            var event = patch.applied(to: old)
            if case .set(let parentSlug) = patch.parentSlug {
                event.parentSlug = parentSlug
                event.parentID = try await parentID(tx, slug: parentSlug)
                let parents = Dictionary(uniqueKeysWithValues: try await tx.query("SELECT id, parentId FROM event WHERE parentId IS NOT NULL")
                    .map { row in try row.decode((Int64, Int64).self) }.map { (Event.ID($0.0), Event.ID($0.1)) })
                try ValidationError.check(EventRules.validateParent(event.parentID, named: parentSlug, of: old.id, parents: parents))
            }
            let datesChanged = event.startsAt != old.startsAt || event.endsAt != old.endsAt
            let errors = EventRules.validate(event) + EventRules.validateTransition(from: old.status, to: event.status)
                + EventRules.validateDates(of: event, from: old, sessions: datesChanged ? try await tx.sessions(eventID: event.id) : [])
            try ValidationError.check(errors)
            guard event != old else { return old }
            let saved = try await saveUpdated(event, tx: tx)
            if saved.status == .cancelled && old.status != .cancelled {
                // Cancelling by PATCH is cancelling: the same notices as DELETE.
                try await notifyCancelled(saved, tx: tx)
            }
            if saved.capacity != old.capacity {
                // Raising the capacity seats the waitlist in order; lowering it never un-confirms anyone.
                try await promoteAfterCapacityChange(tx, event: saved)
            }
            return saved
        }
    }

    public func cancelEvent(slug: String, by actor: String) async throws -> Event {
        try await write(actor: actor) { tx in
            var event = try await tx.event(slug: slug)
            guard event.status != .cancelled else { return event }
            event.status = .cancelled
            let saved = try await saveUpdated(event, tx: tx)
            try await notifyCancelled(saved, tx: tx)
            return saved
        }
    }

    private func saveUpdated(_ event: Event, tx: PGTransaction) async throws -> Event {
        var event = event
        let seq = try await tx.append(event: event.id) { seq in
            event.scheduleVersion = seq
            event.seats.capacity = event.capacity
            return .eventUpdated(event)
        }
        // The editable columns only (never counters or creation time).
        try await tx.execute("""
            UPDATE event SET kind = \(event.kind.rawValue), status = \(event.status.rawValue), titleEn = \(event.title.en),
                titleZh = \(event.title.zh), descriptionEn = \(event.description?.en), descriptionZh = \(event.description?.zh),
                timezone = \(event.timezone), startsAt = \(event.startsAt), endsAt = \(event.endsAt), venueName = \(event.venue.name),
                venueAddress = \(event.venue.address), venueCity = \(event.venue.city), venueCountry = \(event.venue.country),
                capacity = \(event.capacity), registrationOpensAt = \(event.registration.opensAt),
                registrationClosesAt = \(event.registration.closesAt), registrationMode = \(event.registration.mode.rawValue),
                holdMinutes = \(event.registration.holdMinutes), parentId = \(event.parentID?.rawValue), scheduleVersion = \(seq)
            WHERE id = \(event.id.rawValue)
            """)
        return event
    }

    private func parentID(_ tx: PGTransaction, slug: String?) async throws -> Event.ID? {
        guard let slug else { return nil }
        guard let id = try await tx.value(Int64.self, "SELECT id FROM event WHERE slug = \(slug)") else {
            throw ValidationError(field: "parentSlug", message: "no event with slug \"\(slug)\"")
        }
        return Event.ID(id)
    }
}
