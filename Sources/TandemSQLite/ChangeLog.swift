import Foundation
import GRDB
import TandemCore
import TandemStore

/// Appends change records inside one write transaction and remembers them for publishing after commit.
/// Lives only inside a single `write` closure, on the writer's thread.
final class ChangeLog {
    let db: Database
    let actor: String
    let at: Date
    private(set) var changes: [Change] = []

    init(db: Database, actor: String, at: Date) {
        self.db = db
        self.actor = actor
        self.at = at
    }

    /// Takes the event's next `seq` (which becomes its `scheduleVersion`), builds the change for it and records it.
    @discardableResult
    func append(event eventID: Event.ID, _ build: (Int64) throws -> ChangeData) throws -> Int64 {
        guard let row = try db.cachedRow("""
            UPDATE event SET scheduleVersion = scheduleVersion + 1, updatedAt = ?
            WHERE id = ? RETURNING scheduleVersion, timezone
            """, [at, eventID.rawValue])
        else { throw StoreError.notFound(entity: "event", key: eventID.description) }
        let seq: Int64 = row["scheduleVersion"]
        try record(eventID: eventID, seq: seq, data: build(seq), timezone: row["timezone"])
        return seq
    }

    /// Runs `body` in a savepoint; if it throws, its writes and the changes it appended are undone
    /// while the rest of the transaction goes on (one registration of a group commit failing).
    func savepoint<T>(_ body: () throws -> T) throws -> T {
        let mark = changes.count
        var result: T?
        do {
            try db.inSavepoint {
                result = try body()
                return .commit
            }
        } catch {
            changes.removeSubrange(mark...)
            throw error
        }
        return result!
    }

    /// Records a programme-wide change that belongs to no event (e.g. a new speaker).
    func appendGlobal(_ data: ChangeData) throws {
        try record(eventID: nil, seq: nil, data: data)
    }

    private func record(eventID: Event.ID?, seq: Int64?, data: ChangeData, timezone: String? = nil) throws {
        let payload = try data.encodedPayload(using: ChangePayloadCoding.encoder)
        try db.cachedExecute("INSERT INTO change (eventId, seq, type, payload, actor, at) VALUES (?, ?, ?, ?, ?, ?)",
                             [eventID?.rawValue, seq, data.type, String(decoding: payload, as: UTF8.self), actor, at])
        let changeID = db.lastInsertedRowID
        changes.append(Change(eventID: eventID, seq: seq, data: data, actor: actor, at: at, timezone: timezone))
        if isOrganiser {
            try db.cachedExecute("""
                INSERT INTO auditEntry (eventId, seq, changeId, action, detail, actor, at) VALUES (?, ?, ?, ?, NULL, ?, ?)
                """, [eventID?.rawValue, seq, changeID, data.type, actor, at])
        }
    }

    /// Organisers' actions go to the audit log; attendees' own registrations and the clock's doings do not.
    var isOrganiser: Bool { actor != "attendee" && actor != "system" }

    /// Records an organiser action that changes no public state (a check-in, an export, an account
    /// change) in the audit log only; `detail` is a small JSON object.
    func audit(event eventID: Event.ID?, action: String, detail: [String: String]) throws {
        let json = try ChangePayloadCoding.encoder.encode(detail)
        try db.cachedExecute("""
            INSERT INTO auditEntry (eventId, seq, changeId, action, detail, actor, at) VALUES (?, NULL, NULL, ?, ?, ?, ?)
            """, [eventID?.rawValue, action, String(decoding: json, as: UTF8.self), actor, at])
    }
}
