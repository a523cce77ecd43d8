import Synchronization

/// How many times an event-wide export was rendered: once per schedule version and format when the
/// cache works (tests check it; each render reads and formats the whole programme).
final class ExportRenders: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    func add() { count.add(1, ordering: .relaxed) }
}
