import Foundation
import Testing
import TandemCore
import TandemTestSupport

@Suite("Webhook rules", .timeLimit(.minutes(1)))
struct WebhookRulesTests {
    @Test("back-off: the first delay, doubling with each failure in a row, capped", .timeLimit(.minutes(1)))
    func backOff() {
        let rules = WebhookRules(firstDelay: 1, maxDelay: 600, pauseAfter: 10)
        #expect((1...6).map { rules.delay(afterFailures: $0) } == [1, 2, 4, 8, 16, 32])
        #expect(rules.delay(afterFailures: 10) == 512)
        #expect(rules.delay(afterFailures: 11) == 600, "capped at ten minutes")
        #expect(rules.delay(afterFailures: 5_000_000) == 600, "no overflow")
        let now = at("2017-06-15 10:00")
        #expect(rules.afterFailure(failures: 3, now: now) == .retry(at: now.addingTimeInterval(4)))
    }

    @Test("an endpoint is paused at the Nth failure in a row, not before", .timeLimit(.minutes(1)))
    func pause() {
        let rules = WebhookRules(firstDelay: 1, maxDelay: 600, pauseAfter: 3)
        let now = at("2017-06-15 10:00")
        #expect(rules.afterFailure(failures: 2, now: now) == .retry(at: now.addingTimeInterval(2)))
        #expect(rules.afterFailure(failures: 3, now: now) == .pause)
        #expect(rules.afterFailure(failures: 4, now: now) == .pause)
        #expect(WebhookRules().pauseAfter == 10, "ten by default")
    }

    @Test("changes of types an endpoint did not ask for are skipped; no types means all", .timeLimit(.minutes(1)))
    func wantedTypes() {
        #expect(WebhookRules.wants(types: [], type: "seats.changed"))
        #expect(WebhookRules.wants(types: ["session.updated", "schedule.delayed"], type: "schedule.delayed"))
        #expect(!WebhookRules.wants(types: ["session.updated"], type: "seats.changed"))
        #expect(WebhookRules.validateTypes(["session.updated"]).isEmpty)
        #expect(WebhookRules.validateTypes(["session.moved"]).map(\.field) == ["types"])
        #expect(WebhookRules.validateTypes(["session.updated", "session.updated"]).map(\.field) == ["types"])
    }

    @Test("only http and https URLs with a host and without credentials", .timeLimit(.minutes(1)),
          arguments: [("https://example.org/hook", true), ("http://127.0.0.1:9000/x?y=1", true), ("ftp://example.org/", false),
                      ("https://user:pass@example.org/", false), ("https:///nohost", false), ("javascript:alert(1)", false),
                      ("example.org/hook", false), ("", false), ("https://example.org/#frag", false), ("file:///etc/passwd", false)])
    func urls(url: String, accepted: Bool) {
        #expect(WebhookRules.validateURL(url).isEmpty == accepted, "\(url)")
    }
}
