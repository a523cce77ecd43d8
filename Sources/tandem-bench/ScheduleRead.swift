import ArgumentParser
import Foundation
import Histogram

/// Public schedule reads: C connections fetching `GET /api/v1/events/{slug}/schedule` for a while
/// (the cached, versioned snapshot) over lean NIO connections (`GetLoop`). Reports requests/s and latency percentiles.
struct ScheduleReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reads", abstract: "Public schedule reads from the snapshot cache.")

    @OptionGroup var target: TargetOptions
    @Option(help: "Parallel connections.") var connections = 32
    @Option(help: "Seconds to run.") var duration = 10
    @Option(help: "Event to read (default: a demo-sized event this tool creates).") var slug: String?

    struct Report: Encodable {
        var connections: Int
        var seconds: Double
        var requests: Int
        var perSecond: Double
        var p50ms: Double
        var p99ms: Double
        var maxms: Double
        var errors: Int
    }

    @Option(help: "Measure every public read of one event against this peer serving the same bytes as files (`nginx`).")
    var peer: Peer?
    @Option(help: "With --peer nginx: the nginx binary.") var nginx = "/usr/sbin/nginx"

    enum Peer: String, ExpressibleByArgument, CaseIterable {
        case nginx
    }

    func run() async throws {
        // A read touches no database (the snapshot is cached), so one instance tells what each does.
        guard target.instances == 1 else { throw ValidationError("reads measures one instance; --instances is for live and registrations") }
        let server = try await target.start()
        defer { server.stop() }
        if peer == .nginx {
            try await PublicReadsCommand(connections: connections, duration: duration, slug: slug, nginx: nginx, json: target.json).run(server)
            return
        }
        let admin = HTTPConnection(host: server.host, port: server.port)
        let path = "/api/v1/events/\(try await prepare(admin, server))/schedule"
        await admin.close()
        let report = try await Self.measure(host: server.host, port: server.port, path: path, connections: connections, duration: duration)
        if target.json {
            printJSON(report)
        } else {
            print("schedule reads: \(connections) connections, \(duration) s")
            print(String(format: "%d requests, %.0f requests/s | p50 %.2f ms  p99 %.2f ms  max %.2f ms | errors %d",
                         report.requests, report.perSecond, report.p50ms, report.p99ms, report.maxms, report.errors))
        }
    }

    /// `connections` connections reading `path` for `duration` seconds, after half a second to warm
    /// the server (snapshot cache, recorded answer). Their connecting, a few milliseconds, counts
    /// in the elapsed time.
    static func measure(host: String, port: Int, path: String, connections: Int, duration: Int) async throws -> Report {
        let client = GetLoop(host: host, port: port)
        defer { Task { await client.shutdown() } }
        _ = try await client.run(path: path, connections: connections, until: ContinuousClock.now + .milliseconds(500))
        let clock = ContinuousClock()
        let started = clock.now
        let tally = try await client.run(path: path, connections: connections, until: started + .seconds(duration))
        let elapsed = (clock.now - started).seconds
        var histogram = latencyHistogram()
        for latency in tally.latencies { _ = histogram.record(UInt64(latency.microseconds)) }
        let requests = tally.latencies.count
        return Report(connections: connections, seconds: elapsed, requests: requests, perSecond: Double(requests) / elapsed,
                      p50ms: Double(histogram.valueAtPercentile(50)) / 1000, p99ms: Double(histogram.valueAtPercentile(99)) / 1000,
                      maxms: Double(histogram.max) / 1000, errors: tally.failures)
    }

    /// The event to read: the given one, or a new one the size of the Hamburg workshop (4 rooms, 16 sessions).
    private func prepare(_ admin: HTTPConnection, _ server: ServerUnderTest) async throws -> String {
        if let slug { return slug }
        let token = try await login(admin, server)
        let slug = "reads-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await admin.send(.post, "/api/v1/events", json: """
            {"slug":"\(slug)","kind":"workshop","status":"published","title":{"en":"Capacity-Building Workshop","zh":"能力建设工作坊"},
             "timezone":"Europe/Berlin","startsAt":"2099-06-15T09:00:00+02:00","endsAt":"2099-06-16T17:00:00+02:00",
             "venue":{"name":"Elbforum","city":"Hamburg","country":"DE"},"capacity":60}
            """, token: token)
        struct ID: Decodable { var id: Int }
        for room in 1...4 {
            let id = try await admin.send(.post, "/api/v1/events/\(slug)/rooms", json: #"{"name":"Room \#(room)"}"#, token: token).decode(ID.self).id
            for hour in 0..<4 {
                _ = try await admin.send(.post, "/api/v1/events/\(slug)/sessions", json: """
                    {"title":{"en":"Session \(room)-\(hour)","zh":"场次 \(room)-\(hour)"},"abstract":{"en":"\(String(repeating: "An abstract. ", count: 20))"},
                     "kind":"workshop","roomId":\(id),"startsAt":"2099-06-15T1\(hour):00:00+02:00","endsAt":"2099-06-15T1\(hour):45:00+02:00","capacity":20}
                    """, token: token)
            }
        }
        return slug
    }
}
