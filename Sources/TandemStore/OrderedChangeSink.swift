import Foundation
import Synchronization
import TandemCore

/// Hands changes on in `seq` order per event, whatever order their transactions' commits are
/// reported in. On SQLite the one writer commits in order; on PostgreSQL concurrent transactions on
/// one event are serialised by its row lock, but the code after two commits may run in either order.
/// A change that arrives ahead of its predecessor is held until the predecessor arrives, or, if it
/// never does in `gapTimeout` (its transaction committed but its process lost the answer), until
/// `fill` has read the missing ones from the change log. Programme-wide changes (no event) pass at once.
public final class OrderedChangeSink: ChangeSink, Sendable {
    private struct EventState {
        var delivered: Int64
        var held: [Int64: Change] = [:]
        /// A gap is being watched (its fill is scheduled).
        var watching = false
    }

    private let next: any ChangeSink
    private let state = Mutex<[Event.ID: EventState]>([:])
    /// Reads the changes of an event after a `seq` from the change log (to fill a gap).
    private let fill: (@Sendable (Event.ID, Int64) async throws -> [Change])?
    private let gapTimeout: Duration

    /// `delivered`: the last `seq` of each event that needs no delivery (what was committed before the
    /// store opened). An event not named starts at 0.
    public init(next: any ChangeSink, delivered: [Event.ID: Int64] = [:], gapTimeout: Duration = .seconds(1),
                fill: (@Sendable (Event.ID, Int64) async throws -> [Change])? = nil) {
        self.next = next
        self.gapTimeout = gapTimeout
        self.fill = fill
        state.withLock { states in
            for (event, seq) in delivered { states[event] = EventState(delivered: seq) }
        }
    }

    /// Sets where an event stands without delivering anything (e.g. after a bulk copy).
    public func setDelivered(_ seq: Int64, event: Event.ID) {
        state.withLock { states in
            if (states[event]?.delivered ?? 0) < seq { states[event, default: EventState(delivered: seq)].delivered = seq }
        }
    }

    public func committed(_ changes: [Change]) {
        var ready: [Change] = []
        var gaps: [Event.ID] = []
        state.withLock { states in
            for change in changes {
                guard let event = change.eventID, let seq = change.seq else { ready.append(change); continue }
                var entry = states[event] ?? EventState(delivered: 0)
                if seq > entry.delivered { entry.held[seq] = change }
                while let head = entry.held.removeValue(forKey: entry.delivered + 1) {
                    ready.append(head)
                    entry.delivered += 1
                }
                if entry.held.isEmpty {
                    entry.watching = false
                } else if !entry.watching {
                    entry.watching = true
                    gaps.append(event)
                }
                states[event] = entry
            }
        }
        if !ready.isEmpty { next.committed(ready) }
        for event in gaps { watchGap(event) }
    }

    /// After `gapTimeout`, reads what is still missing from the change log.
    private func watchGap(_ event: Event.ID) {
        guard let fill else { return }
        let timeout = gapTimeout
        Task { [weak self] in
            try? await Task.sleep(for: timeout)
            guard let self else { return }
            let from: Int64? = self.state.withLock { states in
                states[event]?.watching = false
                guard let entry = states[event], !entry.held.isEmpty else { return nil }
                return entry.delivered
            }
            guard let from, let missing = try? await fill(event, from) else { return }
            self.committed(missing)
        }
    }

    /// The last `seq` handed on for an event.
    public func delivered(event: Event.ID) -> Int64 {
        state.withLock { $0[event]?.delivered ?? 0 }
    }
}
