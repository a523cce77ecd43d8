/// What an organiser's password must be. bcrypt reads at most 72 bytes, so longer ones are refused
/// rather than silently truncated.
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumBytes = 72

    public static func validate(_ password: String, field: String = "password") -> [FieldError] {
        if password.count < minimumLength {
            return [FieldError(field: field, message: "must be at least \(minimumLength) characters")]
        }
        if password.utf8.count > maximumBytes {
            return [FieldError(field: field, message: "must be at most \(maximumBytes) bytes (bcrypt's limit)")]
        }
        return []
    }
}
