import Foundation
import HTTPTypes
import Testing
import TandemTestSupport
@testable import TandemServer

/// Clients that do not read what they are sent, connections that never send a request, and
/// handshakes that must not upgrade: what a public server meets besides well-behaved browsers.
@Suite("Connection hardening: back-pressure", .serialized, .timeLimit(.minutes(5)))
struct BackPressureTests {
    static let mebibyte = 1 << 20

    /// Sends `payload` on every socket as fast as the server takes it, until all of it is sent or
    /// the server has taken nothing for `stall`; samples the server's resident memory meanwhile
    /// and for `settle` after. Returns the bytes sent and the highest RSS seen.
    static func flood(_ sockets: [RawSocket], payload: [UInt8], server: TandemProcess,
                      stall: Duration = .seconds(2), settle: Duration = .seconds(2)) async throws -> (sent: Int, peak: Int) {
        var offsets = [Int](repeating: 0, count: sockets.count)
        var peak = server.residentBytes
        var progress = ContinuousClock.now
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline, offsets.contains(where: { $0 < payload.count }), ContinuousClock.now - progress < stall {
            for (index, socket) in sockets.enumerated() where offsets[index] < payload.count {
                let taken = socket.sendAvailable(payload[offsets[index]...])
                if taken > 0 {
                    offsets[index] += taken
                    progress = ContinuousClock.now
                }
            }
            peak = max(peak, server.residentBytes)
            try await Task.sleep(for: .milliseconds(5))
        }
        let end = ContinuousClock.now + settle
        while ContinuousClock.now < end {
            peak = max(peak, server.residentBytes)
            try await Task.sleep(for: .milliseconds(20))
        }
        return (offsets.reduce(0, +), peak)
    }

    /// A real server process (so its RSS is its own) with an event, stopped whatever happens.
    static func withServer(_ body: (TandemProcess) async throws -> Void) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: TandemProcess.binary), "build the tandem executable first")
        let server = TandemProcess(databasePath: temporaryDatabasePath())
        try await server.start()
        do {
            let admin = try await server.api.login()
            let (roomA, roomB, speaker) = try await admin.seedEvent()
            for hour in 10..<18 {
                for room in [roomA, roomB] {
                    let reply = try await admin.post("/api/v1/events/hamburg-2017/sessions",
                                                     Body.session(room: room, start: "2017-06-15T\(hour):00:00+02:00", end: "2017-06-15T\(hour):45:00+02:00",
                                                                  title: "Session \(hour) in room \(room)", speakers: room == roomA ? [speaker] : []))
                    try #require(reply.status == .created, "\(reply.text)")
                }
            }
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("pipelined schedule reads that are never read: the server stops reading, its memory stays flat")
    func pipelinedReadsNeverRead() async throws {
        try await Self.withServer { server in
            let path = "/api/v1/events/hamburg-2017/schedule"
            // The first anonymous read is recorded, every later one is replayed on the event loop.
            _ = try await server.api.get(path)
            let answer = try await server.api.get(path)
            #expect(answer.status == .ok)
            let request = "GET \(path) HTTP/1.1\r\nHost: tandem.test\r\n\r\n"
            let payload = Array(String(repeating: request, count: 200_000).utf8)
            let sockets = try (0..<4).map { _ in try RawSocket(port: server.port, receiveBuffer: 4096) }
            defer { sockets.forEach { $0.shutdown() } }
            let before = server.residentBytes
            let (sent, peak) = try await Self.flood(sockets, payload: payload, server: server)
            let requests = sent / request.utf8.count
            // Enough requests were taken that queuing all their answers would cost far more than the bound.
            #expect(requests > 4 * 1000)
            let wouldQueue = requests * answer.body.count
            #expect(peak - before < 30 * Self.mebibyte,
                    "RSS grew by \((peak - before) / Self.mebibyte) MiB for \(requests) requests (\(wouldQueue / Self.mebibyte) MiB of answers)")
            // The server stopped reading: what the clients wanted to send (more than the kernel buffers
            // hold) was not all taken.
            #expect(sent < payload.count * sockets.count)
        }
    }

    @Test("a ping flood on a WebSocket that never reads: no pongs pile up, memory stays flat")
    func pingFloodNeverRead() async throws {
        try await Self.withServer { server in
            let sockets = try (0..<2).map { _ in try RawSocket(port: server.port, receiveBuffer: 4096) }
            defer { sockets.forEach { $0.shutdown() } }
            for socket in sockets {
                socket.sendWebSocketHandshake(path: "/api/v1/events/hamburg-2017/live")
                let head = try await socket.read { $0.contains("\r\n\r\n") }
                try #require(head.hasPrefix("HTTP/1.1 101"), "\(head)")
            }
            // Masked pings (a zero mask) with 32 bytes each for the pong to echo.
            let ping: [UInt8] = [0x89, 0x80 | 32, 0, 0, 0, 0] + [UInt8](repeating: 0x70, count: 32)
            let payload = Array([[UInt8]](repeating: ping, count: 250_000).joined())
            let before = server.residentBytes
            let (sent, peak) = try await Self.flood(sockets, payload: payload, server: server)
            let pings = sent / ping.count
            #expect(pings > 2 * 1000)
            #expect(peak - before < 30 * Self.mebibyte, "RSS grew by \((peak - before) / Self.mebibyte) MiB for \(pings) pings")
            #expect(sent < payload.count * sockets.count)
        }
    }
}

