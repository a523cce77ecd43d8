import Foundation
import GRDB
import TandemCore

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
        try await write(actor: actor) { db, log in
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
    }
}
