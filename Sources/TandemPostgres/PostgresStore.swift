import Foundation
import Synchronization
import Logging
import NIOPosix
import PostgresNIO
import TandemCore
import TandemStore

/// The PostgreSQL implementation of Tandem's stores: a `PostgresClient` pool, every write one
/// READ COMMITTED transaction that locks the rows its decision depends on (the event row for seats
/// and `seq`), with `lock_timeout` set and serialization failures and deadlocks retried a bounded
/// number of times. Changes reach the sink after commit, in `seq` order per event.
public struct PostgresStore: Sendable {
    let client: PostgresClient
    let location: PostgresLocation
    let clock: any WallClock
    let sink: OrderedChangeSink
    /// Self-service tokens for registrations; without them registration writes are refused.
    let tokens: (any SelfServiceTokens)?
    let logger: Logger
    private let runner: Task<Void, Never>
    /// Whether this process leads the once-per-database jobs (a session advisory lock).
    let jobLead: PGJobLead
    /// The changes this process commits itself, which the change bus need not read back.
    let ownCommits = OwnCommits()
    /// Group commit for concurrent registrations. Larger batches than SQLite's: a batch costs a
    /// fixed number of round trips to PostgreSQL (`PGRegistrationBulk`), whatever its size.
    let registrationBatcher = RegistrationBatcher(maxBatch: 64)

    /// Most attempts of one write transaction that fails on a serialization failure or a deadlock.
    static let maxAttempts = 5
    /// How long a statement waits for a row lock before the transaction is retried: set for every
    /// connection of the pool when it opens (`PostgresLocation.clientConfiguration`), which saves
    /// a round trip in every write.
    static let lockTimeout = "5s"
    /// The oldest PostgreSQL Tandem runs on (`server_version_num`).
    static let minimumServerVersion = 140_000

    /// Connects (checking the server answers, accepts the login and is new enough), and starts the
    /// pool. Call `migrate()` before use and `close()` at the end.
    public static func open(url: String, clock: any WallClock, sink: any ChangeSink = DiscardingChangeSink(),
                            tokens: (any SelfServiceTokens)? = nil, logger: Logger = Logger(label: "tandem.postgres")) async throws -> PostgresStore {
        let location = try PostgresLocation(url: url)
        try await probe(location, logger: logger)
        let client = PostgresClient(configuration: try location.clientConfiguration(), backgroundLogger: logger)
        // Started immediately: `run()` marks the pool running before its first suspension, so the
        // first query never finds it "not run yet".
        let runner = Task.immediate { await client.run() }
        // A change whose predecessor's commit was never reported here is read from the change log.
        let ordered = OrderedChangeSink(next: sink) { eventID, after in
            try await changes(client: client, logger: logger, event: eventID, after: after, limit: changeReadLimit)
        }
        return PostgresStore(client: client, location: location, clock: clock, sink: ordered, tokens: tokens, logger: logger, runner: runner,
                             jobLead: PGJobLead(location: location, logger: logger))
    }

    /// The most changes read from the log at once.
    static let changeReadLimit = 1000

    /// An event's changes after `after`, in order, with the event's time zone (for live messages).
    static func changes(client: PostgresClient, logger: Logger, event eventID: Event.ID, after: Int64, limit: Int) async throws -> [Change] {
        try await client.query("""
            SELECT change.eventId, change.seq, change.type, change.payload, change.actor, change.at, event.timezone
            FROM change JOIN event ON event.id = change.eventId
            WHERE change.eventId = \(eventID.rawValue) AND change.seq > \(after) ORDER BY change.seq LIMIT \(limit)
            """, logger: logger).collect().map { row in
                var change = try PGTransaction.decodeChange(row)
                let (_, _, _, _, _, _, timezone) = try row.decode((Int64?, Int64?, String, String, String, Date, String).self)
                change.timezone = timezone
                return change
            }
    }

    private init(client: PostgresClient, location: PostgresLocation, clock: any WallClock, sink: OrderedChangeSink,
                 tokens: (any SelfServiceTokens)?, logger: Logger, runner: Task<Void, Never>, jobLead: PGJobLead) {
        self.jobLead = jobLead
        self.client = client
        self.location = location
        self.clock = clock
        self.sink = sink
        self.tokens = tokens
        self.logger = logger
        self.runner = runner
    }

    /// Lets go of the job lead and stops the pool.
    public func close() async {
        await jobLead.close()
        runner.cancel()
        await runner.value
    }

