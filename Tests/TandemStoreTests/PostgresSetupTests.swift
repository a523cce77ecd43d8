import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing
import TandemCore
import TandemStore
@testable import TandemPostgres
import TandemTestSupport

@Suite("PostgreSQL: URL, start-up checks and migrations", .timeLimit(.minutes(5)))
struct PostgresSetupTests {
    @Test("the conformance suite runs on PostgreSQL", .enabled(if: StoreKind.postgresServerURL != nil,
        "TANDEM_TEST_POSTGRES is unset: every PostgreSQL run of the conformance suite is skipped (.ci/run sets it)"))
    func postgresConfigured() {
        #expect(StoreKind.available.contains(.postgres))
    }

    @Test("a URL is read as libpq reads it, and a bad one is refused with a sentence")
    func urls() throws {
        let full = try PostgresLocation(url: "postgres://tandem:s%40cret@db.example.org:6543/programme?sslmode=require")
        #expect(full.username == "tandem")
        #expect(full.password == "s@cret")
        #expect(full.host == "db.example.org")
        #expect(full.port == 6543)
        #expect(full.database == "programme")
        #expect(full.sslMode == .require)
        #expect(full.description == "postgres://tandem@db.example.org:6543/programme", "no password in what is logged")
        let socket = try PostgresLocation(url: "postgresql:///tandem?host=/var/run/postgresql")
        #expect(socket.unixSocketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(socket.sslMode == .prefer)
        let bare = try PostgresLocation(url: "postgres://localhost")
        #expect(bare.username == "postgres" && bare.database == "postgres" && bare.port == 5432)
        #expect(full.maximumConnections == 20, "the pool's default")
        #expect(try PostgresLocation(url: "postgres://h/db?pool_max_conns=7").maximumConnections == 7)
        for bad in ["postgres://h/db?pool_max_conns=0", "postgres://h/db?pool_max_conns=1", "postgres://h/db?pool_max_conns=many", "postgres://h/db?sslmode=sometimes", "postgres://h:99999/db", "postgres://h/db?search_path=x", "mysql://h/db"] {
            #expect(throws: PostgresSetupError.self, "\(bad)") { try PostgresLocation(url: bad) }
        }
    }

    @Test("a server that is down is named in a sentence, without the password")
    func serverDown() async throws {
        // Port 1 on loopback: nothing listens there.
        let error = await #expect(throws: PostgresSetupError.self) {
            _ = try await PostgresStore.open(url: "postgres://tandem:hunter2@127.0.0.1:1/tandem?sslmode=disable", clock: TestClock())
        }
        let text = error?.description ?? ""
        #expect(text.contains("cannot reach PostgreSQL at 127.0.0.1:1"))
        #expect(!text.contains("hunter2"))
    }

    @Test("a server that is starting is tried again with back-off until it answers otherwise")
    func serverStarting() async throws {
        // Starting up for three connections, then a refused login (told at once): the count of tries
        // does not depend on how fast a loaded machine answers.
        let started = ContinuousClock.now
        let (error, connections, _) = try await probe(patience: .seconds(60)) { $0 <= 3 ? .startingUp : .refusedLogin }
        #expect(error.contains("refused the login of 'tandem'"), "\(error)")
        #expect(connections == 4, "57P03 three times, then the refused login, which is not tried again")
        #expect(ContinuousClock.now - started >= .milliseconds(1750), "waits of 0.25, 0.5 and 1 s between the tries")
    }

    @Test("a server that stays starting past the patience is named with its reason")
    func serverStaysStarting() async throws {
        let (error, connections, port) = try await probe(patience: .milliseconds(100)) { _ in .startingUp }
        #expect(error.contains("PostgreSQL at postgres://tandem@127.0.0.1:\(port)/tandem refused the connection"), "\(error)")
        #expect(error.contains("the database system is starting up (SQLSTATE 57P03)"), "\(error)")
        #expect(connections == 1, "no second try once the next one would start after the patience")
    }

    @Test("a server that takes no connection's start in time is tried again; then 'no answer within 5 s'")
    func serverSilent() async throws {
        // 9 s: the second try starts at 5.25 s even when a loaded machine fires the first timeout
        // late, and no third one fits (the second ends at 10.25 s at the earliest).
        let (error, connections, port) = try await probe(patience: .seconds(9)) { _ in .nothing }
        #expect(error.contains("cannot reach PostgreSQL at 127.0.0.1:\(port)"), "\(error)")
        #expect(error.contains("no answer within 5 s"), "\(error)")
        #expect(connections == 2, "one more try after the first timed out, none after the patience ran out")
    }

    /// Runs the start-up probe against a `FakePostgres` that answers its n-th connection (from 1)
    /// with `answers(n)`: the probe's error (empty if it did not throw one), how many connections
    /// the fake accepted, and its port.
    private func probe(patience: Duration, answers: @escaping @Sendable (Int) -> FakePostgres.Answer) async throws
        -> (error: String, connections: Int, port: Int) {
        let fake = try await FakePostgres.start(answers: answers)
        let location = try PostgresLocation(url: "postgres://tandem@127.0.0.1:\(fake.port)/tandem?sslmode=disable")
        let error = await #expect(throws: PostgresSetupError.self) {
            try await PostgresStore.probe(location, logger: quietTestLogger, patience: patience)
        }
        let port = fake.port
        try await fake.stop()
        return (error?.description ?? "", fake.connections, port)
    }

    @Test("nothing listening is told at once, with the reason below PostgreSQL's protocol")
    func refusedAtOnce() async throws {
        let location = try PostgresLocation(url: "postgres://tandem@127.0.0.1:1/tandem?sslmode=disable")
        let started = ContinuousClock.now
        let error = await #expect(throws: PostgresSetupError.self) {
            try await PostgresStore.probe(location, logger: quietTestLogger, patience: .seconds(60))
        }
        #expect(ContinuousClock.now - started < .seconds(30), "a refused connection is not tried for the whole patience")
        let text = error?.description ?? ""
        #expect(text.lowercased().contains("connection refused"), "\(text)")
        #expect(!text.contains("Generic description"), "PSQLError's placeholder says nothing to an operator")
    }

    @Test("a refused login and a missing database are told apart", .enabled(if: StoreKind.postgresServerURL != nil))
    func refusedLoginAndMissingDatabase() async throws {
        let server = try PostgresLocation(url: StoreKind.postgresServerURL!)
        let base = "postgres://\(server.host):\(server.port)"
        let missing = await #expect(throws: PostgresSetupError.self) {
            _ = try await PostgresStore.open(url: "\(base)/no_such_db_here?sslmode=disable&user=\(server.username)", clock: TestClock())
        }
        #expect(missing?.description.contains("has no database 'no_such_db_here'") == true)
        let login = await #expect(throws: PostgresSetupError.self) {
            _ = try await PostgresStore.open(url: "postgres://nobody_at_all@\(server.host):\(server.port)/postgres?sslmode=disable", clock: TestClock())
        }
        #expect(login?.description.contains("refused the login of 'nobody_at_all'") == true)
    }

    @Test("an empty database migrates with SQLite's numbering; twice is harmless; a newer schema is refused",
          .enabled(if: StoreKind.postgresServerURL != nil))
    func migrations() async throws {
        let url = try await PostgresTestDatabases.create()
        let store = try await PostgresStore.open(url: url, clock: TestClock())
        #expect(try await store.appliedMigrations() == [])
        #expect(try await !store.isMigrated())
        try await store.migrate()
        #expect(try await store.appliedMigrations() == PGMigrations.all.map(\.identifier))
        #expect(try await store.isMigrated())
        try await store.migrate()
        try await store.client.query("INSERT INTO tandemMigration (identifier) VALUES ('999_from_the_future')")
        let error = await #expect(throws: StoreSchemaTooNew.self) { try await store.migrate() }
        #expect(error?.description.contains("999_from_the_future") == true)
        await store.close()
    }

    @Test("every pool connection opens with lock_timeout set (a write waits 5 s for a row lock, then is retried)",
          .enabled(if: StoreKind.postgresServerURL != nil))
    func lockTimeout() async throws {
        let url = try await PostgresTestDatabases.create()
        let store = try await PostgresStore.open(url: url, clock: TestClock())
        let shown = try await store.client.query("SHOW lock_timeout").collect().first?.decode(String.self)
        #expect(shown == "5s")
        await store.close()
    }
}

