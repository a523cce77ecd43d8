import Foundation
import Testing
import TandemCore
import TandemTestSupport

@Suite("Event rules", .timeLimit(.minutes(1)))
struct EventRulesTests {
    @Test("a well-formed event in either world is valid", arguments: ["Europe/Berlin", "Asia/Shanghai", "UTC"])
    func valid(zone: String) {
        #expect(EventRules.validate(makeEvent(zone: zone)).isEmpty)
    }

    @Test("bad slugs are refused", arguments: ["", "A", "Hamburg 2017", "-hamburg", "hamburg-", "ham--burg", "汉堡", String(repeating: "a", count: 81)])
    func slugs(slug: String) {
        #expect(EventRules.validateSlug(slug).map(\.field) == ["slug"])
    }

    @Test("time zones must be IANA region names", arguments: ["CET", "GMT+2", "Europe/Hamburg", "Mars/Olympus", "berlin"])
    func zones(zone: String) {
        var event = makeEvent()
        event.timezone = zone
        #expect(EventRules.validate(event).map(\.field) == ["timezone"])
    }

    @Test("dates, venue, capacity, registration window and parent are checked together")
    func manyErrors() {
        var event = makeEvent()
        event.endsAt = event.startsAt
        event.venue = Venue(name: "", city: "Hamburg", country: "Germany")
        event.capacity = -1
        event.registration = RegistrationWindow(opensAt: at("2017-05-01 00:00"), closesAt: at("2017-04-01 00:00"))
        event.parentID = .init(9)
        let fields = EventRules.validate(event).map(\.field)
        #expect(fields == ["endsAt", "venue.name", "venue.country", "capacity", "registrationClosesAt", "parentSlug"])
    }

    @Test("a published event cannot go back to draft")
    func transitions() {
        #expect(EventRules.validateTransition(from: .published, to: .draft).map(\.field) == ["status"])
        #expect(EventRules.validateTransition(from: .draft, to: .published).isEmpty)
        #expect(EventRules.validateTransition(from: .published, to: .cancelled).isEmpty)
    }

    @Test("the registration window is half-open: open from opensAt, closed from closesAt")
    func window() {
        let window = RegistrationWindow(opensAt: at("2017-03-01 09:00"), closesAt: at("2017-05-31 23:59"))
        #expect(!window.isOpen(at: at("2017-03-01 08:59")))
        #expect(window.isOpen(at: at("2017-03-01 09:00")))
        #expect(!window.isOpen(at: at("2017-05-31 23:59")))
    }

    @Test("passwords: at least 12 characters, at most 72 bytes")
    func passwords() {
        #expect(PasswordPolicy.validate("short").count == 1)
        #expect(PasswordPolicy.validate("correct horse battery").isEmpty)
        // The most common long passwords, one repeated character, straight runs: refused.
        for weak in ["Password1234", "123456789012", "qwertyuiopas", "aaaaaaaaaaaaaa", "ababababababab", "zyxwvutsrqponm", "1qaz2wsx3edc"] {
            #expect(PasswordPolicy.validate(weak).first?.message.contains(weak.count >= 12 ? "common" : "") == true, "\(weak)")
        }
        #expect(PasswordPolicy.validate(String(repeating: "密", count: 25)).count == 1) // 75 bytes
    }

    @Test("ASCII upper-casing leaves other letters alone")
    func asciiUppercase() {
        #expect("de".asciiUppercased == "DE")
        #expect("ß".asciiUppercased == "ß")
        #expect("Cn".asciiUppercased == "CN")
    }

    @Test("e-mail syntax", arguments: [("li.wei@example.org", true), ("a@b", false), ("no at", false), ("@x.org", false), ("x@-x.org", false)])
    func email(address: String, ok: Bool) {
        #expect(EmailAddress.isPlausible(address) == ok)
    }

    @Test("translated text: en required, zh optional, both bounded; normalising trims and drops empty zh")
    func translated() {
        #expect(TranslatedText(en: "", zh: "标题").validate(field: "title", maxLength: 10).map(\.field) == ["title.en"])
        #expect(TranslatedText(en: "ok", zh: String(repeating: "长", count: 11)).validate(field: "title", maxLength: 10).map(\.field) == ["title.zh"])
        #expect(TranslatedText(en: "  Hi ", zh: " ").normalised == TranslatedText(en: "Hi", zh: nil))
        #expect(TranslatedText(en: "Hi", zh: "你好").text(in: .zh) == "你好")
        #expect(TranslatedText(en: "Hi").text(in: .zh) == "Hi")
    }

    @Test("a parent may not be the event itself nor one of its side events, however far down")
    func parents() {
        let summit = Event.ID(1), side = Event.ID(2), sideOfSide = Event.ID(3), other = Event.ID(4)
        let parents = [side: summit, sideOfSide: side]
        #expect(EventRules.validateParent(summit, named: "c20", of: summit, parents: parents).map(\.message) == ["an event cannot be its own parent"])
        #expect(EventRules.validateParent(sideOfSide, named: "deep", of: summit, parents: parents).map(\.message)
            == ["\"deep\" is a side event of this event (directly or further down), so it cannot be its parent"])
        #expect(EventRules.validateParent(other, named: "other", of: summit, parents: parents).isEmpty)
        #expect(EventRules.validateParent(nil, named: nil, of: side, parents: parents).isEmpty)
        // A cycle already in the data ends the walk instead of looping.
        #expect(EventRules.validateParent(side, named: "x", of: other, parents: [side: sideOfSide, sideOfSide: side]).isEmpty)
    }

    @Test("new dates must still hold the scheduled sessions; cancelled ones do not count")
    func datesHoldSessions() {
        let old = makeEvent(start: "2017-06-15 08:00", end: "2017-06-16 20:00")
        var shorter = old
        shorter.endsAt = at("2017-06-15 20:00")
        let late = makeSession(1, "2017-06-16 10:00", "2017-06-16 11:00")
        let cancelled = makeSession(2, "2017-06-16 12:00", "2017-06-16 13:00", status: .cancelled)
        let early = makeSession(3, "2017-06-15 10:00", "2017-06-15 11:00")
        let errors = EventRules.validateDates(of: shorter, from: old, sessions: [late, cancelled, early])
        #expect(errors.map(\.field) == ["endsAt"])
        #expect(errors.first?.message == "session 1 \"Session 1\" would lie outside the event; move it first")
        #expect(EventRules.validateDates(of: old, from: old, sessions: [late]).isEmpty, "unchanged dates check nothing")
    }
}
