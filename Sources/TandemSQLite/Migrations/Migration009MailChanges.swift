import GRDB

/// Programme-change notices are queued like every other e-mail, with the sessions as they were
/// before (JSON `[SessionSnapshot]`), and composed by the outbox worker instead of in the store.
enum Migration009MailChanges {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE outbox ADD COLUMN changes TEXT")
    }
}
