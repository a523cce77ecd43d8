import Logging
import NIOCore

/// Closes a connection that stays unwritable for `timeout`: it has taken so little of what the
/// server wrote that the write buffer has not drained below its low water mark. While a
/// connection is not writable the server stops reading from it (back-pressure, see
/// `SnapshotReplayHandler` and `LiveSocketHandler`), so without this a client that never reads
/// would hold its socket and the answers already buffered for it forever.
///
/// First in the pipeline, it sees every writability change whatever the connection became
/// (HTTP/1 or a live WebSocket), and passes everything on untouched.
final class StalledWriteTimeout: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let timeout: TimeAmount
    private let logger: Logger
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            deadline?.cancel()
            deadline = nil
        } else if deadline == nil {
            let channel = context.channel
            let logger = logger
            let timeout = timeout
            deadline = context.eventLoop.scheduleTask(in: timeout) {
                logger.debug("closing a connection that has not read its answers", metadata: ["timeout": "\(timeout)"])
                channel.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
