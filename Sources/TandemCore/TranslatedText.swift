/// Text given in English (required) and optionally in Chinese.
public struct TranslatedText: Codable, Hashable, Sendable {
    public var en: String
    public var zh: String?

    public init(en: String, zh: String? = nil) {
        self.en = en
        self.zh = zh
    }

    /// The text in `language`, falling back to English.
    public func text(in language: Language) -> String {
        switch language {
        case .en: en
        case .zh: zh ?? en
        }
    }

    /// Field errors for this text, named after `field` (e.g. `title.en`).
    public func validate(field: String, maxLength: Int, required: Bool = true) -> [FieldError] {
        var errors: [FieldError] = []
        let trimmed = en.trimmingWhitespace
        if required && trimmed.isEmpty {
            errors.append(FieldError(field: "\(field).en", message: "must not be empty"))
        }
        if en.count > maxLength {
            errors.append(FieldError(field: "\(field).en", message: "must be at most \(maxLength) characters"))
        }
        if let zh, zh.count > maxLength {
            errors.append(FieldError(field: "\(field).zh", message: "must be at most \(maxLength) characters"))
        }
        return errors
    }

    /// The same text with surrounding whitespace removed and an empty Chinese text dropped.
    public var normalised: TranslatedText {
        let zhTrimmed = zh?.trimmingWhitespace
        return TranslatedText(en: en.trimmingWhitespace, zh: (zhTrimmed?.isEmpty ?? true) ? nil : zhTrimmed)
    }
}

/// The languages Tandem's content and messages come in.
public enum Language: String, Codable, Hashable, Sendable, CaseIterable {
    case en
    case zh
}

extension String {
    /// The string without leading and trailing white space or newlines.
    public var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
