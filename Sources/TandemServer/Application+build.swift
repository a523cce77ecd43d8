import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import ServiceLifecycle
import Logging
import Prometheus
import TandemCore
import TandemStore

/// What the server runs on besides its configuration; tests pass their own clock and randomness.
public struct AppEnvironment: Sendable {
    /// Opens the store (the executable picks the implementation; TandemServer sees only the protocols).
    public var openStore: StoreOpener
    public var clock: any WallClock
    public var randomness: Randomness
    public var logger: Logger
    /// The registry swift-metrics was bootstrapped with; `/metrics` serves it. `nil`: no `/metrics`.
    public var metrics: PrometheusCollectorRegistry?

    public init(openStore: @escaping StoreOpener, clock: any WallClock = SystemClock(), randomness: Randomness = .system,
                logger: Logger = Logger(label: "tandem"), metrics: PrometheusCollectorRegistry? = nil) {
        self.openStore = openStore
        self.clock = clock
        self.randomness = randomness
        self.logger = logger
        self.metrics = metrics
    }
}

/// Builds the Tandem application: opens and migrates the database, ensures an admin, loads demo
/// data into an empty database, and wires the routes. Used by every test; `tandem serve` uses `runServer`.
public func buildApplication(_ config: AppConfig, environment: AppEnvironment) async throws -> some ApplicationProtocol {
    try await buildServer(config, environment: environment).application
}

/// Runs Tandem until SIGTERM or SIGINT. The live hub is shut down before the HTTP server, so live
/// connections hear "going away" (1001) with their resume point before the server stops. The store
/// is closed afterwards, also when start-up fails after opening it: a PostgreSQL pool left running
/// would keep the process from exiting.
public func runServer(_ config: AppConfig, environment: AppEnvironment) async throws {
    /// The store `buildServer` opened, kept to be closed here.
    actor OpenedStore {
        var store: (any TandemStorage)?
        func keep(_ store: any TandemStorage) { self.store = store }
        func close() async { await store?.close() }
    }
    let opened = OpenedStore()
    var environment = environment
    let open = environment.openStore
    environment.openStore = { context in
        let store = try await open(context)
        await opened.keep(store)
        return store
    }
    do {
        let server = try await buildServer(config, environment: environment)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: server.application), .init(service: server.liveHub)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: environment.logger))
        do {
            try await group.run()
        } catch is CancellationError {
            // A service's sleep cut short by the graceful shutdown: a clean stop, exit status 0.
            environment.logger.notice("stopped")
        }
    } catch {
        await opened.close()
        throw error
    }
    await opened.close()
}

