import Foundation
import TandemCore

/// Bringing a database up to this build's schema, and saying whether it is.
public protocol StoreMaintenance: Sendable {
    /// Applies the migrations this database lacks.
    func migrate() async throws
    /// Whether every migration this build knows has been applied (`/readyz`).
    func isMigrated() async throws -> Bool
    /// The migrations applied, in order.
    func appliedMigrations() async throws -> [String]
    /// Lets go of the database (a server pool's connections); the store is not used afterwards.
    func close() async
    /// Makes ready before the first request what the first requests would otherwise pay for (a
    /// server pool's connections and their prepared statements). Failing here is never fatal.
    func warmUp() async
}

extension StoreMaintenance {
    /// Nothing to warm by default (an embedded database opens with its connection).
    public func warmUp() async {}

    /// Runs `body`, then closes the store whether `body` threw or not (a server pool that is not
    /// closed keeps the process alive).
    public func closing<T>(after body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await close()
            return result
        } catch {
            await close()
            throw error
        }
    }
}

/// Whole-file imports, each one transaction: all of it is written, or nothing.
public protocol ImportStore: Sendable {
    /// Writes a checked schedule (event, rooms, speakers, sessions); conflicts in the end state
    /// refuse it unless `plan.allowConflicts`.
    func importSchedule(_ plan: ScheduleImport, by actor: String) async throws -> ScheduleImportResult
    /// Creates or updates speakers matched by name (`SpeakerImportPlan`), in one transaction; with
    /// `dryRun` only says what it would do and writes nothing.
    func importSpeakers(_ speakers: [Speaker], dryRun: Bool, by actor: String) async throws -> SpeakerImportResult
}

extension ImportStore {
    /// Creates or updates speakers matched by name. Returns how many were created and updated.
    public func importSpeakers(_ speakers: [Speaker], by actor: String) async throws -> (created: Int, updated: Int) {
        let result = try await importSpeakers(speakers, dryRun: false, by: actor)
        return (result.created.count, result.updated.count)
    }
}

/// Everything the server needs of its store. The executable picks the implementation (SQLite or PostgreSQL);
/// TandemServer sees only this.
public typealias TandemStorage = ScheduleStore & RegistrationStore & AccountStore & InviteStore & ImportStore & StoreMaintenance
    & InstanceCoordination & WebhookStore

/// What a store is opened with: where the database is (`--database`: a file path for SQLite), the
/// server's clock, where committed changes go, and the self-service tokens (derived from the
/// server's secret).
public struct StoreContext: Sendable {
    public var location: String
    public var clock: any WallClock
    public var sink: any ChangeSink
    public var tokens: any SelfServiceTokens

    public init(location: String, clock: any WallClock, sink: any ChangeSink, tokens: any SelfServiceTokens) {
        self.location = location
        self.clock = clock
        self.sink = sink
        self.tokens = tokens
    }
}

/// Opens the store the server runs on.
public typealias StoreOpener = @Sendable (StoreContext) async throws -> any TandemStorage
