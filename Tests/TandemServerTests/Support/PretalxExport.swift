import Foundation

/// A pretalx 2026.2 `schedule.json` as a conference exports it: 62 sessions of 45 minutes in four
/// rooms over two days (Europe/Berlin), every field pretalx writes, and — as pretalx allows, with a
/// warning — two clashes: Mei Chen speaks in two rooms at 10:00 on the first day, and on the second
/// day "Room 4" has a session that starts before the one before it ends.
enum PretalxExport {
    static let sessionCount = 62
    static let rooms = ["Main Hall", "Room 2", "Room 3", "Room 4"]
    /// The clashes, as the importer describes them (times in Europe/Berlin).
    static let speakerClash = #"Mei Chen speaks in two sessions at once: "Talk 1-1-2" (2026-09-17 10:00–10:45) and "Talk 1-3-2" (2026-09-17 10:00–10:45)"#
    static let roomClash = #"room "Room 4" has two sessions at once: "Talk 2-4-3" (2026-09-18 11:00–11:45) and "Talk 2-4-4" (2026-09-18 11:30–12:15)"#

    static func guid(day: Int, room: Int, slot: Int) -> String {
        "7b2e4c1a-9d3f-5e60-8a71-\(String(format: "%06d%06d", day * 100 + room, slot))"
    }

    static var json: Data {
        var days: [[String: Any]] = []
        var count = 0
        for day in 1...2 {
            let date = "2026-09-\(16 + day)"
            var byRoom: [String: [[String: Any]]] = [:]
            for (r, room) in rooms.enumerated() {
                for slot in 1...8 {
                    // 64 slots; the last two of the second day's Room 4 stay empty: 62 sessions.
                    if day == 2 && r == 3 && slot >= 7 { continue }
                    var minute = (8 + slot) * 60
                    if day == 2 && r == 3 && slot == 4 { minute -= 30 } // starts 11:30, while 11:00–11:45 still runs
                    let clock = String(format: "%02d:%02d", minute / 60, minute % 60)
                    let code = String(format: "P%d%d%02d", day, r + 1, slot)
                    let title = "Talk \(day)-\(r + 1)-\(slot)"
                    var persons = [person("Speaker \(day)-\(r + 1)-\(slot)", code: "S" + code)]
                    if day == 1 && slot == 2 && (r == 0 || r == 2) { persons.append(person("Mei Chen", code: "MEICH1")) }
                    byRoom[room, default: []].append([
                        "guid": guid(day: day, room: r + 1, slot: slot), "code": code, "id": 1000 + count, "logo": NSNull(),
                        "date": "\(date)T\(clock):00+02:00", "start": clock, "duration": "00:45", "room": room,
                        "slug": "civic-tech-2026-\(1000 + count)-talk", "url": "https://pretalx.example.org/civic-tech-2026/talk/\(code)/",
                        "title": title, "subtitle": "", "track": r == 0 ? "Plenary" : NSNull(), "type": "Talk", "language": "en",
                        "abstract": "What \(title) is about.", "description": "", "recording_license": "", "do_not_record": false,
                        "persons": persons, "links": [], "feedback_url": "https://pretalx.example.org/civic-tech-2026/talk/\(code)/feedback/",
                        "origin_url": "https://pretalx.example.org/civic-tech-2026/talk/\(code)/", "attachments": [],
                    ])
                    count += 1
                }
            }
            days.append(["index": day, "date": date, "day_start": "\(date)T04:00:00+02:00",
                         "day_end": "2026-09-\(17 + day)T03:59:00+02:00", "rooms": byRoom])
        }
        precondition(count == sessionCount)
        let conference: [String: Any] = [
            "acronym": "civic_tech_2026", "title": "Civic Tech Conference 2026", "start": "2026-09-17", "end": "2026-09-18",
            "daysCount": 2, "timeslot_duration": "00:05", "time_zone_name": "Europe/Berlin", "colors": ["primary": "#3aa57c"],
            "url": "https://pretalx.example.org/civic-tech-2026/",
            "rooms": rooms.enumerated().map { index, name in
                ["name": name, "slug": "room-\(index + 1)", "guid": "0e1f2a3b-4c5d-5e6f-8a9b-00000000000\(index + 1)",
                 "description": NSNull(), "capacity": 100] as [String: Any]
            },
            "tracks": [["name": "Plenary", "slug": "plenary", "color": "#3aa57c"]],
            "days": days,
        ]
        let schedule: [String: Any] = [
            "$schema": "https://c3voc.de/schedule/schema.json",
            "generator": ["name": "pretalx", "version": "2026.2.0"],
            "schedule": ["url": "https://pretalx.example.org/civic-tech-2026/schedule/", "version": "1.3",
                         "base_url": "https://pretalx.example.org", "conference": conference],
        ]
        return try! JSONSerialization.data(withJSONObject: schedule, options: [.prettyPrinted, .sortedKeys])
    }

    private static func person(_ name: String, code: String) -> [String: Any] {
        ["code": code, "name": name, "public_name": name, "guid": "5c4b3a29-1807-5f6e-9d8c-" + code.utf8.map { String(format: "%02x", $0) }.joined(),
         "avatar": NSNull(), "avatar_thumbnail_default": NSNull(), "avatar_thumbnail_tiny": NSNull(), "biography": "Works on \(name)'s topics.",
         "url": "https://pretalx.example.org/civic-tech-2026/speaker/\(code)/"]
    }
}