/// The application, its live hub, the snapshot replay and the fast live handshakes (both nil when
/// requests are logged at debug level), and the count of export renders.
func buildServer(_ config: AppConfig, environment: AppEnvironment) async throws
    -> (application: some ApplicationProtocol, liveHub: LiveHub, replay: SnapshotReplay?, handshakes: LiveHandshakes?, exportRenders: ExportRenders) {
    let logger = environment.logger
    let cache = SnapshotCache()
    let hub = LiveHub(queueLimit: config.live.queueLimit, logger: logger)
    // What live connections open with, and anonymous handshakes admitted on the event loop: both
    // follow the commits, ahead of the hub (see OpeningSchedules and LiveHandshakes). The fast
    // handshakes are off when every request is to be logged.
    let openings = OpeningSchedules()
    let handshakes = logger.logLevel > .debug
        ? LiveHandshakes(trustedProxies: config.limits.trustedProxies.compactMap(IPNetwork.init), corsConfigured: !config.corsOrigins.isEmpty,
                         metricsEnabled: environment.metrics != nil)
        : nil
    let key = try SelfServiceKeyring.loadKey(secret: config.secret, path: config.secretKeyPath, randomness: environment.randomness)
    let tokens = SelfServiceKeyring(key: key, publicURL: config.resolvedPublicURL, randomness: environment.randomness)
    // New changes wake the webhook worker (its own slow timer catches everything else).
    let webhookDoorbell = WebhookDoorbell()
    let store = try await environment.openStore(StoreContext(location: config.databasePath, clock: environment.clock,
                                                             sink: FanOutChangeSink(sinks: [cache, openings] + (handshakes.map { [$0] } ?? [])
                                                                 + [hub, webhookDoorbell]),
                                                             tokens: tokens))
    try await store.migrate()
    // Two instances starting at once on a new database: one creates the admin and the demo, the
    // other finds them there.
    try await store.exclusively {
        try await Bootstrap.ensureAdmin(config, accounts: store, randomness: environment.randomness, logger: logger)
        if config.loadDemo, try await store.isEmpty() {
            try await DemoProgramme.load(into: store, makeUUID: environment.randomness.uuid)
            logger.info("loaded the demo programme into an empty database")
        }
    }
    if config.warmUpStore { await store.warmUp() }
    let decoyHash = try await PasswordHasher.hash(AccessToken.generate(using: environment.randomness), cost: config.bcryptCost)
    let exportRenders = ExportRenders()
    let activity = RegistrationActivity()
    // Rendered pages, shared by their route and the replay of their recorded answers.
    let pages = PageTemplates()
    let webhookSecrets = WebhookSecrets(serverKey: key)
    let router = buildRouter(config, store: store, tokens: tokens, cache: cache, hub: hub, environment: environment, decoyHash: decoyHash,
                             csrf: CSRFTokens(secret: key), openings: openings, exportRenders: exportRenders, activity: activity, pages: pages,
                             certificates: CertificateSigner(secret: key), webhookSecrets: webhookSecrets)
    let webhookWorker = WebhookWorker(store: store, secrets: webhookSecrets,
                                      sender: WebhookSender(totalTimeout: config.webhooks.totalTimeout, clock: environment.clock),
                                      settings: config.webhooks, clock: environment.clock, randomness: environment.randomness, logger: logger)
    let outbox = OutboxDelivery(store: store, transport: mailTransport(config, clock: environment.clock, logger: logger),
                                clock: environment.clock, settings: config.mail, logger: logger, activity: activity)
    let clock = environment.clock
    let services: [any Service] = [
        // Changes committed by other instances on the same database reach this one's hub and caches.
        ChangeFeedService(store: store, logger: logger),
        // Every instance delivers mail: each message is claimed (with a lease) by one of them.
        PeriodicService(name: "outbox", interval: config.mail.pollInterval, clock: clock, logger: logger) { try await outbox.runOnce() },
        // Every instance delivers webhooks: each endpoint is claimed (with a lease) by one of them.
        WebhookService(worker: webhookWorker, doorbell: webhookDoorbell, interval: config.webhooks.pollInterval, logger: logger),
        // Jobs that must run once per database run on the instance that leads them.
        // Announcements past their expiresAt become one announcement.expired change each.
        PeriodicService(name: "announcement expiry", interval: .seconds(1), clock: clock, leader: store, logger: logger) {
            _ = try await store.recordExpiredAnnouncements()
        },
        // Unconfirmed holds (verified registration) past their time give their places on, like a cancellation.
        PeriodicService(name: "hold expiry", interval: .seconds(5), clock: clock, leader: store, logger: logger) { _ = try await store.expireHolds() },
        // Failed logins whose back-off has run out are forgotten.
        PeriodicService(name: "login failure pruning", interval: .seconds(60), clock: clock, leader: store, logger: logger) {
            _ = try await store.forgetLoginFailures(before: clock.now().addingTimeInterval(-config.limits.loginMaxBackoff))
        },
    ]
    // Anonymous reads of cached event and schedule snapshots are answered on the event loop
    // (SnapshotReplay); not when every request is to be logged.
    let replay = logger.logLevel > .debug ? SnapshotReplay(cache: cache, pages: pages, clock: environment.clock, metricsEnabled: environment.metrics != nil) : nil
    let application = Application(
        router: router,
        // HTTP/1 plus the live WebSocket: pinged every 30 s, a connection that does not answer is
        // closed (dead screens are reaped); a connection without a request for `idleTimeout` is closed.
        server: .tandem(router: router, hub: hub, replay: replay, handshakes: handshakes, pingInterval: config.live.pingInterval, idleTimeout: config.idleTimeout),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Tandem", backlog: config.listenBacklog),
        services: services,
        logger: logger)
    return (application, hub, replay, handshakes, exportRenders)
}

