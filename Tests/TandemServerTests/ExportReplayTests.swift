import Foundation
import HTTPTypes
import Logging
import NIOCore
import Testing
import TandemCore
import TandemTestSupport
@testable import TandemServer

/// The exports answered on the event loop (`SnapshotReplay`): frab `schedule.json` and
/// `schedule.xml`, the event's `schedule.ics` and each room's. The same bytes as the router's
/// answer, never a stale version, and only for the requests the replay may answer.
@Suite("Snapshot replay: exports", .timeLimit(.minutes(5)))
struct ExportReplayTests {
    static let base = "/api/v1/events/hamburg-2017/schedule"

    /// A published event with a session in each room; its four export paths (room B's calendar last).
    static func seed(_ anonymous: API) async throws -> (admin: API, paths: [String], roomA: Int, roomB: Int) {
        let admin = try await anonymous.login()
        let (roomA, roomB, _) = try await admin.seedEvent()
        try #require(try await admin.post("/api/v1/events/hamburg-2017/sessions", Body.session(room: roomA, title: "Opening")).status == .created)
        try #require(try await admin.post("/api/v1/events/hamburg-2017/sessions",
                                          Body.session(room: roomB, start: "2017-06-15T12:00:00+02:00", end: "2017-06-15T13:00:00+02:00",
                                                       title: "Lunch talk")).status == .created)
        return (admin, [base + ".json", base + ".xml", base + ".ics", base + ".ics?room=\(roomB)"], roomA, roomB)
    }

    /// What the server writes for `GET path` on a new connection, byte for byte, without the two
    /// lines that differ per answer by design (`Date`, `X-Request-Id`). A second request, to
    /// another route and with `Connection: close`, ends the connection; its answer is included.
    static func raw(_ path: String, headers: [String] = [], body: String = "", port: Int) async throws -> String {
        let socket = try RawSocket(port: port)
        defer { socket.shutdown() }
        let fields = headers.map { $0 + "\r\n" }.joined()
        socket.send("GET \(path) HTTP/1.1\r\nHost: tandem.test\r\n\(fields)\r\n\(body)"
            + "GET /healthz HTTP/1.1\r\nHost: tandem.test\r\nConnection: close\r\n\r\n")
        let (bytes, closed) = await socket.readUntilClosed(timeout: .seconds(10))
        #expect(closed)
        return String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n").filter { line in
            let name = line.lowercased()
            return !name.hasPrefix("date:") && !name.hasPrefix("x-request-id:")
        }.joined(separator: "\r\n")
    }

    @Test("each export is replayed after its first read: byte for byte the router's answer but for Date and X-Request-Id",
          arguments: StoreKind.available)
    func replaysEveryExport(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            let port = try #require(anonymous.port)
            let (_, paths, _, roomB) = try await Self.seed(anonymous)
            var bodies: Set<String> = []
            for path in paths {
                let before = replay.replayed
                let routed = try await Self.raw(path, port: port)
                #expect(replay.replayed == before, "\(path): the first read is the router's")
                let replayed = try await Self.raw(path, port: port)
                #expect(replay.replayed == before + 1, "\(path): the second is replayed")
                #expect(replayed == routed, "\(path)")
                #expect(routed.hasPrefix("HTTP/1.1 200 OK\r\n"))
                for header in ["content-type:", "content-length:", "etag:", "cache-control: no-cache", "content-security-policy:",
                               "x-content-type-options: nosniff", "referrer-policy: same-origin"] {
                    #expect(routed.lowercased().contains("\r\n" + header), "\(path): \(header)")
                }
                bodies.insert(try await anonymous.get(path).text)
            }
            // Four documents, four different bodies: no path got another's bytes.
            #expect(bodies.count == 4)
            let calendar = try await anonymous.get(paths[3])
            #expect(calendar.headers[.contentType] == "text/calendar; charset=utf-8")
            #expect(calendar.headers[.contentDisposition] == "inline; filename=\"hamburg-2017-room-\(roomB).ics\"")
            #expect(calendar.text.contains("SUMMARY:Lunch talk") && !calendar.text.contains("SUMMARY:Opening"))
            #expect(try await anonymous.get(paths[1]).headers[.contentType] == "application/xml; charset=utf-8")
        }
    }

    @Test("If-None-Match: each export's 304 is recorded and replayed byte for byte; an older tag gets the full answer", arguments: StoreKind.available)
    func conditionalReads(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            let port = try #require(anonymous.port)
            for path in try await Self.seed(anonymous).paths {
                let full = try await anonymous.get(path)
                let etag = try #require(full.headers[.eTag])
                let before = replay.replayed
                let routed = try await Self.raw(path, headers: ["If-None-Match: \(etag)"], port: port)
                #expect(replay.replayed == before)
                let replayed = try await Self.raw(path, headers: ["If-None-Match: \(etag)"], port: port)
                #expect(replay.replayed == before + 1)
                #expect(routed.hasPrefix("HTTP/1.1 304 Not Modified\r\n") && replayed == routed, "\(path)")
                let stale = try await anonymous.get(path, headers: [.ifNoneMatch: #""frab-json-1", W/"ics-1-0""#])
                #expect(replay.replayed == before + 2)
                #expect(stale.status == .ok && stale.body == full.body, "\(path)")
            }
        }
    }

    @Test("a committed change ends every export's recording at once: the next read has the new version", arguments: StoreKind.available)
    func changeEndsRecordings(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            let (admin, paths, _, roomB) = try await Self.seed(anonymous)
            var old: [String: Reply] = [:]
            for path in paths {
                old[path] = try await anonymous.get(path)
                _ = try await anonymous.get(path)
            }
            #expect(replay.replayed == 4)
            try #require(try await admin.post("/api/v1/events/hamburg-2017/sessions",
                                              Body.session(room: roomB, start: "2017-06-15T16:00:00+02:00", end: "2017-06-15T17:00:00+02:00",
                                                           title: "Closing")).status == .created)
            for path in paths {
                let before = replay.replayed
                let new = try await anonymous.get(path)
                #expect(replay.replayed == before, "\(path): the old recording is not used")
                #expect(new.status == .ok && new.text.contains("Closing") && !(old[path]?.text.contains("Closing") ?? true), "\(path)")
                #expect(new.headers[.eTag] != old[path]?.headers[.eTag])
                let again = try await anonymous.get(path)
                #expect(replay.replayed == before + 1, "\(path): the new version is recorded and replayed")
                #expect(again.body == new.body && again.headers[.eTag] == new.headers[.eTag])
                // A client holding the old version gets the new one, not a 304.
                let stale = try await anonymous.get(path, headers: [.ifNoneMatch: try #require(old[path]?.headers[.eTag])])
                #expect(stale.status == .ok && stale.body == new.body)
            }
        }
    }

    @Test("credentials, Origin, a body, HEAD, Connection: close, another query or another spelling of the path go to the router",
          arguments: StoreKind.available)
    func othersGoToTheRouter(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            let port = try #require(anonymous.port)
            let (admin, paths, roomA, roomB) = try await Self.seed(anonymous)
            var documents: [String: Reply] = [:]
            for path in paths {
                documents[path] = try await anonymous.get(path)
                _ = try await anonymous.get(path)
            }
            let recorded = replay.replayed
            #expect(recorded == 4)
            let json = paths[0], roomCalendar = paths[3]
            // The same documents, asked for in ways the replay leaves to the router.
            #expect(try await admin.get(json).body == documents[json]?.body)
            #expect(try await anonymous.get(json, headers: [.cookie: "tandem_session=nonsense"]).status != .internalServerError)
            #expect(try await anonymous.get(json, headers: [.origin: "https://elsewhere.example"]).body == documents[json]?.body)
            let head = try await anonymous.call(.head, json)
            #expect(head.status == .ok && head.body.isEmpty && head.headers[.eTag] == documents[json]?.headers[.eTag])
            #expect(try await anonymous.get(json + "?lang=zh").body == documents[json]?.body)
            // Other spellings of a room: the router reads them as the same room, or refuses them.
            #expect(try await anonymous.get(Self.base + ".ics?room=0\(roomB)").body == documents[roomCalendar]?.body)
            let twoRooms = try await anonymous.get(Self.base + ".ics?room=\(roomA)&room=\(roomB)")
            #expect(twoRooms.status == .ok)
            try await anonymous.get(Self.base + ".ics?room=-\(roomB)").expectProblem(.unprocessableContent)
            // Other spellings of the path.
            for path in [json + "/", "/api/v1/events/hamburg%2D2017/schedule.json", "/api/v1/events/Hamburg-2017/schedule.json",
                         Self.base + ".JSON", "/api/v1/events//hamburg-2017/schedule.json", "/api/v1/events/hamburg-2017/./schedule.json"] {
                let reply = try await anonymous.get(path)
                #expect(reply.status != .internalServerError, "\(path)")
                if reply.status == .ok { #expect(reply.body == documents[json]?.body, "\(path)") }
            }
            // A body, and a request asking to close, on raw sockets.
            let withBody = try await Self.raw(json, headers: ["Content-Length: 2"], body: "{}", port: port)
            #expect(withBody.hasPrefix("HTTP/1.1 "))
            let socket = try RawSocket(port: port)
            defer { socket.shutdown() }
            socket.send("GET \(json) HTTP/1.1\r\nHost: tandem.test\r\nConnection: close\r\n\r\n")
            let (bytes, closed) = await socket.readUntilClosed(timeout: .seconds(10))
            #expect(closed && String(decoding: bytes, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(replay.replayed == recorded, "none of these was answered from a recording")
        }
    }

    @Test("headers the routes ignore do not change the answer: the router's answer to a request with them is the replayed one",
          arguments: StoreKind.available)
    func ignoredHeaders(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            let port = try #require(anonymous.port)
            let odd = ["Accept: text/html", "Accept-Language: zh-CN", "Accept-Encoding: gzip", "X-Forwarded-For: 203.0.113.9",
                       "X-Forwarded-Proto: https", "Content-Length: 0", "If-Match: \"nothing\"", "Connection: keep-alive"]
            for path in try await Self.seed(anonymous).paths {
                let before = replay.replayed
                let routed = try await Self.raw(path, headers: odd, port: port)
                #expect(replay.replayed == before)
                #expect(try await Self.raw(path, port: port) == routed, "\(path)")
                #expect(try await Self.raw(path, headers: odd, port: port) == routed, "\(path)")
                #expect(replay.replayed == before + 2)
            }
        }
    }

    @Test("a draft's exports are never replayed; once published they are", arguments: StoreKind.available)
    func draftsAreNotReplayed(kind: StoreKind) async throws {
        try await withTandem(store: kind, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            let admin = try await anonymous.login()
            try #require(try await admin.post("/api/v1/events", Body.event(slug: "bonn-2017", status: "draft")).status == .created)
            let room = try #require(try await admin.post("/api/v1/events/bonn-2017/rooms", #"{"name":"Saal"}"#).json["id"].int)
            let base = "/api/v1/events/bonn-2017/schedule"
            let paths = [base + ".json", base + ".xml", base + ".ics", base + ".ics?room=\(room)"]
            for path in paths {
                #expect(try await admin.get(path).status == .ok, "\(path): organisers see the draft")
                for _ in 0..<2 { try await anonymous.get(path).expectProblem(.notFound) }
                #expect(try await admin.get(path).status == .ok)
            }
            #expect(replay.replayed == 0)
            #expect(try await admin.patch("/api/v1/events/bonn-2017", #"{"status":"published"}"#).status == .ok)
            for path in paths {
                let first = try await anonymous.get(path)
                let second = try await anonymous.get(path)
                #expect(first.status == .ok && second.body == first.body, "\(path)")
            }
            #expect(replay.replayed == 4)
        }
    }

    @Test("replayed exports are counted where the router counts them, under their route (every room's calendar as the calendar)")
    func countedInMetrics() async throws {
        var logger = Logger(label: "replay-metrics")
        logger.logLevel = .warning
        let server = try await buildServer(testConfig(demo: true),
                                           environment: AppEnvironment(clock: TestClock(), logger: logger, metrics: TestMetrics.registry))
        try await server.application.test(.live) { client in
            let api = API(client)
            let base = "/api/v1/events/cbw-hamburg-2017/schedule"
            let room = try #require(try await api.get("/api/v1/events/cbw-hamburg-2017/rooms").json["items"].array.first?["id"].int)
            func counts(_ route: String) async throws -> [Int] {
                let labels = #"{http_route="\#(route)",http_request_method="GET",http_response_status_code="200"} "#
                let text = try await api.get("/metrics").text
                return ["hb_requests", "http_server_request_duration_count"].map { name in
                    text.split(separator: "\n").first { $0.hasPrefix(name + labels) }.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
                }
            }
            for (path, route) in [(".json", ".json"), (".xml", ".xml"), (".ics", ".ics"), (".ics?room=\(room)", ".ics")] {
                let before = try await counts("/api/v1/events/{slug}/schedule" + route)
                let replayed = server.replay?.replayed ?? 0
                // The first read is the router's and is recorded as its end is written, which may come
                // just after the client has its body: a read sent at once may still find the router.
                var made = 0
                while made < 10, (server.replay?.replayed ?? 0) < replayed + 2 {
                    #expect(try await api.get(base + path).status == .ok)
                    made += 1
                }
                #expect(server.replay?.replayed == replayed + 2, "\(path)")
                // Routed and replayed alike, every read is counted once.
                #expect(try await counts("/api/v1/events/{slug}/schedule" + route) == before.map { $0 + made }, "\(path)")
            }
        }
    }
}

