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

        /// How errors about this talk name it: its title and times in the venue's zone.
        public func label(in zone: TimeZone) -> String {
            "session \"\(title.en)\" (\(ImportConflict.span(.init(title: "", startsAt: startsAt, endsAt: endsAt), zone)))"
        }

        /// A new session for this talk, in `room` with these speakers.
        public func session(in eventID: Event.ID, roomID: Room.ID, speakerIDs: [Speaker.ID]) -> Session {
            Session(id: .init(0), eventID: eventID, guid: guid, title: title, abstract: abstract, kind: kind, roomID: roomID,
                    startsAt: startsAt, endsAt: endsAt, speakerIDs: speakerIDs, language: language)
        }

        /// What turns the session already there (same guid) into this talk; a cancelled one is
        /// scheduled again. Empty when nothing differs.
        public func patch(over current: Session, roomID: Room.ID, speakerIDs: [Speaker.ID]) -> SessionPatch {
            var patch = SessionPatch()
            if current.title != title { patch.title = .set(title) }
            if current.abstract != abstract { patch.abstract = .set(abstract) }
            if current.kind != kind { patch.kind = .set(kind) }
            if current.roomID != roomID { patch.roomID = .set(roomID) }
            if current.startsAt != startsAt { patch.startsAt = .set(startsAt) }
            if current.endsAt != endsAt { patch.endsAt = .set(endsAt) }
            if current.speakerIDs != speakerIDs { patch.speakerIDs = .set(speakerIDs) }
            if current.language != language { patch.language = .set(language) }
            if current.status == .cancelled { patch.status = .set(.scheduled) }
            return patch
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
    /// Run the whole import and roll it back: the result says what it would do (conflicts included,
    /// whether allowed or not), and nothing is written.
    public var dryRun: Bool

    public init(slug: String, newEvent: Event? = nil, rooms: [String] = [], speakers: [Person] = [], talks: [Talk] = [],
                allowConflicts: Bool = false, dryRun: Bool = false) {
        self.slug = slug
        self.newEvent = newEvent
        self.rooms = rooms
        self.speakers = speakers
        self.talks = talks
        self.allowConflicts = allowConflicts
        self.dryRun = dryRun
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
    /// The clashes in the event after the import (only with `allowConflicts` or `dryRun`; otherwise
    /// nothing was written).
    public var conflicts: [ImportConflict] = []
    /// The names of the rooms and speakers created, in the file's order.
    public var newRooms: [String] = []
    public var newSpeakers: [String] = []
    /// The sessions created or changed, in the file's order (unchanged ones are only counted).
    public var sessionChanges: [SessionImportChange] = []
    /// The event's zone, in which to show the times.
    public var timezone = "UTC"
    /// Nothing was written: the result of a dry run.
    public var dryRun = false

    public init() {}
}
