import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import Synchronization
import Testing
import TandemTestSupport

/// Several real `tandem` processes on one PostgreSQL database (issue 16): what one instance does,
/// every other one shows, and losing one loses nothing. Needs TANDEM_TEST_POSTGRES (and nginx for
/// the kill test); `.ci/run` provides both.
@Suite("Several instances on one PostgreSQL: live feed, resume, registrations, mail and jobs across processes",
       .serialized, .timeLimit(.minutes(5)), .enabled(if: StoreKind.postgresServerURL != nil, "needs TANDEM_TEST_POSTGRES"))
struct MultiInstanceTests {
    /// Instances on one new database, each with its own data folder (mail, log) and the shared secret.
    static func instances(_ count: Int, environment: [String: String] = [:]) async throws -> (url: String, servers: [TandemProcess]) {
        try #require(FileManager.default.isExecutableFile(atPath: TandemProcess.binary), "build the tandem executable first")
        let url = try await PostgresTestDatabases.create()
        let servers = (0..<count).map { _ in
            TandemProcess(databasePath: url, folder: FileManager.default.temporaryDirectory
                .appendingPathComponent("tandem-instance-\(UUID().uuidString.prefix(8))").path, environment: environment)
        }
        return (url, servers)
    }

    /// Runs `body` with `count` instances on one new database (not started: a test starts them as it
    /// needs) and stops them afterwards, whether `body` threw or not.
    static func withInstances(_ count: Int, environment: [String: String] = [:],
                              _ body: (String, [TandemProcess]) async throws -> Void) async throws {
        let (url, servers) = try await instances(count, environment: environment)
        do {
            try await body(url, servers)
        } catch {
            for server in servers { await server.stop() }
            throw error
        }
        for server in servers { await server.stop() }
    }