    /// One connection, to tell the operator in a sentence what is wrong before the pool starts
    /// retrying silently: the server is down, refuses the login, lacks the database, or is too old.
    /// A server that is still starting, has no free connection slot, or is too busy to finish a
    /// connection's start within its timeout is tried again for up to `probePatience` (compose
    /// and systemd start Tandem beside its database; a loaded server starts backends slowly).
    static func probe(_ location: PostgresLocation, logger: Logger, patience: Duration = probePatience) async throws {
        let connection = try await connectPatiently(location, logger: logger, patience: patience)
        let rows: [PostgresRow]
        do {
            rows = try await connection.query("SELECT current_setting('server_version_num')::int, current_setting('server_version')", logger: logger)
                .collect()
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        if let (number, version) = try rows.first?.decode((Int, String).self), number < minimumServerVersion {
            throw PostgresSetupError("\(location) runs PostgreSQL \(version); Tandem needs PostgreSQL 14 or newer")
        }
    }

    /// One connection, tried again with back-off while the failure may pass
    /// (`isTransientConnectFailure`) and `patience` lasts; any other failure is explained at once.
    private static func connectPatiently(_ location: PostgresLocation, logger: Logger, patience: Duration) async throws -> PostgresConnection {
        let deadline = ContinuousClock.now + patience
        var pause = Duration.milliseconds(250)
        while true {
            do {
                return try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: try location.connectionConfiguration(), id: 0, logger: logger).get()
            } catch {
                guard isTransientConnectFailure(error), ContinuousClock.now + pause < deadline else {
                    throw explainConnectFailure(error, location: location)
                }
                logger.warning("PostgreSQL is not ready yet; trying again",
                               metadata: ["reason": "\(explainConnectFailure(error, location: location))", "retryIn": "\(pause)"])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(4))
            }
        }
    }

    /// How long the start-up probe keeps trying a server that is reachable but not ready.
    static let probePatience = Duration.seconds(30)

    /// Whether a failed connection start may succeed if tried again soon: the start timed out or
    /// the server hung up during it, is starting or recovering (57P03), or has no free slot (53300).
    /// A refused connection (nothing listens), an unknown host, a refused login, a missing
    /// database or a TLS mismatch are not: they are told at once.
    static func isTransientConnectFailure(_ error: any Error) -> Bool {
        guard let psql = error as? PSQLError else { return false }
        if let state = psql.serverInfo?[.sqlState] { return state == "57P03" || state == "53300" }
        switch psql.code {
        case .uncleanShutdown, .serverClosedConnection: return true
        case .connectionError:
            if let channel = psql.underlying as? ChannelError, case .connectTimeout = channel { return true }
            return false
        default: return false
        }
    }

    static func explainConnectFailure(_ error: any Error, location: PostgresLocation) -> PostgresSetupError {
        if let psql = error as? PSQLError {
            if let state = psql.serverInfo?[.sqlState] {
                let message = psql.serverInfo?[.message] ?? ""
                switch state {
                case "28P01", "28000":
                    return PostgresSetupError("PostgreSQL at \(location.host):\(location.port) refused the login of '\(location.username)' "
                        + "(\(message)); check the user and password in the URL, and pg_hba.conf")
                case "3D000":
                    return PostgresSetupError("PostgreSQL has no database '\(location.database)'; create it "
                        + "(createdb -O \(location.username) \(location.database)) or name another one in the URL")
                default:
                    return PostgresSetupError("PostgreSQL at \(location) refused the connection: \(message) (SQLSTATE \(state))")
                }
            }
            switch psql.code {
            case .sslUnsupported:
                return PostgresSetupError("PostgreSQL at \(location.host):\(location.port) does not offer TLS, but the URL asks for sslmode=\(location.sslMode.rawValue); "
                    + "turn ssl on in the server or use sslmode=prefer")
            case .authMechanismRequiresPassword:
                return PostgresSetupError("PostgreSQL asks '\(location.username)' for a password; write it into the URL: postgres://USER:PASSWORD@HOST:PORT/DATABASE")
            default: break
            }
        }
        let target = location.unixSocketPath ?? "\(location.host):\(location.port)"
        return PostgresSetupError("cannot reach PostgreSQL at \(target): is the server running and listening there? (\(connectFailureReason(error)))")
    }

    /// What went wrong below PostgreSQL's protocol, in words: `PSQLError`'s own description hides
    /// its cause ("Generic description to prevent accidental leakage"), which is the part an
    /// operator needs (connection refused, timed out, host unknown). Never the URL or password.
    static func connectFailureReason(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return String(describing: error).prefix(200).description }
        switch psql.code {
        case .connectionError:
            if let channel = psql.underlying as? ChannelError, case .connectTimeout(let limit) = channel {
                return "no answer within \(limit.nanoseconds / 1_000_000_000) s"
            }
            return psql.underlying.map(socketFailureReason) ?? "the connection failed"
        case .uncleanShutdown, .serverClosedConnection: return "the server closed the connection while it started"
        case .clientClosedConnection: return "the connection was closed"
        default: return "\(psql.code)"
        }
    }

    /// A socket-level failure in words: "connection refused", "host name not found".
    static func socketFailureReason(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        if let connection = error as? NIOConnectionError {
            if let first = connection.connectionErrors.first { return socketFailureReason(first.error) }
            if connection.dnsAError != nil || connection.dnsAAAAError != nil { return "the host name '\(connection.host)' was not found" }
            return "no address to connect to for '\(connection.host)'"
        }
        return String(describing: error).prefix(200).description
    }

    // MARK: Transactions

    /// Runs one write transaction that may append changes; they reach the sink only after commit.
    /// A serialization failure, deadlock or lock timeout rolls back and runs `body` again (bounded);
    /// so `body` must only touch the database.
    func write<T: Sendable>(actor: String, _ body: @Sendable (PGTransaction) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            let now = clock.now()
            // What this attempt noted as its own, withdrawn if its commit is not confirmed.
            let noted = Mutex<[Change]>([])
            do {
                let logger = self.logger
                let (result, changes): (T, [Change]) = try await client.withTransaction(logger: logger) { connection in
                    let tx = PGTransaction(connection: connection, actor: actor, at: now, logger: logger)
                    let result = try await body(tx)
                    // The change bus: one notification per transaction, delivered at commit (and
                    // never for a transaction that rolls back), naming only `event:seq`.
                    if !tx.busRung, let payload = ChangeBus.payload(for: tx.changes) {
                        try await connection.query("SELECT pg_notify(\(ChangeBus.channel), \(payload))", logger: logger)
                    }
                    ownCommits.note(tx.changes)
                    noted.withLock { $0 = tx.changes }
                    return (result, tx.changes)
                }
                if !changes.isEmpty { sink.committed(changes) }
                return result
            } catch {
                // Rolled back (or its outcome unknown): those seqs may yet be another process's,
                // whose doorbell must be answered.
                ownCommits.withdraw(noted.withLock { $0 })
                let failure = Self.unwrap(error)
                if attempt < Self.maxAttempts, Self.isRetryable(failure) {
                    attempt += 1
                    // A little random back-off, so that two retrying transactions do not meet again.
                    try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
                    continue
                }
                throw Self.translate(failure)
            }
        }
    }

    /// A read on one connection, in one snapshot (REPEATABLE READ, read only): the isolation is
    /// given with BEGIN itself, a round trip less than `withTransaction` and a SET.
    func read<T: Sendable>(_ body: @Sendable (PGTransaction) async throws -> T) async throws -> T {
        let now = clock.now()
        let logger = self.logger
        do {
            return try await client.withConnection { connection in
                try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
                let result: T
                do {
                    result = try await body(PGTransaction(connection: connection, actor: "system", at: now, logger: logger))
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
                try await connection.query("COMMIT", logger: logger)
                return result
            }
        } catch {
            throw Self.translate(Self.unwrap(error))
        }
    }

    /// A read of one statement: consistent by itself (a statement sees one snapshot), so it needs
    /// no transaction around it; one round trip instead of three.
    func readStatement<T: Sendable>(_ body: @Sendable (PGTransaction) async throws -> T) async throws -> T {
        let now = clock.now()
        let logger = self.logger
        do {
            return try await client.withConnection { connection in
                try await body(PGTransaction(connection: connection, actor: "system", at: now, logger: logger))
            }
        } catch {
            throw Self.translate(Self.unwrap(error))
        }
    }

    /// The error the transaction's body or its commit threw.
    static func unwrap(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            return transaction.closureError ?? transaction.commitError ?? transaction.beginError ?? error
        }
        return error
    }

    /// 40001 serialization failure, 40P01 deadlock, 55P03 lock not available (lock_timeout).
    static func isRetryable(_ error: any Error) -> Bool {
        guard let state = sqlState(error) else { return false }
        return state == "40001" || state == "40P01" || state == "55P03"
    }

    static func sqlState(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// The one place where PostgreSQL's errors become store errors.
    static func translate(_ error: any Error) -> any Error {
        switch sqlState(error) {
        case "23505": return StoreError.conflict(field: nil, message: "this already exists")
        case "23503": return StoreError.conflict(field: nil, message: "this is still referred to, or refers to something that does not exist")
        case "40001", "40P01", "55P03":
            return StoreError.busy(message: "The database is busy with other changes to the same data.")
        default: break
        }
        if let psql = error as? PSQLError, psql.serverInfo == nil,
           [.connectionError, .serverClosedConnection, .uncleanShutdown, .poolClosed].contains(psql.code) {
            return StoreError.busy(message: "The database cannot be reached right now.")
        }
        return error
    }

    /// An error as a log line: PostgreSQL's own SQLSTATE and message where it has them (a PSQLError
    /// describes itself generically, to keep query values out of messages shown to users).
    static func logDescription(_ error: any Error) -> String {
        let error = unwrap(error)
        if let psql = error as? PSQLError, let state = psql.serverInfo?[.sqlState] {
            return "SQLSTATE \(state): \(psql.serverInfo?[.message] ?? "")"
        }
        return "\(error)"
    }

    func requireTokens() throws -> any SelfServiceTokens {
        guard let tokens else { throw StoreNotConfigured(what: "self-service tokens for registrations") }
        return tokens
    }
}

extension PostgresStore: ImportStore, StoreMaintenance {}

extension PostgresStore {
    /// Opens the PostgreSQL store at the context's location (a `postgres://` URL): TandemServer's `StoreOpener`.
    public static let opener: StoreOpener = { context in
        try await PostgresStore.open(url: context.location, clock: context.clock, sink: context.sink, tokens: context.tokens)
    }
}

/// An operation the PostgreSQL store does not have yet.
struct PostgresNotYet: Error, CustomStringConvertible {
    var operation: String
    var description: String { "the PostgreSQL store cannot \(operation) yet" }
}
