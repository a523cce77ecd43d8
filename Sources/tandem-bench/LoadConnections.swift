import NIOCore
import NIOPosix

/// Sent down every load connection's pipeline at once, when all of them are connected.
struct LoadStart: Sendable {}

/// The load clients' connections to the server, on an event-loop group of their own.
struct LoadConnections {
    let group: MultiThreadedEventLoopGroup
    let host: String
    let port: Int

    init(host: String, port: Int, threads: Int = 1) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        self.host = host
        self.port = port
    }

    /// Opens one keep-alive connection per item, with the handlers `setup` adds (they complete the
    /// promise when their work is done); then starts them all at once with `LoadStart` and collects
    /// the results in item order.
    func run<Item: Sendable, Result: Sendable>(
        _ items: [Item], setup: @escaping @Sendable (Item, any Channel, EventLoopPromise<Result>) throws -> Void
    ) async throws -> [Result] {
        var running: [(any Channel, EventLoopFuture<Result>)] = []
        for item in items {
            let promise = group.next().makePromise(of: Result.self)
            let channel = try await ClientBootstrap(group: group)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try setup(item, channel, promise) }
                }
                .connect(host: host, port: port).get()
            running.append((channel, promise.futureResult))
        }
        for (channel, _) in running { channel.pipeline.fireUserInboundEventTriggered(LoadStart()) }
        var results: [Result] = []
        for (channel, future) in running {
            results.append(try await future.get())
            try? await channel.close()
        }
        return results
    }

    func shutdown() async { try? await group.shutdownGracefully() }
}
