import Foundation
import TandemCore

/// Wall-clock time in a zone, e.g. `at("2017-06-15 09:30", "Europe/Berlin")`.
public func at(_ local: String, _ zone: String = "Europe/Berlin") -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: zone)!
    let parts = local.split(whereSeparator: { "- :".contains($0) }).map { Int($0)! }
    return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4]))!
}

public func makeEvent(
    slug: String = "hamburg-2017", start: String = "2017-06-15 08:00", end: String = "2017-06-16 20:00",
    zone: String = "Europe/Berlin", kind: Event.Kind = .workshop
) -> Event {
    Event(id: .init(1), slug: slug, kind: kind, status: .published, title: TranslatedText(en: "Workshop", zh: "工作坊"),
          timezone: zone, startsAt: at(start, zone), endsAt: at(end, zone),
          venue: Venue(name: "Elbforum", city: "Hamburg", country: "DE"), capacity: 60,
          registration: RegistrationWindow(mode: .instant))
}

public func makeSession(
    _ id: Int64, room: Int64 = 1, _ start: String, _ end: String, speakers: [Int64] = [],
    status: Session.Status = .scheduled, zone: String = "Europe/Berlin"
) -> Session {
    Session(id: .init(id), eventID: .init(1), guid: UUID(), title: TranslatedText(en: "Session \(id)"), kind: .talk,
            status: status, roomID: .init(room), startsAt: at(start, zone), endsAt: at(end, zone),
            speakerIDs: speakers.map { .init($0) })
}
