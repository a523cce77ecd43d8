import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Connection storms, Tandem beside Nchan (issue 18): N WebSocket subscribers connect at once and
/// each gets its first message (Tandem's snapshot of an event with a ~20 KB schedule; Nchan's
/// newest message, as large), one or more changes fan out to all of them, then all of them
/// reconnect at once and resume, missing nothing. Both peers are driven by the same epoll client.
struct StormCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storm",
        abstract: "Connection storms and fan-out, Tandem beside Nchan (nginx's pub/sub module), one load client for both.")

    @OptionGroup var target: TargetOptions
    @Option(parsing: .upToNextOption, help: "The peers, in the first round's order (it alternates each round): tandem, nchan or both.")
    var peers: [Peer] = [.tandem, .nchan]
    @Option(help: "WebSocket subscribers (10,000 needs `ulimit -n` ≥ 20,000 in this shell).") var subscribers = 10_000
    @Option(help: "Changes fanned out to all subscribers after they connect.") var changes = 20
    @Option(help: "Pause between changes, in milliseconds.") var gap = 500
    @Option(help: "Handshakes unanswered at a time (connect and resume).") var inFlight = 250
    @Option(help: "Epoll threads of the load client.") var clientThreads = 1
    @Option(help: "Rounds; each measures every peer, the order alternating.") var rounds = 1
    @Option(help: "Tandem's event grows until its schedule is at least this long, in bytes.") var scheduleBytes = 20_000
    @Option(help: "Nchan's first message when Tandem is not measured (else: as long as Tandem's snapshot).") var firstMessageBytes = 20_480
    @Option(help: "Nchan's change messages when Tandem is not measured (else: as long as Tandem's).") var changeBytes = 200
    @Option(help: "The nginx binary (with Debian's libnginx-mod-nchan installed).") var nginx = "/usr/sbin/nginx"

    enum Peer: String, ExpressibleByArgument, CaseIterable, Sendable {
        case tandem, nchan
    }

    struct Report: Encodable {
        var subscribers: Int
        var changes: Int
        var inFlight: Int
        var clientThreads: Int
        /// Tandem's snapshot and change messages, as measured before the rounds (nil without Tandem).
        var tandemSnapshotBytes: Int?
        var tandemChangeBytes: Int?
        var rounds: [[PeerReport]]
    }

    struct PeerReport: Encodable {
        var peer: String
        var round: Int
        var note: String
        /// Every subscriber connects and gets its first message.
        var connect: SubscriberStorm.Opening
        /// The changes, to every subscriber.
        var fanOut: SubscriberStorm.Delivery
        /// Every subscriber reconnects at once with its position; `seconds` until the last `101`.
        var resume: SubscriberStorm.Opening
        /// One change after the last `101`: it must reach every resumed subscriber, and nothing before it.
        var resumeCheck: SubscriberStorm.Delivery
        /// The peer's CPU time (user and kernel) while connecting, per change, and while resuming.
        var connectCPUms: Double?
        var fanOutCPUPerChangems: Double?
        var resumeCPUms: Double?
        var failed: Int { connect.failed + resume.failed }
        var lost: Int { connect.lost + fanOut.lost + resume.lost + resumeCheck.lost }
    }

    func validate() throws {
        guard target.instances == 1 else { throw ValidationError("storm measures one Tandem instance; --instances is for live and registrations") }
        guard !peers.isEmpty, Set(peers).count == peers.count else { throw ValidationError("--peers: tandem, nchan, or both once each") }
        guard subscribers > 0, changes > 0, inFlight > 0, rounds > 0 else { throw ValidationError("--subscribers, --changes, --in-flight and --rounds must be positive") }
    }

    func run() async throws {
        #if os(Linux)
        raiseFileLimit()
        var started: [any StormPeer] = []
        var stops: [() async -> Void] = []
        var report = Report(subscribers: subscribers, changes: changes, inFlight: inFlight, clientThreads: clientThreads, rounds: [])
        do {
            var sizes = (first: firstMessageBytes, change: changeBytes)
            for peer in peers {
                switch peer {
                case .tandem:
                    let server = try await target.start()
                    let admin = HTTPConnection(host: server.host, port: server.port)
                    stops.append { await admin.close(); server.stop() }
                    let tandem = TandemStormPeer(server: server, admin: admin, token: try await login(admin, server), scheduleBytes: scheduleBytes)
                    let probe = try await Self.probe(tandem)
                    report.tandemSnapshotBytes = probe.snapshot
                    report.tandemChangeBytes = probe.change
                    sizes = (probe.snapshot, probe.change)
                    started.append(tandem)
                case .nchan:
                    let nginx = try await NginxPeer.launch(template: "nchan.conf", binary: self.nginx)
                    let publisher = HTTPConnection(host: "127.0.0.1", port: nginx.port)
                    stops.append { await publisher.close(); nginx.stop() }
                    started.append(NchanStormPeer(nginx: nginx, publisher: publisher, firstMessageBytes: 0, changeBytes: 0))
                }
            }
            // Nchan's messages are as long as Tandem's, whichever peer was set up first.
            started = started.map { peer in
                guard let nchan = peer as? NchanStormPeer else { return peer }
                return NchanStormPeer(nginx: nchan.nginx, publisher: nchan.publisher, firstMessageBytes: sizes.first, changeBytes: sizes.change)
            }
            if !target.json { printHeader(report) }
            for round in 1...rounds {
                var results: [PeerReport] = []
                for peer in round % 2 == 1 ? started : Array(started.reversed()) {
                    let result = try await measure(peer, round: round)
                    if !target.json { printResult(result) }
                    results.append(result)
                }
                report.rounds.append(results)
                if !target.json { printSideBySide(results) }
            }
        } catch {
            for stop in stops { await stop() }
            throw error
        }
        for stop in stops { await stop() }
        if target.json { printJSON(report) }
        let bad = report.rounds.joined().reduce(0) { $0 + $1.failed + $1.lost + $1.resumeCheck.unexpected }
        if bad > 0 {
            FileHandle.standardError.write(Data("\(bad) subscribers failed, messages lost or unexpected messages on resume\n".utf8))
            throw ExitCode.failure
        }
        #else
        throw ValidationError("storm needs Linux (the epoll load client)")
        #endif
    }

    #if os(Linux)
    /// One subscriber on a new Tandem event, before the rounds: the snapshot's length, and one change's.
    static func probe(_ tandem: TandemStormPeer) async throws -> (snapshot: Int, change: Int) {
        let round = try await tandem.newRound()
        let storm = try await SubscriberStorm.open(count: 1, host: tandem.host, port: tandem.port, path: round.path, resumes: false, inFlight: 1, threads: 1)
        let delivery = try await storm.deliver(changes: 1, gap: .zero) { k in _ = try await tandem.publish(k, in: round) }
        await storm.close()
        guard let snapshot = storm.opening.firstMessageBytes, let change = delivery.changeBytes else {
            throw BenchError("Tandem's probe subscriber got no snapshot or no change (\(round.note))")
        }
        return (snapshot, change)
    }

    /// Connect, fan out, resume, check: one round of one peer.
    func measure(_ peer: any StormPeer, round number: Int) async throws -> PeerReport {
        let round = try await peer.newRound()
        let idle = try await peer.subscribers()
        let before = peer.cpuTime
        let connect = try await SubscriberStorm.open(count: subscribers, host: peer.host, port: peer.port, path: round.path,
                                                     resumes: false, inFlight: inFlight, threads: clientThreads)
        let connected = peer.cpuTime
        var position: String?
        let fanOut = try await connect.deliver(changes: changes, gap: .milliseconds(gap)) { k in
            position = try await peer.publish(k, in: round)
        }
        let delivered = peer.cpuTime
        let resumePath = try peer.resumePath(round, lastPayload: connect.lastPayload, lastPosition: position)
        await connect.close()
        try await waitUntil(peer, holds: idle)
        let beforeResume = peer.cpuTime
        let resume = try await SubscriberStorm.open(count: subscribers, host: peer.host, port: peer.port, path: resumePath,
                                                    resumes: true, inFlight: inFlight, threads: clientThreads)
        let resumed = peer.cpuTime
        let check = try await resume.deliver(changes: 1, gap: .zero) { _ in _ = try await peer.publish(changes + 1, in: round) }
        await resume.close()
        try await waitUntil(peer, holds: idle)
        func ms(_ from: CPUTime?, _ to: CPUTime?) -> Double? {
            guard let from, let to else { return nil }
            return Double((to.total - from.total).microseconds) / 1000
        }
        return PeerReport(peer: peer.name, round: number, note: round.note, connect: connect.opening, fanOut: fanOut, resume: resume.opening,
                          resumeCheck: check, connectCPUms: ms(before, connected),
                          fanOutCPUPerChangems: ms(connected, delivered).map { $0 / Double(changes) }, resumeCPUms: ms(beforeResume, resumed))
    }

    /// Waits (at most 30 s) until the peer has let go of the subscribers the client closed.
    private func waitUntil(_ peer: any StormPeer, holds count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try await peer.subscribers() > count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
    }
    #endif
}
