import Foundation
import TandemCore

/// What several Tandem processes on one database share and coordinate through it. On SQLite one
/// process owns the database file, so each answer is the trivial one; on PostgreSQL any number of
/// processes run on one database (issue 16) and these are how they stay one Tandem.
public protocol InstanceCoordination: Sendable {
    /// Runs until cancelled: hands the store's change sink the changes that other processes commit
    /// on this database, in `seq` order per event, none twice and none skipped (the change bus).
    /// Returns at once where no other process can write (SQLite).
    func followChanges() async throws

    /// Whether this process leads the jobs that must run once per database (expiry jobs, pruning):
    /// asked before each round. Exactly one process leads at a time; when it dies, another takes
    /// over within seconds. Always `true` on SQLite.
    func isJobLeader() async -> Bool

    /// Runs `body` while no other process on this database runs its own `exclusively` body: the
    /// start-up chores (the first admin, the demo programme) that two processes starting at once
    /// must not both do.
    func exclusively<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T

    /// Failed logins recorded under each of `keys` (a throttling key names an address, an account,
    /// or the pair), shared by every process on the database.
    func loginFailures(keys: [String]) async throws -> [String: LoginFailures]
    /// Counts one more failed login under each of `keys`, at `instant`.
    func recordLoginFailure(keys: [String], at instant: Date) async throws
    /// Forgets the failures recorded under `keys` (a successful login).
    func clearLoginFailures(keys: [String]) async throws
    /// Forgets failures last recorded before `instant` (their back-off has run out). Returns how many keys.
    func forgetLoginFailures(before instant: Date) async throws -> Int
}

/// The failed logins recorded under one throttling key.
public struct LoginFailures: Sendable, Equatable {
    public var count: Int
    public var last: Date

    public init(count: Int, last: Date) {
        self.count = count
        self.last = last
    }
}

/// The PostgreSQL notification channel of the change bus, and what its payload says: which events
/// have new changes up to which `seq`. Never the changes themselves: every process reads those from
/// the change log, so a lost notification loses nothing.
public enum ChangeBus {
    public static let channel = "tandem_changes"
    /// PostgreSQL refuses payloads of 8,000 bytes or more; past this, the payload says "every event".
    static let maxPayloadBytes = 7_000
    /// The payload meaning "look at every event".
    public static let everyEvent = "*"

    /// `"<eventId>:<seq>"` for each event the changes touch (its highest `seq`), comma-separated;
    /// `nil` when no change belongs to an event.
    public static func payload(for changes: [Change]) -> String? {
        var highest: [Event.ID: Int64] = [:]
        for change in changes {
            guard let event = change.eventID, let seq = change.seq else { continue }
            highest[event] = max(highest[event] ?? 0, seq)
        }
        guard !highest.isEmpty else { return nil }
        let text = highest.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue):\($0.value)" }.joined(separator: ",")
        return text.utf8.count <= maxPayloadBytes ? text : everyEvent
    }

    /// What a payload names: each event with its `seq`, or `nil` for "every event" (and for anything
    /// that does not parse: looking at every event is always safe).
    public static func parse(_ payload: String) -> [Event.ID: Int64]? {
        var result: [Event.ID: Int64] = [:]
        for pair in payload.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let event = Int64(parts[0]), let seq = Int64(parts[1]) else { return nil }
            result[Event.ID(event)] = max(result[Event.ID(event)] ?? 0, seq)
        }
        return result.isEmpty ? nil : result
    }
}
