import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing
import TandemCore
import TandemTestSupport
@testable import TandemServer

/// Anonymous reads of cached snapshots answered on the event loop (`SnapshotReplay`): the same
/// answer as the router's, never a stale one, and only for the requests it may answer.
@Suite("Snapshot replay", .timeLimit(.minutes(5)))
struct SnapshotReplayTests {
    static let schedule = "/api/v1/events/cbw-hamburg-2017/schedule"
    static let event = "/api/v1/events/cbw-hamburg-2017"

    /// Headers that differ per answer by design.
    static func stable(_ headers: HTTPFields) -> [String: String] {
        var fields: [String: String] = [:]
        for field in headers where field.name != .date && field.name != .xRequestID {
            fields[field.name.canonicalName] = field.value
        }
        return fields
    }

    @Test("the second read of a schedule or event is replayed: same status, headers and body, its own request id and date")
    func replaysTheRoutersAnswer() async throws {
        try await withTandem(demo: true, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            for path in [Self.schedule, Self.event] {
                let before = replay.replayed
                let routed = try await anonymous.get(path)
                #expect(routed.status == .ok)
                #expect(replay.replayed == before)
                let replayed = try await anonymous.get(path)
                #expect(replay.replayed == before + 1)
                #expect(replayed.status == .ok)
                #expect(replayed.body == routed.body)
                #expect(Self.stable(replayed.headers) == Self.stable(routed.headers))
                #expect(Self.stable(routed.headers)["content-security-policy"] != nil)
                let ids = [routed.headers[.xRequestID], replayed.headers[.xRequestID]]
                #expect(ids[0] != nil && ids[1] != nil && ids[0] != ids[1])
                #expect(replayed.headers[.date]?.hasSuffix(" GMT") == true)
            }
        }
    }

    @Test("the event page and the screen are replayed after their first read, 304 too; a query or a slash goes to the router")
    func pagesAreReplayed() async throws {
        try await withTandem(demo: true, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            for path in ["/events/cbw-hamburg-2017", "/screen/cbw-hamburg-2017"] {
                let routed = try await anonymous.get(path)
                #expect(routed.status == .ok)
                #expect(routed.headers[.contentType] == "text/html; charset=utf-8")
                // The router's recording lands as its answer ends, which may be just after this
                // client has the body: read until a replay answers (a few reads at most).
                var replayed = try await anonymous.get(path)
                let before = replay.replayed
                for _ in 0..<20 where replay.replayed == before {
                    replayed = try await anonymous.get(path)
                }
                #expect(replay.replayed == before + 1, "\(path) was replayed")
                #expect(replayed.status == .ok)
                #expect(replayed.body == routed.body)
                #expect(Self.stable(replayed.headers) == Self.stable(routed.headers))
                #expect(replayed.headers[.xRequestID] != routed.headers[.xRequestID])
                let etag = try #require(routed.headers[.eTag])
                _ = try await anonymous.get(path, headers: [.ifNoneMatch: etag])
                var notModified = try await anonymous.get(path, headers: [.ifNoneMatch: etag])
                let afterFull = replay.replayed
                for _ in 0..<20 where replay.replayed == afterFull {
                    notModified = try await anonymous.get(path, headers: [.ifNoneMatch: etag])
                }
                #expect(replay.replayed == afterFull + 1)
                #expect(notModified.status == .notModified && notModified.body.isEmpty)
                let counted = replay.replayed
                #expect(try await anonymous.get(path + "?lang=zh").status == .ok)
                #expect(try await anonymous.get(path + "?lang=zh").status == .ok)
                #expect(replay.replayed == counted, "a query is the router's")
            }
        }
    }

