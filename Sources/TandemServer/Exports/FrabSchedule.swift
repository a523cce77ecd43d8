import Crypto
import Foundation
import TandemCore
import TandemStore

/// An event's programme in the frab / c3voc schedule format (`schedule.json` and `schedule.xml`),
/// as read by Giggity, ConfClerk, the c3voc tools and pretalx importers. Built once from the
/// schedule; rendered as JSON (schema.json, v1) or XML (schedule.xml.xsd).
///
/// Mapping: the event is the `conference`; its sessions are frab `event`s (cancelled ones are left
/// out); the English title is `title`, the Chinese title `subtitle`; the English abstract is
/// `abstract`, the Chinese one `description`; the session kind is `type` and `track`.
struct FrabSchedule: Encodable {
    var schedule: Schedule
    var generator = Generator()

    struct Generator: Encodable {
        var name = "Tandem"
        var url = "https://github.com/tandem-events/tandem"
    }

    struct Schedule: Encodable {
        var version: String
        var base_url: String
        var conference: Conference
    }

    struct Conference: Encodable {
        var acronym: String
        var title: String
        var description: String?
        var start: String
        var end: String
        var daysCount: Int
        var timeslot_duration = "00:15"
        var time_zone_name: String
        var url: String
        var rooms: [Room]
        var days: [Day]
    }

    struct Room: Encodable {
        var name: String
        var guid: String
        var capacity: Int?
    }

    struct Day: Encodable {
        var index: Int
        var date: String
        var day_start: String
        var day_end: String
        /// Room name → its sessions that day, in time order.
        var rooms: [String: [Talk]]
        /// Room names in the event's order (the XML keeps it; JSON objects have none).
        var roomOrder: [String]

        enum CodingKeys: String, CodingKey { case index, date, day_start, day_end, rooms }
    }

    struct Talk: Encodable {
        var guid: String
        var id: Int64
        var date: String
        var start: String
        var end: String
        var duration: String
        var room: String
        var slug: String
        var url: String
        var title: String
        var subtitle: String?
        var track: String?
        var type: String
        var language: String?
        var abstract: String?
        var description: String?
        var persons: [Person]
        var links: [Link]

        /// Every key, `null` included: the schema requires `subtitle`, `track`, `language`, `abstract` even when empty.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(guid, forKey: .guid)
            try c.encode(id, forKey: .id)
            try c.encode(date, forKey: .date)
            try c.encode(start, forKey: .start)
            try c.encode(end, forKey: .end)
            try c.encode(duration, forKey: .duration)
            try c.encode(room, forKey: .room)
            try c.encode(slug, forKey: .slug)
            try c.encode(url, forKey: .url)
            try c.encode(title, forKey: .title)
            try c.encode(subtitle, forKey: .subtitle)
            try c.encode(track, forKey: .track)
            try c.encode(type, forKey: .type)
            try c.encode(language, forKey: .language)
            try c.encode(abstract, forKey: .abstract)
            try c.encode(description, forKey: .description)
            try c.encode(persons, forKey: .persons)
            try c.encode(links, forKey: .links)
        }

