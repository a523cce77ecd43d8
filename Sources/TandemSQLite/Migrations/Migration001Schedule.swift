import GRDB

/// Events, rooms, sessions, speakers, announcements and the change log.
/// Times are stored as UTC instants; each event row holds the IANA zone they are shown in.
enum Migration001Schedule {
    static func migrate(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE event (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                slug TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                status TEXT NOT NULL,
                titleEn TEXT NOT NULL,
                titleZh TEXT,
                descriptionEn TEXT,
                descriptionZh TEXT,
                timezone TEXT NOT NULL,
                startsAt DATETIME NOT NULL,
                endsAt DATETIME NOT NULL,
                venueName TEXT NOT NULL,
                venueAddress TEXT,
                venueCity TEXT NOT NULL,
                venueCountry TEXT NOT NULL,
                capacity INTEGER,
                registrationOpensAt DATETIME,
                registrationClosesAt DATETIME,
                parentId INTEGER REFERENCES event(id) ON DELETE RESTRICT,
                scheduleVersion INTEGER NOT NULL DEFAULT 0,
                seatsConfirmed INTEGER NOT NULL DEFAULT 0,
                seatsWaitlisted INTEGER NOT NULL DEFAULT 0,
                createdAt DATETIME NOT NULL,
                updatedAt DATETIME NOT NULL
            );
            CREATE INDEX event_parentId ON event(parentId);
            CREATE INDEX event_startsAt ON event(startsAt);

            CREATE TABLE room (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                eventId INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                capacity INTEGER,
                position INTEGER NOT NULL DEFAULT 0,
                UNIQUE (eventId, name)
            );

            CREATE TABLE speaker (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                name TEXT NOT NULL,
                nameZh TEXT,
                organisation TEXT,
                country TEXT,
                bioEn TEXT,
                bioZh TEXT,
                topics TEXT NOT NULL DEFAULT '[]',
                fellowCohort INTEGER,
                fellowPartnerOrganisation TEXT,
                createdAt DATETIME NOT NULL,
                updatedAt DATETIME NOT NULL
            );
            CREATE INDEX speaker_fellowCohort ON speaker(fellowCohort);

            CREATE TABLE session (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                eventId INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
                guid TEXT NOT NULL UNIQUE,
                titleEn TEXT NOT NULL,
                titleZh TEXT,
                abstractEn TEXT,
                abstractZh TEXT,
                kind TEXT NOT NULL,
                status TEXT NOT NULL,
                roomId INTEGER NOT NULL REFERENCES room(id) ON DELETE RESTRICT,
                startsAt DATETIME NOT NULL,
                endsAt DATETIME NOT NULL,
                capacity INTEGER,
                language TEXT,
                version INTEGER NOT NULL,
                seatsConfirmed INTEGER NOT NULL DEFAULT 0,
                seatsWaitlisted INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX session_eventId_startsAt ON session(eventId, startsAt);
            CREATE INDEX session_roomId ON session(roomId);

            CREATE TABLE sessionSpeaker (
                sessionId INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                speakerId INTEGER NOT NULL REFERENCES speaker(id) ON DELETE RESTRICT,
                position INTEGER NOT NULL,
                PRIMARY KEY (sessionId, speakerId)
            );
            CREATE INDEX sessionSpeaker_speakerId ON sessionSpeaker(speakerId);

            CREATE TABLE announcement (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                eventId INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
                textEn TEXT NOT NULL,
                textZh TEXT,
                severity TEXT NOT NULL,
                createdAt DATETIME NOT NULL,
                expiresAt DATETIME
            );
            CREATE INDEX announcement_eventId ON announcement(eventId);

            -- The change log: one row per committed change. Event changes carry the event's
            -- next seq; programme-wide changes (speakers) have neither eventId nor seq.
            CREATE TABLE change (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                eventId INTEGER REFERENCES event(id) ON DELETE CASCADE,
                seq INTEGER,
                type TEXT NOT NULL,
                payload TEXT NOT NULL,
                actor TEXT NOT NULL,
                at DATETIME NOT NULL,
                UNIQUE (eventId, seq),
                CHECK ((eventId IS NULL) = (seq IS NULL))
            );
            """)
    }
}
