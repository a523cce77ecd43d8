import Foundation

/// Everything the server is configured with; read once by the executable from flags and environment.
public struct AppConfig: Sendable {
    public var host: String
    public var port: Int
    /// Path of the SQLite database file.
    public var databasePath: String
    /// Load the demo programme into an empty database.
    public var loadDemo: Bool
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

    public init(
        host: String = "127.0.0.1", port: Int = 8080, databasePath: String = "./data/tandem.sqlite",
        loadDemo: Bool = true, publicDirectory: String = "./Public", adminEmail: String? = nil,
        adminPassword: String? = nil, bcryptCost: UInt8 = 12, tokenLifetime: TimeInterval = 12 * 3600,
        maxBodyBytes: Int = 64 * 1024
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
    }
}
