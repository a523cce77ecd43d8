import Foundation
import HummingbirdTesting
import NIOCore
import Testing
import TandemTestSupport

@Suite("--database: a file path is SQLite, a postgres:// URL is PostgreSQL, any other URL is refused in words", .timeLimit(.minutes(5)))
struct DatabaseLocationTests {
    /// Settings that keep `serve` from writing a key file (it has no folder of its own with a URL).
    static let serveEnvironment = ["TANDEM_SECRET": String(repeating: "k", count: 40), "TANDEM_BCRYPT_COST": "4"]

    /// `command` with `EMPTY.csv` replaced by the path of an empty file.
    static func withFiles(_ command: [String]) throws -> [String] {
        let path = temporaryDatabasePath() + ".csv"
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try Data("name\n".utf8).write(to: URL(fileURLWithPath: path))
        return command.map { $0 == "EMPTY.csv" ? path : $0 }
    }

    @Test("a scheme Tandem does not serve is refused by every subcommand, and no folder named after it appears",
          arguments: [["migrate"], ["serve", "--port", "0", "--no-demo"], ["backup", "/tmp/never-written.sqlite"], ["import-speakers", "EMPTY.csv"]])
    func refused(command: [String]) throws {
        let folder = FileManager.default.currentDirectoryPath
        for url in ["mysql://root@db/tandem", "redis://cache:6379"] {
            let outcome = try TandemCommandLine.run(try Self.withFiles(command) + ["--database", url], environment: Self.serveEnvironment)
            #expect(outcome.status != 0, "\(command) \(url): \(outcome.stdout)")
            #expect(outcome.stderr.contains("--database / TANDEM_DATABASE starts with"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("give the path of a SQLite file") && outcome.stderr.contains("or a PostgreSQL URL"), "\(outcome.stderr)")
            let scheme = String(url.prefix { $0 != ":" }) + ":"
            #expect(!FileManager.default.fileExists(atPath: folder + "/" + scheme), "no SQLite file under a folder '\(scheme)'")
        }
    }

