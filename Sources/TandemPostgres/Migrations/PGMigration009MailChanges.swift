/// Programme-change notices are queued like every other e-mail, with the sessions as they were
/// before (JSON `[SessionSnapshot]`), and composed by the outbox worker instead of in the store.
enum PGMigration009MailChanges {
    static let sql = """
        ALTER TABLE outbox ADD COLUMN changes TEXT
        """
}
