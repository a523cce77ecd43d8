import Foundation
import Logging
import PostgresNIO
import TandemCore
import TandemStore

/// One transaction's connection, and its change log: appends change records and remembers them
/// for publishing after commit. Lives only inside a single `write` (or `read`) closure.
final class PGTransaction: @unchecked Sendable {
    let connection: PostgresConnection
    let actor: String
    let at: Date
    let logger: Logger
    private(set) var changes: [Change] = []
    /// A statement of the transaction has rung the change bus already (for every change it holds).
    var busRung = false
    private var savepoints = 0

    init(connection: PostgresConnection, actor: String, at: Date, logger: Logger) {
        self.connection = connection
        self.actor = actor
        self.at = at
        self.logger = logger
    }

    // MARK: Queries

    /// Runs a statement and collects its rows.
    @discardableResult
    func query(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger, file: file, line: line).collect()
    }

    /// Runs a statement, ignoring its rows. (postgres-nio does not tell how many rows a statement
    /// touched: to count them, add `RETURNING 1` and count the rows of `query`.)
    func execute(_ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws {
        _ = try await connection.query(query, logger: logger, file: file, line: line).collect()
    }

    /// The first column of the first row, or `nil`.
    func value<T: PostgresDecodable>(_ type: T.Type, _ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> T? {
        guard let row = try await self.query(query, file: file, line: line).first else { return nil }
        return try row.decode(T.self)
    }

    /// The first column of every row.
    func values<T: PostgresDecodable>(_ type: T.Type, _ query: PostgresQuery, file: String = #fileID, line: Int = #line) async throws -> [T] {
        try await self.query(query, file: file, line: line).map { try $0.decode(T.self) }
    }

    // MARK: The change log

    /// Takes the event's next `seq` (which becomes its `scheduleVersion`), builds the change for it
    /// and records it. The UPDATE locks the event row until commit: changes of one event are serial.
    @discardableResult
    func append(event eventID: Event.ID, _ build: (Int64) throws -> ChangeData) async throws -> Int64 {
        guard let row = try await query("""
            UPDATE event SET scheduleVersion = scheduleVersion + 1, updatedAt = \(at)
            WHERE id = \(eventID.rawValue) RETURNING scheduleVersion, timezone
            """).first
        else { throw StoreError.notFound(entity: "event", key: eventID.description) }
        let (seq, timezone) = try row.decode((Int64, String).self)
        try await record(eventID: eventID, seq: seq, data: build(seq), timezone: timezone)
        return seq
    }

    /// Takes note of a change a statement of its own has written (its row, and its `seq` taken
    /// from the locked event row), so that it reaches the sink after commit like every other.
    /// Only for attendees' and the clock's changes: organisers' go through `append`, which also
    /// writes the audit log.
    func recorded(_ change: Change) {
        precondition(!isOrganiser, "organisers' changes are appended with their audit entry")
        changes.append(change)
    }

    /// Records a programme-wide change that belongs to no event (e.g. a new speaker).
    func appendGlobal(_ data: ChangeData) async throws {
        try await record(eventID: nil, seq: nil, data: data)
    }

    private func record(eventID: Event.ID?, seq: Int64?, data: ChangeData, timezone: String? = nil) async throws {
        let payload = String(decoding: try data.encodedPayload(using: ChangePayloadCoding.encoder), as: UTF8.self)
        let eventValue = eventID?.rawValue
        let type = data.type
        let changeID = try await value(Int64.self, """
            INSERT INTO change (eventId, seq, type, payload, actor, at) VALUES (\(eventValue), \(seq), \(type), \(payload), \(actor), \(at))
            RETURNING id
            """)
        changes.append(Change(eventID: eventID, seq: seq, data: data, actor: actor, at: at, timezone: timezone))
        if isOrganiser {
            try await execute("""
                INSERT INTO auditEntry (eventId, seq, changeId, action, detail, actor, at)
                VALUES (\(eventValue), \(seq), \(changeID), \(type), NULL, \(actor), \(at))
                """)
        }
    }

    /// Organisers' actions go to the audit log; attendees' own registrations and the clock's doings do not.
    var isOrganiser: Bool { actor != "attendee" && actor != "system" }

    /// Records an organiser action that changes no public state (a check-in, an export, an account
    /// change) in the audit log only; `detail` is a small JSON object.
    func audit(event eventID: Event.ID?, action: String, detail: [String: String]) async throws {
        let json = String(decoding: try ChangePayloadCoding.encoder.encode(detail), as: UTF8.self)
        let eventValue = eventID?.rawValue
        try await execute("""
            INSERT INTO auditEntry (eventId, seq, changeId, action, detail, actor, at)
            VALUES (\(eventValue), NULL, NULL, \(action), \(json), \(actor), \(at))
            """)
    }

    /// Runs `body` in a savepoint; if it throws, its writes and the changes it appended are undone
    /// while the rest of the transaction goes on (one registration of a group commit failing).
    func savepoint<T>(_ body: () async throws -> T) async throws -> T {
        savepoints += 1
        let name = "s\(savepoints)"
        let mark = changes.count
        try await execute("SAVEPOINT \(unescaped: name)")
        do {
            let result = try await body()
            try await execute("RELEASE SAVEPOINT \(unescaped: name)")
            return result
        } catch {
            try await execute("ROLLBACK TO SAVEPOINT \(unescaped: name)")
            changes.removeSubrange(mark...)
            throw error
        }
    }
}
