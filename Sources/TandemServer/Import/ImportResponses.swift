import Foundation
import Hummingbird
import TandemCore
import TandemStore

/// `POST /api/v1/speakers/import`: what the CSV creates, changes and leaves, and the rows it cannot read.
struct SpeakerImportResponse: ResponseEncodable {
    var dryRun: Bool
    var created: [String]
    var updated: [Updated]
    var unchanged: Int
    /// Rows left out (a dry run only: an import with any of these is refused, 422).
    var errors: [RowError]

    struct Updated: Encodable, Sendable {
        var name: String
        var changes: [String]
    }

    struct RowError: Encodable, Sendable {
        /// The row's number as a spreadsheet shows it: the header is row 1.
        var row: Int
        var message: String
    }

    init(dryRun: Bool, result: SpeakerImportResult, errors: [SpeakerCSV.RowError]) {
        self.dryRun = dryRun
        created = result.created
        updated = result.updated.map { Updated(name: $0.name, changes: $0.changes) }
        unchanged = result.unchanged
        self.errors = errors.map { RowError(row: $0.row, message: $0.message) }
    }
}

/// `POST /api/v1/import/schedule`: what the import does (or, in a dry run, would do) to which event.
struct ScheduleImportResponse: ResponseEncodable {
    var dryRun: Bool
    var event: EventSummary
    var sessions: Sessions
    var rooms: Names
    var speakers: Names
    /// Clashes in the schedule as the import leaves it.
    var conflicts: [ImportConflictEntry]
    /// There are conflicts and `allowConflicts` was not given: applying this import would be refused (409).
    var blockedByConflicts: Bool

    struct EventSummary: Encodable, Sendable {
        var slug: String
        var created: Bool
        var timezone: String
    }

    struct Sessions: Encodable, Sendable {
        var new: [SessionEntry]
        var moved: [SessionEntry]
        var renamed: [SessionEntry]
        var updated: [SessionEntry]
        var unchanged: Int
    }

    struct Names: Encodable, Sendable {
        var new: [String]
    }

    /// A session as the import leaves it; `before` holds the title, times and room it had, where they differ.
    struct SessionEntry: Encodable, Sendable {
        var guid: String
        var title: TranslatedText
        var startsAt: String
        var endsAt: String
        var room: String
        var changes: [String]
        var before: Before?

        struct Before: Encodable, Sendable {
            var title: TranslatedText?
            var startsAt: String?
            var endsAt: String?
            var room: String?
        }

        init(_ change: SessionImportChange, zone: TimeZone) {
            guid = change.guid.uuidString.lowercased()
            title = change.after.title
            startsAt = change.after.startsAt.wire(in: zone)
            endsAt = change.after.endsAt.wire(in: zone)
            room = change.after.room
            changes = change.changes
            before = change.before.map { old in
                let after = change.after
                return Before(title: old.title == after.title ? nil : old.title,
                              startsAt: old.startsAt == after.startsAt ? nil : old.startsAt.wire(in: zone),
                              endsAt: old.endsAt == after.endsAt ? nil : old.endsAt.wire(in: zone),
                              room: old.room == after.room ? nil : old.room)
            }
        }
    }

    init(dryRun: Bool, slug: String, result: ScheduleImportResult, allowConflicts: Bool) {
        let zone = ZoneCache.zone(result.timezone) ?? ZoneCache.utc
        let entries = result.sessionChanges.map { ($0.kind, SessionEntry($0, zone: zone)) }
        func kind(_ wanted: SessionImportChange.Kind) -> [SessionEntry] { entries.filter { $0.0 == wanted }.map { $0.1 } }
        self.dryRun = dryRun
        event = EventSummary(slug: slug, created: result.eventCreated, timezone: result.timezone)
        sessions = Sessions(new: kind(.new), moved: kind(.moved), renamed: kind(.renamed), updated: kind(.updated),
                            unchanged: result.sessionsUnchanged)
        rooms = Names(new: result.newRooms)
        speakers = Names(new: result.newSpeakers)
        conflicts = result.conflicts.map(ImportConflictEntry.init)
        blockedByConflicts = !result.conflicts.isEmpty && !allowConflicts
    }
}

/// Two sessions of an imported programme that cannot both be where it puts them, by name and time in
/// the venue's zone; `message` says it in a sentence.
struct ImportConflictEntry: Encodable, Sendable {
    /// `room` or `speaker`.
    var reason: String
    /// The room's or the speaker's name.
    var name: String
    var first: Placement
    var second: Placement
    var message: String

    struct Placement: Encodable, Sendable {
        var title: String
        var startsAt: String
        var endsAt: String
    }

    init(_ conflict: ImportConflict) {
        let zone = ZoneCache.zone(conflict.timezone) ?? ZoneCache.utc
        switch conflict.reason {
        case .room(let room): (reason, name) = ("room", room)
        case .speaker(let speaker): (reason, name) = ("speaker", speaker)
        }
        func placement(_ p: ImportConflict.Placement) -> Placement {
            Placement(title: p.title, startsAt: p.startsAt.wire(in: zone), endsAt: p.endsAt.wire(in: zone))
        }
        first = placement(conflict.first)
        second = placement(conflict.second)
        message = conflict.description
    }
}
