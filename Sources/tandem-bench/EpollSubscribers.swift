#if os(Linux)
import CEpoll
import Crypto
import Foundation
import Glibc
import Synchronization

/// The fan-out benchmark's default load client on Linux: plain sockets and one `epoll` loop per
/// client thread, no event-loop framework.
///
/// The client shares the server's two cores, so every microsecond it spends on a message is a
/// microsecond the server does not get, and shows up in the latency it measures. Per message this
/// client does one `read` and a few comparisons. NIO's channel machinery (`--client nio`) costs
/// about 1.6 times as much CPU per message here (interleaved runs at 10,000 subscribers).
///
/// It speaks just enough of RFC 6455 for a subscriber:
/// - the opening handshake, with the `Sec-WebSocket-Accept` check;
/// - unmasked frames from the server (2, 4 or 10 header bytes);
/// - masked pongs to the server's pings, so the heartbeat does not reap it;
/// - a close frame ends the connection.
final class EpollSubscribers: SubscriberClient {
    let host: String
    let port: Int
    let path: String
    private let loops: [Loop]
    private let opened = Mutex<[Connection]>([])
    private let next = Atomic<Int>(0)

    init(host: String, port: Int, path: String, threads: Int) throws {
        self.host = host
        self.port = port
        self.path = path
        loops = try (0..<max(1, threads)).map { _ in try Loop() }
    }

    /// Opens one subscriber (on the caller's thread: connect and send the handshake); its loop
    /// reads the answer, the snapshot and every later message. Failures count in `failed`.
    func connect(_ box: LiveFanOutCommand.Arrivals, connected: LiveFanOutCommand.Counter, failed: LiveFanOutCommand.Counter) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else {
            failed.withLock { $0 += 1 }
            return
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
            close(fd)
            failed.withLock { $0 += 1 }
            return
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var noDelay: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n"
        guard status == 0, Connection.writeAll(fd, Array(request.utf8)) else {
            close(fd)
            failed.withLock { $0 += 1 }
            return
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        let connection = Connection(fd: fd, key: key, box: box, connected: connected, failed: failed)
        opened.withLock { $0.append(connection) }
        let loop = loops[next.add(1, ordering: .relaxed).oldValue % loops.count]
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
        event.data.ptr = Unmanaged.passUnretained(connection).toOpaque()
        if epoll_ctl(loop.epoll, EPOLL_CTL_ADD, fd, &event) != 0 { connection.fail() }
    }

    /// Stops the loops and closes every connection.
    func shutdown() async {
        for loop in loops { loop.stop() }
        for connection in opened.withLock({ $0 }) { connection.end() }
    }

    /// One thread waiting on one epoll set.
    private final class Loop: Sendable {
        let epoll: Int32
        private let stopping = Atomic<Bool>(false)
        private let done = DispatchSemaphore(value: 0)

        init() throws {
            epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
            guard epoll >= 0 else { throw BenchError("epoll_create1 failed: errno \(errno)") }
            Thread { [self] in
                _ = tandem_name_thread("epoll-subscribe")
                run()
            }.start()
        }

        func stop() {
            stopping.store(true, ordering: .relaxed)
            done.wait()
            close(epoll)
        }

        private func run() {
            var events = [epoll_event](repeating: epoll_event(), count: 1024)
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while !stopping.load(ordering: .relaxed) {
                let count = epoll_wait(epoll, &events, Int32(events.count), 50)
                guard count > 0 else { continue }
                for index in 0..<Int(count) {
                    guard let pointer = events[index].data.ptr else { continue }
                    Unmanaged<Connection>.fromOpaque(pointer).takeUnretainedValue().readable(&buffer)
                }
            }
            done.signal()
        }
    }
}

/// One subscriber's socket. After `connect` hands it to a loop, only that loop's thread touches it
/// (until `shutdown` stops the loops and closes it).
private final class Connection: @unchecked Sendable {
    let fd: Int32
    let failed: LiveFanOutCommand.Counter
    private let accept: String
    private var log: ArrivalLog
    private var upgraded = false
    private var open = true
    /// Bytes of an incomplete response head or frame, kept for the next read.
    private var pending: [UInt8] = []

