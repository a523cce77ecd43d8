/// One field of a partial update: leave it as it is, or set it (for optional fields, `.set(nil)` clears it).
public enum Update<Value> {
    case keep
    case set(Value)

    /// The updated value of a field that currently holds `current`.
    public func applied(to current: Value) -> Value {
        switch self {
        case .keep: current
        case .set(let value): value
        }
    }

    public var isSet: Bool {
        if case .set = self { true } else { false }
    }
}

extension Update: Sendable where Value: Sendable {}
extension Update: Equatable where Value: Equatable {}
extension Update: Hashable where Value: Hashable {}
