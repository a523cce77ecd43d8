import Foundation
import TandemCore

/// Group commit for registrations, for every store. Requests that arrive while a transaction is
/// being written (and made durable) queue here; the next transaction takes them all, in arrival
/// order, each in its own savepoint with its own answer. One fsync then confirms many
/// registrations, FIFO order is the arrival order, and a lone request waits for no one.
public actor RegistrationBatcher {
    /// Writes the jobs in one transaction, in order, and answers each: the jobs given, then those
    /// it took in from `LateArrivals` (if any), in the order it took them.
    public typealias WriteBatch = @Sendable ([RegistrationJob], LateArrivals) async -> [Result<RegistrationReceipt, any Error>]

    private struct Job {
        var job: RegistrationJob
        var continuation: CheckedContinuation<RegistrationReceipt, any Error>
    }

    /// Most registrations written in one transaction. Small enough that the writer starts on the
    /// first arrivals while the HTTP side still reads the rest (measured on SQLite: 16 beat 8, 32
    /// and 100 by a few per cent in the 500-on-50 burst).
    public let maxBatch: Int
    private var queue: [Job] = []
    private var draining = false
    /// The batch being written, late arrivals included.
    private var inFlight: [Job] = []

    public init(maxBatch: Int = 16) {
        self.maxBatch = maxBatch
    }

    /// Queues `job`; `write` is the owning store's batch writer (the same for every call).
    public func submit(_ job: RegistrationJob, write: @escaping WriteBatch) async throws -> RegistrationReceipt {
        try await withCheckedThrowingContinuation { continuation in
            queue.append(Job(job: job, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain(write) }
            }
        }
    }

    private func drain(_ write: WriteBatch) async {
        while !queue.isEmpty {
            inFlight = Array(queue.prefix(maxBatch))
            queue.removeFirst(inFlight.count)
            let results = await write(inFlight.map(\.job), LateArrivals { [self] slugs in await self.takeLate(slugs) })
            for (job, result) in zip(inFlight, results) { job.continuation.resume(with: result) }
            inFlight = []
        }
        draining = false
    }

    /// Moves the queued registrations for `slugs` into the batch being written, in arrival order,
    /// up to the batch's size; the others stay queued in their order.
    private func takeLate(_ slugs: Set<String>) -> [RegistrationJob] {
        let room = maxBatch - inFlight.count
        guard room > 0, !queue.isEmpty else { return [] }
        var taken: [Job] = []
        var kept: [Job] = []
        for job in queue {
            if taken.count < room, slugs.contains(job.job.slug) { taken.append(job) } else { kept.append(job) }
        }
        queue = kept
        inFlight += taken
        return taken.map(\.job)
    }
}

/// Lets a batch that has just been granted its events' locks take in the registrations for those
/// events that arrived while it waited (a batch of PostgreSQL waits for the lock while another
/// instance writes): the wait becomes batching time. A batch must answer every job it took.
public struct LateArrivals: Sendable {
    let take: @Sendable (Set<String>) async -> [RegistrationJob]

    public init(take: @escaping @Sendable (Set<String>) async -> [RegistrationJob]) {
        self.take = take
    }

    /// Takes the queued registrations for these event slugs.
    public func take(for slugs: Set<String>) async -> [RegistrationJob] { await take(slugs) }

    /// No late arrivals (a batch written on its own, e.g. in tests).
    public static let none = LateArrivals { _ in [] }
}

/// One registration waiting for the group commit, with its self-service token already derived
/// (beside the other requests, not in the one writer).
public struct RegistrationJob: Sendable {
    public var slug: String
    public var request: RegistrationRequest
    public var nonce: String
    public var token: String
    public var tokenHash: String

    public init(slug: String, request: RegistrationRequest, tokens: any SelfServiceTokens) {
        self.slug = slug
        self.request = request
        nonce = tokens.newNonce()
        token = tokens.token(nonce: nonce)
        tokenHash = tokens.lookupHash(token: token)
    }
}