/// Which request paths the replay answers, and for which document: one spelling per document.
@Suite("Snapshot replay: targets", .timeLimit(.minutes(5)))
struct SnapshotReplayTargetTests {
    @Test("the routes' own spellings name their document; the room is part of the calendar's")
    func documents() {
        let base = "/api/v1/events/cbw-hamburg-2017"
        let expected: [(String, SnapshotCache.Document)] = [
            (base, .snapshot(.event)), (base + "/schedule", .snapshot(.schedule)), (base + "/schedule.json", .export(.frabJSON)),
            (base + "/schedule.xml", .export(.frabXML)), (base + "/schedule.ics", .export(.calendar(room: nil))),
            (base + "/schedule.ics?room=12", .export(.calendar(room: 12))),
        ]
        for (path, document) in expected {
            #expect(SnapshotReplay.target(path: path) == SnapshotReplay.Target(slug: "cbw-hamburg-2017", document: .cached(document)), "\(path)")
        }
        #expect(SnapshotReplay.target(path: "/events/cbw-hamburg-2017") == SnapshotReplay.Target(slug: "cbw-hamburg-2017", document: .page(.event)))
        #expect(SnapshotReplay.target(path: "/screen/cbw-hamburg-2017") == SnapshotReplay.Target(slug: "cbw-hamburg-2017", document: .page(.screen)))
    }

