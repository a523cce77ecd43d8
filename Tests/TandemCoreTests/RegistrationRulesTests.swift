import Foundation
import Testing
import TandemCore
import TandemTestSupport

@Suite("Registration rules: seats and promotions", .timeLimit(.minutes(1)))
struct RegistrationRulesTests {
    @Test("promotions: first in, first seated, as many as there are free seats")
    func fifo() {
        let now = at("2017-06-15 09:00")
        let waitlist = [WaitlistEntry(id: 7, queueOrder: 3), WaitlistEntry(id: 4, queueOrder: 1), WaitlistEntry(id: 9, queueOrder: 2),
                        WaitlistEntry(id: 2, queueOrder: 2)]
        #expect(RegistrationRules.promotions(confirmed: 8, capacity: 10, waitlist: waitlist, at: now) == [4, 2])
        #expect(RegistrationRules.promotions(confirmed: 10, capacity: 10, waitlist: waitlist, at: now) == [])
        // Lowered below the confirmed count: nobody moves up (and nobody is un-confirmed).
        #expect(RegistrationRules.promotions(confirmed: 12, capacity: 10, waitlist: waitlist, at: now) == [])
        #expect(RegistrationRules.promotions(confirmed: 50, capacity: nil, waitlist: waitlist, at: now) == [4, 2, 9, 7])
        #expect(RegistrationRules.promotions(confirmed: 0, capacity: 5, waitlist: [], at: now) == [])
    }

    @Test("promotions pass over a hold past its time, not one still running")
    func holds() {
        let now = at("2017-06-15 09:00")
        let waitlist = [WaitlistEntry(id: 1, queueOrder: 1, holdExpiresAt: now),
                        WaitlistEntry(id: 2, queueOrder: 2, holdExpiresAt: now.addingTimeInterval(60)),
                        WaitlistEntry(id: 3, queueOrder: 3)]
        #expect(RegistrationRules.promotions(confirmed: 0, capacity: 2, waitlist: waitlist, at: now) == [2, 3])
    }
}
