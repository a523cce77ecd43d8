import Foundation
import TandemCore
import TandemStore

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
