extension String {
    /// Upper-cases ASCII letters only: `de` → `DE`, while `ß` stays `ß` (and fails a country check)
    /// instead of becoming a plausible-looking `SS`.
    public var asciiUppercased: String {
        String(String.UnicodeScalarView(unicodeScalars.map { (97...122).contains($0.value) ? Unicode.Scalar($0.value - 32)! : $0 }))
    }
}

/// Small field checks shared by the domain rules.
enum Check {
    static func length(_ value: String, field: String, min: Int = 1, max: Int) -> [FieldError] {
        let count = value.trimmingWhitespace.count
        if count < min {
            return [FieldError(field: field, message: min == 1 ? "must not be empty" : "must be at least \(min) characters")]
        }
        if value.count > max { return [FieldError(field: field, message: "must be at most \(max) characters")] }
        return []
    }

    static func optionalLength(_ value: String?, field: String, max: Int) -> [FieldError] {
        guard let value else { return [] }
        return value.count > max ? [FieldError(field: field, message: "must be at most \(max) characters")] : []
    }

    static func range(_ value: Int?, field: String, _ range: ClosedRange<Int>) -> [FieldError] {
        guard let value, !range.contains(value) else { return [] }
        return [FieldError(field: field, message: "must be between \(range.lowerBound) and \(range.upperBound)")]
    }

    /// ISO 3166-1 alpha-2: two upper-case ASCII letters.
    static func country(_ value: String?, field: String) -> [FieldError] {
        guard let value else { return [] }
        let ok = value.utf8.count == 2 && value.utf8.allSatisfy { (65...90).contains($0) }
        return ok ? [] : [FieldError(field: field, message: "must be an ISO 3166-1 alpha-2 code such as DE or CN")]
    }

    /// A language tag such as `en`, `zh`, `zh-Hans` or `de`.
    static func languageTag(_ value: String?, field: String) -> [FieldError] {
        guard let value else { return [] }
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        let primaryOK = parts.first.map { (2...3).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isLowercase } } ?? false
        let restOK = parts.dropFirst().allSatisfy { (2...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
        return primaryOK && restOK ? [] : [FieldError(field: field, message: "must be a language tag such as en, zh or de")]
    }
}
