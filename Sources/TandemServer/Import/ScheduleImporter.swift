import Foundation
import SwiftCSV
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

        public init(slug: String? = nil, kind: Event.Kind = .conference, publish: Bool = false, venue: Venue? = nil,
                    allowConflicts: Bool = false) {
            self.slug = slug
            self.kind = kind
            self.publish = publish
            self.venue = venue
            self.allowConflicts = allowConflicts
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
                throw ImportError("event '\(plan.slug)' does not exist yet: give its venue (--venue, --city, --country) to create it")
            }
            newEvent = Event(id: .init(0), slug: plan.slug, kind: options.kind, status: options.publish ? .published : .draft,
                             title: plan.title, timezone: plan.zone.identifier, startsAt: plan.start, endsAt: plan.end, venue: venue)
        }
        let result = try await store.importSchedule(
            ScheduleImport(slug: plan.slug, newEvent: newEvent, rooms: plan.roomNames, speakers: plan.persons, talks: plan.talks,
                           allowConflicts: options.allowConflicts),
            by: actor)
        return Report(event: plan.slug, result: result)
    }

    /// Creates or updates speakers from CSV (header row; UTF-8, with or without BOM), matched by name:
    /// `name, name_zh, organisation, country, cohort, partner_organisation, topics` (`;`-separated),
    /// `bio_en, bio_zh`. A row with a `cohort` is a twinning fellow. Checks every row, then writes them
    /// all in one transaction. Returns (created, updated).
    public func importSpeakers(csv text: String) async throws -> (created: Int, updated: Int) {
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let table: NamedCSV
        do {
            table = try NamedCSV(string: body, delimiter: .comma, loadColumns: false)
        } catch let error as CSVParseError {
            let reason = switch error {
            case .generic(let message), .quotation(let message): message
            }
            throw ImportError("this is not a CSV file Tandem can read (\(reason)); save it as CSV (UTF-8, comma-separated, with a header row)")
        }
        guard table.header.contains("name") else { throw ImportError("the CSV needs a header row with a 'name' column") }
        var speakers: [Speaker] = []
        var rows: [String: Int] = [:] // name → its row
        for (index, row) in table.rows.enumerated() {
            func value(_ key: String) -> String? { row[key].map { $0.trimmingWhitespace }.flatMap { $0.isEmpty ? nil : $0 } }
            guard let name = value("name") else { throw ImportError("row \(index + 2): 'name' is empty") }
            if let first = rows[name] {
                throw ImportError("row \(index + 2): \(name) is already in row \(first); give each speaker one row")
            }
            rows[name] = index + 2
            var cohort: Int?
            if let text = value("cohort") {
                guard let year = Int(text), (1990...2200).contains(year) else { throw ImportError("row \(index + 2): cohort '\(text)' is not a year") }
                cohort = year
            }
            let bio = value("bio_en").map { TranslatedText(en: $0, zh: value("bio_zh")) }
            let speaker = Speaker(id: .init(0), name: name, nameZh: value("name_zh"), organisation: value("organisation"),
                                  country: value("country")?.asciiUppercased, bio: bio,
                                  topics: value("topics")?.components(separatedBy: ";").map { $0.trimmingWhitespace }.filter { !$0.isEmpty } ?? [],
                                  fellowship: cohort.map { Fellowship(cohort: $0, partnerOrganisation: value("partner_organisation")) })
            let errors = ProfileRules.validate(speaker)
            guard errors.isEmpty else { throw ImportError("row \(index + 2): " + errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")) }
            speakers.append(speaker)
        }
        return try await store.importSpeakers(speakers, by: actor)
    }
}

/// A schedule file that cannot be imported, with the reason.
public struct ImportError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// The decoded and checked content of a schedule file.
struct Plan {
    var slug: String
    var title: TranslatedText
    var zone: TimeZone
    var start: Date
    var end: Date
    var roomNames: [String] = []
    var persons: [ScheduleImport.Person] = []
    var talks: [ScheduleImport.Talk] = []

    init(json: Data, options: ScheduleImporter.NewEvent) throws {
        let file: FrabFile
        do {
            file = try JSONDecoder().decode(FrabFile.self, from: json)
        } catch let error as DecodingError {
            throw ImportError("this is not a frab/pretalx schedule.json (\(Self.explain(error))); "
                + "use the file pretalx publishes at /EVENT/schedule/export/schedule.json, or frab's schedule.json")
        }
        let conference = file.schedule.conference
        guard let zone = TimeZone(identifier: conference.time_zone_name ?? "UTC") else {
            throw ImportError("unknown time zone '\(conference.time_zone_name ?? "")'")
        }
        self.zone = zone
        slug = options.slug ?? conference.acronym.lowercased().replacingOccurrences(of: "_", with: "-")
        title = TranslatedText(en: conference.title)
        guard let start = Self.instant(conference.start, zone: zone), let end = Self.instant(conference.end, zone: zone, endOfDay: true) else {
            throw ImportError("conference start/end must be dates or RFC 3339 date-times")
        }
        self.start = start
        self.end = end
        var seen = Set<UUID>()
        var personNames = Set<String>()
        // Trimmed as the store saves room names, so the next import finds them again.
        for room in conference.rooms ?? [] where !roomNames.contains(room.name.trimmingWhitespace) { roomNames.append(room.name.trimmingWhitespace) }
        for day in conference.days {
            for (key, talks) in day.rooms.sorted(by: { $0.key < $1.key }) {
                let roomName = key.trimmingWhitespace
                if !roomNames.contains(roomName) { roomNames.append(roomName) }
                for talk in talks {
                    guard let guid = UUID(uuidString: talk.guid) else { throw ImportError("event '\(talk.title)': guid '\(talk.guid)' is not a UUID") }
                    guard seen.insert(guid).inserted else { throw ImportError("guid \(talk.guid) appears twice") }
                    guard let begins = RFC3339.date(from: talk.date) else { throw ImportError("event '\(talk.title)': date '\(talk.date)' is not RFC 3339") }
                    let ends: Date
                    if let end = talk.end.flatMap(RFC3339.date(from:)) {
                        ends = end
                    } else if let minutes = talk.duration.flatMap(Self.minutes) {
                        ends = begins.addingTimeInterval(TimeInterval(minutes * 60))
                    } else {
                        throw ImportError("event '\(talk.title)': needs 'end' or a 'duration' like 01:30")
                    }
                    let named = (talk.persons ?? []).compactMap { person in
                        (person.name ?? person.public_name).map { (person, $0.trimmingWhitespace) }
                    }.filter { !$0.1.isEmpty }
                    for (person, name) in named where personNames.insert(name).inserted {
                        persons.append(ScheduleImport.Person(name: name, biography: person.biography))
                    }
                    var names: [String] = []
                    for (_, name) in named where !names.contains(name) { names.append(name) }
                    self.talks.append(ScheduleImport.Talk(
                        guid: guid,
                        title: TranslatedText(en: talk.title, zh: talk.subtitle.flatMap { Self.isChinese($0) ? $0 : nil }),
                        abstract: talk.abstract.flatMap { $0.isEmpty ? nil : $0 }.map {
                            TranslatedText(en: $0, zh: talk.description.flatMap { Self.isChinese($0) ? $0 : nil })
                        },
                        kind: Session.Kind(rawValue: (talk.type ?? "").lowercased()) ?? .other, room: roomName, startsAt: begins, endsAt: ends,
                        language: talk.language, speakers: names))
                }
            }
        }
    }

    /// `2017-06-15` (start or end of that day in `zone`) or an RFC 3339 date-time.
    static func instant(_ text: String, zone: TimeZone, endOfDay: Bool = false) -> Date? {
        if let date = RFC3339.date(from: text) { return date }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let day = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return nil }
        return endOfDay ? calendar.date(byAdding: .day, value: 1, to: day) : day
    }

    /// A decoding failure in words: which field, and what is wrong with it.
    static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            return keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "'\(path(context, key))' is missing"
        case .valueNotFound(_, let context):
            return "'\(path(context))' is null but must have a value"
        case .typeMismatch(let type, let context):
            return "'\(path(context))' is not \(type == String.self ? "a string" : type is any Collection.Type ? "a list" : "of the expected kind")"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "it is not valid JSON" : "'\(path(context))' is not valid: \(context.debugDescription)"
        @unknown default:
            return "it does not have the expected structure"
        }
    }

    /// `01:30` → 90.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count >= 2 else { return nil }
        return parts[0] * 60 + parts[1]
    }

    static func isChinese(_ text: String) -> Bool {
        text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
    }
}

/// The parts of frab's / pretalx's schedule.json that Tandem reads.
struct FrabFile: Decodable {
    var schedule: Schedule

    struct Schedule: Decodable {
        var conference: Conference
    }

    struct Conference: Decodable {
        var acronym: String
        var title: String
        var start: String
        var end: String
        var time_zone_name: String?
        var rooms: [Room]?
        var days: [Day]
    }

    struct Room: Decodable {
        var name: String
    }

    struct Day: Decodable {
        var rooms: [String: [Talk]]
    }

    struct Talk: Decodable {
        var guid: String
        var date: String
        var end: String?
        var duration: String?
        var title: String
        var subtitle: String?
        var type: String?
        var language: String?
        var abstract: String?
        var description: String?
        var persons: [Person]?
    }

    struct Person: Decodable {
        var name: String?
        var public_name: String?
        var biography: String?
    }
}
