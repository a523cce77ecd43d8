import Foundation
import Synchronization
import Logging
import NIOPosix
import PostgresNIO
import TandemCore
import TandemStore

/// The receiving end of the change bus: brings the changes other processes commit on this database
/// to this process's sink. A notification (`pg_notify` in the committing transaction) is only a
/// doorbell naming `event:seq`; the changes are read from the change log past the last `seq` this
/// process delivered, so order is the log's and a lost notification loses nothing. The log is read
/// on every notification, after every (re)connection, and on a slow poll as a safety net.
///
/// One task reads the log, so reads never overlap; the sink is `OrderedChangeSink`, which drops
/// what was delivered already (this process's own changes arrive both ways) and never hands on
/// `n+2` before `n+1`.
struct PGChangeFollower: Sendable {
    let location: PostgresLocation
    let client: PostgresClient
    let sink: OrderedChangeSink
    /// What this process is committing itself.
    let ownCommits: OwnCommits
    let logger: Logger
    /// How often the log is looked at without a notification (and the LISTEN connection checked).
    var pollInterval: Duration = .seconds(2)
    /// The first wait before reconnecting a lost LISTEN connection; it doubles up to `maxBackoff`.
    var firstBackoff: Duration = .milliseconds(100)
    var maxBackoff: Duration = .seconds(5)

    /// What the reader is asked to look at.
    enum Wakeup: Sendable {
        /// These events have changes up to these `seq`s.
        case events([Event.ID: Int64])
        /// Every event (after a (re)connection, on the poll, or a payload naming no event).
        case everyEvent
    }

    /// Runs until cancelled.
    func run() async throws {
        let (wakeups, wake) = AsyncStream.makeStream(of: Wakeup.self, bufferingPolicy: .unbounded)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await read(wakeups) }
            group.addTask { try await listen(wake) }
            try await group.next()
            group.cancelAll()
        }
    }

    /// Keeps one connection listening, re-opening it with back-off when it is lost.
    private func listen(_ wake: AsyncStream<Wakeup>.Continuation) async throws {
        var backoff = firstBackoff
        while !Task.isCancelled {
            do {
                try await listenOnce(wake) {
                    backoff = firstBackoff
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("the change bus lost its connection; reconnecting",
                               metadata: ["error": "\(PostgresStore.explainConnectFailure(error, location: location))", "retryIn": "\(backoff)"])
            }
            // Whatever was committed meanwhile is read now, by the poll, before the next connection.
            wake.yield(.everyEvent)
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, maxBackoff)
        }
    }

    /// One connection: LISTEN, then catch up on everything (what was committed while no one
    /// listened), then follow notifications, and poll on the same connection so that a connection
    /// that died silently is noticed.
    private func listenOnce(_ wake: AsyncStream<Wakeup>.Continuation, connected: () -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: try location.connectionConfiguration(applicationName: "tandem-changes"),
            id: 1, logger: logger).get()
        do {
            try await connection.listen(on: ChangeBus.channel) { notifications in
                connected()
                wake.yield(.everyEvent)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        while true {
                            try await Task.sleep(for: pollInterval)
                            // A query on the listening connection: fails if it is gone.
                            _ = try await connection.query("SELECT 1", logger: logger).collect()
                            wake.yield(.everyEvent)
                        }
                    }
                    group.addTask {
                        for try await notification in notifications {
                            wake.yield(ChangeBus.parse(notification.payload).map(Wakeup.events) ?? .everyEvent)
                        }
                        throw ConnectionEnded()
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private struct ConnectionEnded: Error, CustomStringConvertible {
        var description: String { "the server ended the LISTEN connection" }
    }

    /// Reads the change log for each wake-up, one at a time.
    private func read(_ wakeups: AsyncStream<Wakeup>) async throws {
        for await wakeup in wakeups {
            try Task.checkCancellation()
            do {
                switch wakeup {
                case .events(let seqs):
                    // This process's own commits ring the bell too; the code that committed them hands
                    // them on itself, so they are not read back (if that code never learns of its
                    // commit, the gap watch or the poll reads them).
                    for (event, seq) in seqs.sorted(by: { $0.key.rawValue < $1.key.rawValue })
                    where sink.delivered(event: event) < seq && !ownCommits.cover(event: event, seq: seq) {
                        try await catchUp(event)
                    }
                case .everyEvent:
                    let versions = try await client.query("SELECT id, scheduleVersion FROM event", logger: logger).collect()
                    for row in versions {
                        let (id, version) = try row.decode((Int64, Int64).self)
                        let event = Event.ID(id)
                        guard sink.delivered(event: event) < version else { continue }
                        try await catchUp(event)
                        if sink.delivered(event: event) < version {
                            // The version is ahead of the log (nothing writes it without a change row);
                            // do not ask again every poll.
                            logger.warning("an event's version is ahead of its change log", metadata: ["event": "\(id)", "version": "\(version)"])
                            sink.setDelivered(version, event: event)
                        }
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                // The pool is down too: the next wake-up (at the latest the poll after reconnecting) tries again.
                logger.warning("the change bus could not read the change log", metadata: ["error": "\(PostgresStore.translate(error))"])
            }
        }
    }

    /// Hands on every change of `event` past the last one delivered, in order.
    private func catchUp(_ event: Event.ID) async throws {
        while true {
            let after = sink.delivered(event: event)
            let changes = try await PostgresStore.changes(client: client, logger: logger, event: event, after: after, limit: PostgresStore.changeReadLimit)
            guard !changes.isEmpty else { return }
            sink.committed(changes)
            if changes.count < PostgresStore.changeReadLimit || sink.delivered(event: event) <= after { return }
        }
    }
}

/// The highest `seq` per event that this process has written and is committing or has committed:
/// noted just before COMMIT, so that the change bus's doorbell for it, which may ring before the
/// committing code has handed the changes on, is not answered by reading them back.
final class OwnCommits: Sendable {
    private let highest = Mutex<[Event.ID: Int64]>([:])

    func note(_ changes: [Change]) {
        highest.withLock { highest in
            for change in changes {
                guard let event = change.eventID, let seq = change.seq else { continue }
                highest[event] = max(highest[event] ?? 0, seq)
            }
        }
    }

    /// Withdraws what `note` noted for a transaction whose commit was not confirmed, unless a later
    /// transaction has noted more since.
    func withdraw(_ changes: [Change]) {
        var spans: [Event.ID: ClosedRange<Int64>] = [:]
        for change in changes {
            guard let event = change.eventID, let seq = change.seq else { continue }
            spans[event] = spans[event].map { min($0.lowerBound, seq)...max($0.upperBound, seq) } ?? seq...seq
        }
        highest.withLock { highest in
            for (event, span) in spans where highest[event] == span.upperBound { highest[event] = span.lowerBound - 1 }
        }
    }

    func cover(event: Event.ID, seq: Int64) -> Bool {
        highest.withLock { ($0[event] ?? 0) >= seq }
    }
}
