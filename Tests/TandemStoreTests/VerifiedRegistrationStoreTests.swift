import Foundation
import Testing
import TandemCore
import TandemStore
@testable import TandemSQLite
import TandemTestSupport

/// Double opt-in (`verified` events): pending holds, confirmation, expiry, and the known address.
@Suite("Registrations: verified mode", .timeLimit(.minutes(5)))
struct VerifiedRegistrationStoreTests {
    /// An open `verified` event with `capacity` seats and one workshop.
    func verifiedEvent(_ f: AnyStoreFixture, capacity: Int, holdMinutes: Int = 30) async throws -> (event: Event, workshop: Session) {
        let (event, workshop, _) = try await f.openEvent(capacity: capacity)
        var patch = EventPatch()
        patch.registrationMode = .set(.verified)
        patch.holdMinutes = .set(holdMinutes)
        return (try await f.store.updateEvent(slug: event.slug, patch: patch, by: "o"), workshop)
    }

    func mailKinds(_ f: AnyStoreFixture, _ event: Event, _ id: Registration.ID) async throws -> [String] {
        try await f.store.exportRegistration(eventSlug: event.slug, id: id, by: "o").messages.map(\.kind)
    }

    @Test("a pending registration holds its seat (or waitlist place, in arrival order) until confirmed; confirming keeps it in place", arguments: StoreKind.available)
    func pendingAndConfirm(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, workshop) = try await verifiedEvent(f, capacity: 1)
            let first = try await f.store.register(eventSlug: event.slug, f.attendee(1, sessions: [workshop]))
            let second = try await f.store.register(eventSlug: event.slug, f.attendee(2))
            #expect(first.checkEmail && second.checkEmail)
            #expect(first.registration.isPending && first.registration.status == .confirmed)
            #expect(first.registration.holdExpiresAt == f.clock.now().addingTimeInterval(30 * 60))
            #expect(first.registration.choices.first?.status == .confirmed)
            #expect(second.registration.isPending && second.registration.status == .waitlisted && second.registration.waitlistPosition == 1)
            #expect(try await f.store.event(slug: event.slug).seats == SeatCount(capacity: 1, confirmed: 1, waitlisted: 1))
            #expect(try await mailKinds(f, event, first.registration.id) == ["confirm-request"])
            // The check-in desk lets in only confirmed seats.
            let code = TestTokens().checkInCode(registrationID: first.registration.id.rawValue, token: first.token)
            await #expect(throws: RegistrationError.awaitingConfirmation) { try await f.store.checkIn(eventSlug: event.slug, code: code, by: "desk") }

