import Foundation
import Testing
import TandemCore
import TandemTestSupport

@Suite("Registration holds", .timeLimit(.minutes(1)))
struct RegistrationHoldsTests {
    @Test("a hold ends holdMinutes after it was taken; the end itself is expired")
    func expiry() {
        let start = at("2017-06-01 12:00")
        let end = RegistrationHolds.expiry(heldAt: start, holdMinutes: 30)
        #expect(end == at("2017-06-01 12:30"))
        #expect(!RegistrationHolds.hasExpired(end, at: at("2017-06-01 12:29")))
        #expect(RegistrationHolds.hasExpired(end, at: end))
    }

    @Test("expired holds come earliest first, ties in arrival (id) order; unexpired ones are kept")
    func expiredOrder() {
        let hold = { (id: Int64, time: String) in RegistrationHolds.Hold(registrationID: .init(id), expiresAt: at(time)) }
        let holds = [hold(3, "2017-06-01 12:10"), hold(2, "2017-06-01 12:10"), hold(1, "2017-06-01 12:20"), hold(4, "2017-06-01 12:00")]
        #expect(RegistrationHolds.expired(holds, at: at("2017-06-01 12:15")).map(\.registrationID.rawValue) == [4, 2, 3])
    }

    @Test("the already-registered e-mail: first time yes, then not again within an hour")
    func knownAddressInterval() {
        let sent = at("2017-06-01 12:00")
        #expect(RegistrationHolds.mayMailKnownAddress(lastSent: nil, at: sent))
        #expect(!RegistrationHolds.mayMailKnownAddress(lastSent: sent, at: at("2017-06-01 12:59")))
        #expect(RegistrationHolds.mayMailKnownAddress(lastSent: sent, at: at("2017-06-01 13:00")))
    }

    @Test("new events default to verified with 30-minute holds; holdMinutes is validated")
    func defaults() {
        var event = Event(id: .init(1), slug: "new-event", kind: .workshop, status: .published, title: TranslatedText(en: "New"),
                          timezone: "Europe/Berlin", startsAt: at("2017-06-15 08:00"), endsAt: at("2017-06-16 20:00"),
                          venue: Venue(name: "Elbforum", city: "Hamburg", country: "DE"))
        #expect(event.registration.mode == .verified && event.registration.holdMinutes == 30)
        #expect(EventRules.validate(event).isEmpty)
        event.registration.holdMinutes = 0
        #expect(EventRules.validate(event).map(\.field) == ["holdMinutes"])
    }

    @Test("an event recorded before registration modes existed reads back as instant")
    func oldPayload() throws {
        let window = try JSONDecoder().decode(RegistrationWindow.self, from: Data("{}".utf8))
        #expect(window.mode == .instant && window.holdMinutes == 30)
    }
}