    @Test("any other spelling is the router's", arguments: [
        "/api/v1/events/cbw-hamburg-2017/", "/api/v1/events/cbw-hamburg-2017/schedule/", "/api/v1/events/cbw-hamburg-2017/schedule.json/",
        "/api/v1/events/cbw%2Dhamburg-2017/schedule.json", "/api/v1/events/CBW-hamburg-2017/schedule.xml", "/api/v1/events//schedule.json",
        "/api/v1/events/cbw-hamburg-2017//schedule.json", "/api/v1/events/cbw-hamburg-2017/./schedule.json",
        "/api/v1/events/cbw-hamburg-2017/schedule.JSON", "/api/v1/events/cbw-hamburg-2017/sessions/1", "/api/v1/events/cbw-hamburg-2017/schedule.ics/x",
        "/api/v1/events/cbw-hamburg-2017?x=1", "/api/v1/events/cbw-hamburg-2017/schedule?lang=zh", "/api/v1/events/cbw-hamburg-2017/schedule.json?",
        "/api/v1/events/cbw-hamburg-2017/schedule.ics?", "/api/v1/events/cbw-hamburg-2017/schedule.ics?room=", "/api/v1/events/cbw-hamburg-2017/schedule.ics?room=0",
        "/api/v1/events/cbw-hamburg-2017/schedule.ics?room=012", "/api/v1/events/cbw-hamburg-2017/schedule.ics?room=+12",
        "/api/v1/events/cbw-hamburg-2017/schedule.ics?room=-12", "/api/v1/events/cbw-hamburg-2017/schedule.ics?room=12&room=13",
        "/api/v1/events/cbw-hamburg-2017/schedule.ics?room=12&", "/api/v1/events/cbw-hamburg-2017/schedule.ics?Room=12",
        "/api/v1/events/cbw-hamburg-2017/schedule.ics?room=%3112", "/api/v1/events/cbw-hamburg-2017/schedule.ics?room=1234567890123456789",
        "/api/v1/events/cbw-hamburg-2017/schedule.ics#room=12", "/api/v1/events/cbw-hamburg-2017/schedule.ics?room=12#x",
        "/API/v1/events/cbw-hamburg-2017/schedule.json", "/api/v1/events/cbw-hamburg-2017/schedule.json;x", "/api/v1/events/é/schedule.json",
        "/events/cbw-hamburg-2017/", "/events/cbw-hamburg-2017?lang=zh", "/events/", "/events/CBW", "/events/cbw%2Dhamburg", "/events/a/b",
        "/screen/cbw-hamburg-2017?room=3", "/screen/cbw-hamburg-2017/", "/screen/", "/Events/cbw-hamburg-2017", "/events/cbw-hamburg-2017#x",
    ])
    func othersAreTheRouters(path: String) {
        #expect(SnapshotReplay.target(path: path) == nil)
    }

