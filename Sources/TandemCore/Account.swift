/// An organiser's login. Passwords live only as bcrypt hashes in the store.
///
/// Powers come from the account's programme-wide `role` and from per-event roles (`eventRoles`):
/// an organiser of one event edits that event only; a check-in volunteer of one event checks in its
/// attendees only.
public struct Account: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<Account>

    public var id: ID
    public var email: String
    public var name: String
    public var role: Role
    public var disabled: Bool
    /// Per-event roles, keyed by event slug.
    public var eventRoles: [String: EventRole]
    /// `false` for an invited account whose owner has not chosen a password yet: it cannot log in.
    public var passwordSet: Bool

    public init(id: ID, email: String, name: String, role: Role, disabled: Bool = false, eventRoles: [String: EventRole] = [:],
                passwordSet: Bool = true) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.disabled = disabled
        self.eventRoles = eventRoles
        self.passwordSet = passwordSet
    }

    /// The password hash stored for an invited account until its owner sets a password: no password
    /// matches it (login never even tries), and `passwordSet` is `false`.
    public static let unsetPasswordHash = ""

    /// Programme-wide role.
    public enum Role: String, Codable, Hashable, Sendable, CaseIterable {
        /// Everything, including accounts.
        case admin
        /// Create and edit every event, schedule, speaker and announcement.
        case organiser
        /// Look up and check in attendees of every event.
        case checkin
        /// No programme-wide powers: only what the per-event roles grant.
        case member
    }

    /// A role for one event.
    public enum EventRole: String, Codable, Hashable, Sendable, CaseIterable {
        /// Edit that event's schedule, rooms, announcements and registrations.
        case organiser
        /// Look up and check in that event's attendees.
        case checkin
    }

    /// Whether the account may do `permission`; `event` is the slug of the event the request is about, if any.
    public func may(_ permission: Permission, event: String? = nil) -> Bool {
        guard !disabled else { return false }
        if Self.grants(role, permission) { return true }
        guard let event, let eventRole = eventRoles[event], permission.isEventScoped else { return false }
        switch (eventRole, permission) {
        case (.organiser, _): return true
        case (.checkin, .checkIn), (.checkin, .viewRegistrations): return true
        case (.checkin, _): return false
        }
    }

    private static func grants(_ role: Role, _ permission: Permission) -> Bool {
        switch (role, permission) {
        case (.admin, _): return true
        case (.organiser, .manageAccounts): return false
        case (.organiser, _): return true
        case (.checkin, .checkIn), (.checkin, .viewRegistrations): return true
        case (.checkin, _), (.member, _): return false
        }
    }

    public enum Permission: Hashable, Sendable, CaseIterable {
        case manageAccounts
        /// Edit schedules; without an event (creating events, speaker profiles) programme-wide roles only.
        case editSchedule
        /// Export, promote, cancel, erase registrations.
        case manageRegistrations
        /// List and search registrations (the check-in desk needs this).
        case viewRegistrations
        case checkIn
        /// Read an event's audit log.
        case viewAudit

        /// Permissions a per-event role can grant (for requests about that event).
        public var isEventScoped: Bool {
            switch self {
            case .manageAccounts: false
            case .editSchedule, .manageRegistrations, .viewRegistrations, .checkIn, .viewAudit: true
            }
        }
    }
}
