import Foundation
import Logging
import PostgresNIO
import TandemCore
import TandemPostgres
import TandemSQLite
import TandemStore

/// The store implementations a conformance test runs against: SQLite always, PostgreSQL when
/// `TANDEM_TEST_POSTGRES` names a server (a superuser URL; `.ci/run` starts a throw-away cluster and
/// sets it). Each test gets its own temporary database either way.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    /// The kinds this run tests: PostgreSQL only with `TANDEM_TEST_POSTGRES`; `TANDEM_TEST_STORES`
    /// (`sqlite`, `postgres`, or both comma-separated) narrows it, e.g. for a second run of the
    /// conformance suites on PostgreSQL alone after the full run on SQLite (what `.ci/run` does).
    public static let available: [StoreKind] = {
        let possible: [StoreKind] = postgresServerURL == nil ? [.sqlite] : [.sqlite, .postgres]
        guard let chosen = ProcessInfo.processInfo.environment["TANDEM_TEST_STORES"], !chosen.isEmpty else { return possible }
        let names = Set(chosen.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        return possible.filter { names.contains($0.rawValue) }
    }()

    /// `TANDEM_TEST_POSTGRES`, or `nil`.
    public static var postgresServerURL: String? {
        ProcessInfo.processInfo.environment["TANDEM_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public var description: String { rawValue == "sqlite" ? "SQLite" : "PostgreSQL" }

    /// A new, empty database for one test: a temporary file, or a new database on the test server.
    public func newDatabaseLocation() async throws -> String {
        switch self {
        case .sqlite: return temporaryDatabasePath()
        case .postgres: return try await PostgresTestDatabases.create()
        }
    }

    /// What the server's `StoreOpener` is for this kind.
    public var opener: StoreOpener {
        switch self {
        case .sqlite: SQLiteStore.open
        case .postgres: PostgresStore.opener
        }
    }

    /// Opens (and migrates) a store of this kind on a new database.
    public func openStore(clock: any WallClock, sink: any ChangeSink = DiscardingChangeSink(),
                          tokens: (any SelfServiceTokens)? = TestTokens()) async throws -> (store: any TandemStorage, location: String) {
        let location = try await newDatabaseLocation()
        let store: any TandemStorage
        switch self {
        case .sqlite: store = try SQLiteStore(path: location, clock: clock, sink: sink, tokens: tokens)
        case .postgres: store = try await PostgresStore.open(url: location, clock: clock, sink: sink, tokens: tokens, logger: quietTestLogger)
        }
        try await store.migrate()
        return (store, location)
    }

    /// Runs `body` on a new store of this kind and closes it afterwards, whether `body` threw or not.
    public func withStore<T>(clock: any WallClock = TestClock(), sink: any ChangeSink = DiscardingChangeSink(),
                             tokens: (any SelfServiceTokens)? = TestTokens(),
                             _ body: (any TandemStorage) async throws -> T) async throws -> T {
        let (store, _) = try await openStore(clock: clock, sink: sink, tokens: tokens)
        return try await store.closing { try await body(store) }
    }
}

/// A logger for test stores that says only what went wrong.
public let quietTestLogger: Logger = {
    var logger = Logger(label: "tandem-test.postgres")
    logger.logLevel = .error
    return logger
}()

/// Makes one database per test on the server `TANDEM_TEST_POSTGRES` names.
public enum PostgresTestDatabases {
    /// Creates `tandem_test_<random>` and returns its URL.
    public static func create() async throws -> String {
        guard let server = StoreKind.postgresServerURL else {
            throw PostgresSetupError("TANDEM_TEST_POSTGRES is unset: start scripts/postgres-test-cluster.sh and set it to the URL it prints")
        }
        let name = "tandem_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await admin(server) { connection in
            // template0: nobody is connected to it, so concurrent tests may copy it at once.
            try await connection.query("CREATE DATABASE \(unescaped: name) TEMPLATE template0", logger: quietTestLogger)
        }
        return url(server, database: name)
    }

    /// Runs `body` on a connection to the server's `postgres` database.
    public static func admin(_ server: String, _ body: (PostgresConnection) async throws -> Void) async throws {
        let location = try PostgresLocation(url: server)
        var configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.username,
                                                             password: location.password, database: location.database, tls: .disable)
        // Generous: dozens of tests create databases at once, and a loaded server starts a
        // backend slowly.
        configuration.options.connectTimeout = .seconds(15)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: quietTestLogger)
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// The rows of `sql` (one text column) in the database `url` names: for tests that look at
    /// what a store wrote, past its protocols.
    public static func strings(_ url: String, _ sql: String) async throws -> [String] {
        var strings: [String] = []
        try await admin(url) { connection in
            for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: quietTestLogger).decode(String.self) {
                strings.append(value)
            }
        }
        return strings
    }

    /// Waits until `count` connections of `applicationName` are open on the database `url` names
    /// (after a cut they reconnect within a second), then ends them all, as a network fault or an
    /// operator would. False if they never were that many.
    public static func terminate(applicationName: String, count: Int, in url: String) async throws -> Bool {
        for _ in 0..<250 {
            var ended = 0
            try await admin(url) { connection in
                let open = try await connection.query("""
                    SELECT count(*)::int8 FROM pg_stat_activity WHERE application_name = \(applicationName) AND datname = current_database()
                    """, logger: quietTestLogger).collect().first?.decode(Int.self) ?? 0
                guard open == count else { return }
                ended = try await connection.query("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = \(applicationName) AND datname = current_database()
                    """, logger: quietTestLogger).collect().count
            }
            if ended == count { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// The server URL with its database replaced.
    public static func url(_ server: String, database: String) -> String {
        var components = URLComponents(string: server)!
        components.path = "/" + database
        // Many tests run at once, each with its own pool: small pools keep the sum under the
        // server's max_connections.
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "pool_max_conns" }
            + [URLQueryItem(name: "pool_max_conns", value: "4")]
        return components.string!
    }
}
