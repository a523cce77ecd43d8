import Foundation
import TandemCore

/// Times on the wire: RFC 3339 in the event's zone, e.g. `2017-06-15T09:30:00+02:00`.
extension Date {
    func wire(in zone: TimeZone) -> String { RFC3339.string(from: self, in: zone) }
}

/// `{capacity, confirmed, waitlisted}`; `capacity` is null when there is no limit.
struct SeatsResponse: Encodable, Sendable {
    var capacity: Int?
    var confirmed: Int
    var waitlisted: Int
    /// Seats still free; null when unlimited.
    var available: Int?

    init(_ seats: SeatCount) {
        capacity = seats.capacity
        confirmed = seats.confirmed
        waitlisted = seats.waitlisted
        available = seats.capacity.map { max(0, $0 - seats.confirmed) }
    }

    enum CodingKeys: CodingKey { case capacity, confirmed, waitlisted, available }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(capacity, forKey: .capacity)
        try container.encode(confirmed, forKey: .confirmed)
        try container.encode(waitlisted, forKey: .waitlisted)
        try container.encode(available, forKey: .available)
    }
}

/// Every list: `{"items": [...], "next": CURSOR|null}`.
struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
    var next: String?

    enum CodingKeys: CodingKey { case items, next }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(next, forKey: .next)
    }
}
