import Foundation
import TandemCore

/// Delivers through a local sendmail-compatible command (postfix, exim, msmtp, ...), the Unix way:
/// the whole message on standard input, recipients read from its headers (`-t`), and a lone "."
/// line not taken as end of input (`-i`).
public struct SendmailTransport: MailTransport {
    public var path: String
    public var arguments: [String]
    public var from: String
    public var fromName: String
    public var messageIDDomain: String
    public var clock: any WallClock
    /// Longest a single delivery may take before the command is killed and the delivery fails.
    public var timeout: Duration

    public init(
        path: String = "/usr/sbin/sendmail", arguments: [String] = ["-t", "-i"], from: String, fromName: String,
        messageIDDomain: String, clock: any WallClock, timeout: Duration = .seconds(30)
    ) {
        self.path = path
        self.arguments = arguments
        self.from = from
        self.fromName = fromName
        self.messageIDDomain = messageIDDomain
        self.clock = clock
        self.timeout = timeout
    }

    public func deliver(_ mail: OutboundMail) async throws {
        guard Self.isSinglePlainAddress(mail.to) else { throw MailTransportError.invalidRecipient(mail.to) }
        let message = MIMEMessage.render(mail, from: from, fromName: fromName, date: clock.now(), messageIDDomain: messageIDDomain)
        let command = PipedCommand(path: path, arguments: arguments, timeout: timeout)
        let outcome = try await command.run(input: Data(message.utf8))
        if outcome.timedOut, outcome.killedBySignal {
            throw MailTransportError.timedOut(path: path, after: timeout)
        }
        if outcome.killedBySignal {
            throw MailTransportError.commandKilled(path: path, signal: outcome.status, stderr: outcome.stderr)
        }
        if outcome.status != 0 {
            throw MailTransportError.commandFailed(path: path, exitStatus: outcome.status, stderr: outcome.stderr)
        }
    }

    /// With `-t` the MTA parses the To header itself, so an address like `a>,<b@example.org` (which a
    /// loose syntax check lets through) would add a recipient. Only atext, dots and one `@` pass;
    /// non-ASCII is allowed for internationalised addresses.
    static func isSinglePlainAddress(_ address: String) -> Bool {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.")
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty }
            && parts.joined().unicodeScalars.allSatisfy {
                allowed.contains($0) || ($0.value > 0x7F && !$0.properties.isWhitespace && $0.properties.generalCategory != .control)
            }
    }
}
