import Foundation
import GRDB
import Testing
import TandemCore
import TandemStore
@testable import TandemSQLite
import TandemTestSupport

@Suite("Registrations: seats, waitlists, promotions", .timeLimit(.minutes(5)))
struct RegistrationStoreTests {
    @Test("seats go first come, first served; the rest wait in FIFO order", arguments: StoreKind.available)
    func capacityAndWaitlist(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 2)
            var receipts: [RegistrationReceipt] = []
            for n in 1...5 { receipts.append(try await f.store.register(eventSlug: event.slug, f.attendee(n))) }
            #expect(receipts.map(\.registration.status) == [.confirmed, .confirmed, .waitlisted, .waitlisted, .waitlisted])
            #expect(receipts.map(\.registration.waitlistPosition) == [nil, nil, 1, 2, 3])
            let seats = try await f.store.event(slug: event.slug).seats
            #expect(seats == SeatCount(capacity: 2, confirmed: 2, waitlisted: 3))
            #expect(try await f.store.changes(eventSlug: event.slug, after: 0, limit: 100).filter { $0.type == "seats.changed" }.count == 5)
        }
    }

    @Test("a group-commit batch: FIFO seats and places, one answer each, a failed one rolled back alone, one seats.changed", arguments: StoreKind.available)
    func batch(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 2)
            var duplicate = f.attendee(2)
            duplicate.name = "Someone else"
            let tokens = try #require(f.store.selfServiceTokens)
            let jobs = [f.attendee(1), f.attendee(2), duplicate, f.attendee(3), f.attendee(4)].map {
                RegistrationJob(slug: event.slug, request: $0, tokens: tokens)
            }
            let results = try await f.registerBatch(jobs)
            let receipts = results.compactMap { try? $0.get() }
            #expect(receipts.map(\.registration.status) == [.confirmed, .confirmed, .waitlisted, .waitlisted])
            #expect(receipts.map(\.registration.waitlistPosition) == [nil, nil, 1, 2])
            #expect(throws: RegistrationError.self) { try results[2].get() }
            #expect(try await f.store.event(slug: event.slug).seats == SeatCount(capacity: 2, confirmed: 2, waitlisted: 2))
            let seatChanges = try await f.store.changes(eventSlug: event.slug, after: 0, limit: 100).filter { $0.type == "seats.changed" }
            #expect(seatChanges.count == 1, "one seats.changed for the whole batch")
        }
    }

    @Test("a batch that mixes events: one event's wrong choice never fails another event's valid one", arguments: StoreKind.available)
    func mixedEventBatch(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let x = try await f.openEvent(capacity: 10)
            let y = try await f.openEvent(capacity: 10)
            let z = try await f.openEvent(capacity: 10)
            let tokens = try #require(f.store.selfServiceTokens)
            func job(_ slug: String, _ n: Int, _ sessions: [Session]) -> RegistrationJob {
                RegistrationJob(slug: slug, request: f.attendee(n, sessions: sessions), tokens: tokens)
            }
            // X names Y's workshop (invalid) before and between Y's valid registrations for it; Z names
            // both its own and Y's session (invalid as a whole); X's and Z's valid ones come last.
            let jobs = [
                job(x.event.slug, 1, [y.workshop]),
                job(y.event.slug, 2, [y.workshop]),
                job(z.event.slug, 3, [z.other, y.other]),
                job(y.event.slug, 4, [y.workshop, y.other]),
                job(x.event.slug, 5, [y.other]),
                job(y.event.slug, 6, [y.other]),
                job(x.event.slug, 7, [x.workshop]),
                job(z.event.slug, 8, [z.other]),
            ]
            let results = try await f.registerBatch(jobs)
            let failed = results.indices.filter { (try? results[$0].get()) == nil }
            #expect(failed == [0, 2, 4], "only the choices of another event's sessions fail")
            for index in failed {
                #expect(throws: ValidationError.self) { try results[index].get() }
            }
            #expect(try await f.store.event(slug: y.event.slug).seats.confirmed == 3)
            #expect(try await f.store.event(slug: x.event.slug).seats.confirmed == 1)
            #expect(try await f.store.event(slug: z.event.slug).seats.confirmed == 1)
        }
    }

    @Test("cancelling a confirmed seat promotes the head of the waitlist, in the same transaction", arguments: StoreKind.available)
    func cancelPromotes(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 2)
            var receipts: [RegistrationReceipt] = []
            for n in 1...4 { receipts.append(try await f.store.register(eventSlug: event.slug, f.attendee(n))) }
            let cancelled = try await f.store.cancelRegistration(token: receipts[0].token)
            #expect(cancelled.status == .cancelled && cancelled.cancelledAt != nil)
            #expect(try await f.store.registration(token: receipts[2].token).0.status == .confirmed)
            #expect(try await f.store.registration(token: receipts[3].token).0.waitlistPosition == 1)
            // Cancelling again changes nothing; the record stays.
            #expect(try await f.store.cancelRegistration(token: receipts[0].token).status == .cancelled)
            #expect(try await f.store.event(slug: event.slug).seats == SeatCount(capacity: 2, confirmed: 2, waitlisted: 1))
            let mails = try await f.store.dueMail(at: f.clock.now(), limit: 100).map(\.kind)
            #expect(mails == ["confirmation", "confirmation", "waitlisted", "waitlisted", "cancelled", "promoted"])
        }
    }

    @Test("an e-mail is queued in the registration's own transaction; its text is written afterwards, outside the write path", arguments: StoreKind.available)
    func deferredComposition(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 5)
            let receipt = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            let pending = try await f.strings("SELECT kind || '|' || subject || '|' || CASE WHEN pendingComposition THEN '1' ELSE '0' END FROM outbox")
            #expect(pending == ["confirmation||1"])
            #expect(try await f.store.outboxBacklog() == 1)
            let mail = try #require(try await f.store.dueMail(at: f.clock.now(), limit: 10).first)
            #expect(mail.to == "attendee1@example.org" && !mail.subject.isEmpty)
            #expect(mail.text.contains(receipt.token) && mail.calendar?.contains("BEGIN:VCALENDAR") == true)
            // The confirmation carries the check-in code for the door.
            let code = TestTokens().checkInCode(registrationID: receipt.registration.id.rawValue, token: receipt.token)
            #expect(mail.text.contains("Your check-in code (show it at the door): \(code)"))
            // … and the same code beside it, for the QR image, until the message is sent.
            #expect(mail.checkInCode == code.description)
            try await f.store.markSent(mailIDs: [mail.id], at: f.clock.now())
            #expect(try await f.strings("SELECT COALESCE(checkInCode, 'cleared') FROM outbox") == ["cleared"])
        }
    }

    @Test("a waitlist e-mail has no check-in code; the promotion that seats the attendee has it", arguments: StoreKind.available)
    func checkInCodeOnlyWithASeat(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 1)
            let first = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            let second = try await f.store.register(eventSlug: event.slug, f.attendee(2))
            try await f.store.markSent(mailIDs: f.store.dueMail(at: f.clock.now(), limit: 10).filter { $0.kind == "confirmation" }.map(\.id), at: f.clock.now())
            let waitlisted = try #require(try await f.store.dueMail(at: f.clock.now(), limit: 10).first)
            #expect(waitlisted.kind == "waitlisted" && !waitlisted.text.contains("check-in code") && waitlisted.checkInCode == nil)
            try await f.store.markSent(mailIDs: [waitlisted.id], at: f.clock.now())
            _ = try await f.store.cancelRegistration(token: first.token)
            let code = TestTokens().checkInCode(registrationID: second.registration.id.rawValue, token: second.token)
            let promoted = try await f.store.dueMail(at: f.clock.now(), limit: 10).filter { $0.kind == "promoted" }
            #expect(promoted.count == 1 && promoted[0].text.contains("\(code)") && promoted[0].checkInCode == code.description)
        }
    }

    @Test("raising the capacity seats the waitlist in order; lowering it never un-confirms anyone", arguments: StoreKind.available)
    func capacityChanges(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 2)
            var receipts: [RegistrationReceipt] = []
            for n in 1...5 { receipts.append(try await f.store.register(eventSlug: event.slug, f.attendee(n))) }
            var raise = EventPatch()
            raise.capacity = .set(4)
            _ = try await f.store.updateEvent(slug: event.slug, patch: raise, by: "o")
            #expect(try await f.store.registration(token: receipts[2].token).0.status == .confirmed)
            #expect(try await f.store.registration(token: receipts[3].token).0.status == .confirmed)
            #expect(try await f.store.registration(token: receipts[4].token).0.waitlistPosition == 1)
            var lower = EventPatch()
            lower.capacity = .set(1)
            _ = try await f.store.updateEvent(slug: event.slug, patch: lower, by: "o")
            #expect(try await f.store.event(slug: event.slug).seats == SeatCount(capacity: 1, confirmed: 4, waitlisted: 1))
            // A freed seat above the new capacity is not refilled.
            _ = try await f.store.cancelRegistration(token: receipts[0].token)
            #expect(try await f.store.registration(token: receipts[4].token).0.status == .waitlisted)
        }
    }

    @Test("workshop seats: a full workshop puts you on its own waitlist; a released seat promotes the next", arguments: StoreKind.available)
    func workshopSeats(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, workshop, other) = try await f.openEvent(capacity: nil, workshopSeats: 2)
            let a = try await f.store.register(eventSlug: event.slug, f.attendee(1, sessions: [workshop]))
            let b = try await f.store.register(eventSlug: event.slug, f.attendee(2, sessions: [workshop, other]))
            let c = try await f.store.register(eventSlug: event.slug, f.attendee(3, sessions: [workshop]))
            #expect(c.registration.status == .confirmed)
            #expect(c.registration.choices == [SessionChoice(sessionID: workshop.id, status: .waitlisted, waitlistPosition: 1)])
            // b moves from the workshop to the other session only: its workshop seat goes to c.
            let changed = try await f.store.changeSessions(token: b.token, to: [other.id])
            #expect(changed.choices.map(\.sessionID) == [other.id])
            #expect(try await f.store.registration(token: c.token).0.choices.first?.status == .confirmed)
            let session = try await f.store.session(eventSlug: event.slug, id: workshop.id).session
            #expect(session.seats == SeatCount(capacity: 2, confirmed: 2, waitlisted: 0))
            _ = a
            // Raising the workshop's capacity promotes its waitlist too.
            let d = try await f.store.register(eventSlug: event.slug, f.attendee(4, sessions: [workshop]))
            #expect(d.registration.choices.first?.status == .waitlisted)
            var bigger = SessionPatch()
            bigger.capacity = .set(3)
            _ = try await f.store.updateSession(eventSlug: event.slug, id: workshop.id, patch: bigger, ifVersion: nil, by: "o")
            #expect(try await f.store.registration(token: d.token).0.choices.first?.status == .confirmed)
        }
    }

    @Test("someone waiting for the event holds no workshop seat until promoted", arguments: StoreKind.available)
    func pendingChoices(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, workshop, _) = try await f.openEvent(capacity: 1, workshopSeats: 5)
            let first = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            let waiting = try await f.store.register(eventSlug: event.slug, f.attendee(2, sessions: [workshop]))
            #expect(waiting.registration.choices.first?.status == .pending)
            #expect(try await f.store.session(eventSlug: event.slug, id: workshop.id).session.seats.confirmed == 0)
            _ = try await f.store.cancelRegistration(token: first.token)
            let promoted = try await f.store.registration(token: waiting.token).0
            #expect(promoted.status == .confirmed && promoted.choices.first?.status == .confirmed)
        }
    }

    @Test("one active registration per e-mail (any case); after cancelling, registering again is fine", arguments: StoreKind.available)
    func duplicates(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 10)
            let first = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            var again = f.attendee(1)
            again.email = "ATTENDEE1@example.org"
            await #expect(throws: RegistrationError.alreadyRegistered) {
                try await f.store.register(eventSlug: event.slug, again)
            }
            _ = try await f.store.cancelRegistration(token: first.token)
            #expect(try await f.store.register(eventSlug: event.slug, again).registration.status == .confirmed)
        }
    }

    @Test("the registration window, cancelled events and drafts are enforced", arguments: StoreKind.available)
    func window(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            var event = makeEvent(slug: "windowed")
            event.registration = RegistrationWindow(opensAt: at("2017-05-01 09:00"), closesAt: at("2017-06-10 00:00"))
            _ = try await f.store.createEvent(event, by: "o")
            f.clock.set(at("2017-04-30 12:00"))
            await #expect(throws: RegistrationError.self) { try await f.store.register(eventSlug: "windowed", f.attendee(1)) }
            f.clock.set(at("2017-05-01 09:00"))
            #expect(try await f.store.register(eventSlug: "windowed", f.attendee(1)).registration.status == .confirmed)
            f.clock.set(at("2017-06-10 00:00"))
            await #expect(throws: RegistrationError.self) { try await f.store.register(eventSlug: "windowed", f.attendee(2)) }
            var draft = makeEvent(slug: "a-draft")
            draft.status = .draft
            _ = try await f.store.createEvent(draft, by: "o")
            await #expect(throws: StoreError.self) { try await f.store.register(eventSlug: "a-draft", f.attendee(3)) }
        }
    }

    @Test("check-in by the check-in code is idempotent and refuses the waitlist; the self-service token is no check-in code", arguments: StoreKind.available)
    func checkIn(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 1)
            let confirmed = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            let waiting = try await f.store.register(eventSlug: event.slug, f.attendee(2))
            let tokens = TestTokens()
            func code(_ receipt: RegistrationReceipt) -> CheckInCode {
                tokens.checkInCode(registrationID: receipt.registration.id.rawValue, token: receipt.token)
            }
            let first = try await f.store.checkIn(eventSlug: event.slug, code: code(confirmed), by: "door@example.org")
            #expect(!first.alreadyCheckedIn && first.registration.checkedInAt == f.clock.now())
            f.clock.advance(by: 600)
            let parts = code(confirmed).description.lowercased().split(separator: "-")
            let typed = try #require(CheckInCode(" \(parts[0])-\(parts[1]) \(parts[2]) "), "lower case, a space for a dash")
            let second = try await f.store.checkIn(eventSlug: event.slug, code: typed, by: "door@example.org")
            #expect(second.alreadyCheckedIn && second.registration.checkedInAt == first.registration.checkedInAt)
            await #expect(throws: RegistrationError.notConfirmed(.waitlisted)) {
                try await f.store.checkIn(eventSlug: event.slug, code: code(waiting), by: "door@example.org")
            }
            // Another registration's number with this one's check value is nobody.
            let forged = try #require(CheckInCode("\(waiting.registration.id.rawValue)-\(code(confirmed).check)"))
            await #expect(throws: StoreError.self) { try await f.store.checkIn(eventSlug: event.slug, code: forged, by: "door@example.org") }
            #expect(CheckInCode(confirmed.token) == nil, "a self-service token does not read as a check-in code")
        }
    }

    @Test("erasing anonymises personal data (in the outbox too, error texts included), kills the link, keeps the counts", arguments: StoreKind.available)
    func erase(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 5)
            let receipt = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            // A failed delivery whose error quotes the address (as sendmail's "user unknown" does).
            let mail = try #require(try await f.store.dueMail(at: f.clock.now(), limit: 1).first)
            try await f.store.markFailed(mailID: mail.id, error: "550 user unknown: attendee1@example.org", policy: RetryPolicy())
            let erased = try await f.store.eraseRegistration(eventSlug: event.slug, id: receipt.registration.id, by: "o")
            let outbox = try await f.outboxRows()
            #expect(!outbox.isEmpty && outbox.allSatisfy { !$0.contains("attendee1") }, "the outbox keeps nothing of the address: \(outbox)")
            #expect(try await f.strings("SELECT COALESCE(checkInCode, 'cleared') FROM outbox") == ["cleared"], "nor the check-in code")
            #expect(erased.name == "(erased)" && !erased.email.contains("attendee1") && erased.organisation == nil && erased.erasedAt != nil)
            #expect(erased.status == .confirmed)
            await #expect(throws: StoreError.self) { try await f.store.registration(token: receipt.token) }
            #expect(try await f.store.event(slug: event.slug).seats.confirmed == 1)
            let export = try await f.store.exportRegistration(eventSlug: event.slug, id: receipt.registration.id, by: "organiser@example.org")
            #expect(export.messages.allSatisfy { $0.subject == "(erased)" })
            #expect(try await f.store.dueMail(at: f.clock.now(), limit: 10).isEmpty)
        }
    }

    @Test("a burst of edits to a chosen session becomes one notice, saying before → after", arguments: StoreKind.available)
    func scheduleNotices(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, workshop, _) = try await f.openEvent(capacity: nil, workshopSeats: 5)
            let receipt = try await f.store.register(eventSlug: event.slug, f.attendee(1, sessions: [workshop]))
            try await f.store.markSent(mailIDs: f.store.dueMail(at: f.clock.now(), limit: 10).map(\.id), at: f.clock.now())
            let rooms = try await f.store.schedule(slug: event.slug, announcementsActiveAt: f.clock.now()).rooms
            let roomB = try await f.store.createRoom(eventSlug: event.slug, Room(id: .init(0), eventID: .init(0), name: "Room B"), by: "o")
            _ = rooms
            for minutes in [15, 30, 75] {
                var move = SessionPatch()
                move.startsAt = .set(at("2017-06-15 10:00").addingTimeInterval(TimeInterval(minutes * 60)))
                move.endsAt = .set(at("2017-06-15 11:00").addingTimeInterval(TimeInterval(minutes * 60)))
                move.roomID = .set(roomB.id)
                _ = try await f.store.updateSession(eventSlug: event.slug, id: workshop.id, patch: move, ifVersion: nil, by: "o")
                f.clock.advance(by: 30)
            }
            // Still within the quiet period: nothing yet.
            #expect(try await f.store.flushScheduleNotices(quietSince: f.clock.now().addingTimeInterval(-180), oldestAllowed: f.clock.now().addingTimeInterval(-900)) == 0)
            f.clock.advance(by: 180)
            #expect(try await f.store.flushScheduleNotices(quietSince: f.clock.now().addingTimeInterval(-180), oldestAllowed: f.clock.now().addingTimeInterval(-900)) == 1)
            let mails = try await f.store.dueMail(at: f.clock.now(), limit: 10)
            #expect(mails.map(\.kind) == ["schedule-changed"])
            #expect(mails.first?.text.contains("Thu 15 Jun 10:00–11:00, Room A → Thu 15 Jun 11:15–12:15, Room B") == true)
            #expect(mails.first?.text.contains(receipt.token) == true)
            #expect(try await f.store.flushScheduleNotices(quietSince: f.clock.now(), oldestAllowed: f.clock.now()) == 0)
        }
    }

    @Test("cancelling the event (DELETE or PATCH status) tells everyone holding or awaiting a seat, once", arguments: StoreKind.available, ["cancel", "patch"])
    func eventCancelled(kind: StoreKind, how: String) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 1)
            _ = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            _ = try await f.store.register(eventSlug: event.slug, f.attendee(2))
            let gone = try await f.store.register(eventSlug: event.slug, f.attendee(3))
            _ = try await f.store.cancelRegistration(token: gone.token)
            try await f.store.markSent(mailIDs: f.store.dueMail(at: f.clock.now(), limit: 10).map(\.id), at: f.clock.now())
            var patch = EventPatch()
            patch.status = .set(.cancelled)
            for _ in 1...2 {
                if how == "cancel" {
                    _ = try await f.store.cancelEvent(slug: event.slug, by: "o")
                } else {
                    _ = try await f.store.updateEvent(slug: event.slug, patch: patch, by: "o")
                }
            }
            let mails = try await f.store.dueMail(at: f.clock.now(), limit: 10)
            #expect(mails.map(\.kind) == ["event-cancelled", "event-cancelled"])
            #expect(Set(mails.map(\.to)) == ["attendee1@example.org", "attendee2@example.org"])
            #expect(mails.first?.subject.hasPrefix("Event cancelled:") == true)
        }
    }

    @Test("failed deliveries are retried with back-off, then given up", arguments: StoreKind.available)
    func retries(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 5)
            _ = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            let policy = RetryPolicy(firstDelay: 30, maxDelay: 60, maxAttempts: 3)
            let mail = try #require(try await f.store.dueMail(at: f.clock.now(), limit: 1).first)
            try await f.store.markFailed(mailID: mail.id, error: "connection refused", policy: policy)
            #expect(try await f.store.dueMail(at: f.clock.now(), limit: 1).isEmpty)
            #expect(try await f.store.dueMail(at: f.clock.now().addingTimeInterval(30), limit: 1).count == 1)
            try await f.store.markFailed(mailID: mail.id, error: "connection refused", policy: policy)
            #expect(try await f.store.dueMail(at: f.clock.now().addingTimeInterval(59), limit: 1).isEmpty)
            try await f.store.markFailed(mailID: mail.id, error: "connection refused", policy: policy)
            #expect(try await f.store.dueMail(at: f.clock.now().addingTimeInterval(86400), limit: 1).isEmpty)
            #expect(try await f.store.outboxBacklog() == 0)
        }
    }
}
