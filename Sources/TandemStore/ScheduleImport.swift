import Foundation
import TandemCore

/// A whole programme to bring into one event, decoded and checked by the importer: the store
/// writes it in one transaction (`ImportStore.importSchedule`), so it lands completely or not at all.
/// Rooms and speakers are matched by name, sessions by guid.
public struct ScheduleImport: Sendable {
    public struct Person: Hashable, Sendable {
        public var name: String
        public var biography: String?

        public init(name: String, biography: String? = nil) {
            self.name = name
            self.biography = biography
        }
    }

    public struct Talk: Hashable, Sendable {
        public var guid: UUID
        public var title: TranslatedText
        public var abstract: TranslatedText?
        public var kind: Session.Kind
        /// The room's name.
        public var room: String
        public var startsAt: Date
        public var endsAt: Date
        public var language: String?
        /// The speakers' names, in order.
        public var speakers: [String]

        public init(guid: UUID, title: TranslatedText, abstract: TranslatedText? = nil, kind: Session.Kind, room: String,
                    startsAt: Date, endsAt: Date, language: String? = nil, speakers: [String] = []) {
            self.guid = guid
            self.title = title
            self.abstract = abstract
            self.kind = kind
            self.room = room
            self.startsAt = startsAt
            self.endsAt = endsAt
            self.language = language
            self.speakers = speakers
        }
    }

    public var slug: String
    /// The event to create when none has `slug` yet; without it a missing event is `StoreError.notFound`.
    public var newEvent: Event?
    public var rooms: [String]
    public var speakers: [Person]
    public var talks: [Talk]
    /// Write the programme even where its sessions clash (the result lists the clashes);
    /// otherwise any clash in the end state is a `ScheduleImportConflictError` and nothing is written.
    public var allowConflicts: Bool

    public init(slug: String, newEvent: Event? = nil, rooms: [String] = [], speakers: [Person] = [], talks: [Talk] = [],
                allowConflicts: Bool = false) {
        self.slug = slug
        self.newEvent = newEvent
        self.rooms = rooms
        self.speakers = speakers
        self.talks = talks
        self.allowConflicts = allowConflicts
    }
}

/// What an import did.
public struct ScheduleImportResult: Hashable, Sendable {
    public var eventCreated = false
    public var roomsCreated = 0
    public var speakersCreated = 0
    public var sessionsCreated = 0
    public var sessionsUpdated = 0
    public var sessionsUnchanged = 0
    /// The clashes in the event after the import (only with `allowConflicts`; otherwise nothing was written).
    public var conflicts: [ImportConflict] = []

    public init() {}
}
