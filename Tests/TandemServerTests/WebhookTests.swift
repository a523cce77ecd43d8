import Crypto
import Foundation
import HTTPTypes
import Logging
import Testing
import TandemCore
@testable import TandemServer
import TandemPostgres
import TandemStore
import TandemTestSupport

/// Webhooks against a real HTTP receiver started by each test, on SQLite and on PostgreSQL.
@Suite("Webhooks: order, retries, signatures, pausing, catching up", .timeLimit(.minutes(5)))
struct WebhookTests {
    static let slug = "hamburg-2017"

    /// A test server whose webhooks retry at once (the test clock stands still) and poll often.
    static func config(firstDelay: TimeInterval = 0, pauseAfter: Int = 10) -> AppConfig {
        var config = testConfig()
        config.webhooks.rules = WebhookRules(firstDelay: firstDelay, maxDelay: 600, pauseAfter: pauseAfter)
        config.webhooks.pollInterval = .milliseconds(50)
        config.webhooks.totalTimeout = .seconds(5)
        return config
    }

    /// Registers `url` for the seeded event; returns the endpoint's id and secret.
    static func register(_ admin: API, url: String, types: [String] = [], secret: String? = nil) async throws -> (id: Int, secret: String) {
        let body = #"{"url":"\#(url)","types":\#(types)\#(secret.map { #","secret":"\#($0)""# } ?? "")}"#
        let reply = try await admin.post("/api/v1/events/\(slug)/webhooks", body)
        try #require(reply.status == .created, "\(reply.text)")
        #expect(reply.json["secretHint"].string?.hasSuffix(String(reply.json["secret"].string?.suffix(4) ?? "?")) == true)
        return (try #require(reply.json["id"].int), try #require(reply.json["secret"].string))
    }

    /// One change: an announcement (`announcement.created`).
    static func announce(_ admin: API, _ n: Int) async throws {
        let reply = try await admin.post("/api/v1/events/\(slug)/announcements", #"{"text":{"en":"Note \#(n)"}}"#)
        try #require(reply.status == .created, "\(reply.text)")
    }

    static func seqs(_ received: [WebhookReceiver.Received]) -> [Int64] { received.compactMap(\.seq) }

    /// A real receiver, and a test server on `kind` with the seeded event: `body` gets the receiver,
    /// its URL, an organiser, and the event's seq before the test's first change.
    static func withReceiver(_ kind: StoreKind, clock: TestClock = TestClock(), config: AppConfig = config(),
                             _ body: @escaping @Sendable (WebhookReceiver, String, API, Int64) async throws -> Void) async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            try await withTandem(store: kind, clock: clock, config: config) { api in
                let admin = try await api.login()
                _ = try await admin.seedEvent()
                try await body(receiver, url, admin, Int64(try await admin.scheduleVersion(slug)))
            }
        }
    }

