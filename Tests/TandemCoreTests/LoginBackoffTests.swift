import Foundation
import Testing
import TandemCore
import TandemTestSupport

@Suite("Login back-off", .timeLimit(.minutes(1)))
struct LoginBackoffTests {
    @Test("no wait below the threshold; then 1 s, doubling with each failure, capped; the wait runs from the last failure")
    func waits() {
        let rule = LoginBackoff(threshold: 5, maxBackoff: 900)
        let last = at("2017-06-15 10:00")
        #expect(rule.wait(failures: 4, last: last, now: last) == nil)
        #expect(rule.wait(failures: 5, last: last, now: last) == 1)
        #expect(rule.wait(failures: 7, last: last, now: last) == 4)
        #expect(rule.wait(failures: 7, last: last, now: last.addingTimeInterval(3)) == 1)
        #expect(rule.wait(failures: 7, last: last, now: last.addingTimeInterval(4)) == nil, "the end of the wait is free")
        #expect(rule.backoff(failures: 40) == 900, "capped")
        #expect(rule.backoff(failures: 5_000_000) == 900, "no overflow")
    }
}
