import GRDB

/// Registrations with per-session seats and waitlists, the e-mail outbox, and pending
/// programme-change notices (batched into one e-mail per attendee).
enum Migration003Registrations {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE registration (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                eventId INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
                -- SHA-256 of the self-service token; the token itself is never stored.
                tokenHash TEXT NOT NULL UNIQUE,
                -- Random input from which the server's key re-derives the token for later e-mails.
                tokenNonce TEXT,
                name TEXT NOT NULL,
                email TEXT NOT NULL,
                organisation TEXT,
                country TEXT,
                language TEXT NOT NULL,
                status TEXT NOT NULL,
                -- FIFO order on the event's waitlist while status = 'waitlisted'.
                queueOrder INTEGER,
                consentAt DATETIME NOT NULL,
                createdAt DATETIME NOT NULL,
                updatedAt DATETIME NOT NULL,
                cancelledAt DATETIME,
                checkedInAt DATETIME,
                checkedInBy TEXT,
                erasedAt DATETIME
            );
            -- One active registration per e-mail and event; a cancelled one may be followed by a new one.
            CREATE UNIQUE INDEX registration_activeEmail ON registration(eventId, email COLLATE NOCASE) WHERE status != 'cancelled';
            CREATE INDEX registration_eventId_status_queue ON registration(eventId, status, queueOrder);

            CREATE TABLE registrationSession (
                registrationId INTEGER NOT NULL REFERENCES registration(id) ON DELETE CASCADE,
                sessionId INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                status TEXT NOT NULL,
                queueOrder INTEGER,
                createdAt DATETIME NOT NULL,
                PRIMARY KEY (registrationId, sessionId)
            ) WITHOUT ROWID;
            CREATE INDEX registrationSession_sessionId_status_queue ON registrationSession(sessionId, status, queueOrder);

            CREATE TABLE outbox (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                registrationId INTEGER REFERENCES registration(id) ON DELETE SET NULL,
                kind TEXT NOT NULL,
                recipient TEXT NOT NULL,
                recipientName TEXT,
                language TEXT NOT NULL,
                subject TEXT NOT NULL,
                body TEXT NOT NULL,
                calendar TEXT,
                createdAt DATETIME NOT NULL,
                nextAttemptAt DATETIME NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                sentAt DATETIME,
                failedAt DATETIME,
                lastError TEXT
            );
            CREATE INDEX outbox_pending ON outbox(nextAttemptAt) WHERE sentAt IS NULL AND failedAt IS NULL;
            CREATE INDEX outbox_registrationId ON outbox(registrationId);

            CREATE TABLE scheduleNotice (
                registrationId INTEGER NOT NULL REFERENCES registration(id) ON DELETE CASCADE,
                sessionId INTEGER NOT NULL,
                -- The session as it was before the first edit of this burst (JSON SessionSnapshot).
                before TEXT NOT NULL,
                firstAt DATETIME NOT NULL,
                lastAt DATETIME NOT NULL,
                PRIMARY KEY (registrationId, sessionId)
            ) WITHOUT ROWID;
            CREATE INDEX scheduleNotice_lastAt ON scheduleNotice(lastAt);
            """)
    }
}
