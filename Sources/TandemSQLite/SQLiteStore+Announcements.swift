import Foundation
import GRDB
import TandemCore
import TandemStore

extension SQLiteStore {
    public func createAnnouncement(eventSlug: String, _ announcement: Announcement, by actor: String) async throws -> Announcement {
        try await write(actor: actor) { db, log in
            let event = try db.event(slug: eventSlug)
            var announcement = announcement
            announcement.id = .init(0)
            announcement.eventID = event.id
            announcement.createdAt = log.at
            try ValidationError.check(ProfileRules.validate(announcement, now: log.at))
            var record = AnnouncementRecord(announcement)
            try record.insert(db)
            announcement.id = Announcement.ID(record.id!)
            try log.append(event: event.id) { _ in .announcementCreated(announcement) }
            return announcement
        }
    }

    public func expireAnnouncement(eventSlug: String, id: Announcement.ID, by actor: String) async throws -> Announcement {
        try await write(actor: actor) { db, log in
            let event = try db.event(slug: eventSlug)
            guard let record = try AnnouncementRecord
                .filter(Column("id") == id.rawValue && Column("eventId") == event.id.rawValue).fetchOne(db)
            else { throw StoreError.notFound(entity: "announcement", key: id.description) }
            var announcement = try record.domain()
            guard announcement.isActive(at: log.at) else { return announcement }
            announcement.expiresAt = log.at
            var updated = AnnouncementRecord(announcement)
            updated.expiryRecorded = true
            try updated.update(db)
            try log.append(event: event.id) { _ in .announcementExpired(announcement) }
            return announcement
        }
    }

    /// Records `announcement.expired` for every announcement whose expiry time has passed, once each,
    /// so screens drop it at the right moment. Returns how many expired.
    public func recordExpiredAnnouncements() async throws -> Int {
        try await write(actor: "system") { db, log in
            let due = try AnnouncementRecord.filter(sql: "expiryRecorded = 0 AND expiresAt IS NOT NULL AND expiresAt <= ?", arguments: [log.at])
                .order(Column("expiresAt"), Column("id")).fetchAll(db)
            for var record in due {
                record.expiryRecorded = true
                try record.update(db)
                let announcement = try record.domain()
                try log.append(event: announcement.eventID) { _ in .announcementExpired(announcement) }
            }
            return due.count
        }
    }
}
