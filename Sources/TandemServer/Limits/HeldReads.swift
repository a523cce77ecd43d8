import NIOCore

/// Back-pressure for a handler that answers on its own (NIO's `channelWritabilityChanged`
/// pattern): while the channel cannot take more writes, `read()` is held back, so a client that
/// does not read its answers stops being read from instead of filling the server's memory.
struct HeldReads {
    private var held = false

    /// Call from the handler's `read(context:)`.
    mutating func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            held = true
        }
    }

    /// Call from `channelWritabilityChanged(context:)` once the handler has written what waited.
    mutating func resumeIfWritable(context: ChannelHandlerContext) {
        if held, context.channel.isWritable {
            held = false
            context.read()
        }
    }
}
