import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import Synchronization
import TandemCore
@testable import TandemServer
import TandemSQLite
import TandemStore
import TandemTestSupport
import Testing

/// The admin every test app starts with.
let adminEmail = "admin@example.org"
let adminPassword = "correct horse battery staple"

extension AppEnvironment {
    /// A test server's environment: the SQLite store (every suite's own temporary file), and
    /// the given clock, logger and metrics.
    init(clock: any WallClock = TestClock(), randomness: Randomness = .system, logger: Logger = Logger(label: "tandem-test"),
         metrics: PrometheusCollectorRegistry? = nil) {
        self.init(openStore: SQLiteStore.open, clock: clock, randomness: randomness, logger: logger, metrics: metrics)
    }
}

/// Configuration for a test server: its own temporary database, cheap bcrypt, the repo's Public/.
func testConfig(demo: Bool = false) -> AppConfig {
    let databasePath = temporaryDatabasePath()
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    var config = AppConfig(
        host: "127.0.0.1", port: 0, databasePath: databasePath, loadDemo: demo,
        publicDirectory: repository.appendingPathComponent("Public").path, adminEmail: adminEmail,
        adminPassword: adminPassword, bcryptCost: 4, publicURL: "https://tandem.test",
        mail: MailSettings(delivery: .directory(mailFolder(databasePath)), pollInterval: .milliseconds(50)))
    // In router mode every request comes from the same (unknown) address: the abuse limits would
    // turn the concurrency tests' bursts away. SecurityTests switch them on where they test them.
    config.limits.enabled = false
    return config
}

/// Where a test server's e-mails land (.eml files).
func mailFolder(_ databasePath: String) -> String {
    URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("mail").path
}

/// Runs `body` against a fresh in-process Tandem with a test clock: in router mode by default,
/// or on a real socket with `.live`; on the SQLite store by default, or on a new PostgreSQL
/// database with `store: .postgres` (the config's other files, secret.key and mail, stay in its
/// temporary folder). The store is closed afterwards, whether `body` threw or not.
func withTandem<T>(store kind: StoreKind = .sqlite, demo: Bool = false, clock: TestClock = TestClock(), mode: TestingSetup = .router,
                   config: AppConfig? = nil, metrics: PrometheusCollectorRegistry? = nil,
                   _ body: @escaping @Sendable (API) async throws -> T) async throws -> T {
    var logger = Logger(label: "tandem-test")
    logger.logLevel = .warning
    var config = config ?? testConfig(demo: demo)
    if kind == .postgres {
        config.dataDirectory = config.dataDirectory // stays the temporary folder of the SQLite path
        config.databasePath = try await PostgresTestDatabases.create()
    }
    let folder: String
    if case .directory(let configured)? = config.mail.delivery { folder = configured } else { folder = config.defaultMailFolder }
    let opened = OpenedStores()
    let environment = AppEnvironment(openStore: opened.recording(kind.opener), clock: clock, logger: logger, metrics: metrics)
    do {
        let server = try await buildServer(config, environment: environment)
        let result = try await server.application.test(mode) { client in
            var api = API(client)
            api.mailFolder = folder
            api.replay = server.replay
            api.handshakes = server.handshakes
            api.exportRenders = server.exportRenders
            return try await body(api)
        }
        await opened.closeAll()
        return result
    } catch {
        await opened.closeAll()
        throw error
    }
}

/// The stores a test server opened, to close them when the test is over (a PostgreSQL pool must
/// not outlive its test).
final class OpenedStores: Sendable {
    private let stores = Mutex<[any TandemStorage]>([])

    /// `open`, remembering what it opens.
    func recording(_ open: @escaping StoreOpener) -> StoreOpener {
        { [self] context in
            let store = try await open(context)
            stores.withLock { $0.append(store) }
            return store
        }
    }

    func closeAll() async {
        for store in stores.withLock({ stores in defer { stores = [] }; return stores }) { await store.close() }
    }
}

