import HTTPTypes

extension SnapshotReplay {
    /// The cached document an eligible request asks for, or nil when the router must answer it:
    /// an anonymous plain `GET` of one of `target(path:)`'s paths, with no credentials, no CORS
    /// `Origin`, no body, no upgrade and no `Connection` other than keep-alive.
    static func target(of request: HTTPRequest) -> Target? {
        guard request.method == .get, let path = request.path else { return nil }
        let fields = request.headerFields
        guard fields[.authorization] == nil, fields[.cookie] == nil, fields[.origin] == nil, fields[.upgrade] == nil else { return nil }
        // A body on a GET is the router's: it may refuse one over the body limit (413).
        guard fields[.transferEncoding] == nil, fields[.contentLength].map({ $0 == "0" }) ?? true else { return nil }
        if let connection = fields[.connection], connection.lowercased() != "keep-alive" { return nil }
        return target(path: path)
    }

    /// The document a request path names, spelled exactly as the routes spell it:
    /// `/api/v1/events/{slug}`, `…/schedule`, `…/schedule.json`, `…/schedule.xml`, `…/schedule.ics`
    /// and `…/schedule.ics?room=ID` (the only query a replay answers; the room is part of the
    /// target). Anything else is the router's: another segment, a trailing slash, an escape, a
    /// slug with characters no slug has, another query or a room written another way (`room=07`,
    /// `room=+7`, a second parameter), so no two spellings ever share a recording.
    static func target(path: String) -> Target? {
        let prefix = "/api/v1/events/"
        guard path.utf8.count <= 160 else { return nil }
        if let page = page(path: path) { return page }
        guard path.hasPrefix(prefix) else { return nil }
        var rest = path.dropFirst(prefix.count)
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let slug = parts.first, isSlug(slug) else { return nil }
        var document: SnapshotCache.Document
        switch parts.count == 2 ? parts[1] : nil {
        case nil: document = .snapshot(.event)
        case "schedule"?: document = .snapshot(.schedule)
        case "schedule.json"?: document = .export(.frabJSON)
        case "schedule.xml"?: document = .export(.frabXML)
        case "schedule.ics"?: document = .export(.calendar(room: nil))
        default: return nil
        }
        if let query {
            guard case .export(.calendar) = document, let room = room(query) else { return nil }
            document = .export(.calendar(room: room))
        }
        return Target(slug: String(slug), document: .cached(document))
    }

    /// The event page `/events/{slug}` or the screen `/screen/{slug}`, with nothing after the slug
    /// (no query, no trailing slash).
    private static func page(path: String) -> Target? {
        for page in [Page.event, .screen] {
            let prefix = page == .event ? "/events/" : "/screen/"
            guard path.hasPrefix(prefix) else { continue }
            let slug = path.dropFirst(prefix.count)
            return isSlug(slug) ? Target(slug: String(slug), document: .page(page)) : nil
        }
        return nil
    }

    /// Slugs are lower-case letters, digits and hyphens (EventRules).
    private static func isSlug(_ slug: Substring) -> Bool {
        !slug.isEmpty && slug.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
    }

    /// The room of a calendar query `room=ID`, with the id in decimal digits and no leading zero.
    private static func room(_ query: Substring) -> Int64? {
        guard query.hasPrefix("room=") else { return nil }
        let digits = query.dropFirst("room=".count)
        guard (1...18).contains(digits.utf8.count), digits.utf8.first != 48,
              digits.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return Int64(digits)
    }
}
