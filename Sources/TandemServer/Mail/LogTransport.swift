import Logging
import TandemCore

/// Delivers nowhere and logs that it did: for demos and tests. Neither the recipient nor the body
/// is logged: logs are no place for attendees' addresses or their private self-service links.
public struct LogTransport: MailTransport {
    public var logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func deliver(_ mail: OutboundMail) async throws {
        logger.info("mail not sent (log transport)", metadata: [
            "mail.id": "\(mail.id)",
            "mail.kind": "\(mail.kind)",
            "mail.subject": "\(mail.subject)",
        ])
    }
}