    init(fd: Int32, key: String, box: LiveFanOutCommand.Arrivals, connected: LiveFanOutCommand.Counter, failed: LiveFanOutCommand.Counter) {
        self.fd = fd
        self.failed = failed
        log = ArrivalLog(box: box, connected: connected)
        let digest = Insecure.SHA1.hash(data: Data((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        accept = Data(digest).base64EncodedString()
    }

    /// Reads what the socket has (one `read`; level-triggered epoll calls again if more is left).
    func readable(_ buffer: inout [UInt8]) {
        guard open else { return }
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count <= 0 {
            if count < 0, errno == EAGAIN || errno == EINTR { return }
            fail()
            return
        }
        let now = ContinuousClock.now
        if pending.isEmpty {
            buffer.withUnsafeBufferPointer { consume(UnsafeBufferPointer(rebasing: $0[..<count]), at: now) }
        } else {
            pending.append(contentsOf: buffer[..<count])
            let bytes = pending
            pending = []
            bytes.withUnsafeBufferPointer { consume($0, at: now) }
        }
    }

    /// Handles every complete response head or frame in `bytes`; keeps the rest in `pending`.
    private func consume(_ bytes: UnsafeBufferPointer<UInt8>, at now: ContinuousClock.Instant) {
        var offset = 0
        if !upgraded {
            guard let end = Wire.endOfHead(bytes) else {
                pending.append(contentsOf: bytes)
                return
            }
            guard Self.isUpgrade(String(decoding: bytes[..<end], as: UTF8.self), accept: accept) else {
                fail()
                return
            }
            upgraded = true
            log.upgraded(at: now)
            offset = end
        }
        while open {
            let header: Wire.FrameHeader
            do {
                guard let complete = try Wire.frameHeader(bytes[offset...]) else { break }
                header = complete
            } catch {
                fail()
                return
            }
            guard bytes.count - offset >= header.size + header.payloadLength else { break }
            let payload = UnsafeBufferPointer(rebasing: bytes[(offset + header.size)..<(offset + header.size + header.payloadLength)])
            offset += header.size + header.payloadLength
            switch header.opcode {
            case 0x0 where header.fin, 0x1 where header.fin:
                // The last (usually only) frame of a text message.
                log.message(at: now, payload: UnsafeRawBufferPointer(payload))
            case 0x9:
                pong(payload)
            case 0x8:
                end()
                return
            default:
                break
            }
        }
        if offset < bytes.count { pending.append(contentsOf: bytes[offset...]) }
    }

    /// A 101 answer with the `Sec-WebSocket-Accept` the key calls for.
    static func isUpgrade(_ head: String, accept: String) -> Bool {
        let lines = head.split(separator: "\r\n")
        guard let status = lines.first, status.hasPrefix("HTTP/1.1 101") else { return false }
        return lines.dropFirst().contains { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            return parts.count == 2 && parts[0].lowercased() == "sec-websocket-accept"
                && parts[1].trimmingCharacters(in: .whitespaces) == accept
        }
    }

    /// Answers a ping: a masked pong with the same payload (at most 125 bytes, RFC 6455 §5.5).
    private func pong(_ payload: UnsafeBufferPointer<UInt8>) {
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        var frame: [UInt8] = [0x8A, 0x80 | UInt8(min(payload.count, 125))] + mask
        for (index, byte) in payload.prefix(125).enumerated() { frame.append(byte ^ mask[index % 4]) }
        _ = Self.writeAll(fd, frame)
    }

    /// Writes all of `bytes`, waiting while the socket is full (pongs and the handshake are tiny).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                guard errno == EAGAIN || errno == EINTR else { return false }
                usleep(100)
                continue
            }
            offset += written
        }
        return true
    }

    /// The connection broke before it was done: counted as failed while connecting (before its
    /// snapshot, or its `101` when it resumes).
    func fail() {
        guard open else { return }
        if !log.isConnected { failed.withLock { $0 += 1 } }
        end()
    }

    func end() {
        guard open else { return }
        open = false
        close(fd)
    }
}
#endif
