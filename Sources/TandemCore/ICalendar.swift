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

        public init(uid: String, start: Date, end: Date, summary: String, location: String? = nil, description: String? = nil,
                    cancelled: Bool = false, sequence: Int64 = 0) {
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

    public init(name: String, entries: [Entry], stamp: Date) {
        self.name = name
        self.entries = entries
        self.stamp = stamp
    }

    /// The calendar as text with CRLF line endings.
    public func render() -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tandem//Tandem//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     "X-WR-CALNAME:" + Self.escape(name)]
        for entry in entries {
            lines += ["BEGIN:VEVENT", "UID:" + Self.escape(entry.uid), "DTSTAMP:" + Self.utc(stamp),
                      "DTSTART:" + Self.utc(entry.start), "DTEND:" + Self.utc(entry.end), "SEQUENCE:\(entry.sequence)",
                      "SUMMARY:" + Self.escape(entry.summary)]
            if let location = entry.location { lines.append("LOCATION:" + Self.escape(location)) }
            if let description = entry.description { lines.append("DESCRIPTION:" + Self.escape(description)) }
            lines.append("STATUS:" + (entry.cancelled ? "CANCELLED" : "CONFIRMED"))
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
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
