import Foundation
import Logging
import Synchronization
import Testing
import TandemCore
import TandemTestSupport
@testable import TandemServer

@Suite("Periodic jobs and the injected clock", .timeLimit(.minutes(5)))
struct PeriodicServiceTests {
    @Test("moving the injected clock starts the next round at once, not an interval later")
    func clockMoveStartsARound() async throws {
        let clock = TestClock()
        let (rounds, seen) = AsyncStream.makeStream(of: Date.self)
        // An hour between rounds: only the clock's move can bring the second round within the time limit.
        let service = PeriodicService(name: "test job", interval: .seconds(3600), clock: clock, logger: Logger(label: "test")) {
            seen.yield(clock.now())
        }
        let running = Task { try await service.run() }
        var next = rounds.makeAsyncIterator()
        let first = try #require(await next.next())
        await clock.untilPaused()
        clock.advance(by: 600)
        let second = try #require(await next.next())
        #expect(second == first.addingTimeInterval(600), "the round saw the moved clock")
        await clock.untilPaused()
        clock.set(first.addingTimeInterval(3600))
        #expect(await next.next() == first.addingTimeInterval(3600))
        running.cancel()
        _ = await running.result
    }

    @Test("a failed round is logged and the job goes on; cancelling ends a pause at once")
    func failedRoundAndCancel() async throws {
        let clock = TestClock()
        let calls = Mutex(0)
        let (rounds, seen) = AsyncStream.makeStream(of: Int.self)
        let service = PeriodicService(name: "flaky job", interval: .seconds(3600), clock: clock, logger: Logger(label: "test")) {
            let call = calls.withLock { $0 += 1; return $0 }
            seen.yield(call)
            if call == 1 { throw TestFailure() }
        }
        let running = Task { try await service.run() }
        var next = rounds.makeAsyncIterator()
        #expect(await next.next() == 1)
        await clock.untilPaused()
        clock.advance(by: 1)
        #expect(await next.next() == 2, "the round after a failure runs")
        await clock.untilPaused()
        let cancelled = ContinuousClock.now
        running.cancel()
        _ = await running.result
        #expect(ContinuousClock.now - cancelled < .seconds(30), "the hour's pause ended with the task")
    }

    private struct TestFailure: Error {}
}