    @Test("page recordings for made-up slugs are bounded: past twice what PageTemplates keeps, they are forgotten together")
    func pageRecordingsAreBounded() {
        let pages = PageTemplates(limit: 2)
        let replay = SnapshotReplay(cache: SnapshotCache(), pages: pages, clock: TestClock(), metricsEnabled: false)
        func render(_ slug: String) -> SnapshotReplay.Target {
            let body = ByteBuffer(string: "<p>\(slug)</p>")
            pages.keep(PageTemplates.Page(body: body, etag: "\"\(slug)\""), file: "event.html", slug: slug)
            let target = SnapshotReplay.Target(slug: slug, document: .page(.event))
            replay.record(HTTPResponse(status: .ok, headerFields: [.eTag: "\"\(slug)\""]), body: body, for: target)
            return target
        }
        func request(_ slug: String) -> HTTPRequest { HTTPRequest(method: .get, scheme: nil, authority: "x", path: "/events/" + slug) }
        let first = render("a")
        #expect(replay.answer(request("a"), for: first) != nil)
        #expect(replay.pageRecordingCount == 1)
        // Not the page PageTemplates holds (another body): not recorded.
        replay.record(HTTPResponse(status: .ok, headerFields: [.eTag: "\"a\""]), body: ByteBuffer(string: "other"), for: first)
        #expect(replay.answer(request("a"), for: first)?.body == ByteBuffer(string: "<p>a</p>"))
        // PageTemplates starts afresh past its limit; the recording of a page it no longer holds is not used.
        for slug in ["b", "c", "d"] { _ = render(slug) }
        #expect(pages.page(file: "event.html", slug: "a") == nil)
        #expect(replay.answer(request("a"), for: first) == nil)
        #expect(replay.pageRecordingCount == 4)
        // The fifth page recording (limit 2 × 2) forgets the earlier ones.
        let fifth = render("e")
        #expect(replay.answer(request("e"), for: fifth) != nil)
        #expect(replay.pageRecordingCount == 1)
    }

    @Test("a committed change ends the recording at once: the next read has the new version")
    func changeEndsRecording() async throws {
        try await withTandem(demo: true, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            let admin = try await anonymous.login()
            let first = try await anonymous.get(Self.schedule)
            _ = try await anonymous.get(Self.schedule)
            #expect(replay.replayed == 1)
            let version = try #require(first.json["scheduleVersion"].int)
            try #require(try await admin.post("/api/v1/events/cbw-hamburg-2017/announcements", #"{"text":{"en":"Room B runs 15 minutes late"}}"#).status == .created)
            // A read the replay does not see (a query) fills the cache again: the old recording
            // must still not be used, its ETag is no longer the snapshot's.
            #expect(try await anonymous.get(Self.schedule + "?fresh=1").json["scheduleVersion"].int == version + 1)
            let after = try await anonymous.get(Self.schedule)
            #expect(replay.replayed == 1)
            #expect(after.json["scheduleVersion"].int == version + 1)
            #expect(after.headers[.eTag] != first.headers[.eTag])
            let again = try await anonymous.get(Self.schedule)
            #expect(replay.replayed == 2)
            #expect(again.headers[.eTag] == after.headers[.eTag] && again.body == after.body)
        }
    }

