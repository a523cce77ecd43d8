import Foundation
import NIOCore
import NIOWebSocket
import Synchronization
import TandemCore

/// What the `/live` route decided before the upgrade: the feed the client asked for, and who asked.
struct LiveAdmission: Sendable {
    let controller: LiveController
    let target: LiveController.Target
    /// The client address the live-connection limit counts.
    let clientIP: String
    /// Whether the connection negotiated permessage-deflate (`LiveDeflate`).
    var deflate = false
}

/// The route hands its admission to the connection through the request context.
final class LiveUpgradeSlot: Sendable {
    private let admission = Mutex<LiveAdmission?>(nil)
    func admit(_ value: LiveAdmission) { admission.withLock { $0 = value } }
    var value: LiveAdmission? { admission.withLock { $0 } }
}

/// One WebSocket subscriber of the live feed, living entirely on its channel's event loop: no task,
/// no stream, no per-connection buffers beyond what NIO keeps. The hub hands it each change's
/// shared frame on that loop; it writes the frame straight to the socket.
///
/// - Change frames are already WebSocket frames (`LiveFrame.wire`, encoded once per change), so they
///   are written from the position of NIO's `WebSocketFrameEncoder` (its context), straight to the
///   socket. Control frames (ping, pong, close) go through the encoder as usual. Both happen on the
///   event loop in call order, so the order of frames on the wire is the order of the calls.
///
/// - Bounded queue: once more than the channel's high water mark (`LiveUpgradeChannel`,
///   64 KiB) waits for the kernel, the frames written meanwhile are counted; at the hub's
///   `queueLimit` of them the client is cut off with close code 4008 and
///   `{"resume":{"since":N}}`, where N is the last seq queued for it. The close frame follows every
///   queued frame on the wire, so a client that reads the hint has read everything up to N.
///   (No promise per write: counting by writability costs a fan-out nothing per frame.)
/// - Heartbeat: a ping on every tick of its event loop's heartbeat (`LiveHeartbeats`, every ping
///   interval); a connection that has said nothing (no pong, no frame) since the previous tick is closed.
/// - Shutdown: close code 1001 with the same resume hint.
/// - Back-pressure: while the channel is not writable (the client does not read), no `read` is
///   passed on, so a client flooding pings cannot make the server queue pongs; a ping that arrives
///   then is answered once the channel is writable again, and only the latest one (RFC 6455 §5.5.3
///   allows answering just the most recent ping).
///
/// @unchecked Sendable: every mutable property is touched only on the channel's event loop (the hub
/// calls `deliver` and `cutOff` through `eventLoop.execute`).
final class LiveSocketHandler: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private enum State {
        /// Subscribed; the opening frames (snapshot or replay) are being read. Changes wait here.
        case opening(pending: [LiveFrame])
        case open
        /// A close frame was sent; waiting for the client's answer or the timeout.
        case closing
        case closed
    }

    private let admission: LiveAdmission
    private let hub: LiveHub
    private let heartbeats: LiveHeartbeats
    /// This socket's loop's heartbeat, once added to it.
    private var heartbeat: LiveHeartbeats.Loop?
    private var context: ChannelHandlerContext?
    /// The context of the pipeline's `WebSocketFrameEncoder`: what is written there goes to the socket as is.
    private let wire: ChannelHandlerContext
    private var state = State.opening(pending: [])
    private var feed: Feed
    /// Frames written since the channel last had less than its high water mark queued.
    private var backlog = 0
    /// The channel's writability as its last `channelWritabilityChanged` said: kept here because
    /// asking the channel in a fan-out touches 10,000 channel objects' memory for one bit.
    private var writable = true
    private var heard = true
    /// No heartbeat tick has come since this socket joined its loop's heartbeat.
    private var firstTick = true
    private var counted = false
    /// A `read` held back while the channel was not writable.
    private var heldReads = HeldReads()
    /// The payload of the latest ping not yet answered because the channel was not writable.
    private var pongDue: ByteBuffer?

    init(admission: LiveAdmission, hub: LiveHub, heartbeats: LiveHeartbeats, wire: ChannelHandlerContext) {
        self.admission = admission
        self.wire = wire
        self.hub = hub
        self.heartbeats = heartbeats
        self.feed = Feed(room: admission.target.room)
    }

    var eventID: Event.ID { admission.target.event.id }
    var eventLoop: (any EventLoop)? { context?.eventLoop }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        do {
            try admission.controller.limits.admitLiveConnection(address: admission.clientIP, count: true)
            counted = true
        } catch {
            state = .open
            close(code: WebSocketErrorCode(codeNumber: 1013), reason: "too many live connections from your address")
            return
        }
        hub.attach(self, on: context.eventLoop)
        let heartbeat = heartbeats.on(context.eventLoop)
        heartbeat.add(self)
        self.heartbeat = heartbeat
        let loop = context.eventLoop
        let controller = admission.controller
        let target = admission.target
        // A screen wall at 09:00, or every phone when the Wi-Fi comes back: the event's current
        // snapshot (or "nothing missed") is in memory, shared; no task, no read.
        if let opening = controller.cachedOpening(target) {
            loop.execute { self.opened(opening) }
            return
        }
        // A `101` written without a flush of its own (`LiveFirstRequest`) goes out now, not after the read.
        context.flush()
        Task {
            do {
                let opening = try await controller.opening(target)
                loop.execute { self.opened(opening) }
            } catch {
                loop.execute { self.close(code: .unexpectedServerError, reason: "the feed could not be read") }
            }
        }
    }

    private func opened(_ opening: LiveController.Opening) {
        guard case .opening(let pending) = state else { return }
        state = .open
        feed = Feed(target: admission.target, opening: opening)
        for frame in opening.frames { send(frame, flush: false) }
        for frame in pending { send(frame, flush: false) }
        context?.flush()
    }

    /// A committed change for this event (on the event loop).
    func deliver(_ frame: LiveFrame) {
        switch state {
        case .opening(var pending):
            state = .open  // releases the enum's reference, so the append does not copy the array
            pending.append(frame)
            state = .opening(pending: pending)
            if pending.count > hub.queueLimit { cutOff(.overflow) }
        case .open:
            send(frame, flush: true)
        case .closing, .closed:
            break
        }
    }

    private func send(_ frame: LiveFrame, flush: Bool) {
        guard case .open = state else { return }
        let queueing = !writable
        if queueing, backlog >= hub.queueLimit {
            cutOff(.overflow)
            return
        }
        guard feed.accepts(frame) else { return }
        if queueing { backlog += 1 }
        if flush {
            wire.writeAndFlush(NIOAny(frame.wire(deflate: admission.deflate)), promise: nil)
        } else {
            wire.write(NIOAny(frame.wire(deflate: admission.deflate)), promise: nil)
        }
    }

    /// Ends the feed with a resume hint: 4008 when the client fell behind, 1001 on shutdown.
    func cutOff(_ reason: LiveSubscription.EndReason) {
        switch state {
        case .opening, .open: break
        case .closing, .closed: return
        }
        if reason == .overflow { hub.reportOverflow(eventID: eventID) }
        let code = reason == .overflow ? WebSocketErrorCode(codeNumber: 4008) : .goingAway
        // The last seq queued: everything up to it was written (to the kernel, or to the queue
        // ahead of the close frame) or is not for this connection.
        close(code: code, reason: Feed.resumeHint(since: feed.lastSeq))
    }

    /// Sends a close frame and closes the connection when the client answers, or after two seconds
    /// (a client too stalled to read even the close frame).
    private func close(code: WebSocketErrorCode, reason: String) {
        guard let context else { return }
        state = .closing
        hub.detach(self)
        context.writeAndFlush(wrapOutboundOut(closeFrame(code, reason: reason, context: context)), promise: nil)
        context.eventLoop.scheduleTask(in: .seconds(2)) { [weak self] in self?.context?.close(promise: nil) }
    }

    private func closeFrame(_ code: WebSocketErrorCode, reason: String = "", context: ChannelHandlerContext) -> WebSocketFrame {
        var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
        data.write(webSocketErrorCode: code)
        data.writeString(reason)
        return WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
    }

    /// A tick of the loop's heartbeat: a ping, or closing a socket silent since the previous one.
    /// The first tick after joining is skipped: the loop's ticks do not wait for this socket, so
    /// its first ping comes one to two intervals after it connected, and a socket is closed only
    /// after a whole interval without a word since a ping, as with a timer of its own.
    func beat() {
        guard let context else { return }
        if firstTick {
            firstTick = false
            return
        }
        switch state {
        case .opening, .open:
            guard heard else {
                // Nothing since the last ping: a dead screen.
                context.close(promise: nil)
                return
            }
            heard = false
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer())), promise: nil)
        case .closing, .closed:
            break
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        heard = true
        switch frame.opcode {
        case .ping:
            switch state {
            case .opening, .open: break
            case .closing, .closed: return
            }
            pongDue = frame.unmaskedData
            sendPongIfDue(context: context)
        case .connectionClose:
            if case .closing = state {
                context.close(promise: nil)
            } else {
                // The client leaves: answer with its code, then close.
                state = .closing
                hub.detach(self)
                var payload = frame.unmaskedData
                let reply = closeFrame(payload.readWebSocketErrorCode() ?? .normalClosure, context: context)
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in channel.close(promise: nil) }
            }
        default:
            // Messages from the client are read and ignored.
            break
        }
    }

    func read(context: ChannelHandlerContext) {
        heldReads.read(context: context)
    }

    /// Answers the latest ping once the channel takes writes, while the connection is still open.
    private func sendPongIfDue(context: ChannelHandlerContext) {
        guard context.channel.isWritable, let payload = pongDue else { return }
        pongDue = nil
        switch state {
        case .opening, .open:
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: payload)), promise: nil)
        case .closing, .closed:
            break
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        writable = context.channel.isWritable
        if writable {
            backlog = 0
            sendPongIfDue(context: context)
            heldReads.resumeIfWritable(context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            cutOff(.shutdown)
        } else if let event = event as? ChannelEvent, event == .inputClosed {
            // The client is gone without a close frame (the server allows half-closure).
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish()
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func finish() {
        state = .closed
        heartbeat?.remove(self)
        heartbeat = nil
        hub.detach(self)
        if counted {
            counted = false
            admission.controller.limits.closeLiveConnection(address: admission.clientIP)
        }
    }
}
