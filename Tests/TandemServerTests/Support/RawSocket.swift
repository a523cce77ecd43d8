import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP client for what ordinary clients hide: reading an endless SSE stream as it arrives,
/// or opening a WebSocket and then never reading (a stalled screen).
final class RawSocket: @unchecked Sendable {
    // @unchecked: the descriptor is used from one test task at a time.
    let fd: Int32
    /// Closed once only: tests run in parallel in one process, and a second `close` of a number
    /// the kernel has meanwhile given to another test's file (a SQLite database) would close that.
    private let closed = Mutex(false)

    init(port: Int, receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
    }

    func send(_ text: String) {
        send(bytes: Array(text.utf8))
    }

    /// Opens a WebSocket on `path` (the upgrade request only; the socket then reads what it likes).
    func sendWebSocketHandshake(path: String) {
        send("GET \(path) HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    }

    /// Reads until `done` says so, or the time is up; returns all text read.
    func read(timeout: Duration = .seconds(5), until done: (String) -> Bool) async throws -> String {
        var data = Data()
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { data.append(contentsOf: buffer[0..<count]) } else if count == 0 { break }
            if done(String(decoding: data, as: UTF8.self)) { break }
            await Task.yield()
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads raw bytes until the server closes the connection (true) or the time is up (false).
    func readUntilClosed(timeout: Duration) async -> (bytes: [UInt8], closed: Bool) {
        var bytes: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { bytes.append(contentsOf: buffer[0..<count]) } else if count == 0 { return (bytes, true) }
            await Task.yield()
        }
        return (bytes, false)
    }

    func send(bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Sends what the kernel takes now without waiting (a client that writes while the server may
    /// have stopped reading); returns the number of bytes taken, 0 when the buffers are full.
    func sendAvailable(_ bytes: ArraySlice<UInt8>) -> Int {
        let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL)) }
        return max(sent, 0)
    }

    /// Whether the TCP connection is still established (the server has not closed or reset it),
    /// found without reading: `tcpi_state`, the first byte of `TCP_INFO`, is 1 (TCP_ESTABLISHED).
    var isEstablished: Bool {
        var info = [UInt8](repeating: 0, count: 256)
        var length = socklen_t(info.count)
        let result = info.withUnsafeMutableBytes { getsockopt(fd, 6 /* IPPROTO_TCP */, 11 /* TCP_INFO */, $0.baseAddress, &length) }
        return result == 0 && info[0] == 1
    }

    func shutdown() {
        guard !closed.withLock({ closed in defer { closed = true }; return closed }) else { return }
        close(fd)
    }
}
