import Foundation
import PostgresNIO
import Synchronization
import TandemStore

/// The statements of a registration burst, prepared once per connection: parsing and planning
/// them cost PostgreSQL more than running them, every batch. Rows come back as they are, for the
/// store's own decoders.
enum PGBulkStatements {
    /// Locks the events a batch names, in id order (`PGRegistrationBatch.lockEvents`).
    struct LockEvents: PostgresPreparedStatement {
        static let sql = "SELECT \(PGTransaction.eventColumns) FROM event WHERE slug = ANY($1) ORDER BY id FOR UPDATE"
        typealias Row = PostgresRow
        var slugs: [String]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(slugs)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }

    /// An event's counts, last place in line and how many of the batch's addresses it knows, with
    /// a row per named session (its columns, then its counts); the event's values end every row.
    struct Ledger: PostgresPreparedStatement {
        static let sql = """
            SELECT \(PGTransaction.sessionColumns), seats.confirmed, seats.waitlisted, seats.last,
                   ledger.confirmed, ledger.waitlisted, ledger.last, ledger.known
            FROM (SELECT count(*) FILTER (WHERE status = 'confirmed')::int8 AS confirmed,
                         count(*) FILTER (WHERE status = 'waitlisted')::int8 AS waitlisted,
                         COALESCE(max(queueOrder) FILTER (WHERE status = 'waitlisted'), 0)::int8 AS last,
                         count(*) FILTER (WHERE status != 'cancelled' AND lower(email) = ANY($2))::int8 AS known
                  FROM registration WHERE eventId = $1) ledger
            LEFT JOIN session ON session.id = ANY($3) AND session.eventId = $1
            LEFT JOIN LATERAL (
                SELECT count(*) FILTER (WHERE status = 'confirmed')::int8 AS confirmed,
                       count(*) FILTER (WHERE status = 'waitlisted')::int8 AS waitlisted,
                       COALESCE(max(queueOrder) FILTER (WHERE status = 'waitlisted'), 0)::int8 AS last
                FROM registrationSession WHERE sessionId = session.id) seats ON TRUE
            """
        typealias Row = PostgresRow
        var eventID: Int64
        var emails: [String]
        var sessionIDs: [Int64]

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(eventID)
            bindings.append(emails)
            bindings.append(sessionIDs)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }

    /// Everything a batch writes, in one statement (see `PGRegistrationBulk.write`). Returns a row
    /// `('registration', id, tokenHash)` per registration, `('change', eventId, seq)` per event,
    /// and one `('doorbell', 0, '')`.
    struct Write: PostgresPreparedStatement {
        static let sql = """
            WITH input AS (
                SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(
                    ord bigint, eventid bigint, tokenhash text, tokennonce text, name text, email text, organisation text, country text,
                    language text, status text, queueorder bigint, holdexpiresat double precision, mail text)
            ), inserted AS (
                INSERT INTO registration (eventId, tokenHash, tokenNonce, name, email, organisation, country, language, status, queueOrder,
                                          consentAt, createdAt, updatedAt, holdExpiresAt)
                SELECT eventid, tokenhash, tokennonce, name, email, organisation, country, language, status, queueorder,
                       $3, $3, $3, to_timestamp(holdexpiresat)
                FROM input ORDER BY ord
                RETURNING id, tokenHash
            ), choices AS (
                INSERT INTO registrationSession (registrationId, sessionId, status, queueOrder, createdAt)
                SELECT inserted.id, c.sessionid, c.status, c.queueorder, $3
                FROM jsonb_to_recordset($2::jsonb) AS c(tokenhash text, sessionid bigint, status text, queueorder bigint)
                JOIN inserted ON inserted.tokenHash = c.tokenhash
            ), mails AS (
                INSERT INTO outbox (registrationId, kind, recipient, recipientName, language, subject, body, createdAt,
                                    nextAttemptAt, attempts, pendingComposition, changes)
                SELECT inserted.id, input.mail, input.email, input.name, input.language, '', '', $3, $3, 0, TRUE, NULL
                FROM input JOIN inserted ON inserted.tokenHash = input.tokenhash ORDER BY input.ord
            ), events AS (
                SELECT * FROM jsonb_to_recordset($4::jsonb) AS e(id bigint, version bigint, confirmed bigint, waitlisted bigint, type text, payload text)
            ), versioned AS (
                UPDATE event SET seatsConfirmed = events.confirmed, seatsWaitlisted = events.waitlisted,
                    scheduleVersion = event.scheduleVersion + 1, updatedAt = $3
                FROM events WHERE event.id = events.id AND event.scheduleVersion = events.version
                RETURNING event.id, event.scheduleVersion
            ), sessions AS (
                UPDATE session SET seatsConfirmed = s.confirmed, seatsWaitlisted = s.waitlisted
                FROM jsonb_to_recordset($5::jsonb) AS s(id bigint, confirmed bigint, waitlisted bigint)
                WHERE session.id = s.id
            ), changes AS (
                INSERT INTO change (eventId, seq, type, payload, actor, at)
                SELECT versioned.id, versioned.scheduleVersion, events.type, events.payload, $6, $3
                FROM versioned JOIN events ON events.id = versioned.id
                RETURNING eventId, seq
            )
            SELECT 'registration', id, tokenHash FROM inserted
            UNION ALL SELECT 'change', eventId, seq::text FROM changes
            UNION ALL SELECT 'doorbell', 0, '' FROM pg_notify($7, $8)
            """
        typealias Row = PostgresRow
        var registrations: String
        var choices: String
        var at: Date
        var events: String
        var sessions: String
        var actor: String
        var channel: String
        var doorbell: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 8)
            bindings.append(registrations)
            bindings.append(choices)
            bindings.append(at)
            bindings.append(events)
            bindings.append(sessions)
            bindings.append(actor)
            bindings.append(channel)
            bindings.append(doorbell)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }
}

