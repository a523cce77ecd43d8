import Foundation

/// One side of `tandem-bench storm`: where subscribers connect and resume, and how a change is made.
protocol StormPeer: Sendable {
    var name: String { get }
    var host: String { get }
    var port: Int { get }
    /// Gets a round ready and says where its subscribers connect: Tandem makes a new event (so
    /// every round's snapshot is the same size), Nchan publishes the message new subscribers get first.
    func newRound() async throws -> StormRound
    /// Makes change `k` of the round; returns the change's position when the peer names it.
    func publish(_ k: Int, in round: StormRound) async throws -> String?
    /// Where a subscriber resumes after the round's changes, missing nothing: from the last payload
    /// one subscriber received, or the position `publish` returned last.
    func resumePath(_ round: StormRound, lastPayload: [UInt8]?, lastPosition: String?) throws -> String
    /// Live subscribers the peer holds now (all channels).
    func subscribers() async throws -> Int
    /// CPU time of the peer's processes, when this tool started them.
    var cpuTime: CPUTime? { get }
}

struct StormRound: Sendable {
    var path: String
    /// What the round's channel is, for the report (e.g. the event and its schedule's size).
    var note: String
}

/// Tandem: a new event per round with a schedule of about 20 KB; changes are announcements made
/// through the HTTP API (as `live` makes them); resuming is `?since=<the last seq received>`.
struct TandemStormPeer: StormPeer {
    let server: ServerUnderTest
    let admin: HTTPConnection
    let token: String
    let scheduleBytes: Int

    var name: String { "Tandem" }
    var host: String { server.host }
    var port: Int { server.port }
    var cpuTime: CPUTime? { server.cpuTime }

    func newRound() async throws -> StormRound {
        let event = try await BenchEvent.create(admin, token: token, slugPrefix: "storm", scheduleBytes: scheduleBytes)
        return StormRound(path: "/api/v1/events/\(event.slug)/live",
                          note: "event \(event.slug): \(event.sessions) sessions in 4 rooms, schedule \(event.scheduleBytes) bytes")
    }

    func publish(_ k: Int, in round: StormRound) async throws -> String? {
        let announcements = round.path.replacingOccurrences(of: "/live", with: "/announcements")
        try BenchEvent.expect(201, try await admin.send(.post, announcements, json: #"{"text":{"en":"Change \#(k)"}}"#, token: token),
                              "announcing change \(k)")
        return nil
    }

    func resumePath(_ round: StormRound, lastPayload: [UInt8]?, lastPosition: String?) throws -> String {
        guard let lastPayload, let seq = Self.seq(in: lastPayload) else { throw BenchError("Tandem: no seq in the last message received") }
        return "\(round.path)?since=\(seq)"
    }

    /// The `"seq":N` at the top of a live message.
    static func seq(in payload: [UInt8]) -> Int? {
        let text = String(decoding: payload.prefix(200), as: UTF8.self)
        guard let range = text.range(of: #""seq":"#) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    func subscribers() async throws -> Int {
        struct Readiness: Decodable { var liveSubscribers: Int }
        return try await admin.send(.get, "/readyz").decode(Readiness.self).liveSubscribers
    }
}

/// Nchan: one channel; a new subscriber gets its newest message (published at the start of each
/// round, as large as Tandem's snapshot); changes are `POST /pub` with bodies as large as Tandem's
/// change messages; resuming is `?last_event_id=<the last change's message id>`.
struct NchanStormPeer: StormPeer {
    let nginx: NginxPeer
    let publisher: HTTPConnection
    let firstMessageBytes: Int
    let changeBytes: Int

    var name: String { "Nchan" }
    var host: String { "127.0.0.1" }
    var port: Int { nginx.port }
    var cpuTime: CPUTime? { nginx.cpuTime }

    func newRound() async throws -> StormRound {
        _ = try await post(Self.body(k: 0, bytes: firstMessageBytes), "publishing the first message")
        return StormRound(path: "/sub", note: "channel bench: newest message \(firstMessageBytes) bytes")
    }

    func publish(_ k: Int, in round: StormRound) async throws -> String? {
        try await post(Self.body(k: k, bytes: changeBytes), "publishing change \(k)")
    }

    private func post(_ body: String, _ doing: String) async throws -> String {
        let reply = try await publisher.send(.post, "/pub", json: body)
        // 202 when nobody listens, 201 when it went to subscribers.
        if reply.status != 202 { try BenchEvent.expect(201, reply, doing) }
        guard let id = Self.field("last message id", in: reply.body) else { throw BenchError("\(doing): no message id in Nchan's answer") }
        return id
    }

    func resumePath(_ round: StormRound, lastPayload: [UInt8]?, lastPosition: String?) throws -> String {
        guard let lastPosition else { throw BenchError("Nchan: no message id of the last change") }
        return "\(round.path)?last_event_id=\(lastPosition.replacingOccurrences(of: ":", with: "%3A"))"
    }

    func subscribers() async throws -> Int {
        let reply = try await publisher.send(.get, "/pub")
        guard let count = Self.field("active subscribers", in: reply.body).flatMap(Int.init) else {
            throw BenchError("Nchan's channel info has no subscriber count: \(String(decoding: reply.body, as: UTF8.self))")
        }
        return count
    }

    /// A JSON message of exactly `bytes` bytes (at least its frame of about 40).
    static func body(k: Int, bytes: Int) -> String {
        let head = #"{"seq":\#(k),"type":"bench","data":""#
        return head + String(repeating: "x", count: max(0, bytes - head.utf8.count - 2)) + #""}"#
    }

    /// A line `name: value` of Nchan's plain-text channel info.
    static func field(_ name: String, in body: Data) -> String? {
        for line in String(decoding: body, as: UTF8.self).split(whereSeparator: \.isNewline) where line.hasPrefix(name + ":") {
            return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
