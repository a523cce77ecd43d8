import Foundation
import Testing
import TandemCore
import TandemStore
@testable import TandemPostgres
import TandemTestSupport

@Suite("Changes reach the sink in seq order per event", .timeLimit(.minutes(5)))
struct OrderedChangeSinkTests {
    func change(_ event: Int64?, _ seq: Int64?) -> Change {
        Change(eventID: event.map { Event.ID($0) }, seq: seq, data: .roomCreated(Room(id: .init(1), eventID: .init(1), name: "Room A")), actor: "o", at: Date(timeIntervalSince1970: 0))
    }

    func seqs(_ sink: RecordingSink) -> [Int64?] { sink.changes.map(\.seq) }

    @Test("in order passes at once; ahead of its predecessor waits for it; old and programme-wide changes are handled")
    func reorders() {
        let received = RecordingSink()
        let sink = OrderedChangeSink(next: received, delivered: [Event.ID(7): 10])
        sink.committed([change(1, 1)])
        sink.committed([change(1, 3), change(1, 4)])
        #expect(seqs(received) == [1], "3 and 4 wait for 2")
        sink.committed([change(nil, nil)])
        #expect(seqs(received) == [1, nil], "a programme-wide change does not wait")
        sink.committed([change(1, 2)])
        #expect(seqs(received) == [1, nil, 2, 3, 4])
        sink.committed([change(7, 10), change(7, 11)])
        #expect(seqs(received) == [1, nil, 2, 3, 4, 11], "10 was committed before the store opened")
        #expect(sink.delivered(event: Event.ID(1)) == 4)
    }

    @Test("a gap whose commit is never reported is filled from the change log")
    func fillsGaps() async throws {
        let received = RecordingSink()
        let sink = OrderedChangeSink(next: received, gapTimeout: .milliseconds(50)) { event, after in
            #expect(event == Event.ID(1) && after == 1)
            return [self.change(1, 2), self.change(1, 3)]
        }
        sink.committed([change(1, 1), change(1, 3)])
        #expect(seqs(received) == [1])
        try await confirmation("the gap is filled") { filled in
            for _ in 0..<200 where seqs(received) != [1, 2, 3] { try await Task.sleep(for: .milliseconds(10)) }
            if seqs(received) == [1, 2, 3] { filled() }
        }
    }

    @Test("a PostgreSQL store reopened on a database with history delivers the next change at once",
          .enabled(if: StoreKind.postgresServerURL != nil))
    func reopened() async throws {
        let url = try await PostgresTestDatabases.create()
        let first = try await PostgresStore.open(url: url, clock: TestClock())
        try await first.migrate()
        let event = try await first.createEvent(makeEvent(slug: "history"), by: "o")
        _ = try await first.createRoom(eventSlug: event.slug, Room(id: .init(0), eventID: .init(0), name: "Room A"), by: "o")
        await first.close()

        let received = RecordingSink()
        let second = try await PostgresStore.open(url: url, clock: TestClock(), sink: received)
        try await second.migrate()
        _ = try await second.createRoom(eventSlug: event.slug, Room(id: .init(0), eventID: .init(0), name: "Room B"), by: "o")
        #expect(received.changes.map(\.seq) == [3])
        #expect(received.changes.first?.timezone == "Europe/Berlin")
        await second.close()
    }
}
