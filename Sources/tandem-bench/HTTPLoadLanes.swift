import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A lean HTTP/1.1 load client for the registration burst: each lane is one keep-alive NIO
/// connection that sends its requests one after another from a channel handler, timing each on its
/// event loop. No task or continuation per request, so the client takes little of the cores it
/// shares with the server.
struct HTTPLoadLanes {
    struct Job: Sendable {
        var index: Int
        var method: HTTPMethod
        var path: String
        var json: String
    }

    struct Outcome: Sendable {
        var index: Int
        var latency: Duration
        var reply: HTTPConnection.Reply
    }

    let transport: LoadConnections

    init(host: String, port: Int, threads: Int = 1) {
        transport = LoadConnections(host: host, port: port, threads: threads)
    }

    /// Connects one lane per job list, then starts them all at once; returns every outcome.
    func run(_ lanes: [[Job]]) async throws -> [Outcome] {
        let host = transport.host
        return try await transport.run(lanes) { jobs, channel, done in
            try channel.pipeline.syncOperations.addHTTPClientHandlers()
            try channel.pipeline.syncOperations.addHandler(Lane(host: host, jobs: jobs, done: done))
        }.flatMap { $0 }
    }

    func shutdown() async { await transport.shutdown() }
}

/// One connection's requests, each sent when the previous response has ended.
private final class Lane: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let host: String
    let jobs: [HTTPLoadLanes.Job]
    let done: EventLoopPromise<[HTTPLoadLanes.Outcome]>
    private var next = 0
    private var sentAt = ContinuousClock.now
    private var status = 0
    private var body = ByteBuffer()
    private var outcomes: [HTTPLoadLanes.Outcome] = []

    init(host: String, jobs: [HTTPLoadLanes.Job], done: EventLoopPromise<[HTTPLoadLanes.Outcome]>) {
        self.host = host
        self.jobs = jobs
        self.done = done
        outcomes.reserveCapacity(jobs.count)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is LoadStart { send(context) } else { context.fireUserInboundEventTriggered(event) }
    }

    private func send(_ context: ChannelHandlerContext) {
        guard next < jobs.count else {
            done.succeed(outcomes)
            return
        }
        let job = jobs[next]
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        if !job.json.isEmpty {
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(job.json.utf8.count))
        }
        sentAt = .now
        context.write(wrapOutboundOut(.head(HTTPRequestHead(version: .http1_1, method: job.method, uri: job.path, headers: headers))), promise: nil)
        if !job.json.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: job.json)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
            body.clear()
        case .body(var part):
            body.writeBuffer(&part)
        case .end:
            let latency = ContinuousClock.now - sentAt
            outcomes.append(.init(index: jobs[next].index, latency: latency,
                                  reply: .init(status: status, body: Data(body.readableBytesView))))
            next += 1
            send(context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        done.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }
}