        enum CodingKeys: String, CodingKey {
            case guid, id, date, start, end, duration, room, slug, url, title, subtitle, track, type, language, abstract, description, persons, links
        }
    }

    struct Person: Encodable {
        var id: Int64
        var public_name: String
    }

    struct Link: Encodable {
        var url: String
        var title: String
        var type = "web"
    }

    init(_ schedule: EventSchedule, baseURL: String) {
        let event = schedule.event
        let zone = event.zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let rooms = schedule.rooms
        let roomNames = Dictionary(uniqueKeysWithValues: rooms.map { ($0.id, $0.name) })
        let acronym = Self.acronym(event.slug)
        let pageURL = baseURL + "/events/" + event.slug

        var days: [Day] = []
        var dayStart = calendar.startOfDay(for: event.startsAt)
        var index = 1
        while dayStart < event.endsAt {
            let next = calendar.date(byAdding: .day, value: 1, to: dayStart)!
            let talks = schedule.sessions.filter { $0.session.status == .scheduled && $0.session.startsAt >= dayStart && $0.session.startsAt < next }
                .sorted { ($0.session.startsAt, $0.session.id) < ($1.session.startsAt, $1.session.id) }
            var byRoom: [String: [Talk]] = [:]
            for detail in talks {
                let name = roomNames[detail.session.roomID] ?? "Room \(detail.session.roomID)"
                byRoom[name, default: []].append(Self.talk(detail, room: name, acronym: acronym, zone: zone, pageURL: pageURL))
            }
            days.append(Day(index: index, date: Self.date(dayStart, zone), day_start: RFC3339.string(from: max(dayStart, event.startsAt), in: zone),
                            day_end: RFC3339.string(from: min(next, event.endsAt), in: zone), rooms: byRoom,
                            roomOrder: rooms.map(\.name).filter { byRoom[$0] != nil }))
            dayStart = next
            index += 1
        }
        self.schedule = Schedule(
            version: String(event.scheduleVersion), base_url: baseURL + "/",
            conference: Conference(
                acronym: acronym, title: event.title.en, description: event.description?.en,
                start: RFC3339.string(from: event.startsAt, in: zone), end: RFC3339.string(from: event.endsAt, in: zone),
                daysCount: days.count, time_zone_name: event.timezone, url: pageURL,
                rooms: rooms.map { Room(name: $0.name, guid: Self.roomGUID(eventSlug: event.slug, roomID: $0.id.rawValue), capacity: $0.capacity) },
                days: days))
    }

    static func talk(_ detail: SessionDetail, room: String, acronym: String, zone: TimeZone, pageURL: String) -> Talk {
        let session = detail.session
        let minutes = Int(session.endsAt.timeIntervalSince(session.startsAt) / 60)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let start = calendar.dateComponents([.hour, .minute], from: session.startsAt)
        return Talk(
            guid: session.guid.uuidString.lowercased(), id: session.id.rawValue,
            date: RFC3339.string(from: session.startsAt, in: zone), start: String(format: "%02d:%02d", start.hour!, start.minute!),
            end: RFC3339.string(from: session.endsAt, in: zone), duration: String(format: "%02d:%02d", minutes / 60, minutes % 60),
            room: room, slug: "\(acronym)-\(session.id)-\(slugify(session.title.en))", url: pageURL + "#session-\(session.id)",
            title: session.title.en, subtitle: session.title.zh, track: session.kind.rawValue.capitalized, type: session.kind.rawValue,
            language: session.language, abstract: session.abstract?.en, description: session.abstract?.zh,
            persons: detail.speakers.map { Person(id: $0.id.rawValue, public_name: $0.name) },
            links: [Link(url: pageURL + "#session-\(session.id)", title: "Tandem")])
    }

    /// The conference acronym: the slug with `_` for `-` (frab's acronyms allow no inner hyphen).
    static func acronym(_ slug: String) -> String {
        let acronym = slug.lowercased().replacingOccurrences(of: "-", with: "_")
        return acronym.count >= 4 ? acronym : acronym + String(repeating: "_", count: 4 - acronym.count)
    }

    /// Lower-case ASCII words joined by `-`, at most 40 characters; `session` when nothing is left (a Chinese-only title).
    static func slugify(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty && !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        if out.count > 40 { out = String(out.prefix(40)); while out.hasSuffix("-") { out.removeLast() } }
        return out.count >= 4 ? out : (out.isEmpty ? "session" : out + "-session")
    }

    /// A stable, name-based (version 5, SHA-1) UUID for a room, which has no guid of its own.
    static func roomGUID(eventSlug: String, roomID: Int64) -> String {
        // RFC 4122 URL namespace 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
        var bytes: [UInt8] = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]
        bytes += Array("tandem:event:\(eventSlug):room:\(roomID)".utf8)
        var hash = Array(Insecure.SHA1.hash(data: bytes).prefix(16))
        hash[6] = (hash[6] & 0x0f) | 0x50
        hash[8] = (hash[8] & 0x3f) | 0x80
        return UUID(uuid: (hash[0], hash[1], hash[2], hash[3], hash[4], hash[5], hash[6], hash[7],
                           hash[8], hash[9], hash[10], hash[11], hash[12], hash[13], hash[14], hash[15])).uuidString.lowercased()
    }

    static func date(_ date: Date, _ zone: TimeZone) -> String {
        String(RFC3339.string(from: date, in: zone).prefix(10))
    }

    // MARK: XML

    /// `schedule.xml` (schedule.xml.xsd): the same content as the JSON, element for element.
    func xml() -> String {
        let conference = schedule.conference
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<schedule>\n"
        out += "  <generator name=\"\(XML.escape(generator.name))\"/>\n"
        out += "  <version>\(XML.escape(schedule.version))</version>\n"
        out += "  <conference>\n"
        out += XML.element("title", conference.title, indent: 4)
        out += XML.element("acronym", conference.acronym, indent: 4)
        out += XML.element("start", conference.start, indent: 4)
        out += XML.element("end", conference.end, indent: 4)
        out += XML.element("days", String(conference.daysCount), indent: 4)
        out += XML.element("timeslot_duration", conference.timeslot_duration, indent: 4)
        out += XML.element("base_url", schedule.base_url, indent: 4)
        out += XML.element("url", conference.url, indent: 4)
        out += XML.element("time_zone_name", conference.time_zone_name, indent: 4)
        out += "  </conference>\n"
        let guids = Dictionary(uniqueKeysWithValues: conference.rooms.map { ($0.name, $0.guid) })
        for day in conference.days {
            out += "  <day index=\"\(day.index)\" date=\"\(day.date)\" start=\"\(day.day_start)\" end=\"\(day.day_end)\">\n"
            for name in day.roomOrder {
                out += "    <room name=\"\(XML.escape(name))\"\(guids[name].map { " guid=\"\($0)\"" } ?? "")>\n"
                for talk in day.rooms[name] ?? [] {
                    out += "      <event id=\"\(talk.id)\" guid=\"\(talk.guid)\">\n"
                    for (element, value) in [("room", talk.room), ("title", talk.title), ("subtitle", talk.subtitle ?? ""), ("type", talk.type),
                                             ("date", talk.date), ("start", talk.start), ("duration", talk.duration),
                                             ("abstract", talk.abstract ?? ""), ("slug", talk.slug), ("track", talk.track ?? ""),
                                             ("language", talk.language ?? ""), ("description", talk.description ?? ""), ("url", talk.url)] {
                        out += XML.element(element, value, indent: 8)
                    }
                    out += "        <persons>\n"
                    for person in talk.persons { out += "          <person id=\"\(person.id)\">\(XML.escape(person.public_name))</person>\n" }
                    out += "        </persons>\n        <links>\n"
                    for link in talk.links { out += "          <link href=\"\(XML.escape(link.url))\">\(XML.escape(link.title))</link>\n" }
                    out += "        </links>\n      </event>\n"
                }
                out += "    </room>\n"
            }
            out += "  </day>\n"
        }
        return out + "</schedule>\n"
    }
}

/// XML text and attribute escaping, and characters XML 1.0 cannot carry dropped.
enum XML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                // XML 1.0 allows no other control characters.
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    static func element(_ name: String, _ value: String, indent: Int) -> String {
        String(repeating: " ", count: indent) + "<\(name)>\(escape(value))</\(name)>\n"
    }
}
