import Foundation
import HTTPTypes
import HummingbirdWSClient
import NIOWebSocket
import Testing
import TandemTestSupport
@testable import TandemServer

/// A live test server with small limits, so overflow and the replay window are reachable in a test.
func liveConfig(queueLimit: Int = 512, replayWindow: Int64 = 1000) -> AppConfig {
    var config = testConfig()
    config.live.queueLimit = queueLimit
    config.live.replayWindow = replayWindow
    config.live.keepAlive = .milliseconds(200)
    return config
}

@Suite("Live feed: WebSocket and Server-Sent Events", .timeLimit(.minutes(5)))
struct LiveTests {
    @Test("snapshot on connect, then each organiser change once, in order, seq + 1 each", arguments: StoreKind.available)
    func snapshotThenChanges(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live, config: liveConfig()) { anonymous in
            let admin = try await anonymous.login()
            let ids = try await admin.seedEvent()
            let client = LiveClient(port: try #require(anonymous.port), path: "/api/v1/events/hamburg-2017/live")
            let snapshot = try await client.messages(count: 1)[0]
            #expect(snapshot["type"].string == "snapshot" && snapshot["seq"].int == 3)
            #expect(snapshot["data"]["rooms"].array.count == 2 && snapshot["data"]["slug"].string == "hamburg-2017")
            let created = try await admin.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: ids.roomA))
            let id = try #require(created.json["id"].int)
            _ = try await admin.patch("/api/v1/events/hamburg-2017/sessions/\(id)", #"{"roomId":\#(ids.roomB)}"#)
            _ = try await admin.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Room B runs 15 minutes late","zh":"B厅推迟15分钟"}}"#)
            let messages = try await client.messages(count: 4)
            #expect(messages.dropFirst().map { $0["type"].string } == ["session.created", "session.updated", "announcement.created"])
            #expect(messages.map { $0["seq"].int } == [3, 4, 5, 6])
            #expect(messages[2]["data"]["roomId"].int == ids.roomB && messages[2]["data"]["previousRoomId"].int == ids.roomA)
            #expect(messages[2]["data"]["startsAt"].string == "2017-06-15T10:00:00+02:00")
            #expect(messages[3]["data"]["text"]["zh"].string == "B厅推迟15分钟")
            client.disconnect()
        }
    }

    @Test("reconnecting with since=SEQ replays exactly the missed changes; too old a seq gets a snapshot", arguments: StoreKind.available)
    func resume(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live, config: liveConfig(replayWindow: 6)) { anonymous in
            let admin = try await anonymous.login()
            let ids = try await admin.seedEvent()
            let port = try #require(anonymous.port)
            let first = LiveClient(port: port, path: "/api/v1/events/hamburg-2017/live")
            let seen = try #require(try await first.messages(count: 1)[0]["seq"].int)
            first.disconnect()
            for minute in 0..<5 {
                _ = try await admin.post("/api/v1/events/hamburg-2017/sessions", Body.session(
                    room: ids.roomA, start: "2017-06-15T1\(minute):00:00+02:00", end: "2017-06-15T1\(minute):30:00+02:00", title: "Session \(minute)"))
            }
            let resumed = LiveClient(port: port, path: "/api/v1/events/hamburg-2017/live?since=\(seen)")
            let replayed = try await resumed.messages(count: 5)
            #expect(replayed.map { $0["seq"].int } == (seen + 1...seen + 5).map { $0 })
            #expect(replayed.allSatisfy { $0["type"].string == "session.created" })
            #expect(replayed.map { $0["data"]["title"]["en"].string } == (0..<5).map { "Session \($0)" })
            // Seven changes behind with a window of six: a fresh snapshot instead of a partial replay.
            let late = LiveClient(port: port, path: "/api/v1/events/hamburg-2017/live?since=1")
            let snapshot = try await late.messages(count: 1)[0]
            #expect(snapshot["type"].string == "snapshot" && snapshot["seq"].int == seen + 5)
            #expect(snapshot["data"]["sessions"].array.count == 5)
            late.disconnect()
            // Caught up: nothing to replay, and the next change arrives.
            let current = LiveClient(port: port, path: "/api/v1/events/hamburg-2017/live?since=\(seen + 5)")
            _ = try await admin.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Coffee"}}"#)
            #expect(try await current.messages(count: 1).map { $0["seq"].int } == [seen + 6])
            current.disconnect()
            // The resumed feed's next message is that change: nothing more was replayed, nothing twice.
            #expect(try await resumed.messages(count: 6).map { $0["seq"].int } == (seen + 1...seen + 6).map { $0 })
            resumed.disconnect()
        }
    }

    @Test("an announcement disappears from screens when its time is up: one announcement.expired message", arguments: StoreKind.available)
    func announcementExpires(kind: StoreKind) async throws {
        let clock = TestClock()
        try await withTandem(store: kind, clock: clock, mode: .live, config: liveConfig()) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.seedEvent()
            let client = LiveClient(port: try #require(anonymous.port), path: "/api/v1/events/hamburg-2017/live")
            _ = try await client.messages(count: 1)
            _ = try await admin.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Lunch until 13:00"},"expiresAt":"2017-06-01T12:10:00+02:00"}"#)
            _ = try await client.messages(count: 2)
            clock.advance(by: 11 * 60)
            let messages = try await client.messages(count: 3)
            #expect(messages[2]["type"].string == "announcement.expired")
            #expect(messages[2]["data"]["text"]["en"].string == "Lunch until 13:00")
            #expect(try await anonymous.get("/api/v1/events/hamburg-2017").json["announcements"].array.isEmpty)
            client.disconnect()
        }
    }

    @Test("a room screen gets its room's sessions, sessions moved away, and everything event-wide", arguments: StoreKind.available)
    func roomFilter(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live, config: liveConfig()) { anonymous in
            let admin = try await anonymous.login()
            let ids = try await admin.seedEvent()
            let inA = try #require(try await admin.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: ids.roomA)).json["id"].int)
            let client = LiveClient(port: try #require(anonymous.port), path: "/api/v1/events/hamburg-2017/live?room=\(ids.roomA)")
            let snapshot = try await client.messages(count: 1)[0]
            #expect(snapshot["data"]["sessions"].array.map { $0["id"].int } == [inA])
            _ = try await admin.post("/api/v1/events/hamburg-2017/sessions", Body.session(
                room: ids.roomB, start: "2017-06-15T12:00:00+02:00", end: "2017-06-15T13:00:00+02:00", title: "Elsewhere"))
            #expect(try await admin.patch("/api/v1/events/hamburg-2017/sessions/\(inA)", #"{"roomId":\#(ids.roomB)}"#).status == .ok)
            _ = try await admin.patch("/api/v1/events/hamburg-2017/sessions/\(inA)", #"{"language":"zh"}"#)
            _ = try await admin.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Lunch"}}"#)
            // The announcement is the last change: had a change of room B reached this screen, it
            // would be among the messages before it.
            let messages = try await client.messages(count: 3)
            #expect(messages.dropFirst().map { $0["type"].string } == ["session.updated", "announcement.created"])
            #expect(messages[1]["data"]["previousRoomId"].int == ids.roomA)
            try await anonymous.get("/api/v1/events/hamburg-2017/live?room=abc").expectProblem(.unprocessableContent)
            client.disconnect()
        }
    }

    @Test("SSE: the same messages with id: seq, resumed with Last-Event-ID, with keep-alive comments", arguments: StoreKind.available)
    func serverSentEvents(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live, config: liveConfig()) { anonymous in
            let admin = try await anonymous.login()
            let ids = try await admin.seedEvent()
            let port = try #require(anonymous.port)
            let first = try RawSocket(port: port)
            first.send("GET /api/v1/events/hamburg-2017/live/stream HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
            let opening = try await first.read { $0.contains("\"type\":\"snapshot\"") && $0.contains("\n\n") }
            #expect(opening.contains("text/event-stream"))
            #expect(opening.contains("id: 3\ndata: {"))
            first.shutdown()
            for n in 1...3 {
                _ = try await admin.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Notice \#(n)"}}"#)
            }
            _ = ids
            let resumed = try RawSocket(port: port)
            resumed.send("GET /api/v1/events/hamburg-2017/live/stream HTTP/1.1\r\nHost: localhost\r\nLast-Event-ID: 3\r\n\r\n")
            let text = try await resumed.read { $0.contains("id: 6\n") && $0.contains(": keep-alive") }
            let seqs = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").filter { $0.hasPrefix("id: ") }.map { String($0.dropFirst(4)) }
            #expect(seqs == ["4", "5", "6"], "\(text)")
            #expect(!text.contains("snapshot"))
            #expect(text.contains("\"type\":\"announcement.created\"") && text.contains("Notice 3"))
            #expect(text.contains(": keep-alive"))
            resumed.shutdown()
        }
    }

    @Test("a stalled client that never reads is cut off; a fast one gets every message in order meanwhile", arguments: StoreKind.available)
    func stalledClient(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live, config: liveConfig(queueLimit: 16), metrics: TestMetrics.registry) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.seedEvent()
            let port = try #require(anonymous.port)
            let fast = LiveClient(port: port, path: "/api/v1/events/hamburg-2017/live")
            _ = try await fast.messages(count: 1)
            let stalled = try RawSocket(port: port, receiveBuffer: 2048)
            stalled.sendWebSocketHandshake(path: "/api/v1/events/hamburg-2017/live")
            try await waitFor(subscribers: 2, api: anonymous)
            // The kernel lets a socket's send buffer grow to 4 MiB here (tcp_wmem), so a stalled reader
            // only backs up into the server after more than that: ~1,100 messages of ~4 KB.
            let english = String(repeating: "Room B runs late. ", count: 55)
            let chinese = String(repeating: "B厅推迟十五分钟。", count: 110)
            func dropped() async throws -> Int {
                let text = try await admin.get("/metrics").text
                return text.split(separator: "\n").first { $0.hasPrefix("tandem_live_messages_dropped_total ") }
                    .flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
            }
            let droppedBefore = try await dropped()
            for n in 1...1100 {
                _ = try await admin.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"\#(n) \#(english)","zh":"\#(chinese)"}}"#)
            }
            let messages = try await fast.messages(count: 1101, timeout: .seconds(60))
            #expect(messages.dropFirst().map { $0["seq"].int } == (4...1103).map { $0 })
            try await waitFor(subscribers: 1, api: anonymous)
            // Cut off for its backlog (4008), not by the stalled-write timeout.
            #expect(try await dropped() > droppedBefore)
            stalled.shutdown()
            fast.disconnect()
        }
    }

    @Test("heartbeat: the server pings; a pong keeps a screen connected, a silent one is closed; a client's ping gets a pong", arguments: StoreKind.available)
    func heartbeat(kind: StoreKind) async throws {
        var config = liveConfig()
        // A second: the answering client must pong within one interval, and a loaded CI machine
        // running the PostgreSQL suites beside this one has made 300 ms too short for that.
        config.live.pingInterval = .seconds(1)
        try await withTandem(store: kind, mode: .live, config: config) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.seedEvent()
            let port = try #require(anonymous.port)
            // HummingbirdWSClient answers pings by itself.
            let answering = LiveClient(port: port, path: "/api/v1/events/hamburg-2017/live")
            _ = try await answering.messages(count: 1)
            let silent = try RawSocket(port: port)
            silent.sendWebSocketHandshake(path: "/api/v1/events/hamburg-2017/live")
            try await waitFor(subscribers: 2, api: anonymous)
            // A masked ping "hi" from the client is answered with a pong "hi" (0x8A, length 2).
            let ping: [UInt8] = [0x89, 0x82, 1, 2, 3, 4, UInt8(ascii: "h") ^ 1, UInt8(ascii: "i") ^ 2]
            silent.send(bytes: ping)
            let (bytes, closed) = await silent.readUntilClosed(timeout: .seconds(10))
            #expect(closed, "a client that never answers pings is closed")
            let pong: [UInt8] = [0x8A, 0x02, UInt8(ascii: "h"), UInt8(ascii: "i")]
            #expect(bytes.indices.contains { bytes[$0...].starts(with: pong) }, "the client's ping got its pong")
            #expect(bytes.indices.contains { bytes[$0...].starts(with: [0x89, 0x00]) }, "the server pinged")
            try await waitFor(subscribers: 1, api: anonymous)
            _ = try await admin.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Still here"}}"#)
            #expect(try await answering.messages(count: 2).dropFirst().first?["type"].string == "announcement.created")
            silent.shutdown()
            answering.disconnect()
        }
    }

    @Test("a plain GET of the WebSocket endpoint is 426; a refused handshake gets the route's problem response, not an upgrade", arguments: StoreKind.available)
    func notAWebSocket(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live, config: liveConfig()) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.seedEvent()
            let problem = try await anonymous.get("/api/v1/events/hamburg-2017/live").expectProblem(.upgradeRequired)
            #expect(problem["code"].string == "websocket-required")
            try await anonymous.get("/api/v1/events/nowhere/live").expectProblem(.notFound)
            let refused = try RawSocket(port: try #require(anonymous.port))
            refused.sendWebSocketHandshake(path: "/api/v1/events/nowhere/live")
            let (bytes, closed) = await refused.readUntilClosed(timeout: .seconds(5))
            let text = String(decoding: bytes, as: UTF8.self).lowercased()
            #expect(closed && text.hasPrefix("http/1.1 404"), "\(text)")
            #expect(text.contains("content-type: application/problem+json") && text.contains("no event"), "\(text)")
            refused.shutdown()
        }
    }

    func waitFor(subscribers: Int, api: API, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        var count = -1
        while ContinuousClock.now < deadline {
            count = try await api.get("/readyz").json["liveSubscribers"].int ?? -1
            if count == subscribers { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("expected \(subscribers) live subscribers, found \(count)", sourceLocation: sourceLocation)
    }
}

@Suite("Live feed: graceful shutdown", .serialized, .timeLimit(.minutes(5)))
struct LiveShutdownTests {
    // SQLite only: the real binary, started on a database file.
    @Test("SIGTERM closes live connections with 1001 going away and the seq to resume from")
    func goingAway() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TandemProcess.binary), "build the tandem executable first")
        let server = TandemProcess(databasePath: temporaryDatabasePath())
        try await server.start()
        let admin = try await server.api.login()
        _ = try await admin.seedEvent()
        let client = LiveClient(port: server.port, path: "/api/v1/events/hamburg-2017/live")
        _ = try await client.messages(count: 1)
        await server.stop()
        let close = try #require(try await client.closeFrame())
        #expect(close.closeCode == .goingAway)
        #expect(close.reason == #"{"resume":{"since":3}}"#)
    }
}
