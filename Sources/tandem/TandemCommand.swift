import ArgumentParser
import Configuration
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import SystemPackage
import TandemCore
import TandemServer
import TandemSQLite
import TandemStore

@main
struct TandemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandem",
        abstract: "Tandem: workshops and open events with live agendas.",
        subcommands: [Serve.self, Migrate.self, CreateAdmin.self, Backup.self, Copy.self, Import.self, ImportSpeakers.self],
        defaultSubcommand: Serve.self)

    /// ArgumentParser's own `main`, except that a failing subcommand's error is said in a
    /// sentence (`CommandFailure`) rather than printed as a Swift value.
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            // ArgumentParser's own commands (`help`, `--help`) report through its errors, unchanged.
            let ours = ([Self.self] + configuration.subcommands).contains { ObjectIdentifier($0) == ObjectIdentifier(type(of: command)) }
            exit(withError: ours ? CommandFailure.wrapping(error) : error)
        }
    }
}

/// Options shared by every subcommand that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "SQLite database file, or a PostgreSQL URL postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=… (env TANDEM_DATABASE).")
    var database: String?

    /// The store named, after refusing a URL of a database Tandem does not serve.
    func choice(_ settings: Settings = .environment) throws -> StoreChoice {
        try StoreChoice(database ?? settings["TANDEM_DATABASE"] ?? AppConfig().databasePath)
    }

    /// Runs `body` on the store named, created or migrated to the current schema, and closes it.
    func withStore<T>(_ settings: Settings = .environment, _ body: (any TandemStorage) async throws -> T) async throws -> T {
        try await choice(settings).withStore(body)
    }
}

/// A file's bytes, or an error naming it and saying why it cannot be read.
func readFile(_ path: String, what: String) throws -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CommandFailure("there is no file \(path); give the path of \(what)")
    }
    guard !isDirectory.boolValue else { throw CommandFailure("\(path) is a folder; give the path of \(what) in it") }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CommandFailure("cannot read \(path); check that you may read it (ls -l \(path))")
    }
    return data
}

/// Settings by their environment-variable names: the process environment first, then the optional
/// settings file (`--config PATH` / `TANDEM_CONFIG`), a `.env`-style file of the same names, read
/// with swift-configuration.
struct Settings {
    let reader: ConfigReader

    subscript(name: String) -> String? {
        reader.string(forKey: ConfigKey(name.lowercased().split(separator: "_").map(String.init)))
    }

    static func load(file: String?) async throws -> Settings {
        var providers: [any ConfigProvider] = [EnvironmentVariablesProvider()]
        if let file, !file.isEmpty {
            guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read the settings file \(file)") }
            providers.append(try await EnvironmentVariablesProvider(environmentFilePath: FilePath(file)))
        }
        return Settings(reader: ConfigReader(providers: providers))
    }

    /// The process environment alone (subcommands other than `serve`).
    static var environment: Settings { Settings(reader: ConfigReader(provider: EnvironmentVariablesProvider())) }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the server (default).")

    @Option(help: "Address to listen on (env TANDEM_HOST).") var host: String?
    @Option(help: "Port to listen on (env TANDEM_PORT).") var port: Int?
    @OptionGroup var database: DatabaseOptions
    @Flag(name: .customLong("no-demo"), help: "Do not load the demo programme into an empty database (env TANDEM_DEMO=0).")
    var noDemo = false
    @Option(name: .customLong("public"), help: "Folder of the web front end (env TANDEM_PUBLIC).") var publicDirectory: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error (env LOG_LEVEL).") var logLevel: String?
    @Option(name: .customLong("public-url"), help: "Base URL for links in e-mails, e.g. https://tandem.example.org (env TANDEM_PUBLIC_URL).")
    var publicURL: String?
    @Option(help: "E-mail delivery: 'directory:PATH', 'sendmail' or 'sendmail:PATH', 'log' (env TANDEM_MAIL; default: directory 'mail' in the data directory).")
    var mail: String?
    @Option(name: .customLong("log-format"), help: "text or json (one JSON object per line; env TANDEM_LOG_FORMAT).") var logFormat: String?
    @Option(name: .customLong("data-dir"), help: "Folder for secret.key and the default mail folder (env TANDEM_DATA_DIR; default: the SQLite database's folder, ./data with a database server).")
    var dataDirectory: String?
    @Option(name: .customLong("config"), help: "A settings file of TANDEM_* lines (KEY=value, # comments); the environment overrides it (env TANDEM_CONFIG).")
    var configFile: String?

