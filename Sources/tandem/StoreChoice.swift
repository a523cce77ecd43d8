import Logging
import TandemCore
import TandemPostgres
import TandemSQLite
import TandemStore

/// Which store a `--database` / `TANDEM_DATABASE` value names. A file path is SQLite, the embedded
/// default; a `postgres://` or `postgresql://` URL (libpq's form) is PostgreSQL. Any other URL
/// scheme is refused: before, such a value was taken for a path and quietly made a SQLite file
/// under a folder named after the scheme.
enum StoreChoice {
    case sqlite(path: String)
    /// The URL as given; it may hold a password, so it is only ever opened, never printed.
    case postgres(url: String)

    init(_ location: String) throws {
        if let schemeEnd = location.range(of: "://") {
            let scheme = location[..<schemeEnd.lowerBound].lowercased()
            let known = scheme.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." } && !scheme.isEmpty
            guard known else { self = .sqlite(path: location); return }
            if scheme == "postgres" || scheme == "postgresql" {
                // Read now, so a malformed URL is refused before anything starts.
                do {
                    _ = try PostgresLocation(url: location)
                } catch {
                    throw CommandFailure("--database / TANDEM_DATABASE: \(CommandFailure.sentence(for: error))")
                }
                self = .postgres(url: location)
                return
            }
            throw CommandFailure("--database / TANDEM_DATABASE starts with '\(scheme)://', a kind of database Tandem does not serve; "
                + "give the path of a SQLite file (for example ./data/tandem.sqlite) or a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE)")
        }
        self = .sqlite(path: location)
    }

    /// The database named, for messages and logs: the SQLite file's path, or the PostgreSQL URL
    /// without its password.
    var location: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): (try? PostgresLocation(url: url))?.description ?? "the PostgreSQL database of --database / TANDEM_DATABASE"
        }
    }

    /// What the store opens: the path, or the whole URL with its password. Never print it.
    var openedLocation: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url
        }
    }

    /// What the server opens its store with.
    var opener: StoreOpener {
        switch self {
        case .sqlite: SQLiteStore.open
        case .postgres: PostgresStore.opener
        }
    }

    /// Runs `body` on the store, created or migrated to the current schema, and closes the store
    /// afterwards on every path (a PostgreSQL pool that is not closed keeps the process alive).
    func withStore<T>(_ body: (any TandemStorage) async throws -> T) async throws -> T {
        let store = try await openMigrated()
        return try await store.closing { try await body(store) }
    }

    /// The store, migrated; a failure is said in a sentence that names the database.
    private func openMigrated() async throws -> any TandemStorage {
        let store: any TandemStorage
        do {
            switch self {
            case .sqlite(let path): store = try SQLiteStore(path: path, clock: SystemClock())
            case .postgres(let url): store = try await PostgresStore.open(url: url, clock: SystemClock(), logger: Self.commandLogger)
            }
        } catch {
            throw openFailure(error)
        }
        do {
            try await store.migrate()
            return store
        } catch {
            await store.close()
            throw openFailure(error)
        }
    }

    private func openFailure(_ error: any Error) -> CommandFailure {
        switch self {
        case .sqlite(let path):
            CommandFailure("cannot open the database \(path) (\(CommandFailure.sentence(for: error))); "
                + "check --database / TANDEM_DATABASE and that its folder exists and is writable")
        case .postgres:
            CommandFailure("cannot open the database \(location): \(CommandFailure.sentence(for: error)); check --database / TANDEM_DATABASE")
        }
    }

    /// A command's store logs warnings and worse only: what it did is the command's output.
    static let commandLogger: Logger = {
        var logger = Logger(label: "tandem.postgres")
        logger.logLevel = .warning
        return logger
    }()
}
