import Foundation
import TandemCore

/// What a speaker import does (or, in a dry run, would do).
public struct SpeakerImportResult: Hashable, Sendable {
    public struct Updated: Hashable, Sendable {
        public var name: String
        /// The fields that change, by their API names (`SpeakerPatch.changedFields`).
        public var changes: [String]

        public init(name: String, changes: [String]) {
            self.name = name
            self.changes = changes
        }
    }

    /// The names of the new speakers, in the file's order.
    public var created: [String] = []
    public var updated: [Updated] = []
    public var unchanged = 0

    public init(created: [String] = [], updated: [Updated] = [], unchanged: Int = 0) {
        self.created = created
        self.updated = updated
        self.unchanged = unchanged
    }
}

/// The speakers of an import matched by name with the programme's (`existing`, in the speaker
/// directory's order: a name two profiles share means the first): new ones to create, changed ones
/// to patch. A pure rule; both stores write it, and a dry run only reports it.
public struct SpeakerImportPlan: Sendable {
    public struct Change: Sendable {
        public var id: Speaker.ID
        public var name: String
        public var patch: SpeakerPatch
    }

    public var creates: [Speaker] = []
    public var changes: [Change] = []
    public var unchanged = 0

    public init(existing: [Speaker], imported: [Speaker]) {
        let byName = Dictionary(existing.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for speaker in imported {
            guard let current = byName[speaker.name] else {
                creates.append(speaker)
                continue
            }
            let patch = SpeakerPatch(from: current, to: speaker)
            if patch == SpeakerPatch() {
                unchanged += 1
            } else {
                changes.append(Change(id: current.id, name: current.name, patch: patch))
            }
        }
    }

    public var result: SpeakerImportResult {
        SpeakerImportResult(created: creates.map(\.name), updated: changes.map { .init(name: $0.name, changes: $0.patch.changedFields) },
                            unchanged: unchanged)
    }
}