    @Test("a recording answers only while the cache holds its event's entry: a slug that passes to another event is not answered")
    func recordingsBelongToOneEvent() {
        let cache = SnapshotCache()
        let clock = TestClock()
        let replay = SnapshotReplay(cache: cache, clock: clock, metricsEnabled: false)
        let target = SnapshotReplay.Target(slug: "demo", document: .cached(.export(.frabJSON)))
        let request = HTTPRequest(method: .get, scheme: nil, authority: "demo", path: "/api/v1/events/demo/schedule.json")
        let etag = ExportDocument.frabJSON.etag(version: 3)
        func keep(_ event: Int64, _ body: String) {
            cache.store(SnapshotCache.Entry(eventID: Event.ID(event), version: 3, etag: etag, body: ByteBuffer(string: body), validUntil: nil),
                        slug: "demo", export: .frabJSON)
        }
        keep(1, "first")
        // A 200 whose body is not the cached one (another render of the version) is not recorded.
        replay.record(HTTPResponse(status: .ok, headerFields: [.eTag: etag]), body: ByteBuffer(string: "other"), for: target)
        #expect(replay.answer(request, for: target) == nil)
        replay.record(HTTPResponse(status: .ok, headerFields: [.eTag: etag]), body: ByteBuffer(string: "first"), for: target)
        #expect(replay.answer(request, for: target)?.body == ByteBuffer(string: "first"))
        // Another event now under the slug, at the same version: same ETag, other bytes.
        keep(2, "second")
        #expect(replay.answer(request, for: target) == nil)
    }
}
