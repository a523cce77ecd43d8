import Foundation
import GRDB
import Logging
import TandemCore
import TandemStore

/// The SQLite implementation of Tandem's stores: one `DatabasePool` in WAL mode, durable commits,
/// foreign keys on, and every write a single transaction that appends to the change log.
public struct SQLiteStore: Sendable {
    let writer: any DatabaseWriter
    let clock: any WallClock
    let sink: any ChangeSink
    /// Self-service tokens for registrations; without them registration writes are refused.
    let tokens: (any SelfServiceTokens)?
    /// Group commit for concurrent registrations.
    let registrationBatcher = RegistrationBatcher()
    /// Opened by the server, the only process that sends this database's mail: claims left by an
    /// earlier run (killed mid-send) are its own and are released when it starts, instead of
    /// waiting out their lease.
    let ownsOutbox: Bool

    /// Opens (creating if needed) the database at `path`. Call `migrate()` before use.
    public init(path: String, clock: any WallClock, sink: any ChangeSink = DiscardingChangeSink(),
                tokens: (any SelfServiceTokens)? = nil, ownsOutbox: Bool = false) throws {
        self.ownsOutbox = ownsOutbox
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Wait for a concurrent writer (e.g. `tandem create-admin` while serving) instead of failing.
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // With WAL, synchronous=FULL fsyncs the log on every commit: a confirmed write survives power loss.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.writer = try DatabasePool(path: path, configuration: configuration)
        self.clock = clock
        self.sink = sink
        self.tokens = tokens
    }

    /// Applies every pending migration.
    /// A database migrated by a newer Tandem is refused: its schema has steps this build does not know.
    public func migrate() throws {
        let unknown = try writer.read { db -> [String] in
            guard try db.tableExists("grdb_migrations") else { return [] }
            let known = Set(Migrations.all.map(\.identifier))
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier").filter { !known.contains($0) }
        }
        guard unknown.isEmpty else { throw StoreSchemaTooNew(database: writer.path, unknownMigrations: unknown) }
        try Migrations.migrator.migrate(writer)
        if ownsOutbox {
            try writer.write { db in try db.execute(sql: "UPDATE outbox SET claimedUntil = NULL WHERE claimedUntil IS NOT NULL") }
        }
    }

    /// Nothing to do: the pool closes when the store is released.
    public func close() async {}

    /// Whether every known migration has been applied (for readiness checks).
    public func isMigrated() async throws -> Bool {
        try await writer.read { db in try Migrations.migrator.hasCompletedMigrations(db) }
    }

    /// Identifiers of the migrations applied to this database, in order.
    public func appliedMigrations() async throws -> [String] {
        try await writer.read { db in try Migrations.migrator.appliedMigrations(db) }
    }

    /// Runs one write transaction that may append changes; they reach the sink only after commit.
    func write<T: Sendable>(actor: String, _ body: @escaping @Sendable (Database, ChangeLog) throws -> T) async throws -> T {
        let now = clock.now()
        let sink = self.sink
        do {
            return try await writer.write { db in
                let log = ChangeLog(db: db, actor: actor, at: now)
                let result = try body(db, log)
                let changes = log.changes
                if !changes.isEmpty {
                    db.afterNextTransaction(onCommit: { _ in sink.committed(changes) })
                }
                return result
            }
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    /// The one place where SQLite's errors become store errors.
    static func translate(_ error: DatabaseError) -> any Error {
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            return StoreError.conflict(field: nil, message: "this already exists")
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            return StoreError.conflict(field: nil, message: "this is still referred to, or refers to something that does not exist")
        default:
            return error
        }
    }
}

extension SQLiteStore: ImportStore, StoreMaintenance {}

extension SQLiteStore {
    /// Opens the SQLite store at the context's location (a file path) for a server: TandemServer's `StoreOpener`.
    public static let open: StoreOpener = { context in
        try SQLiteStore(path: context.location, clock: context.clock, sink: context.sink, tokens: context.tokens, ownsOutbox: true)
    }
}