    @Test("instances started at once on an empty database: one admin; a change made through A reaches B's screens within 1 s, in order; a screen dropped from A resumes on B with exactly what it missed; the ETag is the same on both")
    func liveAcrossInstances() async throws {
        try await Self.withInstances(2) { _, servers in
            // Started together: the start-up chores (the admin) run once, under the database's lock.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for server in servers { group.addTask { try await server.start() } }
                try await group.waitForAll()
            }
            let (a, b) = (servers[0], servers[1])
            let adminA = try await a.api.login()
            let adminB = try await b.api.login()
            #expect(try await adminB.get("/api/v1/accounts").json["items"].array.count == 1, "one admin, not one per instance")
            let ids = try await adminA.seedEvent()

            let onB = LiveClient(port: b.port, path: "/api/v1/events/hamburg-2017/live")
            let snapshot = try await onB.messages(count: 1)[0]
            #expect(snapshot["type"].string == "snapshot" && snapshot["seq"].int == 3)
            var expected = [3]
            for n in 1...10 {
                let started = ContinuousClock.now
                _ = try await adminA.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Note \#(n)"}}"#)
                let messages = try await onB.messages(count: n + 1, timeout: .seconds(1))
                #expect(ContinuousClock.now - started < .seconds(1), "change \(n) reached the other instance within 1 s")
                expected.append(3 + n)
                #expect(messages.map { $0["seq"].int } == expected)
            }
            onB.disconnect()

            // Dropped from A, back on B with `since`: exactly the missed changes.
            let onA = LiveClient(port: a.port, path: "/api/v1/events/hamburg-2017/live")
            let seen = try #require(try await onA.messages(count: 1)[0]["seq"].int)
            onA.disconnect()
            for minute in 0..<5 {
                _ = try await adminA.post("/api/v1/events/hamburg-2017/sessions", Body.session(
                    room: ids.roomA, start: "2017-06-15T1\(minute):00:00+02:00", end: "2017-06-15T1\(minute):30:00+02:00", title: "Session \(minute)"))
            }
            let resumed = LiveClient(port: b.port, path: "/api/v1/events/hamburg-2017/live?since=\(seen)")
            let replayed = try await resumed.messages(count: 5)
            #expect(replayed.map { $0["seq"].int } == (seen + 1...seen + 5).map { $0 })
            #expect(replayed.map { $0["data"]["title"]["en"].string } == (0..<5).map { "Session \($0)" })

            // Both instances' caches follow the bus: the same version, the same ETag, the same bytes.
            let onBoth = try await [a.api.get("/api/v1/events/hamburg-2017/schedule"), b.api.get("/api/v1/events/hamburg-2017/schedule")]
            #expect(onBoth[0].headers[.eTag] != nil && onBoth[0].headers[.eTag] == onBoth[1].headers[.eTag])
            #expect(onBoth[0].json["scheduleVersion"].int == seen + 5 && onBoth[0].body == onBoth[1].body)
            let exports = try await [a.api.get("/api/v1/events/hamburg-2017/schedule.xml"), b.api.get("/api/v1/events/hamburg-2017/schedule.xml")]
            #expect(exports[0].headers[.eTag] == exports[1].headers[.eTag] && exports[0].body == exports[1].body)

            // Nothing more, nothing less: the resumed feed's next message is the next change made on A.
            _ = try await adminA.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Coffee"}}"#)
            let next = try await resumed.messages(count: 6)
            #expect(next.map { $0["seq"].int } == (seen + 1...seen + 6).map { $0 })
            #expect(next.last?["type"].string == "announcement.created")
            resumed.disconnect()
        }
    }

    @Test("the LISTEN connections are cut (pg_terminate_backend): changes made meanwhile still reach the screens, in order")
    func listenConnectionCut() async throws {
        try await Self.withInstances(2) { url, servers in
            for server in servers { try await server.start() }
            let (a, b) = (servers[0], servers[1])
            let admin = try await a.api.login()
            _ = try await admin.seedEvent()
            let onB = LiveClient(port: b.port, path: "/api/v1/events/hamburg-2017/live")
            #expect(try await onB.messages(count: 1)[0]["seq"].int == 3)
            for round in 0..<3 {
                #expect(try await PostgresTestDatabases.terminate(applicationName: "tandem-changes", count: 2, in: url), "each instance's LISTEN connection")
                for n in 1...5 { _ = try await admin.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Round \#(round) note \#(n)"}}"#) }
            }
            let messages = try await onB.messages(count: 16, timeout: .seconds(10))
            #expect(messages.map { $0["seq"].int } == (3...18).map { $0 }, "every change once, in order")
            onB.disconnect()
        }
    }

    @Test("kill -9 of instance A mid-burst through nginx: every acknowledged registration is there, none oversold, FIFO waitlist; A's screens resume on B without a gap; A's unsent e-mails are sent by B, none twice")
    func killOneInstanceMidBurst() async throws {
        try #require(NginxProxy.isInstalled, "nginx is needed for this test (apt-get install nginx-light)")
        // A short lease, so that B takes over A's claimed mail within the test.
        try await Self.withInstances(2, environment: ["TANDEM_MAIL_LEASE_SECONDS": "2"]) { _, servers in
            for server in servers { try await server.start() }
            let (a, b) = (servers[0], servers[1])
            let nginx = try await NginxProxy.start(upstreams: [a.port, b.port])
            try await nginx.closing { try await Self.burstKillResume(a: a, b: b, servers: servers, nginx: nginx) }
        }
    }

    /// The kill test proper: a burst through nginx, A killed, then what B shows.
    private static func burstKillResume(a: TandemProcess, b: TandemProcess, servers: [TandemProcess], nginx: NginxProxy) async throws {
        let admin = try await nginx.api.login()
        let workshop = try await admin.openEvent(capacity: 40, workshopSeats: 10, year: "2040")

        // Screens through nginx: round robin puts some on each instance.
        let screens = (0..<6).map { _ in ResumingLiveClient(port: nginx.port, path: "/api/v1/events/hamburg-2017/live") }
        for screen in screens { try await screen.waitForSnapshot() }

        let burst = Task {
            try await Burst.post(port: nginx.port, path: "/api/v1/events/hamburg-2017/registrations",
                                 bodies: (1...150).map { Attendee.body($0, sessions: [workshop]) }, connections: 10)
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline,
              (try? await b.api.get("/api/v1/events/hamburg-2017").json["seats"]["confirmed"].int ?? 0) ?? 0 < 15 {
            try await Task.sleep(for: .milliseconds(10))
        }
        await a.kill9()
        let outcomes = try await burst.value
        let acknowledged = outcomes.compactMap(\.reply).filter { $0.status == .created }
        #expect(acknowledged.count >= 15, "\(outcomes.prefix(3).map { "\($0.reply?.status as Any) \($0.reply?.text ?? $0.error ?? "")" })")

        // Every acknowledged registration is there, as it was acknowledged.
        let api = b.api
        var waitlisted: [(id: Int, position: Int)] = []
        for reply in acknowledged {
            let token = try #require(reply.json["token"].string)
            let now = try await api.get("/api/v1/registrations/\(token)")
            #expect(now.status == .ok)
            if reply.json["status"].string == "confirmed" { #expect(now.json["status"].string == "confirmed") }
            if let position = now.json["waitlistPosition"].int, let id = now.json["id"].int { waitlisted.append((id, position)) }
        }
        // Never oversold, and the waitlist is first come, first served.
        let seats = try await api.get("/api/v1/events/hamburg-2017").json["seats"]
        #expect((seats["confirmed"].int ?? 0) <= 40)
        #expect((try await api.get("/api/v1/events/hamburg-2017/sessions/\(workshop)").json["seats"]["confirmed"].int ?? 0) <= 10)
        let positions = waitlisted.sorted { $0.id < $1.id }.map(\.position)
        #expect(positions == positions.sorted() && Set(positions).count == positions.count, "FIFO: \(waitlisted)")
        let adminB = try await b.api.login()
        let all = try await adminB.get("/api/v1/events/hamburg-2017/registrations?status=waitlisted&limit=200").json["items"].array
        #expect(all.compactMap { $0["waitlistPosition"].int }.sorted() == Array(stride(from: 1, through: all.count, by: 1)),
                "the waitlist is 1…n without a hole")

        // A's screens were cut off; they resume through nginx (now B) without a gap.
        _ = try await admin.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"We go on"}}"#)
        let final = try #require(try await b.api.get("/api/v1/events/hamburg-2017/schedule").json["scheduleVersion"].int)
        for screen in screens {
            let seqs = try await screen.seqs(until: final)
            #expect(seqs.last == final, "reached the last change")
            #expect(seqs == Array(seqs.first!...final), "no gap, nothing twice: \(screen.connections) connection(s)")
        }
        #expect(screens.contains { $0.connections > 1 }, "some screens were on A and reconnected")
        for screen in screens { screen.stop() }

        // Every acknowledged attendee gets their e-mail, from A or from B, and no message is sent
        // twice (a file is named after its outbox message: `…-{id}-{kind}.eml`).
        let expected = Set(acknowledged.compactMap { $0.json["email"].string })
        var mails: [(file: String, text: String)] = []
        var reached = Set<String>()
        let mailDeadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < mailDeadline {
            mails = Self.mails(in: servers.map(\.mailFolder))
            reached = Set(mails.flatMap { mail in expected.filter { mail.text.contains("<\($0)>") } })
            if reached == expected { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(reached == expected, "not delivered: \(expected.subtracting(reached).sorted())")
        let ids = mails.map { $0.file.split(separator: "-").dropFirst(2).first.map(String.init) ?? $0.file }
        let twice = Dictionary(grouping: ids) { $0 }.filter { $0.value.count > 1 }.keys.sorted()
        #expect(twice.isEmpty, "outbox messages delivered twice: \(twice)")
    }

    @Test("the instance leading the jobs is killed: another takes over within seconds (an announcement still expires on the screens)")
    func jobLeadMoves() async throws {
        try await Self.withInstances(2) { _, servers in
            let (a, b) = (servers[0], servers[1])
            try await a.start()
            // A asks first, so A leads; B starts after it has.
            let leads = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < leads, !a.log.contains("now leads the database's jobs") { try await Task.sleep(for: .milliseconds(20)) }
            #expect(a.log.contains("now leads the database's jobs"))
            try await b.start()
            let admin = try await b.api.login()
            _ = try await admin.seedEvent()
            await a.kill9()
            let screen = LiveClient(port: b.port, path: "/api/v1/events/hamburg-2017/live")
            _ = try await screen.messages(count: 1)
            let expires = Date().addingTimeInterval(2)
            let announcement = try await admin.post("/api/v1/events/hamburg-2017/announcements",
                                                    #"{"text":{"en":"Lunch in 2 s"},"expiresAt":"\#(expires.formatted(.iso8601))"}"#)
            #expect(announcement.status == .created, "\(announcement.text)")
            let messages = try await screen.messages(count: 3, timeout: .seconds(15))
            #expect(messages.map { $0["type"].string } == ["snapshot", "announcement.created", "announcement.expired"])
            #expect(b.log.contains("now leads the database's jobs"))
            screen.disconnect()
        }
    }

    @Test("`tandem import` into the database of running instances reaches their screens and caches (the command's writes ring the bus too)")
    func importWhileRunning() async throws {
        try await Self.withInstances(1) { url, servers in
            let server = servers[0]
            try await server.start()
            let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/pretalx-schedule.json")
            let first = try TandemCommandLine.run(["import", fixture.path, "--database", url, "--publish",
                                                   "--venue", "Kongresshalle", "--city", "Hamburg", "--country", "DE"])
            #expect(first.status == 0, "\(first.stderr)")
            let before = try await server.api.get("/api/v1/events/c20-forum-2027/schedule")
            #expect(before.status == .ok)
            let screen = LiveClient(port: server.port, path: "/api/v1/events/c20-forum-2027/live")
            let seq = try #require(try await screen.messages(count: 1)[0]["seq"].int)
            // The same file with one talk renamed, imported while the server runs.
            let renamed = try String(contentsOf: fixture, encoding: .utf8).replacingOccurrences(of: "\"Closing\"", with: "\"Closing words\"")
            let updated = FileManager.default.temporaryDirectory.appendingPathComponent("renamed-\(UUID().uuidString.prefix(8)).json")
            try renamed.write(to: updated, atomically: true, encoding: .utf8)
            let second = try TandemCommandLine.run(["import", updated.path, "--database", url])
            #expect(second.status == 0 && second.stdout.contains("1 updated"), "\(second.stdout) \(second.stderr)")
            let messages = try await screen.messages(count: 2)
            #expect(messages[1]["type"].string == "session.updated" && messages[1]["seq"].int == seq + 1)
            #expect(messages[1]["data"]["title"]["en"].string == "Closing words")
            let after = try await server.api.get("/api/v1/events/c20-forum-2027/schedule")
            #expect(after.headers[.eTag] != before.headers[.eTag] && after.text.contains("Closing words"), "the cached schedule followed")
            screen.disconnect()
        }
    }

    @Test("failed logins are counted for all instances: guesses spread over A and B are throttled as if made on one")
    func loginThrottlingIsShared() async throws {
        try await Self.withInstances(2, environment: ["TANDEM_RATE_LIMITS": "1"]) { _, servers in
            for server in servers { try await server.start() }
            let guess = #"{"email":"\#(adminEmail)","password":"a wrong guess, long enough"}"#
            // Five failures, alternating between the instances: the threshold of one address.
            for n in 0..<5 {
                try await servers[n % 2].api.post("/api/v1/auth/login", guess).expectProblem(.unauthorized)
            }
            // The sixth waits, on either instance, even with the right password.
            for server in servers {
                try await server.api.post("/api/v1/auth/login", #"{"email":"\#(adminEmail)","password":"\#(adminPassword)"}"#)
                    .expectProblem(.tooManyRequests, code: "rate-limited")
            }
        }
    }

    @Test("on PostgreSQL the server refuses to start without TANDEM_SECRET, and says what to do")
    func secretRequired() async throws {
        let url = try await PostgresTestDatabases.create()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-nosecret-\(UUID().uuidString.prefix(8))").path
        let outcome = try TandemCommandLine.run(["serve", "--port", "0", "--no-demo", "--mail", "log", "--database", url, "--data-dir", folder],
                                                environment: ["TANDEM_SECRET": ""])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("TANDEM_SECRET is not set") && outcome.stderr.contains("the same secret"), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/secret.key"), "no key of its own is made")
    }

    /// Every .eml file in `folders`: its name and its text.
    static func mails(in folders: [String]) -> [(file: String, text: String)] {
        folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".eml") }
                .compactMap { name in (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)).map { (name, $0) } }
        }
    }
}

