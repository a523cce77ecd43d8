import Logging
import TandemCore

/// Delivers nowhere and logs that it did: for demos and tests. The body is never logged because
/// it carries the attendee's private self-service links.
public struct LogTransport: MailTransport {
    public var logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func deliver(_ mail: OutboundMail) async throws {
        logger.info("mail not sent (log transport)", metadata: [
            "mail.id": "\(mail.id)",
            "mail.kind": "\(mail.kind)",
            "mail.to": "\(mail.to)",
            "mail.subject": "\(mail.subject)",
        ])
    }
}
