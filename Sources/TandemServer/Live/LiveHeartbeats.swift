import NIOCore
import Synchronization

/// One ping timer per event loop for all the live sockets on it, instead of one per connection.
///
/// NIO keeps an event loop's timers in a heap, and cancelling one searches it: with a repeating
/// timer per connection, 10,000 screens made every other timer on the loop (the first-request
/// deadline of each new connection, set and cancelled once per handshake) cost a walk over 10,000
/// entries, a tenth of the server's time in a connection storm. A socket lets the first tick after
/// it joins pass, so its first ping comes one to two intervals after it connected, and it is closed
/// when it has said nothing for a whole interval after a ping, as before (`LiveSocketHandler.beat`).
final class LiveHeartbeats: Sendable {
    let interval: TimeAmount
    private let loops = Mutex<[ObjectIdentifier: Loop]>([:])

    init(interval: TimeAmount) {
        self.interval = interval
    }

    /// The sockets of one event loop and its timer. @unchecked Sendable: touched only on `loop`.
    final class Loop: @unchecked Sendable {
        let loop: any EventLoop
        let interval: TimeAmount
        private var sockets: [ObjectIdentifier: LiveSocketHandler] = [:]
        private var timer: RepeatedTask?

        init(loop: any EventLoop, interval: TimeAmount) {
            self.loop = loop
            self.interval = interval
        }

        func add(_ socket: LiveSocketHandler) {
            loop.preconditionInEventLoop()
            sockets[ObjectIdentifier(socket)] = socket
            if timer == nil {
                timer = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [weak self] _ in self?.tick() }
            }
        }

        func remove(_ socket: LiveSocketHandler) {
            loop.preconditionInEventLoop()
            sockets[ObjectIdentifier(socket)] = nil
            if sockets.isEmpty {
                timer?.cancel()
                timer = nil
            }
        }

        var count: Int { sockets.count }

        private func tick() {
            // `beat` may close a socket, which removes it: iterate over a copy.
            for socket in Array(sockets.values) { socket.beat() }
        }
    }

    /// The heartbeat of `loop` (made on first use).
    func on(_ loop: any EventLoop) -> Loop {
        loops.withLock { loops in
            if let existing = loops[ObjectIdentifier(loop)] { return existing }
            let made = Loop(loop: loop, interval: interval)
            loops[ObjectIdentifier(loop)] = made
            return made
        }
    }
}
