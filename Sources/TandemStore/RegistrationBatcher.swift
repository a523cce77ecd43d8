import Foundation
import TandemCore

/// Group commit for registrations, for every store. Requests that arrive while a transaction is
/// being written (and made durable) queue here; the next transaction takes them all, in arrival
/// order, each in its own savepoint with its own answer. One fsync then confirms many
/// registrations, FIFO order is the arrival order, and a lone request waits for no one.
public actor RegistrationBatcher {
    /// Writes the jobs in one transaction, in order, and answers each.
    public typealias WriteBatch = @Sendable ([RegistrationJob]) async -> [Result<RegistrationReceipt, any Error>]

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
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            let results = await write(batch.map(\.job))
            for (job, result) in zip(batch, results) { job.continuation.resume(with: result) }
        }
        draining = false
    }
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
