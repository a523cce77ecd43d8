import Foundation
import NIOPosix
import TandemCore

/// For development: each message becomes an `.eml` file that any mail client opens, named
/// `{yyyyMMdd-HHmmss}-{id}-{kind}.eml` (UTC) so a folder listing reads in sending order.
public struct DirectoryTransport: MailTransport {
    public var folder: String
    public var from: String
    public var fromName: String
    public var messageIDDomain: String
    public var clock: any WallClock

    public init(folder: String, from: String, fromName: String, messageIDDomain: String, clock: any WallClock) {
        self.folder = folder
        self.from = from
        self.fromName = fromName
        self.messageIDDomain = messageIDDomain
        self.clock = clock
    }

    public func deliver(_ mail: OutboundMail) async throws {
        let date = clock.now()
        let message = MIMEMessage.render(mail, from: from, fromName: fromName, date: date, messageIDDomain: messageIDDomain)
        let folder = URL(fileURLWithPath: self.folder, isDirectory: true)
        let file = folder.appendingPathComponent(Self.fileName(for: mail, at: date))
        try await NIOThreadPool.singleton.runIfActive {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            // `.atomic` writes a temporary file in the same folder and renames it, so a watcher
            // never sees half a message.
            try Data(message.utf8).write(to: file, options: .atomic)
        }
    }

    static func fileName(for mail: OutboundMail, at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        let stamp = "\(parts.year!)\(two(parts.month))\(two(parts.day))-\(two(parts.hour))\(two(parts.minute))\(two(parts.second))"
        // The kind comes from code, but a path separator in it must never escape the folder.
        let kind = String(mail.kind.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" ? Character($0) : "_" })
        return "\(stamp)-\(mail.id)-\(kind).eml"
    }
}
