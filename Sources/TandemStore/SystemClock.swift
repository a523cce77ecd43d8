import Foundation
import TandemCore

/// The system clock: what a running server reads time from (tests inject their own).
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}
