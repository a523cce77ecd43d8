import Foundation

/// RFC 3339 timestamps with an explicit offset, e.g. `2017-07-06T09:30:00+02:00`.
public enum RFC3339 {
    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    /// Formats `date` as wall-clock time in `zone`, with that zone's offset at that instant.
    public static func string(from date: Date, in zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: date)
        let local = date.addingTimeInterval(TimeInterval(offset))
        let c = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: local)
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        return "\(pad(c.year!, 4))-\(pad(c.month!, 2))-\(pad(c.day!, 2))T"
            + "\(pad(c.hour!, 2)):\(pad(c.minute!, 2)):\(pad(c.second!, 2))"
            + "\(sign)\(pad(magnitude / 3600, 2)):\(pad(magnitude % 3600 / 60, 2))"
    }

    /// Parses an RFC 3339 `date-time`; the offset (`Z` or `±hh:mm`) is required.
    /// Fractional seconds are accepted and truncated to whole seconds.
    public static func date(from string: String) -> Date? {
        let chars = Array(string.utf8)
        guard chars.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard i < chars.count, chars[i] >= 48, chars[i] <= 57 else { return nil }
                value = value * 10 + Int(chars[i] - 48)
            }
            return value
        }
        func expect(_ i: Int, _ options: String) -> Bool {
            i < chars.count && options.utf8.contains(chars[i])
        }
        guard let year = number(0..<4), expect(4, "-"), let month = number(5..<7), expect(7, "-"),
              let day = number(8..<10), expect(10, "Tt "), let hour = number(11..<13), expect(13, ":"),
              let minute = number(14..<16), expect(16, ":"), let second = number(17..<19)
        else { return nil }
        var index = 19
        if expect(index, ".") {
            index += 1
            let fractionStart = index
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 { index += 1 }
            guard index > fractionStart else { return nil }
        }
        let offset: Int
        if expect(index, "Zz") {
            offset = 0
            index += 1
        } else if expect(index, "+-") {
            let negative = chars[index] == UInt8(ascii: "-")
            guard let oh = number(index + 1..<index + 3), expect(index + 3, ":"),
                  let om = number(index + 4..<index + 6), oh <= 23, om <= 59
            else { return nil }
            offset = (oh * 3600 + om * 60) * (negative ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == chars.count, (1...12).contains(month), (1...31).contains(day),
              hour <= 23, minute <= 59, second <= 59
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let local = utcCalendar.date(from: components) else { return nil }
        // Reject days that do not exist (e.g. 2017-02-30), which the calendar would roll over.
        guard utcCalendar.component(.day, from: local) == day else { return nil }
        return local.addingTimeInterval(TimeInterval(-offset))
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
