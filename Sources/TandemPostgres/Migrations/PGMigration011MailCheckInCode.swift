/// The check-in code a composed confirmation or promotion gives, kept beside its text so that the
/// QR code sent with the message is drawn from the very code the text shows. Cleared, like the
/// text, once the message is sent or the registration erased.
enum PGMigration011MailCheckInCode {
    static let sql = """
        ALTER TABLE outbox ADD COLUMN checkInCode TEXT
        """
}
