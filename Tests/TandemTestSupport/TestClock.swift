import Foundation
import Synchronization
import TandemCore

/// A clock that stands still until a test moves it.
public final class TestClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date = at("2017-06-01 12:00")) { current = Mutex(start) }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    public func set(_ date: Date) { current.withLock { $0 = date } }
}

/// A fresh database path in a temporary folder of its own.
public func temporaryDatabasePath() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-tests-\(UUID().uuidString)")
    return folder.appendingPathComponent("tandem.sqlite").path
}
