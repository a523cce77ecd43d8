import Foundation
import TandemCore
import TandemStore

extension PostgresStore {
    public func createAnnouncement(eventSlug: String, _ announcement: Announcement, by actor: String) async throws -> Announcement {
        try await write(actor: actor) { tx in
            let event = try await tx.event(slug: eventSlug)
            var announcement = announcement
            announcement.id = .init(0)
            announcement.eventID = event.id
            announcement.createdAt = tx.at
            try ValidationError.check(ProfileRules.validate(announcement, now: tx.at))
            guard let id = try await tx.value(Int64.self, """
                INSERT INTO announcement (eventId, textEn, textZh, severity, createdAt, expiresAt, expiryRecorded)
                VALUES (\(event.id.rawValue), \(announcement.text.en), \(announcement.text.zh), \(announcement.severity.rawValue),
                    \(announcement.createdAt), \(announcement.expiresAt), FALSE)
                RETURNING id
                """) else { throw StoreError.notFound(entity: "announcement", key: eventSlug) }
            announcement.id = Announcement.ID(id)
            try await tx.append(event: event.id) { _ in .announcementCreated(announcement) }
            return announcement
        }
    }

    public func expireAnnouncement(eventSlug: String, id: Announcement.ID, by actor: String) async throws -> Announcement {
        try await write(actor: actor) { tx in
            let event = try await tx.event(slug: eventSlug)
            guard let row = try await tx.query("""
                SELECT \(unescaped: PGTransaction.announcementColumns) FROM announcement
                WHERE id = \(id.rawValue) AND eventId = \(event.id.rawValue) FOR UPDATE
                """).first
            else { throw StoreError.notFound(entity: "announcement", key: id.description) }
            var announcement = try PGTransaction.decodeAnnouncement(row)
            guard announcement.isActive(at: tx.at) else { return announcement }
            announcement.expiresAt = tx.at
            try await tx.execute("""
                UPDATE announcement SET textEn = \(announcement.text.en), textZh = \(announcement.text.zh),
                    severity = \(announcement.severity.rawValue), expiresAt = \(announcement.expiresAt), expiryRecorded = TRUE
                WHERE id = \(id.rawValue)
                """)
            try await tx.append(event: event.id) { _ in .announcementExpired(announcement) }
            return announcement
        }
    }

    /// Records `announcement.expired` for every announcement whose expiry time has passed, once each,
    /// so screens drop it at the right moment. Returns how many expired.
    public func recordExpiredAnnouncements() async throws -> Int {
        try await write(actor: "system") { tx in
            // Claimed rows: two servers sweeping at once record each expiry once.
            let due = try await tx.query("""
                UPDATE announcement SET expiryRecorded = TRUE
                WHERE id IN (SELECT id FROM announcement WHERE NOT expiryRecorded AND expiresAt IS NOT NULL AND expiresAt <= \(tx.at)
                             FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: PGTransaction.announcementColumns)
                """).map(PGTransaction.decodeAnnouncement)
                .sorted { ($0.expiresAt ?? $0.createdAt, $0.id.rawValue) < ($1.expiresAt ?? $1.createdAt, $1.id.rawValue) }
            for announcement in due {
                try await tx.append(event: announcement.eventID) { _ in .announcementExpired(announcement) }
            }
            return due.count
        }
    }
}
