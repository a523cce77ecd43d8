import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TandemCore
import TandemStore

/// Schedule exports for calendar apps and conference-schedule apps:
/// - `schedule.ics` (RFC 5545): the whole event, or one room with `?room=ID`; times in the venue's
///   zone with its VTIMEZONE; UID = the session's guid, SEQUENCE = its version, LAST-MODIFIED from
///   the change log, cancelled sessions as STATUS:CANCELLED (so subscribed calendars update).
/// - `schedule.xml` / `schedule.json`: the frab / c3voc schedule format (`FrabSchedule`).
/// - `/registrations/{token}/schedule.ics`: an attendee's own programme.
///
/// The three event-wide documents cost one render per schedule version, not one per request: the
/// rendered body is kept in `SnapshotCache` (per event, version and format; per room for the
/// calendar) until the event's next committed change, like the schedule snapshot. A request whose
/// `If-None-Match` names the current version gets its 304 before anything is rendered. Drafts
/// (organisers only) are rendered each time and never cached. Once a version is cached, anonymous
/// reads of it are answered by `SnapshotReplay` on the event loop with this controller's recorded
/// answer: its headers must not vary per request.
struct ExportsController {
    let store: any ScheduleStore & RegistrationStore
    let cache: SnapshotCache
    let clock: any WallClock
    let baseURL: String
    /// Counts renders of the cached documents.
    var renders = ExportRenders()

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.get("/events/{slug}/schedule.ics", use: calendar)
        group.get("/events/{slug}/schedule.xml", use: frabXML)
        group.get("/events/{slug}/schedule.json", use: frabJSON)
        group.get("/registrations/{token}/schedule.ics", use: personalCalendar)
    }

    @Sendable func calendar(_ request: Request, context: TandemRequestContext) async throws -> Response {
        var roomID: Int64?
        if let value = request.uri.queryParameters.get("room") {
            guard let id = Int64(value) else { throw Problem.invalid(field: "room", "no room \(value) in this event") }
            roomID = id
        }
        func room(in schedule: EventSchedule) throws -> Room? {
            guard let roomID else { return nil }
            guard let match = schedule.rooms.first(where: { $0.id.rawValue == roomID }) else {
                throw Problem.invalid(field: "room", "no room \(roomID) in this event")
            }
            return match
        }
        return try await export(.calendar(room: roomID), request: request, context: context, check: { _ = try room(in: $0) }) { schedule in
            let room = try room(in: schedule)
            let modified = try await store.sessionsLastModified(eventSlug: schedule.event.slug)
            let sessions = schedule.sessions.filter { room == nil || $0.session.roomID == room!.id }
            let name = schedule.event.title.en + (room.map { " — \($0.name)" } ?? "")
            return ByteBuffer(string: Self.calendar(schedule, sessions: sessions, name: name, modified: modified, baseURL: baseURL, now: clock.now()))
        }
    }

    /// The attendee's programme: the event itself, every session open to all (no own capacity), and the
    /// workshops where they hold a seat.
    @Sendable func personalCalendar(_ request: Request, context: TandemRequestContext) async throws -> Response {
        let token = try context.parameters.require("token")
        guard (20...128).contains(token.utf8.count) else { throw StoreError.notFound(entity: "registration", key: "for this link") }
        let (registration, event) = try await store.registration(token: token)
        let schedule = try await store.schedule(slug: event.slug, announcementsActiveAt: clock.now())
        let seats = Set(registration.choices.filter { $0.status == .confirmed }.map(\.sessionID))
        let sessions = registration.status == .cancelled ? [] : schedule.sessions.filter { $0.session.capacity == nil || seats.contains($0.session.id) }
        let modified = try await store.sessionsLastModified(eventSlug: event.slug)
        let ics = Self.calendar(schedule, sessions: sessions, name: event.title.text(in: registration.language), modified: modified,
                                baseURL: baseURL, now: clock.now(), language: registration.language)
        return Response(status: .ok, headers: [.contentType: "text/calendar; charset=utf-8", .cacheControl: "no-store",
                                               .contentDisposition: "inline; filename=\"\(event.slug)-my-programme.ics\""],
                        body: .init(byteBuffer: ByteBuffer(string: ics)))
    }

    @Sendable func frabJSON(_ request: Request, context: TandemRequestContext) async throws -> Response {
        try await export(.frabJSON, request: request, context: context) { schedule in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return ByteBuffer(bytes: try encoder.encode(FrabSchedule(schedule, baseURL: baseURL)))
        }
    }

    @Sendable func frabXML(_ request: Request, context: TandemRequestContext) async throws -> Response {
        try await export(.frabXML, request: request, context: context) { schedule in
            ByteBuffer(string: FrabSchedule(schedule, baseURL: baseURL).xml())
        }
    }

    /// One event-wide export: from the cache when this version is rendered already; else the 304
    /// when the client has this version; else rendered (and cached, unless a draft).
    /// `check` refuses a request the schedule cannot answer (an unknown room) before either.
    private func export(_ document: ExportDocument, request: Request, context: TandemRequestContext,
                        check: (EventSchedule) throws -> Void = { _ in },
                        render: (EventSchedule) async throws -> ByteBuffer) async throws -> Response {
        let slug = try context.parameters.require("slug")
        if let entry = cache.entry(slug: slug, export: document, at: clock.now()) {
            return file(entry.body, document: document, slug: slug, etag: entry.etag, request: request)
        }
        let schedule = try await visibleSchedule(context)
        try check(schedule)
        let version = schedule.event.scheduleVersion
        let etag = document.etag(version: version)
        if let notModified = ETag.notModified(request, etag: etag, headers: document.headers(slug: slug)) { return notModified }
        let body = try await render(schedule)
        renders.add()
        if schedule.event.status != .draft {
            cache.store(SnapshotCache.Entry(eventID: schedule.event.id, version: version, etag: etag, body: body, validUntil: nil),
                        slug: slug, export: document)
        }
        return file(body, document: document, slug: slug, etag: etag, request: request)
    }

    static func calendar(_ schedule: EventSchedule, sessions: [SessionDetail], name: String, modified: [Session.ID: Date], baseURL: String,
                         now: Date, language: Language = .en) -> String {
        let event = schedule.event
        let rooms = Dictionary(uniqueKeysWithValues: schedule.rooms.map { ($0.id, $0.name) })
        let place = [event.venue.name, event.venue.address, event.venue.city].compactMap { $0 }.joined(separator: ", ")
        let entries = sessions.map { detail in
            let session = detail.session
            let speakers = detail.speakers.map { [$0.name, $0.organisation].compactMap { $0 }.joined(separator: ", ") }
            let description = ([session.abstract?.text(in: language)].compactMap { $0 } + speakers).joined(separator: "\n")
            return ICalendar.Entry(
                uid: "\(session.guid.uuidString.lowercased())@tandem", start: session.startsAt, end: session.endsAt,
                summary: session.title.text(in: language),
                location: [rooms[session.roomID], place].compactMap { $0 }.joined(separator: ", "),
                description: description.isEmpty ? nil : description, cancelled: session.status == .cancelled,
                sequence: session.version, lastModified: modified[session.id], url: "\(baseURL)/events/\(event.slug)#session-\(session.id)")
        }
        return ICalendar(name: name, entries: entries, stamp: now, timezone: event.zone).render()
    }

    private func visibleSchedule(_ context: TandemRequestContext) async throws -> EventSchedule {
        let slug = try context.parameters.require("slug")
        let schedule = try await store.schedule(slug: slug, announcementsActiveAt: clock.now())
        if schedule.event.status == .draft && !context.may(.editSchedule) { throw StoreError.notFound(entity: "event", key: slug) }
        return schedule
    }

    private func file(_ body: ByteBuffer, document: ExportDocument, slug: String, etag: String, request: Request) -> Response {
        var headers = document.headers(slug: slug)
        headers[.eTag] = etag
        if let notModified = ETag.notModified(request, etag: etag, headers: headers) { return notModified }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
