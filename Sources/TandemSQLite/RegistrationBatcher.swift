import Foundation
import Synchronization
import TandemCore
import TandemStore

/// Group commit for registrations. Requests that arrive while a transaction is being written
/// (and fsynced) queue here; the next transaction takes them all, in arrival order, each in its
/// own savepoint with its own answer. One fsync then confirms many registrations, FIFO order is
/// the arrival order, and a lone request waits for no one.
actor RegistrationBatcher {
    private struct Job {
        var job: RegistrationJob
        var continuation: CheckedContinuation<RegistrationReceipt, any Error>
    }

    /// Most registrations written in one transaction. Small enough that the single writer starts on
    /// the first arrivals while the HTTP side still reads the rest (measured: 16 beat 8, 32 and 100
    /// by a few per cent in the 500-on-50 burst); an fsync costs about 0.4 ms here.
    let maxBatch: Int
    private var queue: [Job] = []
    private var draining = false

    init(maxBatch: Int = 16) {
        self.maxBatch = maxBatch
    }

    func submit(_ job: RegistrationJob, store: SQLiteStore) async throws -> RegistrationReceipt {
        try await withCheckedThrowingContinuation { continuation in
            queue.append(Job(job: job, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain(store: store) }
            }
        }
    }

    private func drain(store: SQLiteStore) async {
        while !queue.isEmpty {
            let batch = Array(queue.prefix(maxBatch))
            queue.removeFirst(batch.count)
            let results = await store.registerBatch(batch.map(\.job))
            for (job, result) in zip(batch, results) { job.continuation.resume(with: result) }
        }
        draining = false
    }
}
