import Foundation
import HTTPTypes
import Testing
import TandemTestSupport

@Suite("Crash recovery: kill -9 mid-burst", .serialized, .timeLimit(.minutes(5)))
struct CrashRecoveryTests {
    /// On PostgreSQL, PostgreSQL itself is crashed too (`pg_ctl -m immediate`, like a power cut)
    /// right after Tandem: what it acknowledged must come back from its write-ahead log.
    @Test("nothing acknowledged is lost, seats stay exact, and the outbox delivers after the restart", .serialized,
          arguments: StoreKind.available)
    func killNineMidBurst(kind: StoreKind) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TandemProcess.binary), "build the tandem executable first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-crash-\(UUID().uuidString.prefix(8))").path
        let cluster = kind == .postgres ? try await PrivatePostgresCluster.start() : nil
        do {
            try await burstKillRestart(database: cluster?.url ?? folder + "/tandem.sqlite", folder: folder, cluster: cluster)
        } catch {
            await cluster?.stop()
            throw error
        }
        await cluster?.stop()
    }

    private func burstKillRestart(database: String, folder: String, cluster: PrivatePostgresCluster?) async throws {
        // A short lease: on PostgreSQL a restarted server waits out the claims its killed run left.
        let lease = ["TANDEM_MAIL_LEASE_SECONDS": "2"]
        let first = TandemProcess(databasePath: database, folder: folder, environment: lease)
        try await first.start()
        let admin = try await first.api.login()
        let workshop = try await admin.openEvent(capacity: 40, workshopSeats: 10, year: "2040")

        // Fire 150 registrations and pull the plug while they are being written.
        let burst = Task {
            try await Burst.post(port: first.port, path: "/api/v1/events/hamburg-2017/registrations",
                                 bodies: (1...150).map { Attendee.body($0, sessions: [workshop]) }, connections: 10)
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline, (try? await first.api.get("/api/v1/events/hamburg-2017").json["seats"]["confirmed"].int ?? 0) ?? 0 < 15 {
            try await Task.sleep(for: .milliseconds(10))
        }
        await first.kill9()
        try await cluster?.crashAndRestart()
        let acknowledged = try await burst.value.compactMap(\.reply).filter { $0.status == .created }
        #expect(acknowledged.count >= 15)
        #expect(acknowledged.count < 150, "the kill came too late to interrupt the burst")

        let second = TandemProcess(databasePath: database, folder: folder, environment: lease)
        try await second.start()
        let api = second.api
        for reply in acknowledged {
            let token = try #require(reply.json["token"].string)
            let now = try await api.get("/api/v1/registrations/\(token)")
            #expect(now.status == .ok)
            if reply.json["status"].string == "confirmed" { #expect(now.json["status"].string == "confirmed") }
            if reply.json["sessions"][0]["status"].string == "confirmed" { #expect(now.json["sessions"][0]["status"].string == "confirmed") }
        }
        let seats = try await api.get("/api/v1/events/hamburg-2017").json["seats"]
        #expect((seats["confirmed"].int ?? 0) <= 40)
        #expect((seats["confirmed"].int ?? 0) >= acknowledged.filter { $0.json["status"].string == "confirmed" }.count)
        #expect((try await api.get("/api/v1/events/hamburg-2017/sessions/\(workshop)").json["seats"]["confirmed"].int ?? 0) <= 10)

        // Every acknowledged attendee gets their e-mail, even those written just before the crash.
        var api2 = api
        api2.mailFolder = second.mailFolder
        let expected = Set(acknowledged.compactMap { $0.json["email"].string })
        var delivered = Set<String>()
        let mailDeadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < mailDeadline {
            delivered = Set(api2.deliveredMail().flatMap { mail in expected.filter { mail.contains("<\($0)>") } })
            if delivered == expected { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(delivered == expected)
        await second.stop()
    }
}
