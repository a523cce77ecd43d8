import ArgumentParser
import Foundation
import Histogram
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The live issue's fan-out benchmark: N WebSocket subscribers on one event, M schedule changes
/// made through the HTTP API, and for every (subscriber, change) the delay from sending the change
/// to its arrival. Reports connect time, latency percentiles, lost messages and the server's memory.
struct LiveFanOutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "live", abstract: "Fan-out of schedule changes to WebSocket subscribers.")

    @OptionGroup var target: TargetOptions
    @Option(help: "WebSocket subscribers (10,000 needs `ulimit -n` ≥ 20,000 in this shell).") var subscribers = 1000
    @Option(help: "Schedule changes to make.") var changes = 20
    @Option(help: "Pause between changes, in milliseconds.") var gap = 200
    @Option(help: "Subscribers connecting at the same time.") var connectConcurrency = 250
    @Option(help: "Event-loop threads of the load client.") var clientThreads = 1
    @Flag(help: "Also print each change's latency spread (min, p50, p99, max).") var perChange = false
    @Option(help: "Load client: `epoll` (plain sockets, Linux) or `nio` (a NIO channel per subscriber).") var client = Client.standard

    enum Client: String, ExpressibleByArgument, CaseIterable {
        case epoll, nio
        #if os(Linux)
        static let standard = Client.epoll
        #else
        static let standard = Client.nio
        #endif
    }

    struct Report: Encodable {
        /// The load client used (`epoll` or `nio`).
        var client: String
        /// The instances the subscribers were spread over (the changes are made on the first).
        var instances: Int
        var subscribers: Int
        var changes: Int
        var connectSeconds: Double
        /// How long the change request itself took to be answered (the write, committed), median:
        /// part of every delivery latency below, which is counted from sending the request.
        var changeAnsweredp50ms: Double
        var p50ms: Double
        var p90ms: Double
        var p99ms: Double
        var maxms: Double
        var delivered: Int
        var lost: Int
        var rssBeforeKiB: Int?
        var rssAfterKiB: Int?
        var perConnectionKiB: Double?
        /// CPU time per change while the changes were delivered: the server's, and this client's,
        /// each in all and the part of it spent in the kernel.
        var serverCPUPerChangems: Double?
        var serverKernelCPUPerChangems: Double?
        var clientCPUPerChangems: Double?
        var clientKernelCPUPerChangems: Double?
        /// With `--per-change`: each change's spread over the subscribers, in order.
        var perChange: [ChangeLatency]?
    }

    struct ChangeLatency: Encodable {
        var minms: Double
        var p50ms: Double
        var p99ms: Double
        var maxms: Double
    }

    /// Subscribers whose snapshot has arrived.
    final class Counter: Sendable {
        private let value = Mutex(0)
        func withLock<T>(_ body: (inout Int) -> T) -> T { value.withLock { body(&$0) } }
    }

    /// Arrival times of one subscriber's messages after the snapshot (after the upgrade, when it resumes).
    final class Arrivals: Sendable {
        let times = Mutex<[ContinuousClock.Instant]>([])
        /// It resumes (`storm`): it counts as connected on its `101`, since no snapshot comes.
        let resumes: Bool
        /// Keep when its `101` and its first message came (`storm`; `live` does not need them).
        let timesConnecting: Bool
        /// Keep every message's payload (one subscriber of a `storm`: the sizes and the last `seq`).
        let keepsPayloads: Bool
        let milestones = Mutex(Milestones())

        init(resumes: Bool = false, timesConnecting: Bool = false, keepsPayloads: Bool = false) {
            self.resumes = resumes
            self.timesConnecting = timesConnecting
            self.keepsPayloads = keepsPayloads
        }
    }

    /// What `Arrivals` keeps beyond the arrival times, when asked to.
    struct Milestones: Sendable {
        var upgraded: ContinuousClock.Instant?
        var firstMessage: ContinuousClock.Instant?
        var payloads: [[UInt8]] = []
    }

    func run() async throws {
        raiseFileLimit()
        let servers = try await target.startAll()
        defer { for server in servers { server.stop() } }
        let admin = HTTPConnection(host: servers[0].host, port: servers[0].port)
        let token = try await login(admin, servers[0])
        var reports: [Report] = []
        if servers.count > 1 {
            // The same run, first with every subscriber on the instance the changes are made on, then
            // with the subscribers spread over all instances (the others hear of it over the bus).
            reports.append(try await measure(subscribersOn: [servers[0]], admin: admin, token: token))
        }
        reports.append(try await measure(subscribersOn: servers, admin: admin, token: token))
        await admin.close()
        if target.json {
            if reports.count == 1 { printJSON(reports[0]) } else { printJSON(reports) }
        } else {
            for report in reports { print(report: report) }
            if reports.count == 2 {
                Swift.print(String(format: "spread over %d instances vs. all on one: p50 %+.2f ms, p99 %+.2f ms",
                                   servers.count, reports[1].p50ms - reports[0].p50ms, reports[1].p99ms - reports[0].p99ms))
            }
        }
        let lost = reports.reduce(0) { $0 + $1.lost }
        if lost > 0 {
            // The live feed must not lose a message: a loss fails the run (and CI's smoke test).
            FileHandle.standardError.write(Data("\(lost) messages were lost\n".utf8))
            throw ExitCode.failure
        }
    }

    /// One measurement on a new event: the subscribers connect round robin to `instances`, the
    /// changes are made through the first server (`admin`).
    func measure(subscribersOn instances: [ServerUnderTest], admin: HTTPConnection, token: String) async throws -> Report {
        let slug = "live-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await admin.send(.post, "/api/v1/events", json: """
            {"slug":"\(slug)","kind":"conference","status":"published","title":{"en":"Fan-out"},"timezone":"Europe/Berlin",
             "startsAt":"2099-06-15T09:00:00+02:00","endsAt":"2099-06-16T17:00:00+02:00","venue":{"name":"Hall","city":"Hamburg","country":"DE"}}
            """, token: token)
        let server = instances[0]
        let rssBefore = server.residentKiB
        let clock = ContinuousClock()
        let arrivals = (0..<subscribers).map { _ in Arrivals() }
        let path = "/api/v1/events/\(slug)/live"
        let clients: [any SubscriberClient] = try instances.map { instance in
            switch self.client {
            case .nio:
                return WebSocketSubscribers(host: instance.host, port: instance.port, path: path, threads: clientThreads)
            case .epoll:
                #if os(Linux)
                return try EpollSubscribers(host: instance.host, port: instance.port, path: path, threads: clientThreads)
                #else
                throw ValidationError("--client epoll needs Linux")
                #endif
            }
        }
        let connectStart = clock.now
        let connected = Counter()
        let failed = Counter()
        for (index, box) in arrivals.enumerated() {
            // At most `connectConcurrency` handshakes in flight (started, no snapshot yet).
            while index - connected.withLock({ $0 }) - failed.withLock({ $0 }) >= connectConcurrency {
                try await Task.sleep(for: .milliseconds(1))
            }
            clients[index % clients.count].connect(box, connected: connected, failed: failed)
        }
        // Connected means: the snapshot arrived.
        var progress = (count: 0, at: clock.now)
        while connected.withLock({ $0 }) < subscribers {
            try await Task.sleep(for: .milliseconds(20))
            if failed.withLock({ $0 }) > 0 { throw BenchError("\(failed.withLock { $0 }) subscribers could not connect") }
            let count = connected.withLock { $0 }
            if count != progress.count { progress = (count, clock.now) }
            if clock.now - progress.at > .seconds(30) {
                throw BenchError("\(subscribers - count) subscribers got no snapshot in 30 s")
            }
            if clock.now - connectStart > .seconds(300) { throw BenchError("subscribers did not connect in 5 minutes") }
        }
        let connectSeconds = (clock.now - connectStart).seconds
        try await Task.sleep(for: .seconds(1))
        let rssAfter = server.residentKiB

        let cpuBefore = (server: server.cpuTime, client: processCPUTime(pid: getpid()))
        var sent: [ContinuousClock.Instant] = []
        var answered: [Double] = []
        for k in 1...changes {
            sent.append(clock.now)
            _ = try await admin.send(.post, "/api/v1/events/\(slug)/announcements", json: #"{"text":{"en":"Change \#(k)"}}"#, token: token)
            answered.append((clock.now - sent[k - 1]).seconds * 1000)
            try await Task.sleep(for: .milliseconds(gap))
        }
        let deadline = clock.now + .seconds(30)
        while clock.now < deadline, arrivals.contains(where: { $0.times.withLock { $0.count } < changes }) {
            try await Task.sleep(for: .milliseconds(50))
        }
        let cpuAfter = (server: server.cpuTime, client: processCPUTime(pid: getpid()))
        for client in clients { await client.shutdown() }
        func cpuPerChange(_ before: CPUTime?, _ after: CPUTime?, _ part: KeyPath<CPUTime, Duration>) -> Double? {
            guard let before, let after else { return nil }
            return Double((after[keyPath: part] - before[keyPath: part]).microseconds) / 1000 / Double(changes)
        }
        // One pass: every latency goes into the overall histogram and, with --per-change, its change's.
        var histogram = latencyHistogram()
        var byChange = perChange ? Array(repeating: latencyHistogram(), count: changes) : []
        var delivered = 0
        for box in arrivals {
            let times = box.times.withLock { $0 }
            for (k, time) in times.prefix(changes).enumerated() {
                let microseconds = UInt64(max(0, (time - sent[k]).microseconds))
                _ = histogram.record(microseconds)
                if perChange { _ = byChange[k].record(microseconds) }
                delivered += 1
            }
        }
        let spreads: [ChangeLatency]? = perChange ? byChange.map { one in
            func ms(_ value: UInt64) -> Double { Double(value) / 1000 }
            return ChangeLatency(minms: ms(one.min), p50ms: ms(one.valueAtPercentile(50)), p99ms: ms(one.valueAtPercentile(99)), maxms: ms(one.max))
        } : nil
        func ms(_ p: Double) -> Double { Double(histogram.valueAtPercentile(p)) / 1000 }
        var perConnection: Double?
        // With several instances the server's memory is one instance's, holding only its share.
        if let rssBefore, let rssAfter, instances.count == 1 { perConnection = Double(rssAfter - rssBefore) / Double(subscribers) }
        let lost: Int = subscribers * changes - delivered
        let maxMilliseconds: Double = Double(histogram.max) / 1000
        return Report(
            client: self.client.rawValue, instances: instances.count, subscribers: subscribers, changes: changes, connectSeconds: connectSeconds,
            changeAnsweredp50ms: answered.sorted()[answered.count / 2],
            p50ms: ms(50), p90ms: ms(90), p99ms: ms(99),
            maxms: maxMilliseconds, delivered: delivered, lost: lost, rssBeforeKiB: rssBefore, rssAfterKiB: rssAfter,
            perConnectionKiB: perConnection, serverCPUPerChangems: cpuPerChange(cpuBefore.server, cpuAfter.server, \.total),
            serverKernelCPUPerChangems: cpuPerChange(cpuBefore.server, cpuAfter.server, \.kernel),
            clientCPUPerChangems: cpuPerChange(cpuBefore.client, cpuAfter.client, \.total),
            clientKernelCPUPerChangems: cpuPerChange(cpuBefore.client, cpuAfter.client, \.kernel), perChange: spreads)
    }

    private func print(report: Report) {
        let spread = report.instances == 1 ? "" : " spread over \(report.instances) instances (changes made on the first)"
        Swift.print("live fan-out: \(report.subscribers) WebSocket subscribers\(spread), \(report.changes) changes, \(report.client) load client")
        Swift.print(String(format: "connect %.2f s | delivery p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms | delivered %d, lost %d",
                           report.connectSeconds, report.p50ms, report.p90ms, report.p99ms, report.maxms, report.delivered, report.lost))
        Swift.print(String(format: "change request answered (the write committed): p50 %.2f ms", report.changeAnsweredp50ms))
        if let before = report.rssBeforeKiB, let after = report.rssAfterKiB, let per = report.perConnectionKiB {
            Swift.print(String(format: "server RSS %d KiB before, %d KiB after → %.1f KiB per connection", before, after, per))
        }
        if let server = report.serverCPUPerChangems, let serverKernel = report.serverKernelCPUPerChangems,
           let client = report.clientCPUPerChangems, let clientKernel = report.clientKernelCPUPerChangems {
            Swift.print(String(format: "CPU per change: server %.0f ms (kernel %.0f), load client %.0f ms (kernel %.0f)",
                               server, serverKernel, client, clientKernel))
        }
        for (k, spread) in (report.perChange ?? []).enumerated() {
            Swift.print(String(format: "  change %2d: min %6.1f ms  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms",
                               k + 1, spread.minms, spread.p50ms, spread.p99ms, spread.maxms))
        }
    }
}

/// Lets this process (and the server it starts) hold as many sockets as the hard limit allows.
func raiseFileLimit() {
    var limit = rlimit()
    if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    }
}

func login(_ admin: HTTPConnection, _ server: ServerUnderTest) async throws -> String {
    let login = try await admin.send(.post, "/api/v1/auth/login", json: #"{"email":"\#(server.email)","password":"\#(server.password)"}"#)
    struct Token: Decodable { var token: String }
    guard login.status == 200, let token = try? login.decode(Token.self).token else {
        throw BenchError("login failed (\(login.status)): \(String(decoding: login.body, as: UTF8.self))")
    }
    return token
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
