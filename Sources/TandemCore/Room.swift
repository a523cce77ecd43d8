/// A room (or hall, or stage) of an event's venue.
public struct Room: Codable, Hashable, Sendable, Identifiable {
    public typealias ID = Identifier<Room>

    public var id: ID
    public var eventID: Event.ID
    public var name: String
    public var capacity: Int?
    /// Order in which rooms are shown.
    public var position: Int

    public init(id: ID, eventID: Event.ID, name: String, capacity: Int? = nil, position: Int = 0) {
        self.id = id
        self.eventID = eventID
        self.name = name
        self.capacity = capacity
        self.position = position
    }
}
