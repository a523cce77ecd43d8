import Foundation
import Synchronization

/// Time zones by IANA identifier, built once: creating a `TimeZone` reads the tz database, and
/// every time shown on the wire needs one.
public enum ZoneCache {
    private static let zones = Mutex<[String: TimeZone]>([:])

    public static func zone(_ identifier: String) -> TimeZone? {
        if let zone = zones.withLock({ $0[identifier] }) { return zone }
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        zones.withLock { $0[identifier] = zone }
        return zone
    }

    public static let utc = TimeZone(identifier: "UTC")!
}