    func run() async throws {
        let env = try await Settings.load(file: configFile ?? ProcessInfo.processInfo.environment["TANDEM_CONFIG"])
        var config = AppConfig()
        config.host = host ?? env["TANDEM_HOST"] ?? config.host
        config.port = try port ?? env["TANDEM_PORT"].map { value in
            guard let port = Int(value), (0...65535).contains(port) else { throw ValidationError("TANDEM_PORT must be a port number") }
            return port
        } ?? config.port
        let storeChoice = try database.choice(env)
        config.databasePath = storeChoice.openedLocation
        if let folder = dataDirectory ?? env["TANDEM_DATA_DIR"], !folder.isEmpty { config.dataDirectory = folder }
        config.loadDemo = !noDemo && env["TANDEM_DEMO"] != "0"
        config.warmUpStore = true
        config.publicDirectory = publicDirectory ?? env["TANDEM_PUBLIC"] ?? config.publicDirectory
        config.adminEmail = env["TANDEM_ADMIN_EMAIL"].flatMap { $0.isEmpty ? nil : $0 }
        config.adminPassword = env["TANDEM_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        if let cost = env["TANDEM_BCRYPT_COST"].flatMap(UInt8.init), (4...31).contains(cost) { config.bcryptCost = cost }
        config.publicURL = publicURL ?? env["TANDEM_PUBLIC_URL"]
        config.secret = env["TANDEM_SECRET"]
        if case .postgres = storeChoice, (config.secret ?? "").isEmpty, !FileManager.default.fileExists(atPath: config.secretKeyPath) {
            // Each instance would make its own secret.key: links, check-in codes and CSRF tokens made
            // by one instance would be refused by the others.
            throw CommandFailure("TANDEM_SECRET is not set. On PostgreSQL every Tandem instance must derive self-service links, "
                + "check-in codes and CSRF tokens from the same secret: set TANDEM_SECRET to one long random value "
                + "(for example the output of `openssl rand -base64 32`) for every instance, and keep it in your password manager. "
                + "A server moved from SQLite may instead keep its secret.key: put it in the data directory (\(config.secretKeyPath)) "
                + "of every instance")
        }
        config.mail.delivery = try MailOptions.delivery(mail ?? env["TANDEM_MAIL"])
        config.mail.from = env["TANDEM_MAIL_FROM"] ?? config.mail.from
        config.mail.fromName = env["TANDEM_MAIL_FROM_NAME"] ?? config.mail.fromName
        config.limits.enabled = env["TANDEM_RATE_LIMITS"] != "0"
        config.limits.trustedProxies = try Self.list(env["TANDEM_TRUSTED_PROXIES"]).map { cidr in
            guard IPNetwork(cidr) != nil else { throw ValidationError("TANDEM_TRUSTED_PROXIES: '\(cidr)' is not an IP address or CIDR network") }
            return cidr
        }
        config.corsOrigins = Self.list(env["TANDEM_CORS_ORIGINS"])
        config.metricsToken = env["TANDEM_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let value = env["TANDEM_LIVE_PING_SECONDS"] {
            guard let seconds = Int(value), (1...3600).contains(seconds) else {
                throw ValidationError("TANDEM_LIVE_PING_SECONDS must be a whole number of seconds from 1 to 3600")
            }
            config.live.pingInterval = .seconds(seconds)
        }
        if let value = env["TANDEM_MAIL_LEASE_SECONDS"] {
            guard let seconds = Int(value), (1...3600).contains(seconds) else {
                throw ValidationError("TANDEM_MAIL_LEASE_SECONDS must be a whole number of seconds from 1 to 3600")
            }
            config.mail.claimLease = TimeInterval(seconds)
        }
        if let value = env["TANDEM_WEBHOOK_PAUSE_AFTER"] {
            guard let failures = Int(value), (1...1000).contains(failures) else {
                throw ValidationError("TANDEM_WEBHOOK_PAUSE_AFTER must be a whole number of failures in a row from 1 to 1000")
            }
            config.webhooks.rules.pauseAfter = failures
        }
        if let value = env["TANDEM_WEBHOOK_LEASE_SECONDS"] {
            guard let seconds = Int(value), (15...3600).contains(seconds) else {
                throw ValidationError("TANDEM_WEBHOOK_LEASE_SECONDS must be a whole number of seconds from 15 to 3600 (longer than one POST's 10 s)")
            }
            config.webhooks.lease = TimeInterval(seconds)
        }
        if let value = env["TANDEM_IDLE_TIMEOUT_SECONDS"] {
            guard let seconds = Int(value), (0...3600).contains(seconds) else {
                throw ValidationError("TANDEM_IDLE_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 3600, or 0 for no limit")
            }
            config.idleTimeout = seconds == 0 ? nil : .seconds(seconds)
        }
        if let value = env["TANDEM_LISTEN_BACKLOG"] {
            guard let backlog = Int(value), (16...65535).contains(backlog) else {
                throw ValidationError("TANDEM_LISTEN_BACKLOG must be a whole number from 16 to 65535 (the kernel caps it at net.core.somaxconn)")
            }
            config.listenBacklog = backlog
        }
        switch logFormat ?? env["TANDEM_LOG_FORMAT"] ?? "text" {
        case "json": LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
        case "text": break
        default: throw ValidationError("--log-format / TANDEM_LOG_FORMAT must be 'text' or 'json'")
        }
        var logger = Logger(label: "tandem")
        logger.logLevel = (logLevel ?? env["LOG_LEVEL"]).flatMap(Logger.Level.init(rawValue:)) ?? .info
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        logger.notice("Tandem serves http://\(config.host):\(config.port) from \(storeChoice.location)")
        try await runServer(config, environment: AppEnvironment(openStore: storeChoice.opener, logger: logger, metrics: registry))
    }
}

extension Serve {
    /// A comma-separated setting as a list, blanks dropped.
    static func list(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let applied = try await database.withStore { store in try await store.appliedMigrations() }
        print("migrated: " + applied.joined(separator: ", "))
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the SQLite database to PATH while the server keeps running (SQLite online backup), then check the copy. On PostgreSQL it names the pg_dump command to use instead.")

    @Argument(help: "Where to write the backup, e.g. /var/backups/tandem/tandem-2027-04-15.sqlite") var path: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let choice = try database.choice()
        guard case .sqlite(let source) = choice else {
            // PostgreSQL's own tool takes a consistent dump while the servers keep running.
            throw CommandFailure("tandem backup copies a SQLite file; back up a PostgreSQL database with pg_dump instead: "
                + "pg_dump --format=custom --file tandem.dump '\(choice.location)' (the password from PGPASSWORD or ~/.pgpass), "
                + "and restore it with pg_restore; see \"PostgreSQL\" in Deploy/README.md")
        }
        let migrations = try SQLiteStore.backup(databasePath: source, to: path)
        print("backed up \(source) to \(path) (integrity ok, schema \(migrations.last ?? "empty"))")
    }
}

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or update an event from a frab/pretalx schedule.json (idempotent: sessions by guid, rooms and speakers by name).")

