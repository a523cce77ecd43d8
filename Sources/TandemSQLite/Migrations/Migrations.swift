import GRDB

/// Every migration, in order. Append only: a migration that has landed is never edited.
enum Migrations {
    static let all: [(identifier: String, migrate: @Sendable (Database) throws -> Void)] = [
        ("001_schedule", Migration001Schedule.migrate),
        ("002_accounts", Migration002Accounts.migrate),
        ("003_registrations", Migration003Registrations.migrate),
        ("004_announcement_expiry", Migration004AnnouncementExpiry.migrate),
        ("005_access", Migration005Access.migrate),
        ("006_deferred_mail", Migration006DeferredMail.migrate),
        ("007_registration_mode", Migration007RegistrationMode.migrate),
        ("008_login_pairs", Migration008LoginPairs.migrate),
        ("009_mail_changes", Migration009MailChanges.migrate),
        ("010_instances", Migration010Instances.migrate),
        ("011_mail_check_in_code", Migration011MailCheckInCode.migrate),
        ("012_invites", Migration012Invites.migrate),
        ("013_webhooks", Migration013Webhooks.migrate),
    ]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all {
            migrator.registerMigration(migration.identifier, migrate: migration.migrate)
        }
        return migrator
    }
}
