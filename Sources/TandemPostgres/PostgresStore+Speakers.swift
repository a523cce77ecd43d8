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

    /// Creates or updates speakers matched by name, in one transaction (the CSV import): all or nothing.
    public func importSpeakers(_ speakers: [Speaker], by actor: String) async throws -> (created: Int, updated: Int) {
        let counts: Counts = try await write(actor: actor) { tx in
            let existing = Dictionary(try await tx.speakersInDirectoryOrder().map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            var counts = Counts()
            for speaker in speakers {
                guard let current = existing[speaker.name] else {
                    _ = try await insertSpeaker(tx, speaker)
                    counts.created += 1
                    continue
                }
                let patch = SpeakerPatch(from: current, to: speaker)
                if patch != SpeakerPatch() {
                    _ = try await updateSpeaker(tx, id: current.id, patch: patch)
                    counts.updated += 1
                }
            }
            return counts
        }
        return (counts.created, counts.updated)
    }
}

private struct Counts: Sendable {
    var created = 0
    var updated = 0
}
