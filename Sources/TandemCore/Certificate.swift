import Foundation

/// A certificate of attendance: who attended which event, and the workshops they held a seat in.
/// Issued only once the event is over, to an attendee who was checked in (`CertificateRules`).
public struct Certificate: Hashable, Sendable {
    public var registration: Registration
    public var event: Event
    /// The sessions the attendee held a confirmed seat in, not cancelled, by start.
    public var workshops: [Session]
    /// The names of the event's organisers, for the signature line.
    public var organisers: [String]

    public init(registration: Registration, event: Event, workshops: [Session], organisers: [String]) {
        self.registration = registration
        self.event = event
        self.workshops = workshops
        self.organisers = organisers
    }

    /// The workshops' time together, in seconds.
    public var workshopSeconds: TimeInterval { workshops.reduce(0) { $0 + $1.span.duration } }
}

/// Why an attendee has no certificate (yet).
public enum CertificateRefusal: String, Error, Hashable, Sendable, CaseIterable {
    /// The event has not ended yet (certificates are issued afterwards).
    case notYet = "not-yet"
    /// The attendee was never checked in at the door.
    case notCheckedIn = "not-checked-in"
    /// The registration was cancelled.
    case cancelled
    /// The event was cancelled.
    case eventCancelled = "event-cancelled"
    /// The attendee's personal data was erased on request.
    case erased
}

/// Who gets a certificate of attendance, and for which workshops.
public enum CertificateRules {
    /// `nil` when `registration` earns a certificate for `event` at `instant`, else why not. A
    /// cancelled registration or event says so first; "not yet" comes before "not checked in", so
    /// an attendee is not told they missed an event that is still on.
    public static func refusal(_ registration: Registration, event: Event, at instant: Date) -> CertificateRefusal? {
        if registration.erasedAt != nil { return .erased }
        if registration.status == .cancelled { return .cancelled }
        if event.status == .cancelled { return .eventCancelled }
        if instant < event.endsAt { return .notYet }
        guard registration.checkedInAt != nil, registration.status == .confirmed else { return .notCheckedIn }
        return nil
    }

    /// The sessions among `sessions` that `registration` held a confirmed seat in and that took
    /// place (not cancelled), by start.
    public static func attendedWorkshops(_ registration: Registration, sessions: [Session]) -> [Session] {
        let seated = Set(registration.choices.filter { $0.status == .confirmed }.map(\.sessionID))
        return sessions.filter { seated.contains($0.id) && $0.status == .scheduled }
            .sorted { ($0.startsAt, $0.id.rawValue) < ($1.startsAt, $1.id.rawValue) }
    }

    /// The names shown as the event's organisers: the enabled accounts holding the organiser role
    /// for this event; when it has none, the programme-wide organisers. Sorted, without repeats.
    public static func organisers(of event: Event, accounts: [Account]) -> [String] {
        let enabled = accounts.filter { !$0.disabled }
        var chosen = enabled.filter { $0.eventRoles[event.slug] == .organiser }
        if chosen.isEmpty { chosen = enabled.filter { $0.role == .organiser } }
        let names = Set(chosen.map { $0.name.trimmingWhitespace }.filter { !$0.isEmpty })
        return names.sorted { $0.localizedStandardCompare($1) == .orderedAscending }
    }
}
