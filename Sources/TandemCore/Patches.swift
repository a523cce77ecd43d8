import Foundation

/// A partial change to a session: move, retime, rename, re-room, re-staff.
public struct SessionPatch: Hashable, Sendable {
    public var title: Update<TranslatedText> = .keep
    public var abstract: Update<TranslatedText?> = .keep
    public var kind: Update<Session.Kind> = .keep
    public var status: Update<Session.Status> = .keep
    public var roomID: Update<Room.ID> = .keep
    public var startsAt: Update<Date> = .keep
    public var endsAt: Update<Date> = .keep
    public var speakerIDs: Update<[Speaker.ID]> = .keep
    public var capacity: Update<Int?> = .keep
    public var language: Update<String?> = .keep

    public init() {}

    public func applied(to session: Session) -> Session {
        var s = session
        s.title = title.applied(to: s.title)
        s.abstract = abstract.applied(to: s.abstract)
        s.kind = kind.applied(to: s.kind)
        s.status = status.applied(to: s.status)
        s.roomID = roomID.applied(to: s.roomID)
        s.startsAt = startsAt.applied(to: s.startsAt)
        s.endsAt = endsAt.applied(to: s.endsAt)
        s.speakerIDs = speakerIDs.applied(to: s.speakerIDs)
        s.capacity = capacity.applied(to: s.capacity)
        s.language = language.applied(to: s.language)
        return s
    }
}

/// A partial change to an event.
public struct EventPatch: Hashable, Sendable {
    public var kind: Update<Event.Kind> = .keep
    public var status: Update<Event.Status> = .keep
    public var title: Update<TranslatedText> = .keep
    public var description: Update<TranslatedText?> = .keep
    public var timezone: Update<String> = .keep
    public var startsAt: Update<Date> = .keep
    public var endsAt: Update<Date> = .keep
    public var venue: Update<Venue> = .keep
    public var capacity: Update<Int?> = .keep
    public var registrationOpensAt: Update<Date?> = .keep
    public var registrationClosesAt: Update<Date?> = .keep
    public var registrationMode: Update<RegistrationMode> = .keep
    public var holdMinutes: Update<Int> = .keep
    /// Parent by slug; resolved by the store.
    public var parentSlug: Update<String?> = .keep

    public init() {}

    public func applied(to event: Event) -> Event {
        var e = event
        e.kind = kind.applied(to: e.kind)
        e.status = status.applied(to: e.status)
        e.title = title.applied(to: e.title)
        e.description = description.applied(to: e.description)
        e.timezone = timezone.applied(to: e.timezone)
        e.startsAt = startsAt.applied(to: e.startsAt)
        e.endsAt = endsAt.applied(to: e.endsAt)
        e.venue = venue.applied(to: e.venue)
        e.capacity = capacity.applied(to: e.capacity)
        e.registration.opensAt = registrationOpensAt.applied(to: e.registration.opensAt)
        e.registration.closesAt = registrationClosesAt.applied(to: e.registration.closesAt)
        e.registration.mode = registrationMode.applied(to: e.registration.mode)
        e.registration.holdMinutes = holdMinutes.applied(to: e.registration.holdMinutes)
        return e
    }
}

/// A partial change to a speaker profile.
public struct SpeakerPatch: Hashable, Sendable {
    /// What turns `current` into `imported`'s profile (the CSV import, matched by name); empty when
    /// nothing differs.
    public init(from current: Speaker, to imported: Speaker) {
        self.init()
        if current.nameZh != imported.nameZh { nameZh = .set(imported.nameZh) }
        if current.organisation != imported.organisation { organisation = .set(imported.organisation) }
        if current.country != imported.country { country = .set(imported.country) }
        if current.bio != imported.bio { bio = .set(imported.bio) }
        if current.topics != imported.topics { topics = .set(imported.topics) }
        if current.fellowship != imported.fellowship { fellowship = .set(imported.fellowship) }
    }

    public var name: Update<String> = .keep
    public var nameZh: Update<String?> = .keep
    public var organisation: Update<String?> = .keep
    public var country: Update<String?> = .keep
    public var bio: Update<TranslatedText?> = .keep
    public var topics: Update<[String]> = .keep
    public var fellowship: Update<Fellowship?> = .keep

    public init() {}

    public func applied(to speaker: Speaker) -> Speaker {
        var s = speaker
        s.name = name.applied(to: s.name)
        s.nameZh = nameZh.applied(to: s.nameZh)
        s.organisation = organisation.applied(to: s.organisation)
        s.country = country.applied(to: s.country)
        s.bio = bio.applied(to: s.bio)
        s.topics = topics.applied(to: s.topics)
        s.fellowship = fellowship.applied(to: s.fellowship)
        return s
    }
}

/// A partial change to a room.
public struct RoomPatch: Hashable, Sendable {
    public var name: Update<String> = .keep
    public var capacity: Update<Int?> = .keep
    public var position: Update<Int> = .keep

    public init() {}

    public func applied(to room: Room) -> Room {
        var r = room
        r.name = name.applied(to: r.name)
        r.capacity = capacity.applied(to: r.capacity)
        r.position = position.applied(to: r.position)
        return r
    }
}
