/// Why a registration action is refused, beyond bad fields.
public enum RegistrationError: Error, Hashable, Sendable {
    /// Registration is not open (window, cancelled event, event over).
    case closed(reason: String)
    /// This e-mail already holds an active registration for the (`instant`) event. Which one is not
    /// said: the answer goes to whoever typed the address.
    case alreadyRegistered
    /// The registration is cancelled and cannot be changed.
    case registrationCancelled(Registration.ID)
    /// No seat is free for a manual promotion; raise the capacity first.
    case noFreeSeat
    /// Only confirmed registrations can be checked in.
    case notConfirmed(Registration.Status)
    /// The unconfirmed hold ended before the e-mailed link was used; the place has gone on.
    case holdExpired(eventSlug: String)
    /// The attendee has not confirmed from the e-mailed link yet.
    case awaitingConfirmation
}
