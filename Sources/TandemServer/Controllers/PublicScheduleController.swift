import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TandemCore
import TandemStore

/// The public reads: events, one event, its schedule, sessions, speakers, rooms, announcements.
/// Event and schedule come from a versioned snapshot with ETag / If-None-Match.
struct PublicScheduleController {
    let store: any ScheduleStore
    let cache: SnapshotCache
    let clock: any WallClock

    func addRoutes(to group: RouterGroup<TandemRequestContext>) {
        group.get("/events", use: listEvents)
        group.get("/events/{slug}", use: event)
        group.get("/events/{slug}/schedule", use: schedule)
        group.get("/events/{slug}/sessions/{id}", use: session)
        group.get("/events/{slug}/speakers", use: speakers)
        group.get("/events/{slug}/rooms", use: rooms)
        group.get("/events/{slug}/announcements", use: announcements)
        group.get("/speakers", use: speakerDirectory)
        group.get("/speakers/{id}", use: speaker)
    }

    /// `?fellow=true` only twinning fellows, `?cohort=2017` one cohort; each with the sessions they speak in.
    @Sendable func speakerDirectory(_ request: Request, context: TandemRequestContext) async throws -> Page<SpeakerDirectoryEntry> {
        let query = request.uri.queryParameters
        var fellowsOnly = false
        if let fellow = query.get("fellow") {
            guard let value = Bool(fellow) else { throw Problem.invalid(field: "fellow", "must be true or false") }
            fellowsOnly = value
        }
        var cohort: Int?
        if let text = query.get("cohort") {
            guard let value = Int(text), (1900...2200).contains(value) else { throw Problem.invalid(field: "cohort", "must be a year") }
            cohort = value
        }
        let entries = try await store.speakerDirectory(fellowsOnly: fellowsOnly, cohort: cohort)
        return Page(items: entries.map(SpeakerDirectoryEntry.init), next: nil)
    }

    @Sendable func listEvents(_ request: Request, context: TandemRequestContext) async throws -> Page<EventResponse> {
        let includeDrafts = context.may(.editSchedule)
        return Page(items: try await store.events(includeDrafts: includeDrafts).map(EventResponse.init), next: nil)
    }

    @Sendable func event(_ request: Request, context: TandemRequestContext) async throws -> Response {
        try await snapshot(.event, request: request, context: context)
    }

    @Sendable func schedule(_ request: Request, context: TandemRequestContext) async throws -> Response {
        try await snapshot(.schedule, request: request, context: context)
    }

    @Sendable func session(_ request: Request, context: TandemRequestContext) async throws -> Response {
        let slug = try context.parameters.require("slug")
        let id = try context.parameters.require("id", as: Int64.self)
        let event = try await visibleEvent(slug: slug, context: context)
        let detail = try await store.session(eventSlug: slug, id: Session.ID(id))
        let etag = SessionResponse.etag(version: detail.session.version)
        if let notModified = ETag.notModified(request, etag: etag, headers: [.cacheControl: "no-cache"]) { return notModified }
        return try EditedResponse(headers: [.eTag: etag, .cacheControl: "no-cache"], response: SessionResponse(detail, zone: event.zone))
            .response(from: request, context: context)
    }

    @Sendable func speakers(_ request: Request, context: TandemRequestContext) async throws -> Page<SpeakerResponse> {
        let slug = try context.parameters.require("slug")
        _ = try await visibleEvent(slug: slug, context: context)
        return Page(items: try await store.speakers(eventSlug: slug).map(SpeakerResponse.init), next: nil)
    }

    @Sendable func rooms(_ request: Request, context: TandemRequestContext) async throws -> Page<RoomResponse> {
        let schedule = try await visibleSchedule(context: context)
        return Page(items: schedule.rooms.map(RoomResponse.init), next: nil)
    }

    @Sendable func announcements(_ request: Request, context: TandemRequestContext) async throws -> Page<AnnouncementResponse> {
        let schedule = try await visibleSchedule(context: context)
        return Page(items: schedule.announcements.map { AnnouncementResponse($0, zone: schedule.event.zone) }, next: nil)
    }