    @Argument(help: "The schedule.json file (frab / c3voc / pretalx export).") var file: String
    @Option(help: "Event slug (default: the conference acronym with '-' for '_').") var slug: String?
    @Option(help: "Kind of a new event: workshop, open-event, side-event, conference.") var kind: String = "conference"
    @Flag(help: "Publish a newly created event (default: draft).") var publish = false
    @Option(help: "Venue name, for a new event.") var venue: String?
    @Option(help: "Venue city, for a new event.") var city: String?
    @Option(help: "Venue country (ISO 3166 alpha-2), for a new event.") var country: String?
    @Flag(name: .customLong("allow-conflicts"),
          help: "Import sessions that clash (a room or a speaker in two places at once) as they are, and list them; by default such a file imports nothing.")
    var allowConflicts = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let data = try readFile(file, what: "the schedule.json exported from pretalx or frab")
        guard let kind = Event.Kind(rawValue: kind) else { throw ValidationError("--kind must be one of: workshop, open-event, side-event, conference") }
        let place: Venue? = if let venue, let city, let country { Venue(name: venue, city: city, country: country.uppercased()) } else { nil }
        let options = ScheduleImporter.NewEvent(slug: slug, kind: kind, publish: publish, venue: place, allowConflicts: allowConflicts)
        let report = try await database.withStore { store in
            try await ScheduleImporter(store: store).importSchedule(json: data, options: options)
        }
        print(report)
    }
}

