import Foundation
import TandemCore
import TandemStore

// Placeholder until the PostgreSQL registrations land: every call says so.
extension PostgresStore: RegistrationStore {
    public func register(eventSlug: String, _ request: RegistrationRequest) async throws -> RegistrationReceipt { throw PostgresNotYet(operation: #function) }
    public func registration(token: String) async throws -> (Registration, Event) { throw PostgresNotYet(operation: #function) }
    public func changeSessions(token: String, to sessionIDs: [Session.ID]) async throws -> Registration { throw PostgresNotYet(operation: #function) }
    public func cancelRegistration(token: String) async throws -> Registration { throw PostgresNotYet(operation: #function) }
    public func confirmRegistration(token: String) async throws -> Registration { throw PostgresNotYet(operation: #function) }
    public func expireHolds() async throws -> Int { throw PostgresNotYet(operation: #function) }
    public func registrations(eventSlug: String, query: RegistrationQuery) async throws -> [Registration] { throw PostgresNotYet(operation: #function) }
    public func registration(eventSlug: String, id: Registration.ID) async throws -> Registration { throw PostgresNotYet(operation: #function) }
    public func checkIn(eventSlug: String, code: CheckInCode, by actor: String) async throws -> CheckIn { throw PostgresNotYet(operation: #function) }
    public func promote(eventSlug: String, id: Registration.ID, by actor: String) async throws -> Registration { throw PostgresNotYet(operation: #function) }
    public func cancelRegistration(eventSlug: String, id: Registration.ID, by actor: String) async throws -> Registration { throw PostgresNotYet(operation: #function) }
    public func exportRegistration(eventSlug: String, id: Registration.ID, by actor: String) async throws -> RegistrationExport { throw PostgresNotYet(operation: #function) }
    public func eraseRegistration(eventSlug: String, id: Registration.ID, by actor: String) async throws -> Registration { throw PostgresNotYet(operation: #function) }
    public func dueMail(at instant: Date, limit: Int) async throws -> [OutboundMail] { throw PostgresNotYet(operation: #function) }
    public func markSent(mailIDs: [Int64], at instant: Date) async throws { throw PostgresNotYet(operation: #function) }
    public func markFailed(mailID: Int64, error: String, policy: RetryPolicy) async throws { throw PostgresNotYet(operation: #function) }
    public func flushScheduleNotices(quietSince: Date, oldestAllowed: Date) async throws -> Int { throw PostgresNotYet(operation: #function) }
    public func outboxBacklog() async throws -> Int { throw PostgresNotYet(operation: #function) }
}
