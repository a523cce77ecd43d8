import Foundation
import TandemCore
import TandemStore

/// The wire form of live messages: `{"seq": 42, "type": "session.updated", "at": "…", "data": {…}}`,
/// with `data` in the same shapes as the REST API and times in the event's zone.
enum LiveMessage {
    private struct Envelope<Data: Encodable>: Encodable {
        var seq: Int64
        var type: String
        var at: String
        var data: Data
    }

    /// `seats.changed` data.
    private struct SeatsData: Encodable {
        var event: SeatsResponse
        var sessions: [SessionSeats]
        struct SessionSeats: Encodable {
            var sessionId: Int64
            var seats: SeatsResponse
        }
    }


    private static func text<D: Encodable>(_ seq: Int64, _ type: String, _ at: Date, _ zone: TimeZone, _ data: D) throws -> String {
        String(decoding: try WireJSON.encoder.encode(Envelope(seq: seq, type: type, at: at.wire(in: zone), data: data)), as: UTF8.self)
    }

    /// The frame for a committed change; `nil` for changes that belong to no event.
    static func frame(for change: Change, zone: TimeZone) throws -> LiveFrame? {
        guard change.eventID != nil, let seq = change.seq else { return nil }
        let type = change.type
        func frame<D: Encodable>(_ data: D, _ scope: LiveFrame.Scope) throws -> LiveFrame {
            LiveFrame(seq: seq, type: type, text: try text(seq, type, change.at, zone, data), scope: scope)
        }
        func place(_ detail: SessionDetail) -> LiveFrame.Place {
            LiveFrame.Place(sessionID: detail.session.id.rawValue, roomID: detail.session.roomID.rawValue,
                            previousRoomID: detail.previousRoomID?.rawValue)
        }
        switch change.data {
        case .eventCreated(let event), .eventUpdated(let event):
            return try frame(EventResponse(event), .everyone)
        case .roomCreated(let room), .roomUpdated(let room), .roomDeleted(let room):
            return try frame(RoomResponse(room), .room(room.id.rawValue))
        case .sessionCreated(let d), .sessionUpdated(let d), .sessionCancelled(let d), .sessionDeleted(let d):
            var response = SessionResponse(d, zone: zone)
            response.previousRoomId = d.previousRoomID?.rawValue
            return try frame(response, .sessions([place(d)]))
        case .scheduleDelayed(let applied):
            return try frame(DelayResponse(applied, zone: zone), .sessions(applied.sessions.map(place)))
        case .announcementCreated(let a), .announcementExpired(let a):
            return try frame(AnnouncementResponse(a, zone: zone), .everyone)
        case .speakerCreated(let speaker), .speakerUpdated(let speaker):
            return try frame(SpeakerResponse(speaker), .everyone)
        case .seatsChanged(let seats):
            let data = SeatsData(event: SeatsResponse(seats.event), sessions: seats.sessions.map {
                SeatsData.SessionSeats(sessionId: $0.sessionID.rawValue, seats: SeatsResponse($0.seats))
            })
            return try frame(data, .everyone)
        }
    }

    /// The first message of a connection: the whole public schedule (one room's sessions when filtered).
    static func snapshot(_ schedule: EventSchedule, room: Int64?, at now: Date) throws -> (LiveFrame, Set<Int64>) {
        var schedule = schedule
        if let room { schedule.sessions = schedule.sessions.filter { $0.session.roomID.rawValue == room } }
        let seq = schedule.event.scheduleVersion
        let text = try text(seq, "snapshot", now, schedule.event.zone, EventDetailResponse(schedule))
        return (LiveFrame(seq: seq, type: "snapshot", text: text, scope: .everyone, deflate: true), Set(schedule.sessions.map(\.session.id.rawValue)))
    }
}
