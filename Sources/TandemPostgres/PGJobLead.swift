import Foundation
import Logging
import NIOPosix
import PostgresNIO

/// Which process leads the jobs that must run once per database: the one whose own connection holds
/// a session advisory lock. PostgreSQL releases the lock when that connection ends, so when the
/// leader dies (its connection with it) the next process to ask takes the lock, within one round of
/// its jobs. The connection is opened on the first question, so commands that never ask never open it.
actor PGJobLead {
    /// Any value: the advisory lock of the job leader (advisory locks are per database).
    static let lockKey: Int64 = 0x7461_6E64_656D_0002

    let location: PostgresLocation
    let logger: Logger
    private var connection: PostgresConnection?
    private var leading = false
    private var closed = false

    init(location: PostgresLocation, logger: Logger) {
        self.location = location
        self.logger = logger
    }

    /// The question being answered: jobs asking at the same moment share it (the actor is reentrant
    /// at each `await`, and one connection is enough).
    private var pending: Task<Bool, Never>?

    /// Whether this process leads: takes the lock if no one holds it, and checks that the connection
    /// holding it is still there. Any failure means "not leading" until a later question succeeds.
    func isLeader() async -> Bool {
        if let pending { return await pending.value }
        let question = Task { await self.ask() }
        pending = question
        let answer = await question.value
        pending = nil
        return answer
    }

    private func ask() async -> Bool {
        guard !closed else { return false }
        do {
            let connection = try await openConnection()
            if leading {
                // Still ours while the connection lives.
                _ = try await connection.query("SELECT 1", logger: logger).collect()
            } else {
                let rows = try await connection.query("SELECT pg_try_advisory_lock(\(Self.lockKey))", logger: logger).collect()
                leading = try rows.first?.decode(Bool.self) ?? false
                if leading { logger.info("this instance now leads the database's jobs (expiry, pruning)") }
            }
            return leading
        } catch {
            if leading { logger.warning("this instance no longer leads the database's jobs", metadata: ["error": "\(error)"]) }
            await drop()
            return false
        }
    }

    private func openConnection() async throws -> PostgresConnection {
        if let connection, !connection.isClosed { return connection }
        leading = false
        let opened = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: try location.connectionConfiguration(applicationName: "tandem-jobs"),
            id: 2, logger: logger).get()
        connection = opened
        return opened
    }

    private func drop() async {
        leading = false
        let old = connection
        connection = nil
        try? await old?.close()
    }

    /// Lets go of the lead (closing the connection releases the lock) for good.
    func close() async {
        closed = true
        await drop()
    }
}