/// The configured e-mail transport; by default .eml files in a `mail` folder in the data directory.
func mailTransport(_ config: AppConfig, clock: any WallClock, logger: Logger) -> any MailTransport {
    let domain = URL(string: config.resolvedPublicURL)?.host ?? "localhost"
    switch config.mail.delivery ?? .directory(config.defaultMailFolder) {
    case .directory(let folder):
        return DirectoryTransport(folder: folder, from: config.mail.from, fromName: config.mail.fromName, messageIDDomain: domain, clock: clock)
    case .sendmail(let path):
        return SendmailTransport(path: path, from: config.mail.from, fromName: config.mail.fromName, messageIDDomain: domain, clock: clock)
    case .log:
        return LogTransport(logger: logger)
    }
}

/// All routes: public reads, login, organiser writes (401/403 guarded), admin, pages.
func buildRouter(_ config: AppConfig, store: any TandemStorage, tokens: any SelfServiceTokens, cache: SnapshotCache, hub: LiveHub, environment: AppEnvironment,
                 decoyHash: String, csrf: CSRFTokens, openings: OpeningSchedules, exportRenders: ExportRenders = ExportRenders(),
                 activity: RegistrationActivity = RegistrationActivity(), pages: PageTemplates = PageTemplates(),
                 certificates: CertificateSigner = CertificateSigner(secret: SymmetricKey(size: .bits256)),
                 webhookSecrets: WebhookSecrets = WebhookSecrets(serverKey: SymmetricKey(size: .bits256))) -> Router<TandemRequestContext> {
    let limits = Limits(config.limits, clock: environment.clock, loginFailures: store)
    let assetVersion = AssetVersion.compute(publicDirectory: config.publicDirectory)
    // HEAD is answered wherever GET is (RFC 9110 §9.3.2), with the GET's headers and no body.
    let router = Router(context: TandemRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: RequestLogMiddleware(.debug))
    if !config.corsOrigins.isEmpty { router.add(middleware: AllowListedCORSMiddleware(origins: Set(config.corsOrigins))) }
    if environment.metrics != nil { router.add(middleware: MetricsMiddleware()) }
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: BodyLimitMiddleware(maxBytes: config.maxBodyBytes, routes: [
        "POST /api/v1/import/schedule": config.maxScheduleImportBytes, "POST /api/v1/speakers/import": config.maxSpeakerImportBytes,
    ]))
    router.add(middleware: ClientAddressMiddleware(trusted: config.limits.trustedProxies.compactMap(IPNetwork.init)))
    let routeTable = MethodNotAllowedMiddleware.RouteTable()
    router.add(middleware: MethodNotAllowedMiddleware(table: routeTable))
    router.add(middleware: AssetFilesMiddleware(version: assetVersion))
    router.add(middleware: PublicFilesMiddleware(files: FileMiddleware(config.publicDirectory, searchForIndexHtml: true, logger: environment.logger)))
    router.add(middleware: CredentialAuthenticator(accounts: store, clock: environment.clock, csrf: csrf))

    MetaController(store: store, hub: hub, openAPIPath: config.publicDirectory + "/openapi.yaml").addRoutes(to: router)
    if let registry = environment.metrics { MetricsController(registry: registry, store: store, hub: hub, token: config.metricsToken).addRoutes(to: router) }
    PagesController(publicDirectory: config.publicDirectory, assetVersion: assetVersion, templates: pages).addRoutes(to: router)
    RegistrationFormController(store: store, tokens: tokens, limits: limits, activity: activity, clock: environment.clock).addRoutes(to: router)
    RegistrationConfirmController(store: store, clock: environment.clock).addRoutes(to: router)

    LiveController(store: store, hub: hub, clock: environment.clock, replayWindow: config.live.replayWindow,
                   keepAliveInterval: config.live.keepAlive, limits: limits, openingSchedules: openings).addRoutes(to: router)
    let api = router.group("/api/v1")
    PublicScheduleController(store: store, cache: cache, clock: environment.clock).addRoutes(to: api)
    ExportsController(store: store, cache: cache, clock: environment.clock, baseURL: config.resolvedPublicURL, renders: exportRenders).addRoutes(to: api)
    AuthController(accounts: store, clock: environment.clock, randomness: environment.randomness,
                   tokenLifetime: config.tokenLifetime, sessionLifetime: config.sessionLifetime, secureCookies: config.secureCookies,
                   csrf: csrf, limits: limits, decoyHash: decoyHash).addRoutes(to: api)
    TokensController(accounts: store, clock: environment.clock, randomness: environment.randomness).addRoutes(to: api)
    AuditController(store: store).addRoutes(to: api)

    let organiser = api.group().add(middleware: RequirePermission(permission: .editSchedule))
    EventsController(store: store, randomness: environment.randomness).addRoutes(to: organiser)
    RoomsController(store: store).addRoutes(to: organiser)
    SessionsController(store: store, randomness: environment.randomness).addRoutes(to: organiser)
    LiveOpsController(store: store).addRoutes(to: organiser)
    SpeakersController(store: store).addRoutes(to: organiser)
    ImportController(store: store).addRoutes(to: organiser)
    WebhooksController(store: store, secrets: webhookSecrets,
                       sender: WebhookSender(totalTimeout: config.webhooks.totalTimeout, clock: environment.clock),
                       randomness: environment.randomness, clock: environment.clock, keepDeliveries: config.webhooks.keepDeliveries,
                       pauseAfter: config.webhooks.rules.pauseAfter)
        .addRoutes(to: organiser.group().add(middleware: NoStoreMiddleware()))

    RegistrationsController(store: store, tokens: tokens, limits: limits, activity: activity).addRoutes(to: api)
    let registrationDesk = api.group().add(middleware: RequirePermission(permission: .viewRegistrations)).add(middleware: NoStoreMiddleware())
    RegistrationAdminController(store: store).addRoutes(to: registrationDesk)
    let certificateRoutes = CertificatesController(store: store, signer: certificates, limits: limits, clock: environment.clock,
                                                   publicURL: config.resolvedPublicURL)
    certificateRoutes.addRoutes(public: api)
    certificateRoutes.addRoutes(organiser: registrationDesk)
    CheckInController(store: store).addRoutes(to: registrationDesk)

    let admin = api.group().add(middleware: RequirePermission(permission: .manageAccounts))
    AccountsController(accounts: store, bcryptCost: config.bcryptCost).addRoutes(to: admin)
    InvitesController(store: store, clock: environment.clock, randomness: environment.randomness, bcryptCost: config.bcryptCost,
                      limits: limits, publicURL: config.resolvedPublicURL).addRoutes(admin: admin, public: api)
    routeTable.load(router.routes.map { ("\($0.path)", $0.method) })
    return router
}

