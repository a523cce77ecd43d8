#if os(Linux)
import Foundation
import Histogram

/// N WebSocket subscribers opened at once through the epoll load client (at most `inFlight`
/// handshakes unanswered at a time), then timed changes delivered to them: the storm benchmark's
/// measuring, the same for every peer.
struct SubscriberStorm {
    typealias Arrivals = LiveFanOutCommand.Arrivals
    let client: EpollSubscribers
    let boxes: [Arrivals]
    let opening: Opening

    /// How opening the subscribers went.
    struct Opening: Encodable {
        /// From the first connect to the last subscriber's first message (its `101` when resuming).
        var seconds: Double
        /// One subscriber's wait, from its connect to its first message (or `101`).
        var p50ms: Double
        var p99ms: Double
        /// Refused, reset or closed before the first message (or `101`).
        var failed: Int
        /// Still waiting for their first message (or `101`) when the storm gave up (30 s without progress).
        var lost: Int
        /// The payload of subscriber 0's first message (the snapshot), when not resuming.
        var firstMessageBytes: Int?
    }

    /// How one or more changes reached the subscribers.
    struct Delivery: Encodable {
        var changes: Int
        var p50ms: Double
        var p90ms: Double
        var p99ms: Double
        var maxms: Double
        /// Per change, the time to its first subscriber (the peer's work before its fan-out); the median over the changes.
        var firstms: Double
        var delivered: Int
        /// Changes that did not reach an opened subscriber within 30 s of the last one.
        var lost: Int
        /// Messages that arrived before the first change (a resume that replayed or sent a snapshot).
        var unexpected: Int
        /// The payload of the last change subscriber 0 received.
        var changeBytes: Int?
    }

    /// Opens `count` subscribers on `path`; returns once every one has its first message (its `101`
    /// when `resumes`), has failed, or nothing moved for 30 s.
    static func open(count: Int, host: String, port: Int, path: String, resumes: Bool, inFlight: Int, threads: Int) async throws -> SubscriberStorm {
        let boxes = (0..<count).map { Arrivals(resumes: resumes, timesConnecting: true, keepsPayloads: $0 == 0) }
        let client = try EpollSubscribers(host: host, port: port, path: path, threads: threads)
        let connected = LiveFanOutCommand.Counter(), failed = LiveFanOutCommand.Counter()
        let clock = ContinuousClock()
        var starts: [ContinuousClock.Instant] = []
        starts.reserveCapacity(count)
        for (index, box) in boxes.enumerated() {
            while index - connected.withLock({ $0 }) - failed.withLock({ $0 }) >= inFlight {
                try await Task.sleep(for: .milliseconds(1))
            }
            starts.append(clock.now)
            client.connect(box, connected: connected, failed: failed)
        }
        var progress = (count: -1, at: clock.now)
        while connected.withLock({ $0 }) + failed.withLock({ $0 }) < count, clock.now - progress.at < .seconds(30) {
            let done = connected.withLock { $0 } + failed.withLock { $0 }
            if done != progress.count { progress = (done, clock.now) }
            try await Task.sleep(for: .milliseconds(5))
        }
        var histogram = latencyHistogram()
        var last = starts.first ?? clock.now
        for (index, box) in boxes.enumerated() {
            let milestones = box.milestones.withLock { $0 }
            guard let reached = resumes ? milestones.upgraded : milestones.firstMessage else { continue }
            last = max(last, reached)
            _ = histogram.record(UInt64(max(0, (reached - starts[index]).microseconds)))
        }
        let failures = failed.withLock { $0 }
        let first = boxes.first?.milestones.withLock { $0.payloads.first?.count }
        let opening = Opening(seconds: (last - (starts.first ?? last)).seconds, p50ms: histogram.milliseconds(50), p99ms: histogram.milliseconds(99),
                              failed: failures, lost: count - connected.withLock { $0 } - failures,
                              firstMessageBytes: resumes ? nil : first ?? nil)
        return SubscriberStorm(client: client, boxes: boxes, opening: opening)
    }

    /// The subscribers that opened (their first message, or `101`, arrived).
    private var opened: [Arrivals] {
        boxes.filter { box in box.milestones.withLock { box.resumes ? $0.upgraded != nil : $0.firstMessage != nil } }
    }

    /// Makes `changes` changes through `publish`, `gap` apart, and times each one's arrival at
    /// every opened subscriber from the moment its request was sent.
    func deliver(changes: Int, gap: Duration, publish: (Int) async throws -> Void) async throws -> Delivery {
        let listening = opened
        let baselines = listening.map { box in box.times.withLock { $0.count } }
        let clock = ContinuousClock()
        var sent: [ContinuousClock.Instant] = []
        for k in 1...max(1, changes) {
            sent.append(clock.now)
            try await publish(k)
            if k < changes { try await Task.sleep(for: gap) }
        }
        let deadline = clock.now + .seconds(30)
        while clock.now < deadline, zip(listening, baselines).contains(where: { box, base in box.times.withLock { $0.count } < base + sent.count }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        var histogram = latencyHistogram()
        var delivered = 0
        var first = [UInt64](repeating: .max, count: sent.count)
        for (box, base) in zip(listening, baselines) {
            let times = box.times.withLock { $0 }
            for (k, time) in times.dropFirst(base).prefix(sent.count).enumerated() {
                let microseconds = UInt64(max(0, (time - sent[k]).microseconds))
                _ = histogram.record(microseconds)
                first[k] = min(first[k], microseconds)
                delivered += 1
            }
        }
        var firsts = latencyHistogram()
        for microseconds in first where microseconds != .max { _ = firsts.record(microseconds) }
        let lastChange = boxes.first?.milestones.withLock { $0.payloads.last?.count }
        return Delivery(changes: sent.count, p50ms: histogram.milliseconds(50), p90ms: histogram.milliseconds(90),
                        p99ms: histogram.milliseconds(99), maxms: Double(histogram.max) / 1000,
                        firstms: firsts.milliseconds(50), delivered: delivered,
                        lost: listening.count * sent.count - delivered, unexpected: baselines.reduce(0, +), changeBytes: lastChange ?? nil)
    }

    /// The payload subscriber 0 received last (its snapshot, or the last change).
    var lastPayload: [UInt8]? { boxes.first?.milestones.withLock { $0.payloads.last } }

    func close() async { await client.shutdown() }
}

extension Histogram<UInt64> {
    /// A percentile of microsecond values, in milliseconds (0 when empty).
    func milliseconds(_ percentile: Double) -> Double { totalCount == 0 ? 0 : Double(valueAtPercentile(percentile)) / 1000 }
}
#endif