/// One helper per kind of call, so tests read like the API's documentation.
struct API: Sendable {
    typealias Send = @Sendable (HTTPRequest.Method, String, HTTPFields, ByteBuffer?) async throws -> Reply
    let send: Send
    /// The port of a live server (nil in router mode).
    let port: Int?
    var token: String?
    var mailFolder = ""
    /// The server's snapshot replay (answers only on a live server).
    var replay: SnapshotReplay?
    /// The server's fast live handshakes.
    var handshakes: LiveHandshakes?
    /// How often the server has rendered an event-wide export.
    var exportRenders: ExportRenders?

    /// The .eml files delivered so far.
    func deliveredMail() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: mailFolder)) ?? []
        return files.filter { $0.hasSuffix(".eml") }.sorted().compactMap { try? String(contentsOfFile: mailFolder + "/" + $0, encoding: .utf8) }
    }

    /// Waits (up to `seconds`) until at least `count` e-mails have been delivered.
    func waitForMail(count: Int, seconds: Double = 10) async throws -> [String] {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            let mail = deliveredMail()
            if mail.count >= count { return mail }
            try await Task.sleep(for: .milliseconds(50))
        }
        return deliveredMail()
    }

    init(_ client: any TestClientProtocol) {
        send = { method, uri, headers, body in
            let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
            return Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
        port = client.port
    }

    init(port: Int?, send: @escaping Send) {
        self.send = send
        self.port = port
    }

    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:], token: String? = nil) async throws -> Reply {
        var fields = headers
        if json != nil && fields[.contentType] == nil { fields[.contentType] = "application/json" }
        if let bearer = token ?? self.token { fields[.authorization] = "Bearer \(bearer)" }
        return try await send(method, uri, fields, json.map { ByteBuffer(string: $0) })
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> Reply { try await call(.get, uri, headers: headers) }
    func post(_ uri: String, _ json: String, headers: HTTPFields = [:]) async throws -> Reply { try await call(.post, uri, json: json, headers: headers) }
    func patch(_ uri: String, _ json: String, headers: HTTPFields = [:]) async throws -> Reply { try await call(.patch, uri, json: json, headers: headers) }
    func delete(_ uri: String, headers: HTTPFields = [:]) async throws -> Reply { try await call(.delete, uri, headers: headers) }

    /// Logs in and returns a client that sends the token.
    func login(_ email: String = adminEmail, _ password: String = adminPassword) async throws -> API {
        let reply = try await post("/api/v1/auth/login", #"{"email":"\#(email)","password":"\#(password)"}"#)
        try #require(reply.status == .ok, "login failed: \(reply.text)")
        var api = self
        guard let token = reply.json["token"].string else { throw LoginFailed(reply: reply.text) }
        api.token = token
        return api
    }

    /// Creates an account with `role` (as admin) and returns a client logged in as it.
    func account(_ role: Account.Role, email: String? = nil) async throws -> API {
        let email = email ?? "\(role.rawValue)@example.org"
        let admin = try await login()
        let reply = try await admin.post("/api/v1/accounts", #"{"email":"\#(email)","name":"\#(role.rawValue)","password":"a long enough password","role":"\#(role.rawValue)"}"#)
        try #require(reply.status == .created, "account creation failed: \(reply.text)")
        return try await login(email, "a long enough password")
    }
}

struct LoginFailed: Error { var reply: String }

/// A response, with its body readable as JSON or text.
struct Reply: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSON { (try? JSON(data: body)) ?? .null }

    /// Expects an RFC 9457 problem with `status`; returns its JSON.
    @discardableResult
    func expectProblem(_ status: HTTPResponse.Status, code: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) -> JSON {
        #expect(self.status == status, "body: \(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let json = self.json
        #expect(json["status"].int == Int(status.code), sourceLocation: sourceLocation)
        #expect(json["title"].string?.isEmpty == false, sourceLocation: sourceLocation)
        #expect(json["type"].string?.hasPrefix("urn:tandem:problem:") == true, sourceLocation: sourceLocation)
        if let code { #expect(json["code"].string == code, sourceLocation: sourceLocation) }
        return json
    }

    /// The fields named in a validation problem.
    var fieldErrors: [String] { json["errors"].array.compactMap { $0["field"].string } }
}

extension Data {
    init(buffer: ByteBuffer) {
        var buffer = buffer
        self = buffer.readData(length: buffer.readableBytes) ?? Data()
    }
}