/// Start-up chores that need the database.
enum Bootstrap {
    static func ensureAdmin(_ config: AppConfig, accounts: any AccountStore, randomness: Randomness, logger: Logger) async throws {
        if let email = config.adminEmail, let password = config.adminPassword {
            try ValidationError.check(PasswordPolicy.validate(password, field: "TANDEM_ADMIN_PASSWORD"))
            // The password is hashed (bcrypt, slow on purpose) only when it will be stored.
            var created = false
            if try await accounts.credentials(email: email) == nil {
                created = try await accounts.ensureAdmin(email: email, passwordHash: try await PasswordHasher.hash(password, cost: config.bcryptCost)).created
            }
            if created {
                logger.info("admin account created from TANDEM_ADMIN_EMAIL", metadata: ["email": "\(email)"])
            } else {
                // Never re-enable an account an admin disabled, nor undo a password someone changed.
                logger.info("admin account exists; TANDEM_ADMIN_PASSWORD is not applied to it (run `tandem create-admin` to reset it)",
                            metadata: ["email": "\(email)"])
            }
        } else if try await accounts.accountCount() == 0 {
            let email = "admin@tandem.local"
            let password = AccessToken.base64URL(randomness.bytes(12))
            _ = try await accounts.ensureAdmin(email: email, passwordHash: try await PasswordHasher.hash(password, cost: config.bcryptCost))
            // Printed once, on the terminal only: it is not stored anywhere in clear text.
            let notice = """
                ┌ Tandem created an organiser admin account (shown only this once):
                │   e-mail:   \(email)
                │   password: \(password)
                └ Set TANDEM_ADMIN_EMAIL and TANDEM_ADMIN_PASSWORD to choose your own.

                """
            FileHandle.standardOutput.write(Data(notice.utf8))
        }
    }
}
