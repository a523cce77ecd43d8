import Foundation
import Testing
import TandemCore
import TandemStore
import TandemTestSupport

/// What many writers at once must never break, on every store: one `seq` per change with no gap
/// and no duplicate, delivered in order; seats never oversold, waitlists strictly first come, first served.
@Suite("Concurrent writers, on every store", .timeLimit(.minutes(5)))
struct ConcurrencyConformanceTests {
    @Test("40 concurrent announcements and session edits on one event get seq 1…N, and the sink sees them in that order",
          arguments: StoreKind.available)
    func concurrentChangesOneEvent(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, rooms, _) = try await f.seed()
            let session = try await f.store.createSession(eventSlug: event.slug, f.newSession(room: rooms[0], "2017-06-15 10:00", "2017-06-15 11:00"), by: "o").session
            let before = try await f.changeCount(eventSlug: event.slug)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<40 {
                    group.addTask {
                        if n.isMultiple(of: 2) {
                            _ = try await f.store.createAnnouncement(eventSlug: event.slug, Announcement(
                                id: .init(0), eventID: .init(0), text: TranslatedText(en: "Note \(n)"), createdAt: f.clock.now()), by: "o")
                        } else {
                            var retitle = SessionPatch()
                            retitle.title = .set(TranslatedText(en: "Fundraising \(n)"))
                            _ = try await f.store.updateSession(eventSlug: event.slug, id: session.id, patch: retitle, ifVersion: nil, by: "o")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let total = Int64(before + 40)
            let logged = try await f.store.changes(eventSlug: event.slug, after: 0, limit: 1000)
            #expect(logged.compactMap(\.seq) == Array(1...total), "the change log: no gap, no duplicate")
            #expect(logged.suffix(40).filter { $0.type == "announcement.created" }.count == 20)
            #expect(logged.suffix(40).filter { $0.type == "session.updated" }.count == 20)
            #expect(try await f.store.scheduleVersion(slug: event.slug) == total)
            // Every write has returned, so every change has been handed on: each once, in seq order.
            let published = f.sink.changes.filter { $0.eventID == event.id }.compactMap(\.seq)
            #expect(published == Array(1...total), "the sink: in seq order, each once")
        }
    }

    @Test("200 registrations at once for 50 seats and a 10-seat workshop: 50 seated, 150 waiting in order; cancellations promote in order",
          arguments: StoreKind.available)
    func registrationRush(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, workshop, _) = try await f.openEvent(capacity: 50, workshopSeats: 10)
            let receipts = try await withThrowingTaskGroup(of: RegistrationReceipt.self) { group in
                for n in 1...200 {
                    group.addTask { try await f.store.register(eventSlug: event.slug, f.attendee(n, sessions: [workshop])) }
                }
                return try await group.reduce(into: [RegistrationReceipt]()) { $0.append($1) }
            }
            #expect(receipts.count == 200)
            let tokens = Dictionary(uniqueKeysWithValues: receipts.map { ($0.registration.id, $0.token) })

            // Arrival order is the order the registrations were written in: their ids.
            var all = try await f.store.registrations(eventSlug: event.slug, query: RegistrationQuery(limit: 1000)).sorted { $0.id < $1.id }
            #expect(all.count == 200)
            var confirmed = all.filter { $0.status == .confirmed }
            var waiting = all.filter { $0.status == .waitlisted }
            #expect(confirmed.count == 50)
            #expect(waiting.map(\.waitlistPosition) == (1...150).map { Optional($0) }, "positions 1…150, no gap, no duplicate, in arrival order")
            #expect(waiting.allSatisfy { $0.choices.map(\.status) == [.pending] }, "no workshop seat or place while waiting for the event")
            func workshopChoice(_ registration: Registration) -> SessionChoice? { registration.choices.first { $0.sessionID == workshop.id } }
            var seated = confirmed.filter { workshopChoice($0)?.status == .confirmed }
            var queued = confirmed.filter { workshopChoice($0)?.status == .waitlisted }
            #expect(seated.map(\.id) == confirmed.prefix(10).map(\.id), "the first 10 seated get the workshop")
            #expect(queued.map { workshopChoice($0)?.waitlistPosition } == (1...40).map { Optional($0) }, "the other 40 wait for it in order")
            #expect(try await f.store.event(slug: event.slug).seats == SeatCount(capacity: 50, confirmed: 50, waitlisted: 150))
            #expect(try await f.store.session(eventSlug: event.slug, id: workshop.id).session.seats == SeatCount(capacity: 10, confirmed: 10, waitlisted: 40))

            // Five workshop seat holders cancel, one after another.
            let cancelled = seated.prefix(5).map(\.id)
            for id in cancelled { _ = try await f.store.cancelRegistration(token: try #require(tokens[id])) }
            let headOfEventWaitlist = waiting.prefix(5).map(\.id)
            let headOfWorkshopWaitlist = queued.prefix(5).map(\.id)

            all = try await f.store.registrations(eventSlug: event.slug, query: RegistrationQuery(limit: 1000)).sorted { $0.id < $1.id }
            confirmed = all.filter { $0.status == .confirmed }
            waiting = all.filter { $0.status == .waitlisted }
            #expect(all.filter { $0.status == .cancelled }.map(\.id) == cancelled)
            #expect(confirmed.count == 50)
            #expect(Set(headOfEventWaitlist).isSubset(of: Set(confirmed.map(\.id))), "the first 5 of the waitlist were promoted")
            #expect(waiting.map(\.waitlistPosition) == (1...145).map { Optional($0) }, "the rest moved up, in order")
            seated = confirmed.filter { workshopChoice($0)?.status == .confirmed }
            queued = confirmed.filter { workshopChoice($0)?.status == .waitlisted }.sorted { (workshopChoice($0)?.waitlistPosition ?? 0) < (workshopChoice($1)?.waitlistPosition ?? 0) }
            #expect(seated.count == 10)
            #expect(Set(headOfWorkshopWaitlist).isSubset(of: Set(seated.map(\.id))), "the workshop's freed seats went to the head of its waitlist")
            #expect(queued.map { workshopChoice($0)?.waitlistPosition } == (1...40).map { Optional($0) })
            #expect(queued.suffix(5).map(\.id) == headOfEventWaitlist, "the newly seated join the end of the workshop's waitlist, in the order they were promoted")
            #expect(try await f.store.event(slug: event.slug).seats == SeatCount(capacity: 50, confirmed: 50, waitlisted: 145))
            #expect(try await f.store.session(eventSlug: event.slug, id: workshop.id).session.seats == SeatCount(capacity: 10, confirmed: 10, waitlisted: 40))
        }
    }
}
