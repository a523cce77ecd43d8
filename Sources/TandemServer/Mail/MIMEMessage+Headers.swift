import Foundation

/// Header encoding: RFC 2047 encoded-words, RFC 5322 folding and dates, and header-injection safety.
extension MIMEMessage {
    /// RFC 5322 recommends at most 78 characters per line, CRLF excluded.
    static let lineLimit = 78
    /// RFC 2047 §2: an encoded-word is at most 75 characters.
    static let encodedWordLimit = 75

    /// `Name: Display Name <address>` or, without a name, `Name: address`.
    static func mailboxHeader(_ header: String, name: String?, address: String) -> String {
        let address = bareToken(address)
        let name = name.map(headerText) ?? ""
        guard !name.isEmpty else { return fold(header, [address]) }
        return fold(header, phrase(name, header: header) + ["<\(address)>"])
    }

    /// A free-text header such as Subject: plain words when ASCII, encoded-words otherwise.
    static func unstructuredHeader(_ header: String, _ value: String) -> String {
        let value = headerText(value)
        let words = value.split(separator: " ").map(String.init)
        if needsEncoding(value, words: words, header: header) {
            return fold(header, encodedWords(value, firstLength: firstLineRoom(header)))
        }
        return fold(header, words)
    }

    /// A display name as a phrase: bare atoms when possible, a quoted string when it has specials.
    private static func phrase(_ text: String, header: String) -> [String] {
        let atext = CharacterSet(charactersIn: "!#$%&'*+-/=?^_`{|}~ ").union(asciiAlphanumerics)
        let plain = text.unicodeScalars.allSatisfy { atext.contains($0) }
            ? text
            : "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        let words = plain.split(separator: " ").map(String.init)
        if needsEncoding(text, words: words, header: header) {
            return encodedWords(text, firstLength: firstLineRoom(header))
        }
        return words
    }

    /// Encode when not printable ASCII, when the text could be mistaken for an encoded-word, or when
    /// a word is too long to fold (encoded-words can be split anywhere; plain words cannot).
    private static func needsEncoding(_ text: String, words: [String], header: String) -> Bool {
        !text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
            || text.contains("=?")
            || words.contains { $0.utf8.count > firstLineRoom(header) }
    }

    /// Room for a token on the header's first line, after `Name: `.
    private static func firstLineRoom(_ header: String) -> Int {
        min(encodedWordLimit, lineLimit - header.utf8.count - 2)
    }

    /// RFC 2047 B-encoded words of at most 75 characters (the first sized for the header's first line),
    /// each holding whole characters so every word decodes to valid UTF-8 on its own.
    static func encodedWords(_ text: String, firstLength: Int) -> [String] {
        // "=?UTF-8?B?" + "?=" is 12 characters; each 4 base64 characters carry 3 bytes.
        func capacity(_ length: Int) -> Int { max(6, (length - 12) / 4 * 3) }
        var words: [String] = []
        var chunk: [UInt8] = []
        var limit = capacity(firstLength)
        func add(_ bytes: [UInt8]) {
            if !chunk.isEmpty, chunk.count + bytes.count > limit {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
                limit = capacity(encodedWordLimit)
            }
            chunk += bytes
        }
        for character in text {
            let bytes = Array(character.utf8)
            if bytes.count <= capacity(firstLength) {
                add(bytes)
            } else {
                // A grapheme longer than a word (long emoji or combining sequences) splits between scalars.
                for scalar in character.unicodeScalars { add(Array(String(scalar).utf8)) }
            }
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words
    }

    /// Joins tokens with spaces, starting a continuation line (CRLF + space) before a token that would
    /// push the line past 78 characters. Unfolding (removing the CRLFs) gives back the spaced tokens.
    static func fold(_ header: String, _ tokens: [String]) -> String {
        var lines: [String] = []
        var line = header + ":"
        var lineHasToken = false
        for token in tokens {
            if lineHasToken, line.utf8.count + 1 + token.utf8.count > lineLimit {
                lines.append(line)
                line = " " + token
            } else {
                line += " " + token
            }
            lineHasToken = true
        }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }

    /// Display text for a header: line breaks and other control characters become spaces (so no
    /// value can start a header of its own), runs of white space collapse, ends are trimmed.
    static func headerText(_ value: String) -> String {
        value.unicodeScalars
            .split(whereSeparator: { $0.properties.isWhitespace || $0.properties.generalCategory == .control })
            .map { String(String.UnicodeScalarView($0)) }
            .joined(separator: " ")
    }

    /// An address or domain: white space and control characters removed (none belong in one).
    static func bareToken(_ value: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: value.unicodeScalars.filter {
            !$0.properties.isWhitespace && $0.properties.generalCategory != .control
        })
        return String(scalars)
    }

    /// RFC 5322 date in UTC, e.g. `Sun, 29 Nov 2026 10:00:00 +0000`; built by hand because
    /// DateFormatter would follow the server's locale and calendar.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(weekdays[parts.weekday! - 1]), \(two(parts.day)) \(months[parts.month! - 1]) \(parts.year!) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }

    private static let asciiAlphanumerics = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
}
