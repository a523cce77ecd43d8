import Foundation
import Testing
@testable import TandemCore

@Suite("iCalendar writer", .timeLimit(.minutes(1)))
struct ICalendarTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    func calendar(_ start: String, _ end: String, zone: TimeZone?) -> String {
        ICalendar(name: "Test", entries: [ICalendar.Entry(uid: "u@tandem", start: RFC3339.date(from: start)!, end: RFC3339.date(from: end)!,
                                                          summary: "S")],
                  stamp: RFC3339.date(from: "2040-01-01T00:00:00Z")!, timezone: zone).render()
    }

    @Test("local times with TZID; the second 02:30 of the night clocks go back is written in UTC (RFC 5545 reads the first)")
    func repeatedHour() {
        let ics = calendar("2040-10-28T01:30:00+02:00", "2040-10-28T02:30:00+01:00", zone: berlin)
        #expect(ics.contains("DTSTART;TZID=Europe/Berlin:20401028T013000\r\n"))
        #expect(ics.contains("DTEND:20401028T013000Z\r\n"))
        // The first 02:30 (summer time) is unambiguous as a local time with TZID.
        let first = calendar("2040-10-28T02:30:00+02:00", "2040-10-28T03:30:00+01:00", zone: berlin)
        #expect(first.contains("DTSTART;TZID=Europe/Berlin:20401028T023000\r\n") && first.contains("DTEND;TZID=Europe/Berlin:20401028T033000\r\n"))
        #expect(!ICalendar.isSecondOccurrence(RFC3339.date(from: "2040-03-25T03:30:00+02:00")!, in: berlin))
    }

    @Test("VTIMEZONE: DST onsets of the years covered; a zone without DST gets one STANDARD; without a zone times are UTC")
    func zones() {
        let ics = calendar("2040-06-01T10:00:00+02:00", "2040-06-01T11:00:00+02:00", zone: berlin)
        #expect(ics.contains("BEGIN:DAYLIGHT\r\nDTSTART:20400325T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"))
        #expect(ics.contains("BEGIN:STANDARD\r\nDTSTART:20401028T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100"))
        let shanghai = calendar("2040-06-01T10:00:00+08:00", "2040-06-01T11:00:00+08:00", zone: TimeZone(identifier: "Asia/Shanghai")!)
        #expect(shanghai.contains("TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800") && shanghai.contains("DTSTART;TZID=Asia/Shanghai:20400601T100000"))
        #expect(calendar("2040-06-01T10:00:00+02:00", "2040-06-01T11:00:00+02:00", zone: nil).contains("DTSTART:20400601T080000Z"))
    }
}