    @Test("If-None-Match: the 304 is recorded and replayed; an older tag gets the full answer")
    func conditionalReads() async throws {
        try await withTandem(demo: true, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            let full = try await anonymous.get(Self.schedule)
            let etag = try #require(full.headers[.eTag])
            let routed304 = try await anonymous.get(Self.schedule, headers: [.ifNoneMatch: etag])
            #expect(routed304.status == .notModified)
            #expect(replay.replayed == 0)
            let replayed304 = try await anonymous.get(Self.schedule, headers: [.ifNoneMatch: etag])
            #expect(replay.replayed == 1)
            #expect(replayed304.status == .notModified && replayed304.body.isEmpty)
            #expect(Self.stable(replayed304.headers) == Self.stable(routed304.headers))
            let stale = try await anonymous.get(Self.schedule, headers: [.ifNoneMatch: #""s1", W/"s2""#])
            #expect(replay.replayed == 2)
            #expect(stale.status == .ok && stale.body == full.body)
        }
    }

    @Test("credentials, a query, HEAD, an Origin and other paths go to the router")
    func othersGoToTheRouter() async throws {
        try await withTandem(demo: true, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            let admin = try await anonymous.login()
            _ = try await anonymous.get(Self.schedule)
            let asOrganiser = try await admin.get(Self.schedule)
            #expect(asOrganiser.status == .ok)
            let withCookie = try await anonymous.get(Self.schedule, headers: [.cookie: "tandem_session=nonsense"])
            let withQuery = try await anonymous.get(Self.schedule + "?lang=zh")
            let withOrigin = try await anonymous.get(Self.schedule, headers: [.origin: "https://elsewhere.example"])
            let head = try await anonymous.call(.head, Self.schedule)
            let unknown = try await anonymous.get("/api/v1/events/no-such-event/schedule")
            let trailing = try await anonymous.get(Self.schedule + "/")
            // Each was answered, and none from a recording.
            #expect(replay.replayed == 0)
            #expect(withQuery.status == .ok && withOrigin.status == .ok && unknown.status == .notFound)
            #expect(head.status == .ok && head.body.isEmpty)
            #expect([withCookie.status, trailing.status].allSatisfy { $0 != .internalServerError })
        }
    }

    @Test("pipelined requests are answered in order, a replayed one after the router's answer before it; Connection: close is honoured")
    func pipelinedInOrder() async throws {
        try await withTandem(demo: true, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            _ = try await anonymous.get(Self.schedule)
            let socket = try RawSocket(port: try #require(anonymous.port))
            defer { socket.shutdown() }
            socket.send("GET /api/v1/events HTTP/1.1\r\nHost: test\r\n\r\n"
                + "GET \(Self.schedule) HTTP/1.1\r\nHost: test\r\n\r\n"
                + "GET \(Self.event) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            let (bytes, closed) = await socket.readUntilClosed(timeout: .seconds(10))
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(closed)
            #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count == 4)
            let list = try #require(text.range(of: #"{"items":"#)?.lowerBound)
            let schedule = try #require(text.range(of: #"{"rooms":"#)?.lowerBound)
            let event = try #require(text.range(of: #""announcements":"#)?.lowerBound)
            #expect(list < schedule && schedule < event)
            // The schedule waited for the list (the router's) and was replayed; the last asked to close.
            #expect(replay.replayed == 1)
        }
    }

    @Test("an expired announcement ends the event's recording")
    func expiryEndsRecording() async throws {
        let clock = TestClock()
        try await withTandem(demo: true, clock: clock, mode: .live) { anonymous in
            let replay = try #require(anonymous.replay)
            let admin = try await anonymous.login()
            let expires = ISO8601DateFormatter().string(from: clock.now().addingTimeInterval(600))
            try #require(try await admin.post("/api/v1/events/cbw-hamburg-2017/announcements",
                                              #"{"text":{"en":"Lunch until 13:00"},"expiresAt":"\#(expires)"}"#).status == .created)
            _ = try await anonymous.get(Self.event)
            let shown = try await anonymous.get(Self.event)
            #expect(replay.replayed == 1)
            #expect(shown.json["announcements"].array.contains { $0["text"]["en"].string == "Lunch until 13:00" })
            clock.advance(by: 601)
            let later = try await anonymous.get(Self.event)
            #expect(replay.replayed == 1)
            #expect(!later.json["announcements"].array.contains { $0["text"]["en"].string == "Lunch until 13:00" })
        }
    }

    @Test("replayed reads are counted where the router counts them: hb_requests and the request duration")
    func countedInMetrics() async throws {
        var logger = Logger(label: "replay-metrics")
        logger.logLevel = .warning
        let server = try await buildServer(testConfig(demo: true),
                                           environment: AppEnvironment(clock: TestClock(), logger: logger, metrics: TestMetrics.registry))
        try await server.application.test(.live) { client in
            let api = API(client)
            let labels = #"{http_route="/api/v1/events/{slug}/schedule",http_request_method="GET",http_response_status_code="200"} "#
            func counts() async throws -> [Int] {
                let text = try await api.get("/metrics").text
                return ["hb_requests", "http_server_request_duration_count"].map { name in
                    text.split(separator: "\n").first { $0.hasPrefix(name + labels) }.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
                }
            }
            let before = try await counts()
            for _ in 0..<3 { #expect(try await api.get(Self.schedule).status == .ok) }
            #expect(server.replay?.replayed == 2)
            #expect(try await counts() == before.map { $0 + 3 })
        }
    }

    @Test("off when requests are logged at debug level, so every request is logged")
    func offAtDebugLevel() async throws {
        var logger = Logger(label: "tandem-test")
        logger.logLevel = .debug
        let server = try await buildServer(testConfig(), environment: AppEnvironment(clock: TestClock(), logger: logger))
        #expect(server.replay == nil)
    }
}

/// `SnapshotReplayHandler` on an embedded channel, whose writability the test sets: replayed
/// answers wait while the channel is not writable, reading stops, and the order of answers holds.
@Suite("Snapshot replay: back-pressure", .timeLimit(.minutes(5)))
struct SnapshotReplayBackPressureTests {
    /// Counts the `read` events that get past the replay handler (towards the socket).
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = Any
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    static let path = "/api/v1/events/demo/schedule"

    /// A channel whose replay holds a recorded 200 for `path`.
    static func channel() throws -> (EmbeddedChannel, ReadCounter) {
        let cache = SnapshotCache()
        let clock = TestClock()
        cache.store(SnapshotCache.Entry(eventID: Event.ID(1), version: 1, etag: "\"s1\"", body: ByteBuffer(string: "{}"), validUntil: nil),
                    slug: "demo", .schedule)
        let replay = SnapshotReplay(cache: cache, clock: clock, metricsEnabled: false)
        replay.record(HTTPResponse(status: .ok, headerFields: [.eTag: "\"s1\"", .contentLength: "2"]), body: ByteBuffer(string: "{}"),
                      for: SnapshotReplay.Target(slug: "demo", document: .cached(.snapshot(.schedule))))
        let counter = ReadCounter()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.pipeline.syncOperations.addHandler(SnapshotReplayHandler(replay: replay))
        return (channel, counter)
    }

    static func request(_ path: String, on channel: EmbeddedChannel) throws {
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .get, scheme: nil, authority: "demo", path: path)))
        try channel.writeInbound(HTTPRequestPart.end(nil))
    }

    /// The statuses (and body texts) written to the socket so far, in order.
    static func written(_ channel: EmbeddedChannel) throws -> [String] {
        var parts: [String] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            switch part {
            case .head(let head): parts.append("\(head.status.code)")
            case .body(let body): parts.append(String(buffer: body))
            case .end: parts.append("end")
            }
        }
        return parts
    }

    @Test("while not writable: replayed answers wait, reads are held; once writable, both resume")
    func waitsForWritability() throws {
        let (channel, counter) = try Self.channel()
        defer { _ = try? channel.finish() }
        try Self.request(Self.path, on: channel)
        #expect(try Self.written(channel) == ["200", "{}", "end"])

        channel.isWritable = false
        for _ in 0..<3 { try Self.request(Self.path, on: channel) }
        channel.read()
        #expect(try Self.written(channel).isEmpty)
        #expect(counter.reads == 0)

        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(try Self.written(channel) == Array(repeating: ["200", "{}", "end"], count: 3).flatMap { $0 })
        #expect(counter.reads == 1)
    }

    @Test("a replayed answer waiting for writability goes before the router's answer to a later request")
    func orderWithTheRouter() throws {
        let (channel, _) = try Self.channel()
        defer { _ = try? channel.finish() }
        channel.isWritable = false
        try Self.request(Self.path, on: channel)
        // A request for the router passes on; its answer comes back through the handler.
        try Self.request("/api/v1/events", on: channel)
        guard case .head(let routed) = try #require(try channel.readInbound(as: HTTPRequestPart.self)) else {
            Issue.record("the router's request did not pass")
            return
        }
        #expect(routed.path == "/api/v1/events")
        channel.isWritable = true
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .accepted)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        #expect(try Self.written(channel) == ["200", "{}", "end", "202", "end"])
    }
}