extension PGTransaction {
    /// Runs a prepared statement (prepared on this connection the first time) and collects its rows.
    func run<Statement: PostgresPreparedStatement>(_ statement: Statement) async throws -> [PostgresRow] where Statement.Row == PostgresRow {
        let rows: AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow> = try await connection.execute(statement, logger: logger)
        var collected: [PostgresRow] = []
        for try await row in rows { collected.append(row) }
        return collected
    }
}

extension PostgresStore {
    /// How many pool connections `warmUp` opens: the registration batch writer, the reads beside it
    /// and the outbox worker use a few at a time.
    static let warmConnections = 4

    /// Opens `warmConnections` pool connections and prepares the registration burst's statements on
    /// each, in a transaction rolled back (the statements stay prepared; nothing is written, and a
    /// notification of a rolled-back transaction is never sent). Before this, the first burst after a
    /// start paid for connecting (the login's SCRAM exchange) and for parsing and planning the
    /// statements, and ran about a quarter slower than the bursts after it.
    public func warmUp() async {
        let logger = self.logger
        let client = self.client
        // Each lease holds its connection until all have one: a lease that ended early would hand
        // its connection to the next, and the connections opened meanwhile would stay cold.
        let together = LeaseBarrier(parties: Self.warmConnections)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<Self.warmConnections {
                group.addTask {
                    do {
                        try await client.withConnection { connection in
                            try await connection.query("BEGIN", logger: logger)
                            do {
                                let tx = PGTransaction(connection: connection, actor: "system", at: Date(timeIntervalSince1970: 0), logger: logger)
                                _ = try await tx.run(PGBulkStatements.LockEvents(slugs: []))
                                _ = try await tx.run(PGBulkStatements.Ledger(eventID: 0, emails: [], sessionIDs: []))
                                _ = try await tx.run(PGBulkStatements.Write(registrations: "[]", choices: "[]", at: Date(timeIntervalSince1970: 0),
                                                                            events: "[]", sessions: "[]", actor: "system",
                                                                            channel: ChangeBus.channel, doorbell: ""))
                            } catch {
                                _ = try? await connection.query("ROLLBACK", logger: logger)
                                throw error
                            }
                            try await connection.query("ROLLBACK", logger: logger)
                            await together.arrive(timeout: .seconds(5))
                        }
                    } catch {
                        together.leave()
                        logger.notice("could not warm a pool connection; the first requests will open it", metadata: ["error": "\(String(describing: error).prefix(200))"])
                    }
                }
            }
        }
    }
}

/// Lets tasks wait until `parties` of them have arrived (or left), or a timeout passed; once open
/// (all there, or a timeout), it stays open.
final class LeaseBarrier: Sendable {
    private struct State {
        var waiting = 0
        var parties: Int
        var open = false
        var continuations: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    init(parties: Int) {
        state = Mutex(State(parties: parties))
    }

    /// Waits until every party has arrived or left, at most `timeout`.
    func arrive(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let release = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
                        state.waiting += 1
                        state.continuations.append(continuation)
                        return state.open || state.waiting >= state.parties ? Self.take(&state) : []
                    }
                    release.forEach { $0.resume() }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.state.withLock { Self.take(&$0) }.forEach { $0.resume() }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// A party that will not arrive (it failed).
    func leave() {
        let release = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.parties -= 1
            return state.waiting >= state.parties ? Self.take(&state) : []
        }
        release.forEach { $0.resume() }
    }

    private static func take(_ state: inout State) -> [CheckedContinuation<Void, Never>] {
        state.open = true
        defer { state.continuations = [] }
        return state.continuations
    }
}