    /// The endpoint once `condition` holds: the receiver has its answer a moment before Tandem has
    /// recorded it, so what the API shows is read again until it says so (at most 10 s).
    static func endpoint(_ admin: API, _ id: Int, until condition: (JSON) -> Bool) async throws -> JSON {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let endpoint = try await admin.get("/api/v1/events/\(slug)/webhooks/\(id)").json
            if condition(endpoint) || ContinuousClock.now > deadline { return endpoint }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test("changes 1…N arrive in seq order, once each, and /changes?since= answers the same records", arguments: StoreKind.available)
    func order(kind: StoreKind) async throws {
        try await Self.withReceiver(kind) { receiver, url, admin, start in
            _ = try await Self.register(admin, url: url)
            for n in 1...8 { try await Self.announce(admin, n) }
            let got = try await receiver.wait { $0.filter(\.ok).count >= 8 }
            #expect(Self.seqs(got) == Array(start + 1...start + 8), "in order, none twice, none skipped")
            for item in got {
                let body = try JSON(data: Data(item.body.utf8))
                #expect(body["type"].string == "announcement.created")
                #expect(Int64(body["seq"].int ?? -1) == item.seq)
                #expect(item.headers[.contentType] == "application/json")
                #expect(item.headers[.userAgent] == "Tandem-Webhooks/1")
                #expect(item.headers[HTTPField.Name("Tandem-Event")!] == Self.slug)
            }
            #expect(Set(got.compactMap { $0.headers[HTTPField.Name("Tandem-Delivery")!] }).count == 8, "a unique delivery id each")
            // The change log since the seq before the first delivery: the same records, byte for byte.
            let changes = try await admin.get("/api/v1/events/\(Self.slug)/changes?since=\(start)")
            #expect(changes.status == .ok)
            #expect(changes.json["items"].array.count == 8)
            #expect(changes.json["next"].isNull)
            let expected = "{\"items\":[" + got.map(\.body).joined(separator: ",") + "],\"next\":null}"
            #expect(changes.text == expected)
            // Paged: a full page names its last seq as the cursor.
            let page = try await admin.get("/api/v1/events/\(Self.slug)/changes?since=\(start)&limit=3")
            #expect(page.json["items"].array.map { $0["seq"].int } == [Int(start) + 1, Int(start) + 2, Int(start) + 3])
            #expect(page.json["next"].string == String(start + 3))
            let next = try await admin.get("/api/v1/events/\(Self.slug)/changes?since=\(start)&limit=3&cursor=\(start + 3)")
            #expect(next.json["items"].array.first?["seq"].int == Int(start) + 4)
            // Without since the route is the audit log it always was.
            let audit = try await admin.get("/api/v1/events/\(Self.slug)/changes")
            #expect(audit.json["items"].array.first?["action"].string == "announcement.created")
            try await admin.get("/api/v1/events/\(Self.slug)/changes?since=x").expectProblem(.unprocessableContent)
            try await admin.get("/api/v1/events/\(Self.slug)/changes?since=-1").expectProblem(.unprocessableContent)
        }
    }

    @Test("a receiver failing twice: retried, then delivered once, in order; the failures are listed", arguments: StoreKind.available)
    func retry(kind: StoreKind) async throws {
        try await Self.withReceiver(kind) { receiver, url, admin, start in
            let (id, _) = try await Self.register(admin, url: url)
            receiver.fail(next: 2, with: .internalServerError)
            for n in 1...3 { try await Self.announce(admin, n) }
            let got = try await receiver.wait { $0.filter(\.ok).count >= 3 }
            #expect(Self.seqs(got.filter(\.ok)) == [start + 1, start + 2, start + 3])
            #expect(got.count == 5)
            #expect(Self.seqs(Array(got.prefix(3))) == [start + 1, start + 1, start + 1], "the first change until it is delivered")
            let endpoint = try await Self.endpoint(admin, id) { $0["deliveredSeq"].int == Int(start) + 3 }
            let deliveries = try await admin.get("/api/v1/events/\(Self.slug)/webhooks/\(id)/deliveries").json["items"].array.reversed()
            #expect(deliveries.map { $0["seq"].int } == [1, 1, 1, 2, 3].map { Int(start) + $0 })
            #expect(deliveries.map { $0["attempt"].int } == [1, 2, 3, 1, 1])
            #expect(deliveries.map { $0["status"].int } == [500, 500, 204, 204, 204])
            #expect(deliveries.map { $0["ok"].bool } == [false, false, true, true, true])
            #expect(deliveries.first?["error"].string == "the receiver answered HTTP 500")
            #expect(endpoint["state"].string == "active")
            #expect(endpoint["consecutiveFailures"].int == 0)
            #expect(endpoint["deliveredSeq"].int == Int(start) + 3)
            #expect(endpoint["lastError"].isNull)
        }
    }

    @Test("every POST is signed: HMAC-SHA256 over \"t.body\" with the endpoint's secret; pings too", arguments: StoreKind.available)
    func signature(kind: StoreKind) async throws {
        try await Self.withReceiver(kind) { receiver, url, admin, _ in
            let (id, secret) = try await Self.register(admin, url: url, secret: "a-receiver-chosen-secret-42")
            #expect(secret == "a-receiver-chosen-secret-42")
            // The secret is never shown again.
            let listed = try await admin.get("/api/v1/events/\(Self.slug)/webhooks")
            #expect(!listed.text.contains(secret))
            #expect(listed.json["items"][0]["secretHint"].string == "…t-42")
            try await Self.announce(admin, 1)
            try await receiver.wait { $0.filter(\.ok).count >= 1 }
            let ping = try await admin.post("/api/v1/events/\(Self.slug)/webhooks/\(id)/ping", "{}")
            #expect(ping.json["ok"].bool == true)
            #expect(ping.json["type"].string == "ping")
            let got = try await receiver.wait { $0.filter(\.ok).count >= 2 }
            for item in got {
                let header = try #require(item.headers[HTTPField.Name("Tandem-Signature")!])
                let parts = Dictionary(uniqueKeysWithValues: header.split(separator: ",").map { part in
                    let pair = part.split(separator: "=", maxSplits: 1)
                    return (String(pair[0]), String(pair[1]))
                })
                let t = try #require(parts["t"])
                let mac = HMAC<SHA256>.authenticationCode(for: Data("\(t).\(item.body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
                #expect(parts["v1"] == mac.map { String(format: "%02x", $0) }.joined())
                let wrong = HMAC<SHA256>.authenticationCode(for: Data("\(t).\(item.body)".utf8), using: SymmetricKey(data: Data("another secret".utf8)))
                #expect(parts["v1"] != wrong.map { String(format: "%02x", $0) }.joined())
            }
            #expect(got.map { try? JSON(data: Data($0.body.utf8))["type"].string } == ["announcement.created", "ping"])
        }
    }

    @Test("an endpoint failing N times in a row is paused, shown as failing, and delivers again when resumed", arguments: StoreKind.available)
    func pausedAfterFailures(kind: StoreKind) async throws {
        try await Self.withReceiver(kind, config: Self.config(pauseAfter: 3)) { receiver, url, admin, start in
            let (id, _) = try await Self.register(admin, url: url)
            receiver.answer(.serviceUnavailable)
            try await Self.announce(admin, 1)
            try await receiver.wait { $0.count >= 3 }
            let endpoint = try await Self.endpoint(admin, id) { $0["state"].string == "failing" }
            #expect(endpoint["state"].string == "failing")
            #expect(endpoint["active"].bool == false)
            #expect(endpoint["consecutiveFailures"].int == 3)
            #expect(endpoint["lastError"].string == "the receiver answered HTTP 503")
            #expect(endpoint["deliveredSeq"].int == Int(start))
            // Paused: further changes are not sent.
            try await Self.announce(admin, 2)
            let listed = try await admin.get("/api/v1/events/\(Self.slug)/webhooks").json["items"][0]
            #expect(listed["state"].string == "failing")
            #expect(receiver.received.count == 3, "no fourth attempt after the pause")
            // Resumed with the receiver back: both changes, in order.
            receiver.answer(.ok)
            let resumed = try await admin.patch("/api/v1/events/\(Self.slug)/webhooks/\(id)", #"{"resume":true}"#)
            #expect(resumed.json["state"].string == "active")
            #expect(resumed.json["consecutiveFailures"].int == 0)
            let got = try await receiver.wait { $0.filter(\.ok).count >= 2 }
            #expect(Self.seqs(got.filter(\.ok)) == [start + 1, start + 2])
        }
    }

    @Test("a receiver down for 20 changes catches up exactly when it returns (back-off honoured, no gap, no duplicate)",
          arguments: StoreKind.available)
    func catchUp(kind: StoreKind) async throws {
        let clock = TestClock()
        try await Self.withReceiver(kind, clock: clock, config: Self.config(firstDelay: 60)) { receiver, url, admin, start in
            let (id, _) = try await Self.register(admin, url: url, types: ["announcement.created"])
            receiver.answer(.badGateway)
            for n in 1...20 { try await Self.announce(admin, n) }
            // A change of a type not asked for is skipped, not sent.
            let room = try await admin.post("/api/v1/events/\(Self.slug)/rooms", #"{"name":"Room C"}"#)
            try #require(room.status == .created)
            try await Self.announce(admin, 21)
            try await receiver.wait { $0.count >= 1 }
            // The clock stands still: the back-off of 60 s has not run out, nothing is retried.
            let waiting = try await Self.endpoint(admin, id) { $0["consecutiveFailures"].int == 1 }
            #expect(waiting["consecutiveFailures"].int == 1)
            #expect(waiting["state"].string == "active")
            #expect(receiver.received.count == 1)
            receiver.answer(.ok)
            clock.advance(by: 61)
            let got = try await receiver.wait { $0.filter(\.ok).count >= 21 }
            let delivered = Self.seqs(got.filter(\.ok))
            let expected = Array(start + 1...start + 20) + [start + 22]
            #expect(delivered == expected, "every change once, in order; the room change skipped")
            #expect(got.count == 22, "one failure and 21 deliveries, nothing more")
            let endpoint = try await Self.endpoint(admin, id) { $0["deliveredSeq"].int == Int(start) + 22 }
            #expect(endpoint["deliveredSeq"].int == Int(start) + 22)
            // What a receiver fetches to catch up is what it was sent.
            let changes = try await admin.get("/api/v1/events/\(Self.slug)/changes?since=\(start)").json["items"].array
            #expect(changes.count == 22)
            #expect(changes.filter { $0["type"].string == "announcement.created" }.map { $0["seq"].int.map(Int64.init) } == delivered)
        }
    }

    @Test("bad URLs, types and secrets are refused with a 422 naming the field; edits and deletions are audited", arguments: StoreKind.available)
    func validation(kind: StoreKind) async throws {
        try await withTandem(store: kind, config: Self.config()) { api in
            let admin = try await api.login()
            _ = try await admin.seedEvent()
            let base = "/api/v1/events/\(Self.slug)/webhooks"
            for url in ["ftp://example.org/", "https://user:pw@example.org/", "not a url", "javascript:alert(1)", ""] {
                let reply = try await admin.post(base, #"{"url":"\#(url)"}"#)
                #expect(reply.expectProblem(.unprocessableContent).fieldErrors == ["url"], "\(url)")
            }
            #expect(try await admin.post(base, #"{"url":"https://example.org/h","types":["session.moved"]}"#)
                .expectProblem(.unprocessableContent).fieldErrors == ["types"])
            #expect(try await admin.post(base, #"{"url":"https://example.org/h","secret":"short"}"#)
                .expectProblem(.unprocessableContent).fieldErrors == ["secret"])
            #expect(try await admin.post(base, #"{"url":42}"#).expectProblem(.unprocessableContent).fieldErrors == ["url"])
            try await admin.get("\(base)/999").expectProblem(.notFound)
            try await admin.get("/api/v1/events/nowhere/webhooks").expectProblem(.notFound)
            // Created without a secret: a random one, answered once; then PATCH and DELETE, each audited.
            let created = try await admin.post(base, #"{"url":"https://example.org/h"}"#)
            #expect(created.json["secret"].string?.hasPrefix("whsec_") == true)
            let id = try #require(created.json["id"].int)
            let paused = try await admin.patch("\(base)/\(id)", #"{"active":false,"types":["session.updated"]}"#)
            #expect(paused.json["state"].string == "paused")
            #expect(paused.json["types"].array.map(\.string) == ["session.updated"])
            #expect(try await admin.delete("\(base)/\(id)").status == .noContent)
            let audit = try await admin.get("/api/v1/events/\(Self.slug)/changes?action=webhook.").json["items"].array.map { $0["action"].string }
            #expect(audit == ["webhook.deleted", "webhook.updated", "webhook.created"])
        }
    }

    @Test("claims: one holder at a time, also when claiming at once; a dead holder's endpoint is taken over when its lease runs out",
          arguments: StoreKind.available)
    func leases(kind: StoreKind) async throws {
        let clock = TestClock()
        try await kind.withStore(clock: clock) { store in
            let actor = "admin@example.org"
            _ = try await store.createEvent(makeEvent(), by: actor)
            let endpoint = try await store.createWebhook(
                eventSlug: Self.slug, NewWebhook(url: "http://127.0.0.1:9/hook", types: [], sealedSecret: "sealed", secretHint: "…aled"), by: actor)
            #expect(try await store.claimDueWebhooks(holder: "a", at: clock.now(), lease: 60, limit: 10).isEmpty, "caught up: nothing to claim")
            _ = try await store.createRoom(eventSlug: Self.slug, Room(id: .init(0), eventID: .init(0), name: "Hall", capacity: nil, position: 0),
                                           by: actor)
            let seq = try await store.scheduleVersion(slug: Self.slug)
            // Two instances claiming at the same moment: one of them gets it.
            async let first = store.claimDueWebhooks(holder: "a", at: clock.now(), lease: 60, limit: 10)
            async let second = store.claimDueWebhooks(holder: "b", at: clock.now(), lease: 60, limit: 10)
            let (claimedA, claimedB) = try await (first, second)
            #expect(claimedA.count + claimedB.count == 1)
            let holder = claimedA.isEmpty ? "b" : "a"
            let other = holder == "a" ? "b" : "a"
            #expect(try await store.claimDueWebhooks(holder: other, at: clock.now().addingTimeInterval(59), lease: 60, limit: 10).isEmpty,
                    "held while the lease runs")
            // The holder dies; once its lease has run out the other takes over, and the dead one can no longer record.
            clock.advance(by: 61)
            let taken = try await store.claimDueWebhooks(holder: other, at: clock.now(), lease: 60, limit: 10)
            #expect(taken.map(\.endpoint.id) == [endpoint.id])
            #expect(taken.first?.sealedSecret == "sealed")
            let attempt = WebhookAttempt(endpointID: endpoint.id, seq: seq, type: "room.created", status: 204, error: nil,
                                         durationMilliseconds: 3, deliveryID: "d1")
            #expect(try await !store.recordWebhookAttempt(attempt, holder: holder, rules: WebhookRules(), lease: 60, keep: 200))
            #expect(try await store.recordWebhookAttempt(attempt, holder: other, rules: WebhookRules(), lease: 60, keep: 200))
            #expect(try await store.webhook(eventSlug: Self.slug, id: endpoint.id).deliveredSeq == seq)
            #expect(try await store.webhookDeliveries(eventSlug: Self.slug, id: endpoint.id, before: nil, limit: 10).map(\.deliveryID) == ["d1"])
            // Caught up: nothing to claim until the next change.
            try await store.releaseWebhook(endpointID: endpoint.id, holder: other)
            #expect(try await store.claimDueWebhooks(holder: holder, at: clock.now(), lease: 60, limit: 10).isEmpty)
            // Only the latest `keep` deliveries are kept.
            for n in 0..<5 {
                _ = try await store.recordWebhookAttempt(WebhookAttempt(endpointID: endpoint.id, seq: 0, type: "ping", status: 204, error: nil,
                                                                        durationMilliseconds: 1, deliveryID: "p\(n)"),
                                                         holder: "ping", rules: WebhookRules(), lease: 0, keep: 3)
            }
            #expect(try await store.webhookDeliveries(eventSlug: Self.slug, id: endpoint.id, before: nil, limit: 10).map(\.deliveryID) == ["p4", "p3", "p2"])
        }
    }

    @Test("two instances on one PostgreSQL, changes made through both: each change is delivered once, in order",
          .enabled(if: StoreKind.postgresServerURL != nil, "needs TANDEM_TEST_POSTGRES"))
    func twoInstances() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { url in
            let database = try await PostgresTestDatabases.create()
            let base = Self.config()
            // Every instance has the same secret (TANDEM_SECRET): each must open the endpoint's sealed secret.
            func config() -> AppConfig {
                var config = base
                config.dataDirectory = config.dataDirectory
                config.databasePath = database
                config.secret = "the secret every instance of this test shares"
                return config
            }
            var logger = Logger(label: "tandem-test")
            logger.logLevel = .warning
            let opened = OpenedStores()
            let environment = AppEnvironment(openStore: opened.recording(PostgresStore.opener), clock: TestClock(), logger: logger)
            do {
                let first = try await buildServer(config(), environment: environment)
                let second = try await buildServer(config(), environment: environment)
                try await first.application.test(.router) { clientA in
                    try await second.application.test(.router) { clientB in
                        let adminA = try await API(clientA).login()
                        let adminB = try await API(clientB).login()
                        _ = try await adminA.seedEvent()
                        let start = Int64(try await adminA.scheduleVersion(Self.slug))
                        let (id, _) = try await Self.register(adminB, url: url)
                        for n in 1...20 { try await Self.announce(n.isMultiple(of: 2) ? adminA : adminB, n) }
                        let got = try await receiver.wait { $0.filter(\.ok).count >= 20 }
                        #expect(Self.seqs(got) == Array(start + 1...start + 20), "each once, in order, whichever instance sent it")
                        let endpoint = try await Self.endpoint(adminA, id) { $0["deliveredSeq"].int == Int(start) + 20 }
                        #expect(endpoint["deliveredSeq"].int == Int(start) + 20)
                        let deliveries = try await adminB.get("/api/v1/events/\(Self.slug)/webhooks/\(id)/deliveries").json["items"].array
                        #expect(deliveries.count == 20)
                        #expect(receiver.received.count == 20, "no change sent twice")
                    }
                }
            } catch {
                await opened.closeAll()
                throw error
            }
            await opened.closeAll()
        }
    }
}