/// A TCP listener on loopback that plays a PostgreSQL server which is not ready: it answers a
/// connection's start with "the database system is starting up" (57P03), with a refused login
/// (28P01), or says nothing at all; which one is chosen per connection.
final class FakePostgres: Sendable {
    enum Answer: Sendable, Equatable {
        case startingUp, refusedLogin, nothing

        /// The ErrorResponse's SQLSTATE and message, if it sends one.
        var error: (code: String, message: String)? {
            switch self {
            case .startingUp: ("57P03", "the database system is starting up")
            case .refusedLogin: ("28P01", "password authentication failed for user \"tandem\"")
            case .nothing: nil
            }
        }
    }

    let channel: any Channel
    private let accepted: Tally

    var port: Int { channel.localAddress?.port ?? 0 }
    /// How many connections it accepted.
    var connections: Int { accepted.count.withLock { $0 } }

    private final class Tally: Sendable {
        let count = Mutex(0)
    }

    private init(answers: @escaping @Sendable (Int) -> Answer) async throws {
        let accepted = Tally()
        self.accepted = accepted
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                let number = accepted.count.withLock { $0 += 1; return $0 }
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Handler(answer: answers(number)))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    static func start(answers: @escaping @Sendable (Int) -> Answer) async throws -> FakePostgres { try await FakePostgres(answers: answers) }

    func stop() async throws { try await channel.close() }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let answer: Answer
        init(answer: Answer) { self.answer = answer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard let error = answer.error else { return }
            // ErrorResponse: 'E', length, then fields (type byte, C string), then a zero byte.
            var fields = ByteBuffer()
            for (type, value) in [("S", "FATAL"), ("V", "FATAL"), ("C", error.code), ("M", error.message)] {
                fields.writeInteger(UInt8(ascii: Unicode.Scalar(type)!))
                fields.writeString(value)
                fields.writeInteger(UInt8(0))
            }
            fields.writeInteger(UInt8(0))
            var message = context.channel.allocator.buffer(capacity: fields.readableBytes + 5)
            message.writeInteger(UInt8(ascii: "E"))
            message.writeInteger(Int32(fields.readableBytes + 4))
            message.writeBuffer(&fields)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(message)).whenComplete { _ in bound.value.close(promise: nil) }
        }
    }
}
