import Foundation
import GRDB
import Testing
import TandemCore
import TandemStore
@testable import TandemSQLite
import TandemTestSupport

@Suite("Online backup", .timeLimit(.minutes(5)))
struct BackupTests {
    @Test("a backup taken while writes go on opens, passes integrity_check and holds a consistent state")
    func backupDuringWrites() async throws {
        let f = try StoreFixture()
        let (_, rooms, _) = try await f.seed()
        let writer = Task {
            for n in 0..<200 {
                _ = try await f.store.createAnnouncement(eventSlug: "hamburg-2017",
                                                     Announcement(id: .init(0), eventID: .init(0), text: TranslatedText(en: "Note \(n)"), createdAt: f.clock.now()),
                                                     by: "organiser@example.org")
            }
        }
        let folder = URL(fileURLWithPath: f.path).deletingLastPathComponent()
        var copies: [String] = []
        for n in 0..<5 {
            let path = folder.appendingPathComponent("backup-\(n).sqlite").path
            let migrations = try SQLiteStore.backup(databasePath: f.path, to: path)
            #expect(migrations.last == Migrations.all.last?.identifier, "the copy is fully migrated")
            copies.append(path)
            try await Task.sleep(for: .milliseconds(5))
        }
        try await writer.value
        var counts: [Int] = []
        for path in copies {
            let copy = try DatabaseQueue(path: path)
            let (check, announcements, version, changes) = try await copy.read { db in
                (try String.fetchOne(db, sql: "PRAGMA integrity_check"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM announcement")!,
                 try Int.fetchOne(db, sql: "SELECT scheduleVersion FROM event")!, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM change WHERE eventId IS NOT NULL")!)
            }
            #expect(check == "ok")
            // Consistent: every announcement came with its change and its version step.
            #expect(version == changes && version == 3 + announcements, "\(version) \(changes) \(announcements)")
            counts.append(announcements)
            #expect(!FileManager.default.fileExists(atPath: path + ".partial"))
        }
        #expect(counts == counts.sorted())
        #expect(rooms.count == 2)
        // The copy is a working database: a store opens and reads it.
        let restored = try SQLiteStore(path: copies.last!, clock: f.clock)
        #expect(try await restored.event(slug: "hamburg-2017").slug == "hamburg-2017")
        #expect(throws: (any Error).self) { try SQLiteStore.backup(databasePath: folder.appendingPathComponent("missing.sqlite").path, to: copies[0]) }
    }
}
