import Foundation
import Synchronization
import Testing
import TandemCore
import TandemStore
import TandemTestSupport

@Suite("Group commit: late arrivals join the batch that waited for their event's lock", .timeLimit(.minutes(5)))
struct RegistrationBatcherTests {
    /// Records the batches written, and holds the first one until told to go on.
    final class Writer: Sendable {
        let batches = Mutex<[[String]]>([])
        let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let waiting = Mutex(false)

        func write(_ jobs: [RegistrationJob], _ late: LateArrivals) async -> [Result<RegistrationReceipt, any Error>] {
            let first = batches.withLock { $0.isEmpty }
            if first {
                // The first batch "waits for the lock" until the test has queued more.
                await withCheckedContinuation { continuation in
                    gate.withLock { $0 = continuation }
                    waiting.withLock { $0 = true }
                }
            }
            let all = jobs + (await late.take(for: ["a"]))
            batches.withLock { $0.append(all.map(\.request.name)) }
            return all.map { job in
                .success(RegistrationReceipt(registration: Registration(id: .init(0), eventID: .init(1), name: job.request.name, email: job.request.email,
                                                                        consentAt: Date(timeIntervalSince1970: 0), createdAt: Date(timeIntervalSince1970: 0)),
                                             token: job.token, timezone: "Europe/Berlin"))
            }
        }
    }

    func job(_ slug: String, _ name: String) -> RegistrationJob {
        RegistrationJob(slug: slug, request: RegistrationRequest(name: name, email: "\(name)@example.org", sessionIDs: [], consent: true), tokens: TestTokens())
    }

    @Test("registrations for the locked event that queued meanwhile join in arrival order; others wait for the next batch; everyone gets their own answer")
    func lateArrivalsJoin() async throws {
        let batcher = RegistrationBatcher(maxBatch: 4)
        let writer = Writer()
        let write: RegistrationBatcher.WriteBatch = { jobs, late in await writer.write(jobs, late) }
        final class Answers: Sendable { let names = Mutex<[String: String]>([:]) }
        let answers = Answers()
        func submit(_ slug: String, _ name: String) -> Task<Void, any Error> {
            let job = self.job(slug, name)
            return Task {
                let receipt = try await batcher.submit(job, write: write)
                answers.names.withLock { $0[name] = receipt.registration.name }
            }
        }
        var tasks = [submit("a", "a1")]
        while !writer.waiting.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(1)) }
        // While the first batch waits: four more arrive, for the locked event and another.
        for (slug, name) in [("a", "a2"), ("b", "b1"), ("a", "a3"), ("a", "a4")] {
            tasks.append(submit(slug, name))
            try await Task.sleep(for: .milliseconds(20))
        }
        writer.gate.withLock { $0?.resume(); $0 = nil }
        for task in tasks { try await task.value }
        #expect(writer.batches.withLock { $0 } == [["a1", "a2", "a3", "a4"], ["b1"]], "a4 fits the batch of 4; b1 waits")
        #expect(answers.names.withLock { $0 } == ["a1": "a1", "a2": "a2", "a3": "a3", "a4": "a4", "b1": "b1"])
    }
}
