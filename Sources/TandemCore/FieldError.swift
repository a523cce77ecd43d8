/// One problem with one input field, reported back to the caller by name.
public struct FieldError: Codable, Hashable, Sendable, CustomStringConvertible {
    /// Dotted path of the field, e.g. `venue.country` or `title.en`.
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Input that breaks the domain's validation rules; carries every field error found.
public struct ValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }
    public init(field: String, message: String) { self.errors = [FieldError(field: field, message: message)] }

    /// Throws when `errors` is not empty.
    public static func check(_ errors: [FieldError]) throws(ValidationError) {
        if !errors.isEmpty { throw ValidationError(errors) }
    }

    public var description: String { errors.map(\.description).joined(separator: "; ") }
}
