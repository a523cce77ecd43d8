import Foundation
import Synchronization
import TandemCore

/// A clock that stands still until a test moves it. Periodic jobs waiting in `pause(upTo:)` go on
/// at once when it is moved (and after their real interval otherwise).
public final class TestClock: WallClock {
    private let current: Mutex<Date>
    private let waits = Mutex(Waits())

    private struct Waits {
        /// Tasks in `pause(upTo:)`.
        var paused: [UUID: CheckedContinuation<Void, Never>] = [:]
        /// Tests in `untilPaused()`.
        var watching: [CheckedContinuation<Void, Never>] = []
    }

    public init(_ start: Date = at("2017-06-01 12:00")) { current = Mutex(start) }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
        wakeWaiting()
    }

    public func set(_ date: Date) {
        current.withLock { $0 = date }
        wakeWaiting()
    }

    public func pause(upTo duration: Duration) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await Task.sleep(for: duration) }
            group.addTask { await self.nextMove() }
            defer { group.cancelAll() }
            try await group.next()
        }
        try Task.checkCancellation()
    }

    /// Returns when the clock is next moved, or when the calling task is cancelled.
    private func nextMove() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let (cancelled, watching) = waits.withLock { waits -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if Task.isCancelled { return (true, []) }
                    waits.paused[id] = continuation
                    defer { waits.watching = [] }
                    return (false, waits.watching)
                }
                if cancelled { continuation.resume() }
                for watcher in watching { watcher.resume() }
            }
        } onCancel: {
            waits.withLock { $0.paused.removeValue(forKey: id) }?.resume()
        }
    }

    /// Returns once a task waits in `pause(upTo:)`: a test moves the clock after a job's round,
    /// not while it runs.
    public func untilPaused() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let already = waits.withLock { waits -> Bool in
                if !waits.paused.isEmpty { return true }
                waits.watching.append(continuation)
                return false
            }
            if already { continuation.resume() }
        }
    }

    private func wakeWaiting() {
        let woken = waits.withLock { waits in
            defer { waits.paused = [:] }
            return Array(waits.paused.values)
        }
        for continuation in woken { continuation.resume() }
    }
}

/// A fresh database path in a temporary folder of its own.
public func temporaryDatabasePath() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-tests-\(UUID().uuidString)")
    return folder.appendingPathComponent("tandem.sqlite").path
}
