import Foundation
import Synchronization
import TandemCore
import TandemStore
@testable import TandemServer
import TandemTestSupport
import Testing

@Suite("Live openings: the schedule is read once per version", .timeLimit(.minutes(5)))
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

    @Test("the snapshot frame is encoded once per version and room filter, and shared by every connection")
    func snapshotSharedPerVersionAndRoom() async throws {
        let cache = OpeningSchedules()
        let reads = Reads()
        let now = at("2017-06-15 10:00")
        func open(_ version: Int64, room: Int64?, at instant: Date = now) async throws -> OpeningSchedules.Snapshot {
            try await cache.snapshot(eventID: .init(1), version: version, room: room, at: instant) {
                reads.count.withLock { $0 += 1 }
                return schedule(version: version)
            }
        }
        let first = try await open(7, room: nil)
        #expect(first.frame.seq == 7 && first.frame.type == "snapshot")
        for _ in 1...50 {
            let again = try await open(7, room: nil, at: now.addingTimeInterval(60))
            // The same bytes, not an equal copy: the frame's storage is shared.
            #expect(again.frame.wire.withUnsafeReadableBytes { $0.baseAddress } == first.frame.wire.withUnsafeReadableBytes { $0.baseAddress })
            #expect(again.frame.text == first.frame.text)
        }
        #expect(reads.value == 1)
        let room = try await open(7, room: 3)
        #expect(room.frame.seq == 7 && reads.value == 1, "another room filter: encoded from the same read")
        #expect(try await open(7, room: 3).frame.wire.withUnsafeReadableBytes { $0.baseAddress } == room.frame.wire.withUnsafeReadableBytes { $0.baseAddress })
        let next = try await open(8, room: nil)
        #expect(next.frame.seq == 8 && reads.value == 2, "a new version is read and encoded anew")
        #expect(next.frame.text != first.frame.text)
    }

    @Test("from memory: a resume from the current seq gets nothing, an older one must read, a new connection gets the shared snapshot; a commit ends both")
    func cachedOpenings() async throws {
        let cache = OpeningSchedules()
        let now = at("2017-06-15 10:00")
        func commit(_ seq: Int64) {
            cache.committed([Change(eventID: .init(1), seq: seq, data: .roomCreated(Room(id: .init(1), eventID: .init(1), name: "Room A")),
                                    actor: "o", at: now)])
        }
        #expect(cache.cachedOpening(eventID: .init(1), since: nil, room: nil, at: now) == nil, "nothing known yet")
        #expect(cache.cachedOpening(eventID: .init(1), since: 7, room: nil, at: now) == nil)
        // A change handed over after commit tells the current seq: a screen back at it missed nothing.
        commit(7)
        #expect(cache.cachedOpening(eventID: .init(1), since: 7, room: nil, at: now)?.frames.isEmpty == true)
        #expect(cache.cachedOpening(eventID: .init(1), since: 6, room: nil, at: now) == nil, "changes to replay: the store is read")
        #expect(cache.cachedOpening(eventID: .init(1), since: nil, room: nil, at: now) == nil, "no snapshot encoded yet")
        // A slow read of an older version is not kept.
        _ = try await cache.snapshot(eventID: .init(1), version: 6, room: nil, at: now) { schedule(version: 6) }
        #expect(cache.cachedOpening(eventID: .init(1), since: nil, room: nil, at: now) == nil)
        _ = try await cache.snapshot(eventID: .init(1), version: 7, room: nil, at: now) { schedule(version: 7) }
        #expect(cache.cachedOpening(eventID: .init(1), since: nil, room: nil, at: now)?.frames.map(\.seq) == [7])
        #expect(cache.cachedOpening(eventID: .init(1), since: 9, room: nil, at: now)?.frames.map(\.type) == ["snapshot"], "a since from the future gets a snapshot")
        #expect(cache.cachedOpening(eventID: .init(1), since: nil, room: 3, at: now) == nil, "that room's snapshot is not encoded yet")
        commit(8)
        #expect(cache.cachedOpening(eventID: .init(1), since: nil, room: nil, at: now) == nil, "the commit dropped the snapshot")
        #expect(cache.cachedOpening(eventID: .init(1), since: 8, room: nil, at: now)?.frames.isEmpty == true)
        #expect(cache.cachedOpening(eventID: .init(2), since: 8, room: nil, at: now) == nil, "another event")
    }
}
