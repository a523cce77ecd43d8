import Foundation
import Testing
import TandemCore
import TandemTestSupport

@Suite("Duplicating an event as next year's round", .timeLimit(.minutes(1)))
struct EventDuplicationTests {
    @Test("with the same UTC offset both years, everything moves by the difference of the two starts")
    func plainShift() {
        let shift = VenueShift(zone: TimeZone(identifier: "Europe/Berlin")!, from: at("2017-06-15 08:00"), to: at("2018-06-14 08:00"))
        #expect(shift.apply(at("2017-06-15 09:30")) == at("2018-06-14 09:30"))
        #expect(shift.apply(at("2017-06-16 20:00")) == at("2018-06-15 20:00"))
        #expect(shift.apply(at("2017-06-15 09:30")).timeIntervalSince(at("2017-06-15 09:30")) == at("2018-06-14 08:00").timeIntervalSince(at("2017-06-15 08:00")))
    }

    @Test("across a change of summer time, a session keeps its time on the venue's clock")
    func acrossSummerTime() {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        // 20 March 2017 is winter time (+01:00), 3 April 2018 summer time (+02:00).
        let shift = VenueShift(zone: berlin, from: at("2017-03-20 08:00"), to: at("2018-04-03 08:00"))
        #expect(shift.apply(at("2017-03-20 09:30")) == at("2018-04-03 09:30"))
        #expect(RFC3339.string(from: shift.apply(at("2017-03-21 17:00")), in: berlin) == "2018-04-04T17:00:00+02:00")
        // Beijing has no summer time: the plain difference.
        let beijing = VenueShift(zone: TimeZone(identifier: "Asia/Shanghai")!, from: at("2017-11-25 09:00", "Asia/Shanghai"),
                                 to: at("2018-11-24 09:00", "Asia/Shanghai"))
        #expect(beijing.apply(at("2017-11-25 14:00", "Asia/Shanghai")) == at("2018-11-24 14:00", "Asia/Shanghai"))
    }

    @Test("a venue time skipped by the clock change comes out an hour later; one that happens twice, at its first occurrence")
    func gapsAndRepeats() {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        // 26 March 2017 02:30 does not exist in Berlin.
        let spring = VenueShift(zone: berlin, from: at("2017-03-25 00:00"), to: at("2017-03-26 00:00"))
        #expect(RFC3339.string(from: spring.apply(at("2017-03-25 02:30")), in: berlin) == "2017-03-26T03:30:00+02:00")
        // 29 October 2017 02:30 happens twice.
        let autumn = VenueShift(zone: berlin, from: at("2017-10-28 00:00"), to: at("2017-10-29 00:00"))
        #expect(RFC3339.string(from: autumn.apply(at("2017-10-28 02:30")), in: berlin) == "2017-10-29T02:30:00+02:00")
    }

    @Test("the plan: a draft with the new slug, title and dates; rooms in order; scheduled sessions with new guids, in their copied rooms")
    func plan() {
        var source = makeEvent()
        source.status = .published
        source.description = TranslatedText(en: "Two days of workshops")
        source.registration = RegistrationWindow(opensAt: at("2017-05-01 09:00"), closesAt: at("2017-06-10 18:00"), mode: .verified, holdMinutes: 45)
        source.parentSlug = "c20-summit-2017"
        let rooms = [Room(id: .init(7), eventID: .init(1), name: "Room B", position: 2),
                     Room(id: .init(3), eventID: .init(1), name: "Saal 1", capacity: 120, position: 1)]
        var cancelled = makeSession(3, room: 3, "2017-06-15 11:00", "2017-06-15 12:00", status: .cancelled)
        cancelled.title = TranslatedText(en: "Dropped")
        var workshop = makeSession(2, room: 7, "2017-06-16 13:00", "2017-06-16 14:00", speakers: [4, 5])
        workshop.capacity = 20
        workshop.language = "zh"
        workshop.abstract = TranslatedText(en: "Fundraising basics", zh: "筹款基础")
        let sessions = [workshop, makeSession(1, room: 3, "2017-06-15 09:00", "2017-06-15 10:00"), cancelled]
        var guids = [UUID(uuidString: "00000000-0000-0000-0000-000000000001")!, UUID(uuidString: "00000000-0000-0000-0000-000000000002")!]
        let plan = EventDuplication(slug: " hamburg-2018 ", startsAt: at("2018-06-14 08:00"), title: TranslatedText(en: "Workshop 2018"))
            .plan(from: source, rooms: rooms, sessions: sessions) { guids.removeFirst() }

        #expect(plan.event.slug == "hamburg-2018" && plan.event.status == .draft && plan.event.title.en == "Workshop 2018")
        #expect(plan.event.startsAt == at("2018-06-14 08:00") && plan.event.endsAt == at("2018-06-15 20:00"))
        #expect(plan.event.kind == source.kind && plan.event.timezone == source.timezone && plan.event.venue == source.venue)
        #expect(plan.event.capacity == 60 && plan.event.parentSlug == "c20-summit-2017" && plan.event.description == source.description)
        #expect(plan.event.registration == RegistrationWindow(opensAt: at("2018-04-30 09:00"), closesAt: at("2018-06-09 18:00"),
                                                              mode: .verified, holdMinutes: 45))
        #expect(plan.rooms.map(\.name) == ["Saal 1", "Room B"] && plan.rooms.map(\.capacity) == [120, nil] && plan.rooms.map(\.position) == [1, 2])
        #expect(plan.sessions.map(\.session.title.en) == ["Session 1", "Session 2"], "by start; the cancelled one stays behind")
        #expect(plan.sessions.map(\.roomIndex) == [0, 1])
        #expect(plan.sessions.map(\.session.guid.uuidString) == ["00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002"])
        let copy = plan.sessions[1].session
        #expect(copy.startsAt == at("2018-06-15 13:00") && copy.endsAt == at("2018-06-15 14:00"))
        #expect(copy.speakerIDs == workshop.speakerIDs && copy.capacity == 20 && copy.language == "zh" && copy.abstract == workshop.abstract)
        #expect(copy.status == .scheduled && copy.kind == workshop.kind)
    }

    @Test("without a title the copy keeps the source's")
    func keepsTitle() {
        let plan = EventDuplication(slug: "hamburg-2018", startsAt: at("2018-06-14 08:00"))
            .plan(from: makeEvent(), rooms: [], sessions: []) { UUID() }
        #expect(plan.event.title == makeEvent().title)
    }
}

