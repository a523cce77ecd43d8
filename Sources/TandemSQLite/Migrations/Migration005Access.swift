import GRDB

/// Per-event roles, named API tokens, browser sessions beside login tokens, and the audit log.
enum Migration005Access {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE eventRole (
                accountId INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                eventId INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
                role TEXT NOT NULL CHECK (role IN ('organiser', 'checkin')),
                PRIMARY KEY (accountId, eventId)
            ) WITHOUT ROWID;
            CREATE INDEX eventRole_eventId ON eventRole(eventId);

            -- 'bearer': from POST /auth/login; 'session': a browser's session cookie.
            ALTER TABLE authToken ADD COLUMN kind TEXT NOT NULL DEFAULT 'bearer';

            -- Named tokens for scripts: only the SHA-256 of the token is kept.
            CREATE TABLE apiToken (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                accountId INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                tokenHash TEXT NOT NULL UNIQUE,
                createdAt DATETIME NOT NULL,
                expiresAt DATETIME NOT NULL,
                revokedAt DATETIME
            );
            CREATE INDEX apiToken_accountId ON apiToken(accountId);

            -- Who did what and when: one row per organiser action. Actions that changed public state
            -- point at their change (eventId, seq); the others (check-ins, exports, account changes)
            -- carry their own detail. eventId NULL: programme-wide (accounts, speakers, tokens).
            CREATE TABLE auditEntry (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                eventId INTEGER REFERENCES event(id) ON DELETE CASCADE,
                seq INTEGER,
                changeId INTEGER REFERENCES change(id) ON DELETE CASCADE,
                action TEXT NOT NULL,
                detail TEXT,
                actor TEXT NOT NULL,
                at DATETIME NOT NULL
            );
            CREATE INDEX auditEntry_eventId ON auditEntry(eventId, id);
            CREATE INDEX auditEntry_changeId ON auditEntry(changeId);

            INSERT INTO auditEntry (eventId, seq, changeId, action, detail, actor, at)
            SELECT eventId, seq, id, type, NULL, actor, at FROM change
            WHERE actor NOT IN ('attendee', 'system') ORDER BY id;
            """)
    }
}
