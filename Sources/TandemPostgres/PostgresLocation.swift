import Foundation
import NIOSSL
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` URL (libpq's form), read once.
/// `?host=/path/to/socket/dir` connects through a unix socket, as libpq does.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require, verifyCA = "verify-ca", verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    /// A unix socket's directory (libpq's `host=/dir`); the socket is `<dir>/.s.PGSQL.<port>`.
    public var socketDirectory: String?
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode

    /// Most connections the pool opens (`?pool_max_conns=`, as pgx spells it); PostgreSQL's own
    /// `max_connections` (100 by default) bounds the sum over every Tandem process and tool.
    public var maximumConnections = 20

    /// Reads the URL; a malformed one is refused with a sentence that says what to write.
    public init(url: String) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql"
        else {
            throw PostgresSetupError("'\(Self.redacted(url))' is not a PostgreSQL URL; write postgres://USER@HOST:PORT/DATABASE")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name.lowercased()] = item.value ?? "" }
        let mode = query["sslmode"] ?? "prefer"
        guard let sslMode = SSLMode(rawValue: mode) else {
            throw PostgresSetupError("sslmode=\(mode) is not one PostgreSQL knows; use one of "
                + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let unknown = Set(query.keys).subtracting(["sslmode", "host", "port", "user", "password", "dbname", "application_name", "pool_max_conns"])
        guard unknown.isEmpty else {
            throw PostgresSetupError("the PostgreSQL URL has parameters Tandem does not use: \(unknown.sorted().joined(separator: ", ")); "
                + "it reads sslmode, host (a unix socket directory), port, user, password, dbname and pool_max_conns")
        }
        if let text = query["pool_max_conns"] {
            // Two at least: start-up holds a lock on one connection while it works on another.
            guard let size = Int(text), (2...1000).contains(size) else {
                throw PostgresSetupError("pool_max_conns=\(text) is not a number of connections from 2 to 1000")
            }
            maximumConnections = size
        }
        self.sslMode = sslMode
        let socket = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        socketDirectory = socket
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? query["host"].flatMap { $0.hasPrefix("/") ? nil : $0 } ?? "localhost"
        if let portText = query["port"] {
            guard let port = Int(portText), (1...65535).contains(port) else { throw PostgresSetupError("port=\(portText) is not a port number") }
            self.port = port
        } else {
            port = components.port ?? 5432
        }
        guard (1...65535).contains(port) else { throw PostgresSetupError("port \(port) is not a port number") }
        username = (components.user?.removingPercentEncoding).flatMap { $0.isEmpty ? nil : $0 } ?? query["user"] ?? "postgres"
        password = components.password?.removingPercentEncoding ?? query["password"]
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let name = (path.removingPercentEncoding ?? path)
        database = name.isEmpty ? (query["dbname"] ?? username) : name
        guard !database.contains("/") else { throw PostgresSetupError("'\(database)' is not a database name; write postgres://USER@HOST:PORT/DATABASE") }
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        var text = "postgres://\(username)@\(host):\(port)/\(database)"
        if let socketDirectory { text += "?host=\(socketDirectory)" }
        return text
    }

    /// A URL with any password replaced, for messages about a URL that did not parse.
    static func redacted(_ url: String) -> String {
        url.replacingOccurrences(of: #"(://[^:/@]*:)[^@]*@"#, with: "$1***@", options: .regularExpression)
    }

    var unixSocketPath: String? {
        socketDirectory.map { "\($0)/.s.PGSQL.\(port)" }
    }

    /// How long one connection may take to start: TCP, TLS, the login, up to the server's first
    /// "ready". Failed starts are tried again (by the pool with back-off, by the start-up probe
    /// within `PostgresStore.probePatience`).
    static let startTimeoutSeconds: Int64 = 5

    /// The pool's configuration.
    func clientConfiguration() throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let unixSocketPath {
            configuration = .init(unixSocketPath: unixSocketPath, username: username, password: password, database: database)
        } else {
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: try clientTLS())
        }
        configuration.options.connectTimeout = .seconds(Self.startTimeoutSeconds)
        // Run-time settings of every pool connection, given when it opens (a statement each per
        // transaction would cost a round trip): how long a write waits for a row lock.
        configuration.options.additionalStartupParameters = [("application_name", "tandem"), ("lock_timeout", PostgresStore.lockTimeout)]
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 0
        return configuration
    }

    /// One connection's configuration: the start-up probe, and tools that need one connection of
    /// their own for work outside the store's intents (`tandem copy`).
    /// `applicationName` shows in `pg_stat_activity`, so an operator can tell the pool from the
    /// change bus's and the job leader's own connections.
    public func connectionConfiguration(applicationName: String = "tandem") throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let unixSocketPath {
            configuration = .init(unixSocketPath: unixSocketPath, username: username, password: password, database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch sslMode {
            case .disable: tls = .disable
            case .allow, .prefer: tls = .prefer(try NIOSSLContext(configuration: tlsConfiguration()))
            case .require, .verifyCA, .verifyFull: tls = .require(try NIOSSLContext(configuration: tlsConfiguration()))
            }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(Self.startTimeoutSeconds)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return configuration
    }

    private func clientTLS() throws -> PostgresClient.Configuration.TLS {
        switch sslMode {
        case .disable: .disable
        case .allow, .prefer: .prefer(tlsConfiguration())
        case .require, .verifyCA, .verifyFull: .require(tlsConfiguration())
        }
    }

    /// libpq's meaning: `require` encrypts without checking the certificate, `verify-ca` checks the
    /// chain, `verify-full` also the host name.
    private func tlsConfiguration() -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .verifyFull: tls.certificateVerification = .fullVerification
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        default: tls.certificateVerification = .none
        }
        return tls
    }
}

/// Why Tandem cannot use the PostgreSQL server it was given: a sentence for the operator.
public struct PostgresSetupError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