@Suite("A room that still has sessions", .timeLimit(.minutes(1)))
struct RoomInUseTests {
    @Test("names up to ten sessions by start, with their times in the venue's zone, and how many more")
    func namesSessions() {
        let sessions = (1...12).map { makeSession(Int64($0), room: 2, "2017-06-15 \(String(format: "%02d", 7 + $0)):00",
                                                  "2017-06-15 \(String(format: "%02d", 7 + $0)):45") }.reversed()
        let error = RoomInUse(roomID: .init(2), roomName: "Saal 1", sessions: Array(sessions), timezone: "Europe/Berlin")
        #expect(error.total == 12 && error.sessions.count == 10)
        #expect(error.sessions.first?.title == "Session 1" && error.sessions.last?.title == "Session 10")
        #expect(error.description.hasPrefix(#"room "Saal 1" still has 12 sessions (times in Europe/Berlin): "Session 1" (Thu 15 Jun 08:00–08:45), "#))
        #expect(error.description.hasSuffix(#""Session 10" (Thu 15 Jun 17:00–17:45), and 2 more; move them to another room or delete them first"#))
    }

    @Test("one session is named without 'more'")
    func oneSession() {
        let error = RoomInUse(roomID: .init(2), roomName: "Room B", sessions: [makeSession(1, room: 2, "2017-06-15 09:00", "2017-06-15 10:00")],
                              timezone: "Europe/Berlin")
        #expect(error.description == #"room "Room B" still has 1 session (times in Europe/Berlin): "Session 1" (Thu 15 Jun 09:00–10:00); move it to another room or delete it first"#)
    }
}

@Suite("Invitations to the organiser team", .timeLimit(.minutes(1)))
struct InviteRulesTests {
    @Test("a new address is created; an invited one without password is invited again; others are refused")
    func decisions() {
        #expect(InviteRules.decide(existing: nil) == .create)
        let invited = Account(id: .init(3), email: "li@example.org", name: "Li", role: .organiser, passwordSet: false)
        #expect(InviteRules.decide(existing: invited) == .reinvite)
        var active = invited
        active.passwordSet = true
        guard case .refuse(let reason) = InviteRules.decide(existing: active) else { Issue.record("an account with a password is refused"); return }
        #expect(reason.contains("already has a password"))
        var disabled = invited
        disabled.disabled = true
        guard case .refuse(let why) = InviteRules.decide(existing: disabled) else { Issue.record("a disabled account is refused"); return }
        #expect(why.contains("disabled"))
    }

    @Test("the e-mail carries the link and its expiry in both languages")
    func mail() {
        let mail = AccountInviteMail.compose(name: "Li Wei", email: "li@example.org", role: .checkin, link: "https://tandem.test/admin/set-password#abc",
                                             expiresAt: at("2017-06-04 12:00", "UTC"), invitedBy: "Administrator")
        #expect(mail.text.components(separatedBy: "https://tandem.test/admin/set-password#abc").count == 3)
        #expect(mail.text.contains("Sun 4 Jun 12:00 UTC") && mail.text.contains("6月4日（周日）12:00（UTC）"))
        #expect(mail.text.contains("as a check-in volunteer") && mail.text.contains("签到志愿者"))
        #expect(mail.subject.contains("Tandem"))
    }
}