    @Test("a PostgreSQL server that is down is named by every subcommand without its password, and the command ends",
          arguments: [["migrate"], ["serve", "--port", "0", "--no-demo", "--mail", "log"], ["import-speakers", "EMPTY.csv"],
                      ["create-admin", "--email", "admin@example.org"]])
    func serverDown(command: [String]) throws {
        let started = ContinuousClock.now
        let outcome = try TandemCommandLine.run(try Self.withFiles(command) + ["--database", "postgresql://tandem:hunter2@127.0.0.1:1/tandem?sslmode=disable"],
                                                environment: Self.serveEnvironment.merging(["TANDEM_ADMIN_PASSWORD": "correct horse battery"]) { $1 })
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("cannot reach PostgreSQL at 127.0.0.1:1"), "\(outcome.stderr)")
        #expect(!(outcome.stderr + outcome.stdout).contains("hunter2"))
        #expect(ContinuousClock.now - started < .seconds(20), "nothing keeps the process alive")
        #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/postgresql:"))
    }

    @Test("a malformed PostgreSQL URL is refused before anything starts")
    func malformedURL() throws {
        let outcome = try TandemCommandLine.run(["migrate", "--database", "postgres://h/db?sslmode=sometimes"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("sslmode=sometimes is not one PostgreSQL knows"), "\(outcome.stderr)")
    }

    @Test("backup on PostgreSQL names the pg_dump command, without the password")
    func backupNamesPgDump() throws {
        let outcome = try TandemCommandLine.run(["backup", "/tmp/never-written.sqlite", "--database", "postgres://tandem:hunter2@db.example.org:6543/programme"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("pg_dump --format=custom --file tandem.dump 'postgres://tandem@db.example.org:6543/programme'"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("Deploy/README.md"))
        #expect(!outcome.stderr.contains("hunter2"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written.sqlite"))
    }

    @Test("migrate, import, import-speakers, create-admin and copy work on PostgreSQL", .enabled(if: StoreKind.postgresServerURL != nil))
    func subcommandsOnPostgres() async throws {
        let url = try await PostgresTestDatabases.create()
        let migrate = try TandemCommandLine.run(["migrate", "--database", url])
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("migrated: 001_schedule, 002_accounts"), "\(migrate.stdout)")

        let folder = URL(fileURLWithPath: temporaryDatabasePath()).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let schedule = folder.appendingPathComponent("schedule.json").path
        try PretalxExport.json.write(to: URL(fileURLWithPath: schedule))
        let imported = try TandemCommandLine.run(["import", schedule, "--database", url, "--allow-conflicts",
                                                  "--venue", "Kongresshalle", "--city", "Hamburg", "--country", "DE"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("sessions 62 created"), "\(imported.stdout)")
        let csv = folder.appendingPathComponent("fellows.csv").path
        try Data("name,organisation,country,cohort\nLi Wei,Green Hands,CN,2017\n".utf8).write(to: URL(fileURLWithPath: csv))
        let speakers = try TandemCommandLine.run(["import-speakers", csv, "--database", url])
        #expect(speakers.status == 0 && speakers.stdout.contains("speakers: 1 created"), "\(speakers.stdout) \(speakers.stderr)")
        let admin = try TandemCommandLine.run(["create-admin", "--email", "admin@example.org", "--database", url],
                                              environment: ["TANDEM_ADMIN_PASSWORD": "correct horse battery", "TANDEM_BCRYPT_COST": "4"])
        #expect(admin.status == 0 && admin.stdout.contains("admin admin@example.org is ready"), "\(admin.stdout) \(admin.stderr)")

        // The same programme imported into SQLite, then copied into a new PostgreSQL database.
        let sqlite = folder.appendingPathComponent("tandem.sqlite").path
        let local = try TandemCommandLine.run(["import", schedule, "--database", sqlite, "--allow-conflicts",
                                               "--venue", "Kongresshalle", "--city", "Hamburg", "--country", "DE"])
        #expect(local.status == 0, "\(local.stderr)")
        let target = try await PostgresTestDatabases.create()
        let copied = try TandemCommandLine.run(["copy", "--from", sqlite, "--to", target])
        #expect(copied.status == 0, "\(copied.stderr)")
        #expect(copied.stdout.contains("copied \(sqlite) to postgres://"), "\(copied.stdout)")
        #expect(copied.stdout.range(of: #"session\s+62"#, options: .regularExpression) != nil, "\(copied.stdout)")
        let again = try TandemCommandLine.run(["copy", "--from", sqlite, "--to", target])
        #expect(again.status != 0 && again.stderr.contains("already holds data"), "\(again.stderr)")
        let backwards = try TandemCommandLine.run(["copy", "--from", target, "--to", sqlite])
        #expect(backwards.status != 0 && backwards.stderr.contains("--from names the SQLite file"), "\(backwards.stderr)")
    }

    @Test("serve on PostgreSQL loads the demo, answers, and exits promptly on SIGTERM (its pool closed)",
          .enabled(if: StoreKind.postgresServerURL != nil))
    func serveOnPostgres() async throws {
        let url = try await PostgresTestDatabases.create()
        let folder = URL(fileURLWithPath: temporaryDatabasePath()).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let logPath = folder.appendingPathComponent("server.log").path
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TandemProcess.binary)
        process.arguments = ["serve", "--port", "0", "--database", url, "--mail", "log", "--data-dir", folder.path,
                             "--public", testConfig().publicDirectory]
        process.environment = ProcessInfo.processInfo.environment.merging(Self.serveEnvironment) { $1 }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var port = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while port == 0, ContinuousClock.now < deadline, process.isRunning {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on 127.0.0.1:") { port = Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0 }
            if port == 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        try #require(port > 0, "\(text)")
        #expect(text.contains("from postgres://"), "the log names the database without a password: \(text)")
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(30)))
        client.connect()
        let response = try await client.execute(TestClient.Request("/api/v1/events", method: .get, authority: "localhost", headers: [:], body: nil))
        try? await client.shutdown()
        #expect(String(buffer: response.body ?? ByteBuffer()).contains("cbw-hamburg-2017"))
        let stopped = ContinuousClock.now
        process.terminate()
        process.waitUntilExit()
        #expect(ContinuousClock.now - stopped < .seconds(10), "nothing keeps the process alive after the server stops")
        #expect(process.terminationStatus == 0, "\(String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self))")
    }
}
