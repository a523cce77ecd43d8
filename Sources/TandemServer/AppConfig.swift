import Foundation
import TandemCore

/// Everything the server is configured with; read once by the executable from flags and environment.
public struct AppConfig: Sendable {
    public var host: String
    public var port: Int
    /// Path of the SQLite database file, or the URL of a database server (`postgres://…`).
    public var databasePath: String
    /// The folder for `secret.key` and the default `mail` folder (`--data-dir` / `TANDEM_DATA_DIR`).
    /// Unless set: the SQLite database's folder, or `./data` when the database is a server.
    public var dataDirectory: String {
        get { explicitDataDirectory ?? Self.defaultDataDirectory(databasePath: databasePath) }
        set { explicitDataDirectory = newValue }
    }
    private var explicitDataDirectory: String?
    /// Load the demo programme into an empty database.
    public var loadDemo: Bool
    /// Open the database server's pool connections and prepare their statements before serving
    /// (`StoreMaintenance.warmUp`); `tandem serve` sets it, tests leave it off (each test app
    /// would hold connections it never uses).
    public var warmUpStore = false
    /// Folder with the web front end.
    public var publicDirectory: String
    /// Ensure this admin exists at start (both must be set).
    public var adminEmail: String?
    public var adminPassword: String?
    /// bcrypt cost for new password hashes (12 in production; tests use 4).
    public var bcryptCost: UInt8
    /// How long a bearer token from `POST /api/v1/auth/login` stays valid.
    public var tokenLifetime: TimeInterval
    /// Largest request body accepted (413 beyond).
    public var maxBodyBytes: Int
    /// Largest schedule.json `POST /api/v1/import/schedule` accepts (a big pretalx export is a few MiB).
    public var maxScheduleImportBytes = 5 * 1024 * 1024
    /// Largest CSV `POST /api/v1/speakers/import` accepts.
    public var maxSpeakerImportBytes = 1024 * 1024
    /// Public base URL of this server, used in links sent by e-mail (default `http://host:port`).
    public var publicURL: String?
    /// Secret for self-service tokens; when unset, `secret.key` in the data directory is used (created on first start).
    public var secret: String?
    /// How attendees' e-mails leave the server.
    public var mail: MailSettings
    /// Live feed limits.
    public var live = LiveSettings()
    /// Abuse limits and trusted proxies.
    public var limits = LimitSettings()
    /// Webhook delivery: back-off, pausing, timeouts.
    public var webhooks = WebhookSettings()
    /// Origins allowed to call the API from scripts on other sites (CORS); empty: none (`TANDEM_CORS_ORIGINS`).
    public var corsOrigins: [String] = []
    /// How long a browser session (cookie) lasts without logging in again.
    public var sessionLifetime: TimeInterval = 12 * 3600
    /// A bearer token that may read `/metrics` (`TANDEM_METRICS_TOKEN`), for Prometheus; admins and
    /// direct loopback callers may read it without one.
    public var metricsToken: String?
    /// A connection idle for this long is closed: a new one that has not sent its first request, a
    /// kept-alive one between requests, or one that does not read its answers (stays unwritable)
    /// (`TANDEM_IDLE_TIMEOUT_SECONDS`; nil: never).
    public var idleTimeout: Duration? = .seconds(30)
    /// Connections the kernel may hold for the server before it accepts them (`listen`'s backlog;
    /// Linux caps it at `net.core.somaxconn`, 4096 by default). Hummingbird's 256 drops SYNs when a
    /// venue's screens and phones all connect in the same second; each dropped one waits a second
    /// or more to retry.
    public var listenBacklog = 4096

