import Foundation
import Testing
import TandemCore
import TandemStore
@testable import TandemSQLite
import TandemTestSupport

@Suite("Demo programme", .timeLimit(.minutes(5)))
struct DemoProgrammeTests {
    @Test("loads the Twinning programme: Hamburg workshop, C20 side events, the Beijing open event", arguments: StoreKind.available)
    func loads(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            try await DemoProgramme.load(into: f.store, makeUUID: { UUID() })
            let events = try await f.store.events(includeDrafts: false)
            let bySlug = Dictionary(uniqueKeysWithValues: events.map { ($0.slug, $0) })
            let hamburg = try #require(bySlug["cbw-hamburg-2017"])
            #expect(hamburg.title.en == "Capacity-Building Workshop Hamburg 2017")
            #expect(hamburg.kind == .workshop && hamburg.timezone == "Europe/Berlin")
            let sideEvents = events.filter { $0.kind == .sideEvent }
            #expect(!sideEvents.isEmpty && sideEvents.allSatisfy { $0.parentSlug == "c20-summit-2017" })
            let upcoming = try #require(bySlug["twinning-kickoff-2027"])
            #expect(upcoming.registration.isOpen(at: at("2027-01-15 12:00")))
            let open = try #require(bySlug["fellows-present-2017"])
            #expect(open.kind == .openEvent && open.timezone == "Asia/Shanghai")

            let schedule = try await f.store.schedule(slug: hamburg.slug, announcementsActiveAt: f.clock.now())
            #expect(schedule.rooms.count >= 3)
            #expect(Set(schedule.sessions.map { Calendar.current.dateComponents(in: hamburg.zone, from: $0.session.startsAt).day }).count == 2)
            #expect(schedule.sessions.contains { $0.session.kind == .workshop && $0.session.capacity != nil })
            let fellows = schedule.sessions.flatMap(\.speakers).filter { $0.fellowship != nil }
            #expect(fellows.contains { $0.nameZh != nil })
            // Every session passes the rules against the rest of its event.
            for event in events {
                let sessions = try await f.store.schedule(slug: event.slug, announcementsActiveAt: f.clock.now()).sessions.map(\.session)
                for session in sessions { try ScheduleRules.check(session, in: event, others: sessions) }
            }
        }
    }
}
