import Foundation
import TandemCore

/// A session an import creates or changes, as it will be and (for a change) as it was, named for
/// people: rooms by name, since a previewed import leaves no ids behind.
public struct SessionImportChange: Hashable, Sendable {
    /// How the session is listed: `new`; `moved` (its time or room changes, maybe more);
    /// `renamed` (its title changes, not its slot); `updated` (anything else: abstract, kind,
    /// speakers, language, or a cancelled session scheduled again).
    public enum Kind: String, Hashable, Sendable {
        case new, moved, renamed, updated
    }

    public struct Placement: Hashable, Sendable {
        public var title: TranslatedText
        public var startsAt: Date
        public var endsAt: Date
        public var room: String

        public init(title: TranslatedText, startsAt: Date, endsAt: Date, room: String) {
            self.title = title
            self.startsAt = startsAt
            self.endsAt = endsAt
            self.room = room
        }
    }

    public var guid: UUID
    /// As the import leaves it.
    public var after: Placement
    /// As it was; `nil` for a new session.
    public var before: Placement?
    /// The fields that change (`SessionPatch.changedFields`); empty for a new session.
    public var changes: [String]

    public init(guid: UUID, after: Placement, before: Placement? = nil, changes: [String] = []) {
        self.guid = guid
        self.after = after
        self.before = before
        self.changes = changes
    }

    /// A talk that becomes a new session.
    public init(new talk: ScheduleImport.Talk) {
        self.init(guid: talk.guid, after: Placement(title: talk.title, startsAt: talk.startsAt, endsAt: talk.endsAt, room: talk.room))
    }

    /// A talk that changes the session `current` (in the room `currentRoom`) by `patch`.
    public init(changed talk: ScheduleImport.Talk, current: Session, currentRoom: String, patch: SessionPatch) {
        self.init(guid: talk.guid, after: Placement(title: talk.title, startsAt: talk.startsAt, endsAt: talk.endsAt, room: talk.room),
                  before: Placement(title: current.title, startsAt: current.startsAt, endsAt: current.endsAt, room: currentRoom),
                  changes: patch.changedFields)
    }

    public var kind: Kind {
        guard before != nil else { return .new }
        if changes.contains(where: { ["room", "startsAt", "endsAt"].contains($0) }) { return .moved }
        if changes.contains("title") { return .renamed }
        return .updated
    }
}

/// Thrown inside a dry run's transaction to roll it back, carrying what the import would have done.
public struct ScheduleImportRolledBack: Error, Sendable {
    public var result: ScheduleImportResult
    public init(result: ScheduleImportResult) { self.result = result }
}

extension ScheduleImportResult {
    /// How an import's transaction ends, once the end state's `conflicts` are known (the same on
    /// every store): a dry run throws its result to roll everything back; clashes the plan does not
    /// allow throw, and nothing is written; otherwise the result, to commit.
    public func concluded(_ plan: ScheduleImport, timezone: String) throws -> ScheduleImportResult {
        var result = self
        result.timezone = timezone
        if plan.dryRun {
            result.dryRun = true
            throw ScheduleImportRolledBack(result: result)
        }
        if !result.conflicts.isEmpty && !plan.allowConflicts {
            throw ScheduleImportConflictError(conflicts: result.conflicts, timezone: timezone)
        }
        return result
    }
}