    public init(
        host: String = "127.0.0.1", port: Int = 8080, databasePath: String = "./data/tandem.sqlite",
        loadDemo: Bool = true, publicDirectory: String = "./Public", adminEmail: String? = nil,
        adminPassword: String? = nil, bcryptCost: UInt8 = 12, tokenLifetime: TimeInterval = 12 * 3600,
        maxBodyBytes: Int = 64 * 1024, publicURL: String? = nil, secret: String? = nil, mail: MailSettings = MailSettings()
    ) {
        self.host = host
        self.port = port
        self.databasePath = databasePath
        self.loadDemo = loadDemo
        self.publicDirectory = publicDirectory
        self.adminEmail = adminEmail
        self.adminPassword = adminPassword
        self.bcryptCost = bcryptCost
        self.tokenLifetime = tokenLifetime
        self.maxBodyBytes = maxBodyBytes
        self.publicURL = publicURL
        self.secret = secret
        self.mail = mail
    }

    /// The base URL for links: the configured one, or this server's own address.
    public var resolvedPublicURL: String {
        let url = publicURL ?? "http://\(host):\(port)"
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// Cookies are marked `Secure` when the public URL is https (besides requests that arrive over TLS).
    public var secureCookies: Bool { resolvedPublicURL.lowercased().hasPrefix("https://") }

    /// Where the self-service key lives when no secret is configured.
    public var secretKeyPath: String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("secret.key").path
    }

    /// Where e-mails go when no delivery is configured: `.eml` files in `mail` in the data directory.
    public var defaultMailFolder: String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("mail").path
    }

    /// The SQLite file's folder; `./data` for a database server's URL (it has no folder here).
    static func defaultDataDirectory(databasePath: String) -> String {
        if databasePath.contains("://") { return "./data" }
        return URL(fileURLWithPath: databasePath).deletingLastPathComponent().path
    }
}

/// Limits of the live feed.
public struct LiveSettings: Sendable {
    /// Messages one subscriber may fall behind before it is cut off with a resume hint: queued on an
    /// SSE stream, or written to a WebSocket while its high water mark is exceeded.
    public var queueLimit = 512
    /// Missed changes a resuming client may replay; further behind, it gets a fresh snapshot.
    public var replayWindow: Int64 = 1000
    /// Interval of SSE keep-alive comments.
    public var keepAlive: Duration = .seconds(15)
    /// Interval of WebSocket pings; a connection silent for two intervals is closed.
    public var pingInterval: Duration = .seconds(30)

    public init() {}
}

/// E-mail delivery: where messages go, who they are from, and how the outbox retries.
public struct MailSettings: Sendable {
    public enum Delivery: Sendable, Equatable {
        /// Write each message as an .eml file into a folder (development).
        case directory(String)
        /// Pipe each message to a sendmail-compatible program (`sendmail -t -i`, msmtp, postfix, exim).
        case sendmail(path: String)
        /// Only log that a message would be sent.
        case log
    }

    /// `nil`: a `mail` folder in the data directory (`AppConfig.defaultMailFolder`).
    public var delivery: Delivery?
    public var from: String
    public var fromName: String
    /// How often the outbox looks for due messages.
    public var pollInterval: Duration
    /// A burst of programme edits is mailed once it has been quiet this long…
    public var noticeQuietPeriod: TimeInterval
    /// …or at the latest this long after its first edit.
    public var noticeMaxDelay: TimeInterval
    public var retry: RetryPolicy
    /// While registrations keep arriving (one written within this interval), the outbox waits, so a
    /// rush of attendees gets the cores…
    public var burstQuiet: Duration = .milliseconds(250)
    /// …but never longer than this.
    public var burstMaxDeferral: Duration = .seconds(5)
    /// How long an instance holds the messages it claimed for sending: one not marked sent or failed
    /// by then (its instance died mid-send) is claimed by another (`TANDEM_MAIL_LEASE_SECONDS`).
    public var claimLease: TimeInterval = 60

    public init(delivery: Delivery? = nil, from: String = "tandem@localhost", fromName: String = "Tandem",
                pollInterval: Duration = .seconds(1), noticeQuietPeriod: TimeInterval = 180, noticeMaxDelay: TimeInterval = 900,
                retry: RetryPolicy = RetryPolicy()) {
        self.delivery = delivery
        self.from = from
        self.fromName = fromName
        self.pollInterval = pollInterval
        self.noticeQuietPeriod = noticeQuietPeriod
        self.noticeMaxDelay = noticeMaxDelay
        self.retry = retry
    }
}

