import Foundation

/// Why a transport did not accept a message; the description is meant for the log and the outbox's error column.
public enum MailTransportError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// The address could smuggle extra recipients into a `sendmail -t` run, so it was not sent.
    case invalidRecipient(String)
    /// No executable at the configured path.
    case commandNotFound(path: String)
    /// The executable exists but could not be started.
    case launchFailed(path: String, reason: String)
    /// The command ran and exited non-zero (sendmail uses sysexits: 75 is "try again later").
    case commandFailed(path: String, exitStatus: Int32, stderr: String)
    /// The command was ended by a signal it did not expect.
    case commandKilled(path: String, signal: Int32, stderr: String)
    /// The command did not finish in time and was killed.
    case timedOut(path: String, after: Duration)

    public var description: String {
        switch self {
        case .invalidRecipient:
            // The address itself stays out: this text goes to the log and the outbox.
            "refusing to send: the recipient is not a single plain address"
        case .commandNotFound(let path):
            "mail command not found or not executable: \(path)"
        case .launchFailed(let path, let reason):
            "could not start mail command \(path): \(reason)"
        case .commandFailed(let path, let status, let stderr):
            "mail command \(path) exited with status \(status)" + Self.detail(stderr)
        case .commandKilled(let path, let signal, let stderr):
            "mail command \(path) was killed by signal \(signal)" + Self.detail(stderr)
        case .timedOut(let path, let limit):
            "mail command \(path) did not finish within \(limit) and was killed"
        }
    }

    public var errorDescription: String? { description }

    /// A failure that trying again cannot mend: the address is unusable, or sendmail said so
    /// (sysexits EX_USAGE 64, EX_DATAERR 65, EX_NOUSER 67, EX_NOHOST 68). Such a message is given
    /// up at once instead of being retried for days.
    public var isPermanent: Bool {
        switch self {
        case .invalidRecipient: true
        case .commandFailed(_, let status, _): [64, 65, 67, 68].contains(status)
        case .commandNotFound, .launchFailed, .commandKilled, .timedOut: false
        }
    }

    private static func detail(_ stderr: String) -> String {
        stderr.isEmpty ? "" : ": \(stderr)"
    }
}
