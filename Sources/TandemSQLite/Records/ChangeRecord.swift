import Foundation
import GRDB
import TandemCore
import TandemStore

/// A row of the change log.
struct ChangeRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "change"

    var id: Int64?
    var eventId: Int64?
    var seq: Int64?
    var type: String
    var payload: String
    var actor: String
    var at: Date

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    func domain() throws -> Change {
        let data = try ChangeData.decode(type: type, payload: Data(payload.utf8), using: ChangePayloadCoding.decoder)
        return Change(eventID: eventId.map { Event.ID($0) }, seq: seq, data: data, actor: actor, at: at)
    }
}
