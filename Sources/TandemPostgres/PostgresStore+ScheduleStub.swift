import Foundation
import TandemCore
import TandemStore

// Placeholder until the PostgreSQL schedule land: every call says so.
extension PostgresStore: ScheduleStore {
    public func events(includeDrafts: Bool) async throws -> [Event] { throw PostgresNotYet(operation: #function) }
    public func event(slug: String) async throws -> Event { throw PostgresNotYet(operation: #function) }
    public func scheduleVersion(slug: String) async throws -> Int64 { throw PostgresNotYet(operation: #function) }
    public func schedule(slug: String, announcementsActiveAt: Date) async throws -> EventSchedule { throw PostgresNotYet(operation: #function) }
    public func session(eventSlug: String, id: Session.ID) async throws -> SessionDetail { throw PostgresNotYet(operation: #function) }
    public func speakers(eventSlug: String) async throws -> [Speaker] { throw PostgresNotYet(operation: #function) }
    public func speaker(id: Speaker.ID) async throws -> Speaker { throw PostgresNotYet(operation: #function) }
    public func speakerDirectory(fellowsOnly: Bool, cohort: Int?) async throws -> [SpeakerAppearances] { throw PostgresNotYet(operation: #function) }
    public func changes(eventSlug: String, after seq: Int64, limit: Int) async throws -> [Change] { throw PostgresNotYet(operation: #function) }
    public func createEvent(_ event: Event, by actor: String) async throws -> Event { throw PostgresNotYet(operation: #function) }
    public func updateEvent(slug: String, patch: EventPatch, by actor: String) async throws -> Event { throw PostgresNotYet(operation: #function) }
    public func cancelEvent(slug: String, by actor: String) async throws -> Event { throw PostgresNotYet(operation: #function) }
    public func createRoom(eventSlug: String, _ room: Room, by actor: String) async throws -> Room { throw PostgresNotYet(operation: #function) }
    public func updateRoom(eventSlug: String, id: Room.ID, patch: RoomPatch, by actor: String) async throws -> Room { throw PostgresNotYet(operation: #function) }
    public func deleteRoom(eventSlug: String, id: Room.ID, by actor: String) async throws { throw PostgresNotYet(operation: #function) }
    public func createSession(eventSlug: String, _ session: Session, by actor: String) async throws -> SessionDetail { throw PostgresNotYet(operation: #function) }
    public func updateSession(eventSlug: String, id: Session.ID, patch: SessionPatch, ifVersion: Int64?, by actor: String) async throws -> SessionDetail { throw PostgresNotYet(operation: #function) }
    public func cancelSession(eventSlug: String, id: Session.ID, ifVersion: Int64?, by actor: String) async throws -> SessionDetail { throw PostgresNotYet(operation: #function) }
    public func deleteSession(eventSlug: String, id: Session.ID, ifVersion: Int64?, by actor: String) async throws { throw PostgresNotYet(operation: #function) }
    public func delaySessions(eventSlug: String, _ delay: Delay, by actor: String) async throws -> DelayApplied { throw PostgresNotYet(operation: #function) }
    public func createAnnouncement(eventSlug: String, _ announcement: Announcement, by actor: String) async throws -> Announcement { throw PostgresNotYet(operation: #function) }
    public func expireAnnouncement(eventSlug: String, id: Announcement.ID, by actor: String) async throws -> Announcement { throw PostgresNotYet(operation: #function) }
    public func recordExpiredAnnouncements() async throws -> Int { throw PostgresNotYet(operation: #function) }
    public func createSpeaker(_ speaker: Speaker, by actor: String) async throws -> Speaker { throw PostgresNotYet(operation: #function) }
    public func updateSpeaker(id: Speaker.ID, patch: SpeakerPatch, by actor: String) async throws -> Speaker { throw PostgresNotYet(operation: #function) }
    public func isEmpty() async throws -> Bool { throw PostgresNotYet(operation: #function) }
    public func sessionsLastModified(eventSlug: String) async throws -> [Session.ID: Date] { throw PostgresNotYet(operation: #function) }
    public func importSchedule(_ plan: ScheduleImport, by actor: String) async throws -> ScheduleImportResult { throw PostgresNotYet(operation: #function) }
    public func importSpeakers(_ speakers: [Speaker], by actor: String) async throws -> (created: Int, updated: Int) { throw PostgresNotYet(operation: #function) }
}
