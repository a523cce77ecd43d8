import Foundation
import HTTPTypes
import Logging
import Synchronization
import TandemCore
@testable import TandemServer
import TandemStore
import TandemSQLite
import TandemTestSupport
import Testing

/// Issue 14, privacy: logs never carry attendees' addresses or tokens; a permanent delivery
/// error is not retried.
@Suite("Privacy: logs without addresses or tokens; permanent mail errors given up at once", .timeLimit(.minutes(5)))
struct PrivacyTests {
    @Test("self-service and confirmation paths are redacted; organisers' numeric ids and slugs are kept")
    func redaction() {
        let token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd"
        #expect(LogRedaction.path("/api/v1/registrations/\(token)") == "/api/v1/registrations/<redacted>")
        #expect(LogRedaction.path("/registrations/\(token)") == "/registrations/<redacted>")
        #expect(LogRedaction.path("/api/v1/registrations/\(token)/schedule.ics") == "/api/v1/registrations/<redacted>/schedule.ics")
        #expect(LogRedaction.path("/registrations/short-guess") == "/registrations/<redacted>")
        #expect(LogRedaction.path("/api/v1/events/twinning-reception-2017/registrations/42/erase")
            == "/api/v1/events/twinning-reception-2017/registrations/42/erase")
        #expect(LogRedaction.path("/api/v1/events/cbw-hamburg-2017/registrations") == "/api/v1/events/cbw-hamburg-2017/registrations")
    }

    @Test("request logs at debug level name the route, never the attendee's token")
    func requestLogs() async throws {
        let records = LogRecords()
        var logger = Logger(label: "privacy-test") { _ in CapturingLogHandler(records: records) }
        logger.logLevel = .debug
        let config = testConfig()
        let app = try await buildApplication(config, environment: AppEnvironment(clock: TestClock(), logger: logger))
        let token = try await app.test(.router) { client in
            let api = API(client)
            let admin = try await api.login()
            _ = try await admin.openEvent()
            let token = try #require(try await api.post("/api/v1/events/hamburg-2017/registrations", Attendee.body(1)).json["token"].string)
            #expect(try await api.get("/api/v1/registrations/\(token)").status == .ok)
            _ = try await api.get("/registrations/\(token)")
            _ = try await api.get("/api/v1/registrations/\(token)/schedule.ics")
            return token
        }
        let lines = records.entries.withLock { $0 }.map { "\($0.message) \($0.metadata)" }
        #expect(lines.contains { $0.contains("/api/v1/registrations/<redacted>") }, "the requests are logged")
        #expect(!lines.contains { $0.contains(token) }, "no log line carries the token")
        #expect(!lines.contains { $0.contains("attendee1@example.org") }, "no log line carries the address")
    }

    /// A transport that refuses every message the way sendmail refuses an unknown user.
    final class RefusingTransport: MailTransport {
        let attempts = Mutex(0)
        let error: MailTransportError
        init(_ error: MailTransportError) { self.error = error }
        func deliver(_ mail: OutboundMail) async throws {
            attempts.withLock { $0 += 1 }
            throw error
        }
    }

    @Test("a permanent delivery error is given up after one attempt; a temporary one is retried; the log never names the address",
          arguments: [(MailTransportError.invalidRecipient("x"), 1),
                      (.commandFailed(path: "/usr/sbin/sendmail", exitStatus: 67, stderr: "attendee1@example.org... User unknown"), 1),
                      (.commandFailed(path: "/usr/sbin/sendmail", exitStatus: 75, stderr: "attendee1@example.org: try again later"), 3)])
    func permanentErrors(error: MailTransportError, expectedAttempts: Int) async throws {
        let clock = TestClock()
        let store = try SQLiteStore(path: temporaryDatabasePath(), clock: clock, tokens: TestTokens())
        try store.migrate()
        var event = makeEvent(slug: "mail-2030")
        event.capacity = 10
        _ = try await store.createEvent(event, by: "o")
        _ = try await store.register(eventSlug: "mail-2030", RegistrationRequest(
            name: "Attendee 1", email: "attendee1@example.org", language: .en, sessionIDs: [], consent: true))
        let records = LogRecords()
        let transport = RefusingTransport(error)
        var settings = MailSettings(retry: RetryPolicy(firstDelay: 30, maxDelay: 60, maxAttempts: 3))
        settings.burstQuiet = .zero // no registration burst to wait for
        let delivery = OutboxDelivery(store: store, transport: transport, clock: clock, settings: settings,
                                      logger: Logger(label: "outbox") { _ in CapturingLogHandler(records: records) })
        for _ in 0..<6 {
            try await delivery.runOnce()
            clock.advance(by: 3600)
        }
        #expect(transport.attempts.withLock { $0 } == expectedAttempts)
        #expect(try await store.outboxBacklog() == 0)
        let lines = records.entries.withLock { $0 }.map { "\($0.message) \($0.metadata)" }
        #expect(!lines.isEmpty && !lines.contains { $0.contains("attendee1@example.org") }, "\(lines)")
    }
}
