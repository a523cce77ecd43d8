import Foundation
import Testing
import TandemCore
import TandemTestSupport

@Suite("RFC 3339 times in the event's zone", .timeLimit(.minutes(1)))
struct RFC3339Tests {
    @Test("summer time in Berlin is +02:00, winter time +01:00; Shanghai is always +08:00")
    func formatsWithTheZoneOffsetOfThatInstant() {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let shanghai = TimeZone(identifier: "Asia/Shanghai")!
        #expect(RFC3339.string(from: at("2017-06-15 09:30"), in: berlin) == "2017-06-15T09:30:00+02:00")
        #expect(RFC3339.string(from: at("2017-12-01 09:30"), in: berlin) == "2017-12-01T09:30:00+01:00")
        #expect(RFC3339.string(from: at("2017-11-25 14:00", "Asia/Shanghai"), in: shanghai) == "2017-11-25T14:00:00+08:00")
        // The same instant, seen from the other world.
        #expect(RFC3339.string(from: at("2017-06-15 09:30"), in: shanghai) == "2017-06-15T15:30:00+08:00")
    }

    @Test("across the DST change in Berlin (26 March 2017, 02:00 → 03:00) an hour-long session spans two wall-clock hours")
    func daylightSavingChange() throws {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let start = try #require(RFC3339.date(from: "2017-03-26T01:30:00+01:00"))
        let end = start.addingTimeInterval(3600)
        #expect(RFC3339.string(from: end, in: berlin) == "2017-03-26T03:30:00+02:00")
        // And back in autumn: 29 October 2017 03:00 → 02:00, the wall clock repeats an hour.
        let autumn = try #require(RFC3339.date(from: "2017-10-29T02:30:00+02:00"))
        #expect(RFC3339.string(from: autumn.addingTimeInterval(3600), in: berlin) == "2017-10-29T02:30:00+01:00")
    }

    @Test("parses offsets, Z and fractional seconds", arguments: [
        ("2017-06-15T09:30:00+02:00", "2017-06-15T07:30:00+00:00"),
        ("2017-06-15T07:30:00Z", "2017-06-15T07:30:00+00:00"),
        ("2017-06-15T07:30:00.123Z", "2017-06-15T07:30:00+00:00"),
        ("2017-06-15t15:30:00+08:00", "2017-06-15T07:30:00+00:00"),
        ("2017-06-14T23:30:00-08:00", "2017-06-15T07:30:00+00:00"),
    ])
    func parses(input: String, utc: String) throws {
        let date = try #require(RFC3339.date(from: input))
        #expect(RFC3339.string(from: date, in: TimeZone(identifier: "UTC")!) == utc)
    }

    @Test("rejects times without offset and impossible dates", arguments: [
        "2017-06-15T09:30:00", "2017-06-15 09:30", "2017-02-30T09:00:00Z", "2017-13-01T09:00:00Z",
        "2017-06-15T24:00:00Z", "yesterday", "", "2017-06-15T09:30:00+2:00", "2017-06-15T09:30:00+02:00 ",
    ])
    func rejects(input: String) {
        #expect(RFC3339.date(from: input) == nil)
    }
}
