import Foundation
import GRDB
import TandemCore
import TandemStore

extension SQLiteStore {
    public func createSpeaker(_ speaker: Speaker, by actor: String) async throws -> Speaker {
        try await write(actor: actor) { db, log in try insertSpeaker(db, log, speaker) }
    }

    /// Inserts a speaker inside a write (also the schedule import's).
    func insertSpeaker(_ db: Database, _ log: ChangeLog, _ speaker: Speaker) throws -> Speaker {
        var speaker = speaker
        speaker.id = .init(0)
        try ValidationError.check(ProfileRules.validate(speaker))
        var record = SpeakerRecord(speaker, createdAt: log.at, updatedAt: log.at)
        try record.insert(db)
        speaker.id = Speaker.ID(record.id!)
        try log.appendGlobal(.speakerCreated(speaker))
        return speaker
    }

    /// Updates a profile; every event the speaker appears in gets a `speaker.updated` change.
    public func updateSpeaker(id: Speaker.ID, patch: SpeakerPatch, by actor: String) async throws -> Speaker {
        try await write(actor: actor) { db, log in try updateSpeaker(db, log, id: id, patch: patch) }
    }

    /// Updates a profile inside a write (also the speaker import's).
    func updateSpeaker(_ db: Database, _ log: ChangeLog, id: Speaker.ID, patch: SpeakerPatch) throws -> Speaker {
        guard let record = try SpeakerRecord.fetchOne(db, key: id.rawValue) else {
            throw StoreError.notFound(entity: "speaker", key: id.description)
        }
        let old = record.domain
        let speaker = patch.applied(to: old)
        try ValidationError.check(ProfileRules.validate(speaker))
        guard speaker != old else { return old }
        try SpeakerRecord(speaker, createdAt: record.createdAt, updatedAt: log.at).update(db)
        try log.appendGlobal(.speakerUpdated(speaker))
        let eventIDs = try Int64.fetchAll(db, sql: """
            SELECT DISTINCT session.eventId FROM session
            JOIN sessionSpeaker ON sessionSpeaker.sessionId = session.id
            WHERE sessionSpeaker.speakerId = ? ORDER BY session.eventId
            """, arguments: [id.rawValue])
        for eventID in eventIDs {
            try log.append(event: Event.ID(eventID)) { _ in .speakerUpdated(speaker) }
        }
        return speaker
    }

    /// Creates or updates speakers matched by name, in one transaction (the CSV import): all or nothing.
    public func importSpeakers(_ speakers: [Speaker], by actor: String) async throws -> (created: Int, updated: Int) {
        try await write(actor: actor) { db, log in
            let existing = Dictionary(try db.speakersInDirectoryOrder().map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            var created = 0, updated = 0
            for speaker in speakers {
                guard let current = existing[speaker.name] else {
                    _ = try insertSpeaker(db, log, speaker)
                    created += 1
                    continue
                }
                let patch = SpeakerPatch(from: current, to: speaker)
                if patch != SpeakerPatch() {
                    _ = try updateSpeaker(db, log, id: current.id, patch: patch)
                    updated += 1
                }
            }
            return (created, updated)
        }
    }
}

extension Database {
    /// Every speaker, in the speaker directory's order: the imports match by name, and a name that
    /// two profiles share then means the one the directory shows first.
    func speakersInDirectoryOrder() throws -> [Speaker] {
        try SpeakerRecord.fetchAll(self, sql: "SELECT * FROM speaker ORDER BY fellowCohort DESC, name, id").map(\.domain)
    }
}
