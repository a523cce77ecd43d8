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

    /// Creates or updates speakers matched by name (`SpeakerImportPlan`), in one transaction (the CSV
    /// import): all or nothing. A dry run reads the programme's speakers and writes nothing.
    public func importSpeakers(_ speakers: [Speaker], dryRun: Bool, by actor: String) async throws -> SpeakerImportResult {
        if dryRun {
            return try await read { db in SpeakerImportPlan(existing: try db.speakersInDirectoryOrder(), imported: speakers).result }
        }
        return try await write(actor: actor) { db, log in
            let plan = SpeakerImportPlan(existing: try db.speakersInDirectoryOrder(), imported: speakers)
            for speaker in plan.creates { _ = try insertSpeaker(db, log, speaker) }
            for change in plan.changes { _ = try updateSpeaker(db, log, id: change.id, patch: change.patch) }
            return plan.result
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
