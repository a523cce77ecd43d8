/// An organiser's login. Passwords live only as bcrypt hashes in the store.
public struct Account: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<Account>

    public var id: ID
    public var email: String
    public var name: String
    public var role: Role
    public var disabled: Bool

    public init(id: ID, email: String, name: String, role: Role, disabled: Bool = false) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.disabled = disabled
    }

    /// What an account may do. (Per-event roles come with the accounts-and-roles work.)
    public enum Role: String, Codable, Hashable, Sendable, CaseIterable {
        /// Everything, including accounts.
        case admin
        /// Create and edit events, schedules, speakers and announcements.
        case organiser
        /// Look up and check in attendees only.
        case checkin
    }

    public func may(_ permission: Permission) -> Bool {
        guard !disabled else { return false }
        switch (role, permission) {
        case (.admin, _): return true
        case (.organiser, .manageAccounts): return false
        case (.organiser, _): return true
        case (.checkin, .checkIn), (.checkin, .viewRegistrations): return true
        case (.checkin, _): return false
        }
    }

    public enum Permission: Hashable, Sendable {
        case manageAccounts
        case editSchedule
        /// Export, promote, cancel, erase registrations.
        case manageRegistrations
        /// List and search registrations (the check-in desk needs this).
        case viewRegistrations
        case checkIn
    }
}
