import Foundation
import NIOCore
import NIOHTTP1
@testable import TandemServer
import TandemTestSupport
import Testing

@Suite("Live handshakes on the event loop", .timeLimit(.minutes(5)))
struct LiveHandshakeTests {
    static func head(_ uri: String, method: HTTPMethod = .GET, _ headers: [(String, String)] = []) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: uri,
                        headers: HTTPHeaders([("Host", "tandem.test"), ("Upgrade", "websocket"), ("Connection", "Upgrade")] + headers))
    }

    @Test("only an anonymous handshake of a whole feed, with no query or a plain since, skips the router")
    func eligibility() {
        let handshakes = LiveHandshakes(trustedProxies: [], corsConfigured: false, metricsEnabled: false)
        let live = "/api/v1/events/hamburg-2017/live"
        #expect(handshakes.request(of: Self.head(live)) == .init(slug: "hamburg-2017", since: nil))
        #expect(handshakes.request(of: Self.head(live + "?since=12")) == .init(slug: "hamburg-2017", since: 12))
        #expect(handshakes.request(of: Self.head(live + "?since=0")) == .init(slug: "hamburg-2017", since: 0))
        #expect(handshakes.request(of: Self.head(live + "?since=9223372036854775807")) == .init(slug: "hamburg-2017", since: .max))
        // A browser's handshake carries its Origin; without configured CORS it changes nothing.
        #expect(handshakes.request(of: Self.head(live, [("Origin", "https://elsewhere.example")])) != nil)
        // Everything else is the router's, which answers with its problems or its own checks.
        for uri in [live + "?since=-1", live + "?since=abc", live + "?since=", live + "?since=+5", live + "?since=1%32",
                    live + "?since=1&room=2", live + "?room=2", live + "?", live + "?since=99999999999999999999", live + "?since=9223372036854775808", live + "?since=-0", live + "?since=3?",
                    "/api/v1/events/Hamburg-2017/live", "/api/v1/events/a%2Fb/live", "/api/v1/events//live", "/api/v1/events/live",
                    live + "/", "/api/v1/events/hamburg-2017/live/stream", "/api/v1/events/hamburg-2017/../x/live", "//api/v1/events/x/live"] {
            #expect(handshakes.request(of: Self.head(uri)) == nil, "\(uri)")
        }
        #expect(handshakes.request(of: Self.head(live, method: .HEAD)) == nil)
        for header in [("Authorization", "Bearer x"), ("Cookie", "tandem_session=x"), ("Last-Event-ID", "3")] {
            #expect(handshakes.request(of: Self.head(live, [header])) == nil, "\(header.0)")
        }
        let cors = LiveHandshakes(trustedProxies: [], corsConfigured: true, metricsEnabled: false)
        #expect(cors.request(of: Self.head(live, [("Origin", "https://elsewhere.example")])) == nil, "CORS answers requests with an Origin")
        #expect(cors.request(of: Self.head(live)) != nil)
    }

    /// A live server with the seeded event: the anonymous client, the organiser, the port and the fast path.
    static func withSeededEvent(_ kind: StoreKind, _ body: @escaping @Sendable (API, API, Int, LiveHandshakes) async throws -> Void) async throws {
        try await withTandem(store: kind, mode: .live, config: liveConfig()) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.seedEvent()
            try await body(anonymous, admin, try #require(anonymous.port), try #require(anonymous.handshakes))
        }
    }

    static func scan(_ text: String) -> HandshakeHead? {
        HandshakeHead.parse(ByteBuffer(string: text))
    }

    @Test("the fast path's scan takes only a plainly well-formed GET head; anything unusual is left to NIO's parser")
    func headScan() throws {
        let live = "GET /api/v1/events/hamburg-2017/live?since=3 HTTP/1.1\r\n"
        let fields = "Host: tandem.test\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        let head = try #require(Self.scan(live + fields + "X-Forwarded-For:\t10.0.0.1 \r\n\r\n"))
        #expect(head.uri == "/api/v1/events/hamburg-2017/live?since=3")
        #expect(head.forwardedFor == ["10.0.0.1"], "optional whitespace around a value is not part of it")
        #expect(head.webSocketKey == "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(!head.credentials && !head.origin && head.extensions.isEmpty)
        // Field names in any case; what the fast path must see of them.
        for credential in ["cookie: tandem_session=x", "AUTHORIZATION: Bearer x", "Last-Event-Id: 3"] {
            #expect(Self.scan(live + fields + credential + "\r\n\r\n")?.credentials == true, "\(credential)")
        }
        let browser = try #require(Self.scan(live + fields + "origin: https://tandem.test\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"))
        #expect(browser.origin && browser.extensions == ["permessage-deflate; client_max_window_bits"])
        #expect(Self.scan(live + fields.uppercased() + "\r\n")?.webSocketKey == "DGHLIHNHBXBSZSBUB25JZQ==", "names and tokens in any case")
        #expect(HandshakeHead.end(in: ByteBuffer(string: live + fields + "\r\nrest")) == (live + fields + "\r\n").utf8.count)
        #expect(HandshakeHead.end(in: ByteBuffer(string: live + fields)) == nil)
        // RFC 6455 §4.2.2's example: the key above gives this accept value.
        #expect(LiveUpgradeChannel.webSocketAccept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")

        let unusual: [(String, String)] = [
            ("HTTP/1.0", "GET /api/v1/events/hamburg-2017/live HTTP/1.0\r\n" + fields + "\r\n"),
            ("another method", "POST /api/v1/events/hamburg-2017/live HTTP/1.1\r\n" + fields + "\r\n"),
            ("a target not starting with /", "GET http://tandem.test/api/v1/events/hamburg-2017/live HTTP/1.1\r\n" + fields + "\r\n"),
            ("two spaces", "GET  /api/v1/events/hamburg-2017/live HTTP/1.1\r\n" + fields + "\r\n"),
            ("a bare LF", live + fields.replacingOccurrences(of: "Host: tandem.test\r\n", with: "Host: tandem.test\n") + "\r\n"),
            ("a bare CR", live + "X-A: 1\r2\r\n" + fields + "\r\n"),
            ("obs-fold", live + fields + "X-Folded: a\r\n b\r\n\r\n"),
            ("a space before the colon", live + fields + "X-Spaced : a\r\n\r\n"),
            ("a control byte", live + fields + "X-Control: a\u{01}b\r\n\r\n"),
            ("a non-ASCII byte", live + fields + "X-Name: Zhōu\r\n\r\n"),
            ("no Host", live + fields.replacingOccurrences(of: "Host: tandem.test\r\n", with: "") + "\r\n"),
            ("two Hosts", live + fields + "Host: elsewhere.test\r\n\r\n"),
            ("a Content-Length", live + fields + "Content-Length: 0\r\n\r\n"),
            ("a Transfer-Encoding", live + fields + "Transfer-Encoding: chunked\r\n\r\n"),
            ("bytes after the head", live + fields + "\r\nX"),
        ]
        for (what, text) in unusual {
            #expect(Self.scan(text) == nil, "\(what)")
        }
        let handshakes: [(String, String)] = [
            ("version 12", fields.replacingOccurrences(of: "Version: 13", with: "Version: 12")),
            ("no key", fields.replacingOccurrences(of: "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", with: "")),
            ("two keys", fields + "Sec-WebSocket-Key: b3RoZXIga2V5IGhlcmUhIQ==\r\n"),
            ("two versions", fields + "Sec-WebSocket-Version: 13\r\n"),
            ("two protocols", fields.replacingOccurrences(of: "Upgrade: websocket", with: "Upgrade: websocket, h2c")),
            ("another protocol", fields.replacingOccurrences(of: "Upgrade: websocket", with: "Upgrade: h2c")),
            ("Connection without upgrade", fields.replacingOccurrences(of: "keep-alive, Upgrade", with: "keep-alive")),
        ]
        for (what, text) in handshakes {
            let head = try #require(Self.scan(live + text + "\r\n"), "\(what)")
            #expect(head.webSocketKey == nil, "\(what)")
        }
    }

    @Test("on the fast path: a head in pieces, a ping right behind the head, an odd head left to NIO; ordinary requests are untouched",
          arguments: StoreKind.available)
    func fastPathEdges(kind: StoreKind) async throws {
        try await Self.withSeededEvent(kind) { anonymous, admin, port, handshakes in
            let live = "/api/v1/events/hamburg-2017/live"
            let first = try await Self.handshake(port, live)
            #expect(first.head.hasPrefix("HTTP/1.1 101"))
            defer { first.socket.shutdown() }

            // A head that arrives in three writes is held until it is complete, then upgraded here.
            let pieces = try RawSocket(port: port)
            defer { pieces.shutdown() }
            let request = "GET \(live) HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            let bytes = Array(request.utf8)
            for range in [0..<7, 7..<60, 60..<bytes.count] {
                pieces.send(bytes: Array(bytes[range]))
                try await Task.sleep(for: .milliseconds(50))
            }
            let piecesText = try await pieces.read { $0.contains("\"type\":\"snapshot\"") }
            #expect(piecesText.hasPrefix("HTTP/1.1 101") && piecesText.contains("\"type\":\"snapshot\""))
            #expect(piecesText.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"))
            #expect(handshakes.count == 1)

            // A masked, empty ping in the same write as the head: the WebSocket handlers get it and pong.
            let pinged = try RawSocket(port: port)
            defer { pinged.shutdown() }
            pinged.send(bytes: bytes + [0x89, 0x80, 0x01, 0x02, 0x03, 0x04])
            let pingAnswer = await pinged.readUntilClosed(timeout: .seconds(1))
            #expect(handshakes.count == 2)
            let pong: [UInt8] = [0x8A, 0x00]
            #expect(String(decoding: pingAnswer.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 101"))
            #expect(pingAnswer.bytes.indices.contains { pingAnswer.bytes[$0...].starts(with: pong) }, "a pong in the answer")
            #expect(!pingAnswer.closed)

            // Version 12 is not a handshake the fast path upgrades: NIO's upgrader and the router
            // answer it as they did before the fast path existed.
            let old = try RawSocket(port: port)
            defer { old.shutdown() }
            old.send(request.replacingOccurrences(of: "Version: 13", with: "Version: 12"))
            let oldAnswer = try await old.read { $0.contains("\r\n\r\n") }
            #expect(!oldAnswer.hasPrefix("HTTP/1.1 101"), "\(oldAnswer)")
            #expect(handshakes.count == 2)
            // Nor is a head the scan does not take (obs-fold): NIO's parser refuses it.
            let folded = try RawSocket(port: port)
            defer { folded.shutdown() }
            folded.send(request.replacingOccurrences(of: "\r\n\r\n", with: "\r\nX-Folded: a\r\n b\r\n\r\n"))
            let foldedAnswer = await folded.readUntilClosed(timeout: .seconds(2))
            #expect(!String(decoding: foldedAnswer.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 101"))
            #expect(handshakes.count == 2)

            // An ordinary request whose path starts like a live one, twice on one kept-alive connection.
            let reader = try RawSocket(port: port)
            defer { reader.shutdown() }
            for _ in 1...2 {
                reader.send("GET /api/v1/events/hamburg-2017 HTTP/1.1\r\nHost: localhost\r\n\r\n")
                let answer = try await reader.read { $0.contains("\"slug\":\"hamburg-2017\"") }
                #expect(answer.hasPrefix("HTTP/1.1 200 OK"), "\(answer.prefix(200))")
            }
            #expect(handshakes.count == 2)
        }
    }

    struct Opened {
        var socket: RawSocket
        /// The head of the server's answer, up to the empty line.
        var head: String
        /// What came after the head in the same read.
        var rest: String

        /// Everything after the head until `text` has arrived.
        func read(until text: String) async throws -> String {
            if rest.contains(text) { return rest }
            return rest + (try await socket.read { $0.contains(text) })
        }
    }

    static func handshake(_ port: Int, _ path: String) async throws -> Opened {
        let socket = try RawSocket(port: port)
        socket.sendWebSocketHandshake(path: path)
        let text = try await socket.read { $0.contains("\r\n\r\n") }
        let parts = text.components(separatedBy: "\r\n\r\n")
        return Opened(socket: socket, head: parts[0], rest: parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    static func fields(_ head: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in head.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    @Test("the first handshake of an event is the router's, later ones are admitted from it with the same answer; a change or a draft sends them back to the router",
          arguments: StoreKind.available)
    func admittedFromTheRoutersRecording(kind: StoreKind) async throws {
        try await Self.withSeededEvent(kind) { anonymous, admin, port, handshakes in
            let live = "/api/v1/events/hamburg-2017/live"

            let first = try await Self.handshake(port, live)
            #expect(first.head.hasPrefix("HTTP/1.1 101"), "\(first.head)")
            #expect(handshakes.count == 0, "the first one goes through the router")
            let second = try await Self.handshake(port, live)
            #expect(second.head.hasPrefix("HTTP/1.1 101"), "\(second.head)")
            #expect(handshakes.count == 1, "the second one is admitted on the event loop")
            // The same answer, but for the request id.
            var (a, b) = (Self.fields(first.head), Self.fields(second.head))
            #expect(a["x-request-id"] != nil && b["x-request-id"] != nil && a["x-request-id"] != b["x-request-id"])
            for field in ["x-request-id", "date"] { a[field] = nil; b[field] = nil }
            #expect(a == b)
            #expect(b["x-content-type-options"] == "nosniff")
            // It opens with the snapshot, as the first one did.
            let snapshot = try await second.read(until: "\"type\":\"snapshot\"")
            #expect(snapshot.contains("\"seq\":3"))
            first.socket.shutdown()
            second.socket.shutdown()

            // A screen back from a Wi-Fi cut with nothing missed gets no snapshot, then the next change.
            let resumed = try await Self.handshake(port, live + "?since=3")
            #expect(resumed.head.hasPrefix("HTTP/1.1 101") && handshakes.count == 2)
            try await LiveTests().waitFor(subscribers: 1, api: anonymous)
            _ = try await admin.post("/api/v1/events/hamburg-2017/announcements", #"{"text":{"en":"Room B runs 15 minutes late"}}"#)
            let next = try await resumed.read(until: "announcement.created")
            #expect(!next.contains("snapshot") && next.contains("\"seq\":4"))
            resumed.socket.shutdown()

            // The change dropped the recording: the router again, then the event loop again.
            let afterChange = try await Self.handshake(port, live)
            #expect(afterChange.head.hasPrefix("HTTP/1.1 101") && handshakes.count == 2)
            let snapshotAfter = try await afterChange.read(until: "Room B runs 15 minutes late")
            #expect(snapshotAfter.contains("\"seq\":4") && snapshotAfter.contains("Room B runs 15 minutes late"))
            let fastAgain = try await Self.handshake(port, live)
            #expect(fastAgain.head.hasPrefix("HTTP/1.1 101") && handshakes.count == 3)
            afterChange.socket.shutdown()
            fastAgain.socket.shutdown()

            // Refusals are the router's, with its problems, recorded or not.
            let badSince = try await Self.handshake(port, live + "?since=-1")
            #expect(badSince.head.hasPrefix("HTTP/1.1 422"), "\(badSince.head)")
            #expect(try await admin.post("/api/v1/events", Body.event(slug: "draft-2017", status: "draft")).status == .created)
            for _ in 1...2 {
                let draft = try await Self.handshake(port, "/api/v1/events/draft-2017/live")
                #expect(draft.head.hasPrefix("HTTP/1.1 404"), "\(draft.head)")
            }
            #expect(handshakes.count == 3)
        }
    }

    @Test("an address at its live-connection limit is refused with the router's 429, recording or not", arguments: StoreKind.available)
    func limitHolds(kind: StoreKind) async throws {
        var config = liveConfig()
        config.limits.enabled = true
        config.limits.liveConnectionsPerAddress = 2
        try await withTandem(store: kind, mode: .live, config: config) { anonymous in
            let admin = try await anonymous.login()
            _ = try await admin.seedEvent()
            let port = try #require(anonymous.port)
            let live = "/api/v1/events/hamburg-2017/live"
            let open = [try await Self.handshake(port, live), try await Self.handshake(port, live)]
            #expect(open.allSatisfy { $0.head.hasPrefix("HTTP/1.1 101") })
            #expect(anonymous.handshakes?.count == 1, "the second was admitted on the event loop")
            try await LiveTests().waitFor(subscribers: 2, api: anonymous)
            let third = try await Self.handshake(port, live)
            #expect(third.head.hasPrefix("HTTP/1.1 429"), "\(third.head)")
            #expect(Self.fields(third.head)["content-type"]?.hasPrefix("application/problem+json") == true)
            open.forEach { $0.socket.shutdown() }
        }
    }

    @Test("the listening socket holds a burst: its backlog is the configured one (capped by net.core.somaxconn), not Hummingbird's 256")
    func listenBacklog() async throws {
        var config = liveConfig()
        config.listenBacklog = 1000
        try await withTandem(mode: .live, config: config) { anonymous in
            let port = try #require(anonymous.port)
            let somaxconn = Int((try? String(contentsOfFile: "/proc/sys/net/core/somaxconn", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 4096
            // `ss -ltn` shows a listening socket's backlog as its Send-Q.
            let ss = Process()
            ss.executableURL = URL(fileURLWithPath: "/usr/bin/ss")
            ss.arguments = ["-ltnH", "sport = :\(port)"]
            let pipe = Pipe()
            ss.standardOutput = pipe
            try ss.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            ss.waitUntilExit()
            let columns = output.split(whereSeparator: \.isWhitespace)
            try #require(columns.count >= 3, "ss printed: \(output)")
            #expect(Int(columns[2]) == min(1000, somaxconn), "ss printed: \(output)")
        }
    }
}