    @Sendable func speaker(_ request: Request, context: TandemRequestContext) async throws -> SpeakerResponse {
        let id = try context.parameters.require("id", as: Int64.self)
        return SpeakerResponse(try await store.speaker(id: Speaker.ID(id)))
    }

    /// Drafts are visible to organisers only; to everyone else they do not exist.
    private func visibleEvent(slug: String, context: TandemRequestContext) async throws -> Event {
        let event = try await store.event(slug: slug)
        if event.status == .draft && !(context.may(.editSchedule)) {
            throw StoreError.notFound(entity: "event", key: slug)
        }
        return event
    }

    private func visibleSchedule(context: TandemRequestContext) async throws -> EventSchedule {
        let slug = try context.parameters.require("slug")
        let schedule = try await store.schedule(slug: slug, announcementsActiveAt: clock.now())
        if schedule.event.status == .draft && !(context.may(.editSchedule)) {
            throw StoreError.notFound(entity: "event", key: slug)
        }
        return schedule
    }

    private func snapshot(_ representation: SnapshotCache.Representation, request: Request, context: TandemRequestContext) async throws -> Response {
        let slug = try context.parameters.require("slug")
        let now = clock.now()
        let entry: SnapshotCache.Entry
        if let cached = cache.entry(slug: slug, representation, at: now) {
            entry = cached
        } else {
            let schedule = try await visibleSchedule(context: context)
            entry = try Self.makeEntry(representation, schedule: schedule, at: now)
            // Drafts change often and are for organisers only: never cached.
            if schedule.event.status != .draft { cache.store(entry, slug: slug, representation) }
        }
        var headers: HTTPFields = [.eTag: entry.etag, .cacheControl: "no-cache"]
        if let notModified = ETag.notModified(request, etag: entry.etag, headers: headers) { return notModified }
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = String(entry.body.readableBytes)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: request.method == .head ? ByteBuffer() : entry.body))
    }


    static func makeEntry(_ representation: SnapshotCache.Representation, schedule: EventSchedule, at now: Date) throws -> SnapshotCache.Entry {
        let data: Data
        switch representation {
        case .event: data = try WireJSON.encoder.encode(EventDetailResponse(schedule))
        case .schedule: data = try WireJSON.encoder.encode(ScheduleResponse(schedule))
        }
        let version = schedule.event.scheduleVersion
        // Announcements expire by the clock, not by a change: the ETag names which ones are shown.
        let shown = representation == .event ? schedule.announcements.map(\.id.description).joined(separator: ".") : ""
        let prefix = representation == .event ? "e" : "s"
        let etag = "\"\(prefix)\(version)" + (shown.isEmpty ? "" : "-a\(shown)") + "\""
        let validUntil = representation == .event ? schedule.announcements.compactMap(\.expiresAt).filter { $0 > now }.min() : nil
        return SnapshotCache.Entry(eventID: schedule.event.id, version: version, etag: etag,
                                   body: ByteBuffer(bytes: data), validUntil: validUntil)
    }
}

/// Entity-tag comparison for If-Match / If-None-Match (RFC 9110 §13.1).
enum ETag {
    /// 304 Not Modified with `headers` (and the tag) when the request's `If-None-Match` names `etag`;
    /// `nil` when the full response is due.
    static func notModified(_ request: Request, etag: String, headers: HTTPFields) -> Response? {
        guard let ifNoneMatch = request.headers[.ifNoneMatch], matches(ifNoneMatch, etag) else { return nil }
        var headers = headers
        headers[.eTag] = etag
        headers[.contentType] = nil
        return Response(status: .notModified, headers: headers)
    }

    /// Whether a header value (`*`, or a list of tags, weak or strong) names `etag`.
    static func matches(_ header: String, _ etag: String) -> Bool {
        let target = etag.hasPrefix("W/") ? String(etag.dropFirst(2)) : etag
        return header.split(separator: ",").contains { (part: Substring) -> Bool in
            let tag = String(part).trimmingWhitespace
            return tag == "*" || tag == target || tag == "W/" + target
        }
    }
}
