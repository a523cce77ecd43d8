import Foundation
import Logging
import Testing
import TandemCore
import TandemStore
import TandemSQLite
import TandemTestSupport
@testable import TandemServer

@Suite("Outbox during a registration burst", .timeLimit(.minutes(5)))
struct OutboxBurstTests {
    @Test("the outbox holds back while registrations are being written, never longer than its limit, and then delivers")
    func holdsBackDuringBurst() async throws {
        let path = temporaryDatabasePath()
        let clock = TestClock()
        let store = try SQLiteStore(path: path, clock: clock, tokens: TestTokens())
        try store.migrate()
        _ = try await store.createEvent(makeEvent(slug: "burst", start: "2099-06-15 08:00", end: "2099-06-16 20:00"), by: "test")
        let activity = RegistrationActivity()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("burst-mail-\(UUID().uuidString)")
        func delivery(quiet: Duration, maxDeferral: Duration) -> OutboxDelivery {
            var settings = MailSettings()
            settings.burstQuiet = quiet
            settings.burstMaxDeferral = maxDeferral
            let transport = DirectoryTransport(folder: folder.path, from: "t@example.org", fromName: "T", messageIDDomain: "example.org", clock: clock)
            return OutboxDelivery(store: store, transport: transport, clock: clock, settings: settings, logger: Logger(label: "test"), activity: activity)
        }
        let window = delivery(quiet: .seconds(60), maxDeferral: .milliseconds(100))
        #expect(!window.holdsBackForBurst(), "no registration yet: nothing to hold back for")

        // As the API and the form register: the answered registration is recorded for the outbox.
        _ = try await store.registerCounted(eventSlug: "burst", RegistrationRequest(name: "Li Wei", email: "li@example.org", sessionIDs: [], consent: true),
                                            activity: activity)
        #expect(try await delivery(quiet: .seconds(60), maxDeferral: .seconds(60)).runOnce() == 0, "held back: registrations are being written")

        let written = try #require(activity.lastRegistration)
        #expect(window.holdsBackForBurst(now: written + .milliseconds(10)))
        #expect(window.holdsBackForBurst(now: written + .milliseconds(60)))
        #expect(!window.holdsBackForBurst(now: written + .milliseconds(120)), "held back 100 ms at most")
        #expect(window.holdsBackForBurst(now: written + .milliseconds(130)), "a new hold-back window")
        #expect(!window.holdsBackForBurst(now: written + .seconds(61)), "quiet again: nothing held back")

        #expect(try await delivery(quiet: .zero, maxDeferral: .seconds(60)).runOnce() == 1, "the confirmation goes out once the burst is over")
    }
}
