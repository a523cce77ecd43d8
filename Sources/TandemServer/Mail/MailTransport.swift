import TandemCore

/// Hands a finished e-mail to whatever delivers it: a local MTA, a folder, or the log.
public protocol MailTransport: Sendable {
    /// Returns once the message is accepted for delivery; throws if it was not (the outbox retries).
    func deliver(_ mail: OutboundMail) async throws
}
