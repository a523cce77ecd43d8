import Foundation
import TandemCore
import TandemStore

/// Imports a frab / c3voc `schedule.json` — what pretalx, frab and Tandem itself export — into an
/// event: the event (created as a draft unless told to publish), its rooms (by name), its speakers
/// (by name) and its sessions (by guid). Running it again with the same file changes nothing;
/// with an updated file it moves, retimes and renames what changed. The whole file is decoded and
/// checked first and then written in one transaction: bad input, or sessions that clash (a room
/// or a speaker in two places at once) without `allowConflicts`, write nothing.
///
/// Mapping (the inverse of `FrabSchedule`): `title` is the English title; a `subtitle` in Chinese
/// script becomes the Chinese title (others are ignored); likewise `abstract` / `description`;
/// `type` becomes the session kind when it names one (else `other`).
public struct ScheduleImporter: Sendable {
    let store: any ScheduleStore & ImportStore
    let actor: String

    public init(store: any ScheduleStore & ImportStore, actor: String = "import") {
        self.store = store
        self.actor = actor
    }

    /// What to create the event with, when it does not exist yet, and whether clashes may be imported.
    public struct NewEvent: Sendable {
        public var slug: String?
        public var kind: Event.Kind = .conference
        public var publish = false
        public var venue: Venue?
        /// Import sessions that clash as they are (pretalx allows it, with a warning); the report lists the clashes.
        public var allowConflicts = false
        /// Run the import and roll it back: the report says what it would do, and nothing is written.
        public var dryRun = false
        /// How the caller gives a new event's venue, for the error that asks for it.
        public var venueHint = "--venue, --city, --country"

        public init(slug: String? = nil, kind: Event.Kind = .conference, publish: Bool = false, venue: Venue? = nil,
                    allowConflicts: Bool = false, dryRun: Bool = false, venueHint: String = "--venue, --city, --country") {
            self.slug = slug
            self.kind = kind
            self.publish = publish
            self.venue = venue
            self.allowConflicts = allowConflicts
            self.dryRun = dryRun
            self.venueHint = venueHint
        }
    }

    /// What the import did to which event; `report.sessionsCreated` and the like read the store's result.
    @dynamicMemberLookup
    public struct Report: Sendable, Equatable, CustomStringConvertible {
        public var event: String
        public var result: ScheduleImportResult

        public subscript<Value>(dynamicMember keyPath: KeyPath<ScheduleImportResult, Value>) -> Value { result[keyPath: keyPath] }

        public var description: String {
            let (r, conflicts) = (result, result.conflicts)
            var text = "\(event): event \(r.eventCreated ? "created" : "kept"), \(r.roomsCreated) rooms and \(r.speakersCreated) speakers created, "
                + "sessions \(r.sessionsCreated) created, \(r.sessionsUpdated) updated, \(r.sessionsUnchanged) unchanged"
            if !conflicts.isEmpty {
                text += "\nImported with \(conflicts.count == 1 ? "1 conflict" : "\(conflicts.count) conflicts") (times in \(conflicts[0].timezone)); "
                    + "the organiser editor marks these sessions until they are moved apart:\n" + conflicts.map { "  - \($0)" }.joined(separator: "\n")
            }
            return text
        }
    }

    public func importSchedule(json: Data, options: NewEvent = NewEvent()) async throws -> Report {
        let plan = try Plan(json: json, options: options)
        var newEvent: Event?
        do {
            _ = try await store.event(slug: plan.slug)
        } catch StoreError.notFound {
            guard let venue = options.venue else {
                throw ImportError("event '\(plan.slug)' does not exist yet: give its venue (\(options.venueHint)) to create it")
            }
            newEvent = Event(id: .init(0), slug: plan.slug, kind: options.kind, status: options.publish ? .published : .draft,
                             title: plan.title, timezone: plan.zone.identifier, startsAt: plan.start, endsAt: plan.end, venue: venue)
        }
        let result = try await store.importSchedule(
            ScheduleImport(slug: plan.slug, newEvent: newEvent, rooms: plan.roomNames, speakers: plan.persons, talks: plan.talks,
                           allowConflicts: options.allowConflicts, dryRun: options.dryRun),
            by: actor)
        return Report(event: plan.slug, result: result)
    }

    /// Creates or updates speakers from CSV (`SpeakerCSV`), matched by name. Checks every row (the
    /// first bad one is the error), then writes them all in one transaction. Returns (created, updated).
    public func importSpeakers(csv text: String) async throws -> (created: Int, updated: Int) {
        let csv = try SpeakerCSV(text: text)
        if let error = csv.errors.first { throw ImportError(error.description) }
        return try await store.importSpeakers(csv.speakers, by: actor)
    }
}

/// A schedule file that cannot be imported, with the reason.
public struct ImportError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

