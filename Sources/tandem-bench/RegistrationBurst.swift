import ArgumentParser
import Foundation
import Histogram

/// The registration issue's burst: N attendees register at once for an event with S seats
/// (and a workshop with W seats) over C connections. Reports throughput and latency, and checks
/// the outcome: exactly S confirmed, the rest waitlisted 1…N−S, and 5 cancellations promoting 1…5.
struct RegistrationBurstCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "registrations", abstract: "The 500-on-50 registration burst.")

    @OptionGroup var target: TargetOptions
    @Option(help: "Attendees registering at once.") var attendees = 500
    @Option(help: "Seats at the event.") var seats = 50
    @Option(help: "Seats in the workshop every attendee also chooses.") var workshopSeats = 20
    @Option(help: "Parallel HTTP connections (keep-alive, one request at a time each).") var connections = 50
    @Option(help: "Bursts to run (each on a fresh event).") var runs = 3

    struct Registered: Decodable {
        var status: String
        var waitlistPosition: Int?
        /// Only in the answer to the registration itself.
        var token: String?
        var sessions: [Choice]
        struct Choice: Decodable { var status: String; var waitlistPosition: Int? }
    }

    struct RunResult: Encodable {
        var run: Int
        var registrations: Int
        var seconds: Double
        var perSecond: Double
        var p50ms: Double
        var p90ms: Double
        var p99ms: Double
        var maxms: Double
        var confirmed: Int
        var waitlisted: Int
        var outcomeCorrect: Bool
        var problems: [String]
    }

    func run() async throws {
        let servers = try await target.startAll()
        defer { for server in servers { server.stop() } }
        let server = servers[0]
        let admin = HTTPConnection(host: server.host, port: server.port)
        let login = try await admin.send(.post, "/api/v1/auth/login", json: #"{"email":"\#(server.email)","password":"\#(server.password)"}"#)
        struct Token: Decodable { var token: String }
        guard login.status == 200, let token = try? login.decode(Token.self).token else {
            throw BenchError("login failed (\(login.status)): \(String(decoding: login.body, as: UTF8.self))")
        }
        var results: [RunResult] = []
        for run in 1...runs {
            results.append(try await burst(run: run, servers: servers, admin: admin, token: token))
        }
        await admin.close()
        report(results)
    }

    /// One burst, its connections spread round robin over `servers` (instances on one database).
    func burst(run: Int, servers: [ServerUnderTest], admin: HTTPConnection, token: String) async throws -> RunResult {
        let slug = "bench-\(UUID().uuidString.prefix(8).lowercased())"
        let created = try await admin.send(.post, "/api/v1/events", json: """
            {"slug":"\(slug)","kind":"workshop","status":"published","title":{"en":"Registration burst"},"timezone":"Europe/Berlin",
             "startsAt":"2099-06-15T09:00:00+02:00","endsAt":"2099-06-16T17:00:00+02:00",
             "venue":{"name":"Bench Hall","city":"Hamburg","country":"DE"},"capacity":\(seats),"registrationMode":"instant"}
            """, token: token)
        guard created.status == 201 else { throw BenchError("could not create the event: \(String(decoding: created.body, as: UTF8.self))") }
        struct ID: Decodable { var id: Int }
        let room = try await admin.send(.post, "/api/v1/events/\(slug)/rooms", json: #"{"name":"Room A"}"#, token: token).decode(ID.self).id
        let workshop = try await admin.send(.post, "/api/v1/events/\(slug)/sessions", json: """
            {"title":{"en":"Workshop"},"kind":"workshop","roomId":\(room),"startsAt":"2099-06-15T10:00:00+02:00",
             "endsAt":"2099-06-15T11:00:00+02:00","capacity":\(workshopSeats)}
            """, token: token).decode(ID.self).id

        try await waitForEmptyOutbox(admin)
        let clients = servers.map { HTTPLoadLanes(host: $0.host, port: $0.port) }
        defer { Task { for client in clients { await client.shutdown() } } }
        let lanes = (0..<connections).map { lane in
            stride(from: lane, to: attendees, by: connections).map { n in
                HTTPLoadLanes.Job(index: n, method: .POST, path: "/api/v1/events/\(slug)/registrations",
                                  json: #"{"name":"Attendee \#(n)","email":"a\#(n)@bench.example","sessionIds":[\#(workshop)],"consent":true}"#)
            }
        }
        let clock = ContinuousClock()
        let started = clock.now
        // Lane k goes to instance k mod n; all instances start at once.
        let outcomes = try await withThrowingTaskGroup(of: [HTTPLoadLanes.Outcome].self) { group in
            for (instance, client) in clients.enumerated() {
                let share = lanes.enumerated().filter { $0.offset % clients.count == instance }.map(\.element)
                group.addTask { try await client.run(share) }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let timed = outcomes.map { ($0.index, $0.latency, $0.reply) }
        let elapsed = clock.now - started
        var histogram = latencyHistogram()
        for (_, latency, _) in timed { _ = histogram.record(UInt64(latency.microseconds)) }

        var problems: [String] = []
        let replies: [Registered] = timed.compactMap { entry in entry.2.status == 201 ? try? entry.2.decode(Registered.self) : nil }
        if replies.count != attendees { problems.append("\(attendees - replies.count) registrations failed") }
        let confirmed = replies.filter { $0.status == "confirmed" }
        let waitlisted = replies.filter { $0.status == "waitlisted" }
        if confirmed.count != min(seats, attendees) { problems.append("\(confirmed.count) confirmed, expected \(min(seats, attendees))") }
        let positions = waitlisted.compactMap(\.waitlistPosition).sorted()
        let expectedPositions: [Int] = attendees > seats ? Array(1...(attendees - seats)) : []
        if positions != expectedPositions {
            problems.append("waitlist positions are not exactly 1…\(attendees - seats)")
        }
        let workshopConfirmed = confirmed.filter { $0.sessions.first?.status == "confirmed" }.count
        if workshopConfirmed != min(workshopSeats, confirmed.count) { problems.append("\(workshopConfirmed) workshop seats given, expected \(workshopSeats)") }
        // Five cancellations promote exactly positions 1…5.
        let byPosition = Dictionary(waitlisted.compactMap { r in r.waitlistPosition.map { ($0, r.token ?? "") } }, uniquingKeysWith: { a, _ in a })
        for registration in confirmed.prefix(5) { _ = try await admin.send(.delete, "/api/v1/registrations/\(registration.token ?? "")") }
        for position in 1...min(5, positions.count) {
            guard let token = byPosition[position] else { continue }
            let now = try await admin.send(.get, "/api/v1/registrations/\(token)").decode(Registered.self)
            if now.status != "confirmed" { problems.append("waitlist position \(position) was not promoted") }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        func ms(_ percentile: Double) -> Double { Double(histogram.valueAtPercentile(percentile)) / 1000 }
        return RunResult(run: run, registrations: replies.count, seconds: seconds, perSecond: Double(replies.count) / seconds,
                         p50ms: ms(50), p90ms: ms(90), p99ms: ms(99), maxms: Double(histogram.max) / 1000,
                         confirmed: confirmed.count, waitlisted: waitlisted.count, outcomeCorrect: problems.isEmpty, problems: problems)
    }

    /// Waits (up to a minute) until the server has sent the previous run's e-mails, so that one burst
    /// does not share the cores with the outbox work of the one before. Reads `/metrics`; a server
    /// without metrics is not waited for.
    func waitForEmptyOutbox(_ admin: HTTPConnection) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let metrics = try await admin.send(.get, "/metrics")
            guard metrics.status == 200 else { return }
            let text = String(decoding: metrics.body, as: UTF8.self)
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tandem_outbox_backlog ") }) else { return }
            if line.split(separator: " ").last.flatMap({ Double($0) }) == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func report(_ results: [RunResult]) {
        if target.json {
            struct Document: Encodable {
                var benchmark = "registrations"
                var attendees: Int, seats: Int, workshopSeats: Int, connections: Int
                var runs: [RunResult]
            }
            let document = Document(attendees: attendees, seats: seats, workshopSeats: workshopSeats, connections: connections, runs: results)
            printJSON(document)
            return
        }
        let spread = target.instances > 1 ? " over \(target.instances) instances" : ""
        print("registration burst: \(attendees) attendees on \(seats) seats (workshop \(workshopSeats)), \(connections) connections\(spread)")
        print("run  regs   seconds  regs/s   p50 ms  p90 ms  p99 ms  max ms  confirmed  waitlisted  outcome")
        for r in results {
            print(String(format: "%3d  %4d  %8.3f  %7.0f  %7.2f %7.2f %7.2f %7.2f  %9d  %10d  %@",
                         r.run, r.registrations, r.seconds, r.perSecond, r.p50ms, r.p90ms, r.p99ms, r.maxms, r.confirmed, r.waitlisted,
                         r.outcomeCorrect ? "exact" : r.problems.joined(separator: "; ")))
        }
    }
}

extension Duration {
    var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
}
