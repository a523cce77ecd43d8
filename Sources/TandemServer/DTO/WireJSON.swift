import Foundation

/// The one JSON format on the wire (responses, problems, snapshots, live messages):
/// no escaped slashes (`Europe/Berlin`), keys in a stable order.
enum WireJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return encoder
    }()
}