/// A screen as a browser runs it: on a lost connection it reconnects to the same URL with
/// `?since=` the last `seq` it saw. Records the `seq` of every message, snapshots included.
final class ResumingLiveClient: Sendable {
    final class State: Sendable {
        let value = Mutex<(seqs: [Int], connections: Int, snapshots: Int)>(([], 0, 0))
        func withLock<T>(_ body: (inout (seqs: [Int], connections: Int, snapshots: Int)) -> T) -> T { value.withLock { body(&$0) } }
    }

    private let state = State()
    private let task: Task<Void, Never>

    init(port: Int, path: String) {
        let state = self.state
        task = Task {
            while !Task.isCancelled {
                let last = state.withLock { $0.seqs.last }
                let url = "ws://127.0.0.1:\(port)\(path)" + (last.map { "?since=\($0)" } ?? "")
                state.withLock { $0.connections += 1 }
                _ = try? await WebSocketClient.connect(url: .init(url), logger: Logger(label: "screen")) { inbound, _, _ in
                    for try await message in inbound.messages(maxSize: 4 << 20) {
                        guard case .text(let text) = message, let json = try? JSON(data: Data(text.utf8)), let seq = json["seq"].int else { continue }
                        state.withLock { value in
                            if json["type"].string == "snapshot" {
                                value.snapshots += 1
                                // A snapshot starts the story afresh (it is the whole state at `seq`).
                                value.seqs = [seq]
                            } else {
                                value.seqs.append(seq)
                            }
                        }
                    }
                }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    var connections: Int { state.withLock { $0.connections } }

    func waitForSnapshot(timeout: Duration = .seconds(5)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, state.withLock({ $0.snapshots }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try #require(state.withLock { $0.snapshots } > 0, "the screen got its snapshot")
    }

    /// The `seq`s seen since the last snapshot, once `seq` has arrived (or the time is up).
    func seqs(until seq: Int, timeout: Duration = .seconds(15)) async throws -> [Int] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, (state.withLock { $0.seqs.last } ?? 0) < seq { try await Task.sleep(for: .milliseconds(10)) }
        return state.withLock { $0.seqs }
    }

    func stop() { task.cancel() }
}
