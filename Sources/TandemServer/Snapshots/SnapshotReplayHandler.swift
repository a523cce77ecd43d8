import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// The per-connection half of `SnapshotReplay`, between Hummingbird's connection state handler and
/// its request stream. Lives on the channel's event loop.
///
/// Answers go out in request order. A request the replay can answer while earlier ones are still
/// with the router waits in `pending` and is written right after the router's answer before it
/// (HTTP/1.1 pipelining, or simply the next request arriving before the router has written the
/// end of a response whose body the client already has).
///
/// Back-pressure: a client that pipelines reads and never reads the answers must not make the
/// server buffer them. While the channel is not writable (its outbound buffer is above the high
/// water mark), replayed answers wait in `pending` (a few bytes each; the recorded body is shared)
/// and no `read` is passed on, so no more requests arrive. When the channel becomes writable again
/// the waiting answers are written, and reading resumes. The router's answers have their own
/// back-pressure (Hummingbird's outbound writer waits for writability, and its request stream
/// stops reading when full); a replayed answer queued before one of them is written first.
final class SnapshotReplayHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private enum Answer {
        /// The router answers; `record` names the snapshot when its answer may be recorded.
        case router(record: SnapshotReplay.Target?)
        /// A recording answers, once every earlier answer is written.
        case replay(SnapshotReplay.Target, SnapshotReplay.Recording, started: UInt64)
    }

    private let replay: SnapshotReplay
    /// Answers not yet completely written, oldest first.
    private var pending = CircularBuffer<Answer>(initialCapacity: 2)
    /// The request being read is answered here: its body (if any) is dropped, its end awaited.
    private var reading: Answer?
    /// The router's answer being recorded: its head and body so far.
    private var recorded: (head: HTTPResponse?, body: ByteBuffer?) = (nil, nil)
    /// A `read` held back while the channel was not writable; passed on once it is.
    private var heldReads = HeldReads()

    init(replay: SnapshotReplay) {
        self.replay = replay
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            reading = nil
            if let target = SnapshotReplay.target(of: request) {
                if let recording = replay.answer(request, for: target) {
                    reading = .replay(target, recording, started: DispatchTime.now().uptimeNanoseconds)
                    return
                }
                pending.append(.router(record: target))
            } else {
                pending.append(.router(record: nil))
            }
            context.fireChannelRead(data)
        case .body:
            // A GET answered here has no use for a body.
            if reading == nil { context.fireChannelRead(data) }
        case .end:
            guard let answer = reading else {
                context.fireChannelRead(data)
                return
            }
            reading = nil
            pending.append(answer)
            sendReplays(context: context, whileWritable: true)
        }
    }

    func read(context: ChannelHandlerContext) {
        heldReads.read(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            sendReplays(context: context, whileWritable: true)
            heldReads.resumeIfWritable(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Replayed answers that waited for writability go before this later answer of the router's.
        sendReplays(context: context, whileWritable: false)
        guard case .router(let target) = pending.first else {
            context.write(data, promise: promise)
            return
        }
        let part = unwrapOutboundIn(data)
        if target != nil {
            switch part {
            case .head(let head):
                recorded.head = head
            case .body(var buffer):
                if var body = recorded.body {
                    recorded.body = nil
                    body.writeBuffer(&buffer)
                    recorded.body = body
                } else {
                    recorded.body = buffer
                }
            case .end:
                break
            }
        }
        context.write(data, promise: promise)
        guard case .end = part else { return }
        _ = pending.removeFirst()
        if let target, let head = recorded.head, head.status.kind != .informational {
            replay.record(head, body: recorded.body, for: target)
        }
        recorded = (nil, nil)
        // Replayed answers that were waiting for this one.
        sendReplays(context: context, whileWritable: true)
    }

    /// Writes the replayed answers at the head of `pending` (those no router answer is before), and
    /// flushes; with `whileWritable`, only as long as the channel takes more.
    private func sendReplays(context: ChannelHandlerContext, whileWritable: Bool) {
        var sent = false
        while case .replay = pending.first, !whileWritable || context.channel.isWritable {
            send(pending.removeFirst(), context: context)
            sent = true
        }
        if sent { context.flush() }
    }

    private func send(_ answer: Answer, context: ChannelHandlerContext) {
        guard case .replay(let target, let recording, let started) = answer else { return }
        let head = replay.head(from: recording)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body = recording.body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        replay.count(target, status: head.status, nanoseconds: DispatchTime.now().uptimeNanoseconds - started)
    }
}