            f.clock.advance(by: 29 * 60)
            let confirmed = try await f.store.confirmRegistration(token: first.token)
            #expect(!confirmed.isPending && confirmed.status == .confirmed && confirmed.holdExpiresAt == nil)
            #expect(try await mailKinds(f, event, first.registration.id) == ["confirm-request", "confirmation"])
            // Confirming again changes nothing and sends nothing.
            _ = try await f.store.confirmRegistration(token: first.token)
            #expect(try await mailKinds(f, event, first.registration.id) == ["confirm-request", "confirmation"])
            // A confirmed registration no longer expires.
            f.clock.advance(by: 3600)
            _ = try await f.store.expireHolds()
            #expect(try await f.store.registration(token: first.token).0.status == .confirmed)
            #expect(try await f.store.registration(token: second.token).0.status == .cancelled, "the unconfirmed one expired")
        }
    }

    @Test("an expired hold frees its seat and the head of the waitlist gets it, in one transaction with one seats.changed", arguments: StoreKind.available)
    func expiryPromotes(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, workshop) = try await verifiedEvent(f, capacity: 1)
            let first = try await f.store.register(eventSlug: event.slug, f.attendee(1, sessions: [workshop]))
            f.clock.advance(by: 60)
            let second = try await f.store.register(eventSlug: event.slug, f.attendee(2, sessions: [workshop]))
            _ = try await f.store.confirmRegistration(token: second.token) // confirmed, on the waitlist
            #expect(try await f.store.expireHolds() == 0, "nothing has expired yet")
            let before = try await f.store.changes(eventSlug: event.slug, after: 0, limit: 1000).count

            f.clock.advance(by: 30 * 60)
            #expect(try await f.store.expireHolds() == 1)
            let changes = try await f.store.changes(eventSlug: event.slug, after: 0, limit: 1000).dropFirst(before)
            #expect(changes.map(\.type) == ["seats.changed"], "release and promotion commit together")
            guard case .seatsChanged(let seats) = try #require(changes.first).data else { Issue.record("not seats.changed"); return }
            #expect(seats.event == SeatCount(capacity: 1, confirmed: 1, waitlisted: 0))

            let expired = try await f.store.registration(token: first.token).0
            #expect(expired.status == .cancelled && expired.choices.isEmpty)
            let promoted = try await f.store.registration(token: second.token).0
            #expect(promoted.status == .confirmed && !promoted.isPending)
            #expect(promoted.choices.first?.status == .confirmed, "the workshop seat moved on too")
            // The unconfirmed address hears nothing more; the promoted one is told.
            #expect(try await mailKinds(f, event, first.registration.id) == ["confirm-request"])
            #expect(try await mailKinds(f, event, second.registration.id) == ["confirm-request", "waitlisted", "promoted"])
            #expect(try await f.store.expireHolds() == 0, "released once")
        }
    }

    @Test("confirming after expiry is refused as holdExpired, whether or not the expiry job has run, and the place goes on", arguments: StoreKind.available)
    func confirmAfterExpiry(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _) = try await verifiedEvent(f, capacity: 1, holdMinutes: 10)
            let first = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            let second = try await f.store.register(eventSlug: event.slug, f.attendee(2))
            f.clock.advance(by: 10 * 60)
            // The job has not run: confirming releases the place itself.
            await #expect(throws: RegistrationError.holdExpired(eventSlug: event.slug)) { try await f.store.confirmRegistration(token: first.token) }
            #expect(try await f.store.registration(token: first.token).0.status == .cancelled)
            let next = try await f.store.registration(token: second.token).0
            #expect(next.status == .waitlisted, "the second hold, expired at the same time, is not moved up")
            #expect(try await f.store.expireHolds() == 1)
            await #expect(throws: RegistrationError.holdExpired(eventSlug: event.slug)) { try await f.store.confirmRegistration(token: second.token) }
            #expect(try await f.store.event(slug: event.slug).seats == SeatCount(capacity: 1, confirmed: 0, waitlisted: 0))
            // The address may register again.
            #expect(try await f.store.register(eventSlug: event.slug, f.attendee(1)).registration.isPending)
        }
    }

    @Test("registering again after the hold expired, before the job ran, starts afresh instead of 'already registered'", arguments: StoreKind.available)
    func registerAgainAfterExpiry(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _) = try await verifiedEvent(f, capacity: 1, holdMinutes: 10)
            let first = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            f.clock.advance(by: 10 * 60)
            let again = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            #expect(again.registration.id != first.registration.id && again.registration.isPending && again.registration.status == .confirmed)
            #expect(try await f.store.registration(token: first.token).0.status == .cancelled)
            #expect(try await mailKinds(f, event, first.registration.id) == ["confirm-request"])
            #expect(try await f.store.event(slug: event.slug).seats == SeatCount(capacity: 1, confirmed: 1, waitlisted: 0))
        }
    }

    @Test("a known address changes nothing and is told by e-mail at most once an hour per event", arguments: StoreKind.available)
    func knownAddress(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _) = try await verifiedEvent(f, capacity: 5)
            let first = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            _ = try await f.store.confirmRegistration(token: first.token)
            let again = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            #expect(again.checkEmail && again.token.isEmpty)
            _ = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            f.clock.advance(by: 59 * 60)
            _ = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            #expect(try await mailKinds(f, event, first.registration.id) == ["confirm-request", "confirmation", "already-registered"])
            f.clock.advance(by: 60)
            _ = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            #expect(try await mailKinds(f, event, first.registration.id) == ["confirm-request", "confirmation", "already-registered", "already-registered"])
            #expect(try await f.store.registrations(eventSlug: event.slug, query: RegistrationQuery()).count == 1)
            #expect(try await f.store.event(slug: event.slug).seats.confirmed == 1)
        }
    }

    @Test("an instant event confirms at once; a duplicate is refused without saying which registration", arguments: StoreKind.available)
    func instant(kind: StoreKind) async throws {
        try await withFixture(kind) { f in
            let (event, _, _) = try await f.openEvent(capacity: 5)
            #expect(event.registration.mode == .instant)
            let first = try await f.store.register(eventSlug: event.slug, f.attendee(1))
            #expect(!first.checkEmail && !first.registration.isPending && first.registration.holdExpiresAt == nil)
            await #expect(throws: RegistrationError.alreadyRegistered) { try await f.store.register(eventSlug: event.slug, f.attendee(1)) }
        }
    }
}