@Suite("Connection hardening: idle connections and upgrades", .timeLimit(.minutes(5)))
struct IdleConnectionTests {
    @Test("a connection that sends no complete first request is closed after the idle timeout; a live WebSocket is not")
    func idleTimeout() async throws {
        var config = testConfig(demo: true)
        config.idleTimeout = .seconds(1)
        try await withTandem(mode: .live, config: config) { api in
            let port = try #require(api.port)
            let started = ContinuousClock.now
            let silent = try RawSocket(port: port)
            let trickle = try RawSocket(port: port)
            let live = try RawSocket(port: port)
            let kept = try RawSocket(port: port)
            // A handshake's head held by the live fast path (`LiveFirstRequest`) until it is complete.
            let trickleLive = try RawSocket(port: port)
            defer { [silent, trickle, live, kept, trickleLive].forEach { $0.shutdown() } }
            trickle.send("GET /api/v1/events HTTP/1.1\r\nHo")
            trickleLive.send("GET /api/v1/events/cbw-hamburg-2017/live HTTP/1.1\r\nHo")
            live.sendWebSocketHandshake(path: "/api/v1/events/cbw-hamburg-2017/live")
            kept.send("GET /api/v1/events HTTP/1.1\r\nHost: tandem.test\r\n\r\n")

            let (nothing, closed) = await silent.readUntilClosed(timeout: .seconds(10))
            #expect(closed && nothing.isEmpty)
            #expect(ContinuousClock.now - started >= .milliseconds(900))
            let (trickled, trickleClosed) = await trickle.readUntilClosed(timeout: .seconds(10))
            #expect(trickleClosed && trickled.isEmpty)
            let (trickledLive, trickleLiveClosed) = await trickleLive.readUntilClosed(timeout: .seconds(10))
            #expect(trickleLiveClosed && trickledLive.isEmpty)
            // After a request, Hummingbird's idle timeout closes the kept-alive connection.
            let (answered, keptClosed) = await kept.readUntilClosed(timeout: .seconds(10))
            #expect(keptClosed && String(decoding: answered, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"))
            // The WebSocket made its request: its own heartbeat, not the idle timeout, governs it.
            let (frames, liveClosed) = await live.readUntilClosed(timeout: .seconds(2))
            #expect(!liveClosed && String(decoding: frames, as: UTF8.self).hasPrefix("HTTP/1.1 101"))
        }
    }

    @Test("a connection that does not read its answers is closed once it has stayed unwritable for the idle timeout")
    func stalledReaderClosed() async throws {
        var config = testConfig(demo: true)
        config.idleTimeout = .seconds(1)
        try await withTandem(mode: .live, config: config) { api in
            let socket = try RawSocket(port: try #require(api.port), receiveBuffer: 4096)
            defer { socket.shutdown() }
            let request = Array("GET \(SnapshotReplayTests.schedule) HTTP/1.1\r\nHost: tandem.test\r\n\r\n".utf8)
            let payload = Array([[UInt8]](repeating: request, count: 20_000).joined())
            let started = ContinuousClock.now
            var offset = 0
            while offset < payload.count, ContinuousClock.now - started < .seconds(3) {
                offset += socket.sendAvailable(payload[offset...])
                try await Task.sleep(for: .milliseconds(5))
            }
            // Never reading: the server has stopped reading too, and closes once the timeout is up.
            let deadline = ContinuousClock.now + .seconds(10)
            while socket.isEstablished, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!socket.isEstablished)
            #expect(ContinuousClock.now - started >= .seconds(1))
        }
    }

    @Test("a WebSocket handshake with HEAD or POST is not upgraded: 405 problem")
    func onlyGetUpgrades() async throws {
        try await withTandem(demo: true, mode: .live) { api in
            let port = try #require(api.port)
            for method in ["HEAD", "POST"] {
                let socket = try RawSocket(port: port)
                defer { socket.shutdown() }
                socket.send("\(method) /api/v1/events/cbw-hamburg-2017/live HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n")
                let (bytes, _) = await socket.readUntilClosed(timeout: .seconds(5))
                let text = String(decoding: bytes, as: UTF8.self)
                #expect(text.hasPrefix("HTTP/1.1 405"), "\(method): \(text)")
                #expect(text.lowercased().contains("content-type: application/problem+json"), "\(method): \(text)")
                #expect(!text.lowercased().contains("sec-websocket-accept"), "\(method): \(text)")
                if method == "HEAD" { #expect(!text.contains("urn:tandem:problem"), "a HEAD answer has no body") }
            }
            // The same handshake with GET still upgrades.
            let socket = try RawSocket(port: port)
            defer { socket.shutdown() }
            socket.sendWebSocketHandshake(path: "/api/v1/events/cbw-hamburg-2017/live")
            #expect(try await socket.read { $0.contains("\r\n\r\n") }.hasPrefix("HTTP/1.1 101"))
        }
    }
}
