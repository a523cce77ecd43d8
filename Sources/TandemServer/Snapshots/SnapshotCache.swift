import Foundation
import NIOCore
import Synchronization
import TandemCore
import TandemStore

/// Encoded public representations of an event, kept until the event's next change: the event and
/// schedule snapshots, and the rendered exports (iCalendar, frab XML and JSON).
/// Invalidated by the change log (it is a `ChangeSink`), so a read never serves a version older
/// than the last one committed before it.
final class SnapshotCache: ChangeSink {
    enum Representation: Hashable, Sendable {
        case event
        case schedule
    }

    /// What one slug's entries are keyed by: a snapshot, or an export rendered from the same version.
    enum Document: Hashable, Sendable {
        case snapshot(Representation)
        case export(ExportDocument)
    }

    struct Entry: Sendable {
        var eventID: Event.ID
        var version: Int64
        var etag: String
        var body: ByteBuffer
        /// The next time an announcement expires: the entry is stale from then on.
        var validUntil: Date?
    }

    private struct State {
        var entries: [String: [Document: Entry]] = [:]
        /// The newest seq seen committed per event; older entries are never stored.
        var committedVersion: [Event.ID: Int64] = [:]
    }

    private let state = Mutex(State())

    func entry(slug: String, _ representation: Representation, at instant: Date) -> Entry? {
        entry(slug: slug, .snapshot(representation), at: instant)
    }

    func store(_ entry: Entry, slug: String, _ representation: Representation) {
        store(entry, slug: slug, .snapshot(representation))
    }

    /// A rendered export of the event's current version.
    func entry(slug: String, export document: ExportDocument, at instant: Date) -> Entry? {
        entry(slug: slug, .export(document), at: instant)
    }

    func store(_ entry: Entry, slug: String, export document: ExportDocument) {
        store(entry, slug: slug, .export(document))
    }

    /// The entry for `document` of the event with `slug`, unless it expired at `instant`.
    func entry(slug: String, _ key: Document, at instant: Date) -> Entry? {
        state.withLock { state in
            guard let entry = state.entries[slug]?[key] else { return nil }
            if let validUntil = entry.validUntil, instant >= validUntil { return nil }
            return entry
        }
    }

    private func store(_ entry: Entry, slug: String, _ key: Document) {
        state.withLock { state in
            if let committed = state.committedVersion[entry.eventID], entry.version < committed { return }
            state.entries[slug, default: [:]][key] = entry
        }
    }

    func committed(_ changes: [Change]) {
        let versions = Dictionary(changes.compactMap { c in c.eventID.flatMap { id in c.seq.map { (id, $0) } } },
                                  uniquingKeysWith: max)
        guard !versions.isEmpty else { return }
        state.withLock { state in
            for (eventID, seq) in versions {
                state.committedVersion[eventID] = max(state.committedVersion[eventID] ?? 0, seq)
            }
            for (slug, representations) in state.entries {
                if let first = representations.values.first, versions[first.eventID] != nil {
                    state.entries[slug] = nil
                }
            }
        }
    }
}

/// Hands each batch of committed changes to several sinks (cache, live hub, …).
struct FanOutChangeSink: ChangeSink {
    var sinks: [any ChangeSink]

    func committed(_ changes: [Change]) {
        for sink in sinks { sink.committed(changes) }
    }
}
