import Foundation

/// A small RFC 5545 writer: content lines with escaping and 75-octet folding.
/// (No maintained Swift iCalendar library is available here; this covers what Tandem emits.)
public struct ICalendar: Sendable {
    public struct Entry: Sendable {
        public var uid: String
        public var start: Date
        public var end: Date
        public var summary: String
        public var location: String?
        public var description: String?
        public var cancelled: Bool
        public var sequence: Int64
        public var lastModified: Date?
        public var url: String?

        public init(uid: String, start: Date, end: Date, summary: String, location: String? = nil, description: String? = nil,
                    cancelled: Bool = false, sequence: Int64 = 0, lastModified: Date? = nil, url: String? = nil) {
            self.lastModified = lastModified
            self.url = url
            self.uid = uid
            self.start = start
            self.end = end
            self.summary = summary
            self.location = location
            self.description = description
            self.cancelled = cancelled
            self.sequence = sequence
        }
    }

    public var name: String
    public var entries: [Entry]
    public var stamp: Date
    /// The venue's zone: times are written as local times with `TZID` and the zone's `VTIMEZONE`
    /// (so calendars show them right across DST changes); `nil` writes UTC times.
    public var timezone: TimeZone?

    public init(name: String, entries: [Entry], stamp: Date, timezone: TimeZone? = nil) {
        self.name = name
        self.entries = entries
        self.stamp = stamp
        self.timezone = timezone
    }

    /// The calendar as text with CRLF line endings.
    public func render() -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tandem//Tandem//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + Self.escape(name)]
        if let timezone {
            lines.append("X-WR-TIMEZONE:" + timezone.identifier)
            lines += Self.vtimezone(timezone, covering: entries.map(\.start) + entries.map(\.end))
        }
        for entry in entries {
            lines += ["BEGIN:VEVENT", "UID:" + Self.escape(entry.uid), "DTSTAMP:" + Self.utc(stamp),
                      dateLine("DTSTART", entry.start), dateLine("DTEND", entry.end), "SEQUENCE:\(entry.sequence)",
                      "SUMMARY:" + Self.escape(entry.summary)]
            if let lastModified = entry.lastModified { lines.append("LAST-MODIFIED:" + Self.utc(lastModified)) }
            if let url = entry.url { lines.append("URL:" + url) }
            if let location = entry.location { lines.append("LOCATION:" + Self.escape(location)) }
            if let description = entry.description { lines.append("DESCRIPTION:" + Self.escape(description)) }
            lines.append("STATUS:" + (entry.cancelled ? "CANCELLED" : "CONFIRMED"))
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// A local time with TZID; in UTC when that local time is ambiguous and this instant is its second
    /// occurrence (the repeated hour when clocks go back), since RFC 5545 §3.3.5 reads it as the first.
    func dateLine(_ name: String, _ date: Date) -> String {
        guard let timezone else { return name + ":" + Self.utc(date) }
        if Self.isSecondOccurrence(date, in: timezone) { return name + ":" + Self.utc(date) }
        return "\(name);TZID=\(timezone.identifier):" + Self.local(date, in: timezone)
    }

    /// Whether an earlier instant shows the same wall-clock time as `date` in `zone`.
    static func isSecondOccurrence(_ date: Date, in zone: TimeZone) -> Bool {
        let offset = zone.secondsFromGMT(for: date)
        let before = zone.secondsFromGMT(for: date.addingTimeInterval(-3 * 3600))
        let shift = before - offset
        guard shift > 0 else { return false }
        return zone.secondsFromGMT(for: date.addingTimeInterval(-Double(shift))) == before
    }

    /// `20170615T100000` in `zone`.
    static func local(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// A VTIMEZONE with one STANDARD/DAYLIGHT component per offset change in the years `dates` cover
    /// (each with its exact onset, no recurrence rules to get wrong), or one STANDARD when the zone
    /// keeps one offset (Asia/Shanghai).
    static func vtimezone(_ zone: TimeZone, covering dates: [Date]) -> [String] {
        var lines = ["BEGIN:VTIMEZONE", "TZID:" + zone.identifier]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let years = dates.map { calendar.component(.year, from: $0) }
        let first = calendar.date(from: DateComponents(year: (years.min() ?? 2017) - 1, month: 1, day: 1))!
        let last = calendar.date(from: DateComponents(year: (years.max() ?? 2017) + 1, month: 12, day: 31))!
        var transitions: [Date] = []
        var cursor = first
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next <= last {
            transitions.append(next)
            cursor = next
        }
        if transitions.isEmpty {
            let offset = offsetText(zone.secondsFromGMT(for: first))
            lines += ["BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:" + offset, "TZOFFSETTO:" + offset,
                      "TZNAME:" + (zone.abbreviation(for: first) ?? offset), "END:STANDARD"]
        }
        for transition in transitions {
            let before = zone.secondsFromGMT(for: transition.addingTimeInterval(-1))
            let after = zone.secondsFromGMT(for: transition)
            let kind = zone.isDaylightSavingTime(for: transition) ? "DAYLIGHT" : "STANDARD"
            // The onset in the local time that was in force before the change.
            let onset = local(transition, in: TimeZone(secondsFromGMT: before)!)
            lines += ["BEGIN:" + kind, "DTSTART:" + onset, "TZOFFSETFROM:" + offsetText(before), "TZOFFSETTO:" + offsetText(after),
                      "TZNAME:" + (zone.abbreviation(for: transition) ?? offsetText(after)), "END:" + kind]
        }
        lines.append("END:VTIMEZONE")
        return lines
    }

    /// `+0200`, `-0330`.
    static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return sign + String(format: "%02d%02d", minutes / 60, minutes % 60)
    }

    /// TEXT escaping (RFC 5545 §3.3.11).
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case ";": result += "\\;"
            case ",": result += "\\,"
            case "\r\n", "\n", "\r": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }

    /// Folds a content line into 75-octet pieces without splitting a UTF-8 character.
    static func fold(_ line: String) -> String {
        var pieces: [String] = []
        var current = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            let limit = pieces.isEmpty ? 75 : 74 // continuation lines start with a space
            if octets + size > limit {
                pieces.append(current)
                current = ""
                octets = 0
            }
            current.append(character)
            octets += size
        }
        pieces.append(current)
        return pieces.joined(separator: "\r\n ")
    }

    static func utc(_ date: Date) -> String {
        RFC3339.string(from: date, in: TimeZone(identifier: "UTC")!)
            .replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
            .replacingOccurrences(of: "+0000", with: "Z")
    }
}