struct ImportSpeakers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-speakers",
        abstract: "Create or update speakers and fellows from CSV: name, name_zh, organisation, country, cohort, partner_organisation, topics, bio_en, bio_zh.")

    @Argument(help: "The CSV file (UTF-8, header row).") var file: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let data = try readFile(file, what: "the speakers' CSV file")
        let (created, updated) = try await database.withStore { store in
            try await ScheduleImporter(store: store).importSpeakers(csv: String(decoding: data, as: UTF8.self))
        }
        print("speakers: \(created) created, \(updated) updated")
    }
}

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create an admin account, or reset its password: the account is enabled, made an admin, and all its logins and API tokens end. The password is read from TANDEM_ADMIN_PASSWORD or standard input.")

    @Option(help: "E-mail address to log in with.") var email: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let env = Settings.environment
        var password = env["TANDEM_ADMIN_PASSWORD"] ?? ""
        if password.isEmpty {
            FileHandle.standardError.write(Data("Password (at least \(PasswordPolicy.minimumLength) characters): ".utf8))
            password = readLine(strippingNewline: true) ?? ""
        }
        let problems = PasswordPolicy.validate(password) + (EmailAddress.isPlausible(email) ? [] : [FieldError(field: "email", message: "must be an e-mail address")])
        guard problems.isEmpty else { throw ValidationError(problems.map(\.description).joined(separator: "; ")) }
        let cost = env["TANDEM_BCRYPT_COST"].flatMap(UInt8.init) ?? AppConfig().bcryptCost
        let passwordHash = try await PasswordHasher.hash(password, cost: cost)
        let account = try await database.withStore(env) { store in try await store.resetAdmin(email: email, passwordHash: passwordHash) }
        print("admin \(account.email) is ready")
    }
}

/// Parses the `--mail` / `TANDEM_MAIL` setting.
enum MailOptions {
    static func delivery(_ value: String?) throws -> MailSettings.Delivery? {
        guard let value, !value.isEmpty else { return nil }
        if value == "log" { return .log }
        if value == "sendmail" { return .sendmail(path: "/usr/sbin/sendmail") }
        if value.hasPrefix("sendmail:") { return .sendmail(path: String(value.dropFirst("sendmail:".count))) }
        if value.hasPrefix("directory:") { return .directory(String(value.dropFirst("directory:".count))) }
        throw ValidationError("TANDEM_MAIL must be 'log', 'sendmail', 'sendmail:PATH' or 'directory:PATH'")
    }
}
