import Foundation
import Synchronization
import TandemCore
import TandemStore
@testable import TandemServer
import TandemTestSupport
import Testing

@Suite("Live openings: the schedule is read once per version", .timeLimit(.minutes(1)))
struct OpeningSchedulesTests {
    final class Reads: Sendable {
        let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
    }

    func schedule(version: Int64, expiring: Date? = nil) -> EventSchedule {
        var event = makeEvent(slug: "hamburg-2017")
        event.scheduleVersion = version
        let announcements = expiring.map { [Announcement(id: .init(1), eventID: event.id, text: TranslatedText(en: "Lunch"), createdAt: at("2017-06-15 09:00"), expiresAt: $0)] } ?? []
        return EventSchedule(event: event, rooms: [], sessions: [], announcements: announcements)
    }

    @Test("many connections at one version: one read; a new version or an expired announcement: read again")
    func readOncePerVersion() async throws {
        let cache = OpeningSchedules()
        let reads = Reads()
        let now = at("2017-06-15 10:00")
        let lunchEnds = at("2017-06-15 10:30")
        func open(_ version: Int64, at instant: Date) async throws -> EventSchedule {
            try await cache.schedule(eventID: .init(1), version: version, at: instant) {
                reads.count.withLock { $0 += 1 }
                return schedule(version: version, expiring: lunchEnds)
            }
        }
        for _ in 1...50 { _ = try await open(7, at: now) }
        #expect(reads.value == 1)
        #expect(try await open(8, at: now).event.scheduleVersion == 8)
        #expect(reads.value == 2, "a new version is read")
        _ = try await open(8, at: lunchEnds)
        #expect(reads.value == 3, "the announcement has ended: read again")
        // A slow connection that read an older version never replaces the newer one.
        _ = try await cache.schedule(eventID: .init(1), version: 7, at: lunchEnds) { schedule(version: 7) }
        _ = try await open(8, at: lunchEnds)
        #expect(reads.value == 3)
    }
}
