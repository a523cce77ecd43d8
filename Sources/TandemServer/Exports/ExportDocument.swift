import HTTPTypes

/// One of an event's cached exports: what tells them apart on the wire and in `SnapshotCache`.
enum ExportDocument: Hashable, Sendable {
    /// `schedule.ics`, for all rooms (nil) or one room's id.
    case calendar(room: Int64?)
    case frabXML
    case frabJSON

    /// The entity tag of this document at a schedule version, e.g. `"ics-12-0"` (room 0: all rooms).
    func etag(version: Int64) -> String {
        switch self {
        case .calendar(let room): "\"ics-\(version)-\(room ?? 0)\""
        case .frabXML: "\"frab-xml-\(version)\""
        case .frabJSON: "\"frab-json-\(version)\""
        }
    }

    /// Content type, caching and (for the calendar) the file name a download gets.
    func headers(slug: String) -> HTTPFields {
        switch self {
        case .calendar(let room):
            [.contentType: "text/calendar; charset=utf-8", .cacheControl: "no-cache",
             .contentDisposition: "inline; filename=\"\(slug)\(room.map { "-room-\($0)" } ?? "").ics\""]
        case .frabXML:
            [.contentType: "application/xml; charset=utf-8", .cacheControl: "no-cache"]
        case .frabJSON:
            [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"]
        }
    }
}
