/// What an organiser's password must be: at least 12 characters, at most 72 bytes (bcrypt reads no
/// more, so longer ones are refused rather than silently truncated), without NUL (where bcrypt
/// stops reading), and not one of the passwords
/// that top every leaked-password list, nor a run of one character or of a keyboard or alphabet row.
public enum PasswordPolicy {
    public static let minimumLength = 12
    public static let maximumBytes = 72

    public static func validate(_ password: String, field: String = "password") -> [FieldError] {
        if password.count < minimumLength {
            return [FieldError(field: field, message: "must be at least \(minimumLength) characters")]
        }
        if password.utf8.contains(0) {
            return [FieldError(field: field, message: "must not contain a NUL character (bcrypt would ignore everything after it)")]
        }
        if password.utf8.count > maximumBytes {
            return [FieldError(field: field, message: "must be at most \(maximumBytes) bytes (bcrypt's limit)")]
        }
        if isCommon(password) {
            return [FieldError(field: field, message: "is one of the most common passwords; choose another")]
        }
        return []
    }

    /// Common passwords of 12 or more characters (from the lists of the most used leaked passwords),
    /// compared case-insensitively, besides repeated characters and straight runs.
    static let common: Set<String> = [
        "123456789012", "1234567890123", "12345678901234", "123456123456", "123123123123", "111111111111",
        "000000000000", "123456654321", "qwertyuiopas", "qwertyuiop123", "qwerty123456", "1q2w3e4r5t6y",
        "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "zaq12wsxcde3", "qazwsxedcrfv", "asdfghjklqwe", "password1234",
        "password12345", "password123456", "passwordpassword", "password1234567", "iloveyou1234", "iloveyouiloveyou",
        "administrator", "administrator1", "adminadminadmin", "letmein12345", "welcome12345", "welcome123456",
        "changeme1234", "changemenow1", "footballfootball", "baseball1234", "princess1234", "sunshine1234",
        "trustno1trustno1", "superman1234", "monkey123456", "dragon123456", "master123456", "qwertyqwerty",
        "abcabcabcabc", "aaaaaaaaaaaa", "abc123abc123", "passw0rd1234", "p@ssw0rd1234", "p@ssword1234",
        "tandem123456", "tandempassword",
    ]

    static func isCommon(_ password: String) -> Bool {
        let lowered = password.lowercased()
        if common.contains(lowered) { return true }
        let characters = Array(lowered)
        if Set(characters).count <= 2 { return true }
        // A straight run along the alphabet, the digits or a keyboard row, either way.
        for row in ["abcdefghijklmnopqrstuvwxyz", "01234567890", "qwertyuiopasdfghjklzxcvbnm", "1234567890qwertyuiop"] {
            if row.contains(lowered) || String(row.reversed()).contains(lowered) { return true }
        }
        return false
    }
}
