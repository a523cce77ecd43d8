import Foundation
import TandemCore
import TandemStore

extension PostgresStore {
    public func createSpeaker(_ speaker: Speaker, by actor: String) async throws -> Speaker {
        try await write(actor: actor) { tx in try await insertSpeaker(tx, speaker) }
    }

    /// Inserts a speaker inside a write (also the schedule import's).
    func insertSpeaker(_ tx: PGTransaction, _ speaker: Speaker) async throws -> Speaker {
        var speaker = speaker
        speaker.id = .init(0)
        try ValidationError.check(ProfileRules.validate(speaker))
        guard let id = try await tx.value(Int64.self, """
            INSERT INTO speaker (name, nameZh, organisation, country, bioEn, bioZh, topics, fellowCohort, fellowPartnerOrganisation,
                createdAt, updatedAt)
            VALUES (\(speaker.name), \(speaker.nameZh), \(speaker.organisation), \(speaker.country), \(speaker.bio?.en), \(speaker.bio?.zh),
                \(try PGTransaction.topicsJSON(speaker.topics)), \(speaker.fellowship?.cohort), \(speaker.fellowship?.partnerOrganisation),
                \(tx.at), \(tx.at))
            RETURNING id
            """) else { throw StoreError.notFound(entity: "speaker", key: speaker.name) }
        speaker.id = Speaker.ID(id)
        try await tx.appendGlobal(.speakerCreated(speaker))
        return speaker
    }

    /// Updates a profile; every event the speaker appears in gets a `speaker.updated` change.
    public func updateSpeaker(id: Speaker.ID, patch: SpeakerPatch, by actor: String) async throws -> Speaker {
        try await write(actor: actor) { tx in try await updateSpeaker(tx, id: id, patch: patch) }
    }

    /// Updates a profile inside a write (also the speaker import's).
    func updateSpeaker(_ tx: PGTransaction, id: Speaker.ID, patch: SpeakerPatch) async throws -> Speaker {
        guard let row = try await tx.query("SELECT \(unescaped: PGTransaction.speakerColumns) FROM speaker WHERE id = \(id.rawValue) FOR UPDATE").first else {
            throw StoreError.notFound(entity: "speaker", key: id.description)
        }
        let old = try PGTransaction.decodeSpeaker(row)
        let speaker = patch.applied(to: old)
        try ValidationError.check(ProfileRules.validate(speaker))
        guard speaker != old else { return old }
        try await tx.execute("""
            UPDATE speaker SET name = \(speaker.name), nameZh = \(speaker.nameZh), organisation = \(speaker.organisation),
                country = \(speaker.country), bioEn = \(speaker.bio?.en), bioZh = \(speaker.bio?.zh),
                topics = \(try PGTransaction.topicsJSON(speaker.topics)), fellowCohort = \(speaker.fellowship?.cohort),
                fellowPartnerOrganisation = \(speaker.fellowship?.partnerOrganisation), updatedAt = \(tx.at)
            WHERE id = \(id.rawValue)
            """)
        try await tx.appendGlobal(.speakerUpdated(speaker))
        let eventIDs = try await tx.values(Int64.self, """
            SELECT DISTINCT session.eventId FROM session
            JOIN sessionSpeaker ON sessionSpeaker.sessionId = session.id
            WHERE sessionSpeaker.speakerId = \(id.rawValue) ORDER BY session.eventId
            """)
        for eventID in eventIDs {
            try await tx.append(event: Event.ID(eventID)) { _ in .speakerUpdated(speaker) }
        }
        return speaker
    }

    /// Creates or updates speakers matched by name (`SpeakerImportPlan`), in one transaction (the CSV
    /// import): all or nothing. A dry run reads the programme's speakers and writes nothing.
    public func importSpeakers(_ speakers: [Speaker], dryRun: Bool, by actor: String) async throws -> SpeakerImportResult {
        if dryRun {
            return try await read { tx in SpeakerImportPlan(existing: try await tx.speakersInDirectoryOrder(), imported: speakers).result }
        }
        return try await write(actor: actor) { tx in
            let plan = SpeakerImportPlan(existing: try await tx.speakersInDirectoryOrder(), imported: speakers)
            for speaker in plan.creates { _ = try await insertSpeaker(tx, speaker) }
            for change in plan.changes { _ = try await updateSpeaker(tx, id: change.id, patch: change.patch) }
            return plan.result
        }
    }
}
