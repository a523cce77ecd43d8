import Foundation
import Logging
@testable import TandemServer
import TandemTestSupport
import Testing

/// `--data-dir` / `TANDEM_DATA_DIR`: where `secret.key` and the default mail folder live, apart
/// from the database (which may be a PostgreSQL server with no folder here).
@Suite("The data directory: secret.key and the mail folder", .timeLimit(.minutes(5)))
struct DataDirectoryTests {
    @Test("by default it is the SQLite file's folder, so nothing moves for SQLite users")
    func sqliteDefault() {
        let database = temporaryDatabasePath()
        let folder = URL(fileURLWithPath: database).deletingLastPathComponent().path
        let config = AppConfig(databasePath: database)
        #expect(config.dataDirectory == folder)
        #expect(config.secretKeyPath == folder + "/secret.key")
        #expect(config.defaultMailFolder == folder + "/mail")
        let transport = mailTransport(config, clock: TestClock(), logger: Logger(label: "test"))
        #expect((transport as? DirectoryTransport)?.folder == folder + "/mail")
    }

    @Test("with a database server's URL it is ./data, not a folder named after the URL")
    func serverDefault() {
        let config = AppConfig(databasePath: "postgres://tandem@db.example.org:5432/tandem?sslmode=require")
        #expect(config.dataDirectory == "./data")
        #expect(config.secretKeyPath == URL(fileURLWithPath: "./data").appendingPathComponent("secret.key").path)
        #expect(!config.secretKeyPath.contains("postgres:"))
        #expect(!config.defaultMailFolder.contains("postgres:"))
    }

    @Test("set, it holds secret.key and the mail folder; a configured mail delivery still wins")
    func explicit() {
        var config = AppConfig(databasePath: temporaryDatabasePath())
        config.dataDirectory = "/srv/tandem"
        #expect(config.secretKeyPath == "/srv/tandem/secret.key")
        #expect(config.defaultMailFolder == "/srv/tandem/mail")
        #expect((mailTransport(config, clock: TestClock(), logger: Logger(label: "test")) as? DirectoryTransport)?.folder == "/srv/tandem/mail")
        config.mail.delivery = .directory("/var/mail/tandem")
        #expect((mailTransport(config, clock: TestClock(), logger: Logger(label: "test")) as? DirectoryTransport)?.folder == "/var/mail/tandem")
    }

    @Test("tandem serve puts secret.key into --data-dir or TANDEM_DATA_DIR, and none beside the database",
          arguments: ["flag", "environment"])
    func command(how: String) async throws {
        let database = temporaryDatabasePath()
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-data-\(UUID().uuidString)").path
        let server = how == "flag" ? TandemProcess(databasePath: database, arguments: ["--data-dir", dataDirectory])
            : TandemProcess(databasePath: database, environment: ["TANDEM_DATA_DIR": dataDirectory])
        try await server.start()
        await server.stop()
        #expect(FileManager.default.fileExists(atPath: dataDirectory + "/secret.key"))
        let besideDatabase = URL(fileURLWithPath: database).deletingLastPathComponent().appendingPathComponent("secret.key").path
        #expect(!FileManager.default.fileExists(atPath: besideDatabase))
    }
}
