/// What request logs may say of a path: never an attendee's private token. The segment after
/// `registrations` (a self-service or confirmation link) is kept only when it is a number (an
/// organiser's registration id), and any other segment long enough to be a token is hidden too.
enum LogRedaction {
    static let placeholder = "<redacted>"

    static func path(_ path: String) -> String {
        var previous: Substring = ""
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment -> Substring in
            defer { previous = segment }
            let afterRegistrations = previous == "registrations" && !segment.isEmpty && !segment.allSatisfy(\.isNumber)
                && segment != "confirm"
            return afterRegistrations || segment.utf8.count >= 32 ? Substring(placeholder) : segment
        }
        return segments.joined(separator: "/")
    }
}
