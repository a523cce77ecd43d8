import Foundation
import Testing
import TandemCore
import TandemStore
@testable import TandemPostgres
import TandemTestSupport

@Suite("PostgreSQL: URL, start-up checks and migrations")
struct PostgresSetupTests {
    @Test("the conformance suite runs on PostgreSQL", .enabled(if: StoreKind.postgresServerURL != nil,
        "TANDEM_TEST_POSTGRES is unset: every PostgreSQL run of the conformance suite is skipped (.ci/run sets it)"))
    func postgresConfigured() {
        #expect(StoreKind.available.contains(.postgres))
    }

    @Test("a URL is read as libpq reads it, and a bad one is refused with a sentence")
    func urls() throws {
        let full = try PostgresLocation(url: "postgres://tandem:s%40cret@db.example.org:6543/programme?sslmode=require")
        #expect(full.username == "tandem")
        #expect(full.password == "s@cret")
        #expect(full.host == "db.example.org")
        #expect(full.port == 6543)
        #expect(full.database == "programme")
        #expect(full.sslMode == .require)
        #expect(full.description == "postgres://tandem@db.example.org:6543/programme", "no password in what is logged")
        let socket = try PostgresLocation(url: "postgresql:///tandem?host=/var/run/postgresql")
        #expect(socket.unixSocketPath == "/var/run/postgresql/.s.PGSQL.5432")
        #expect(socket.sslMode == .prefer)
        let bare = try PostgresLocation(url: "postgres://localhost")
        #expect(bare.username == "postgres" && bare.database == "postgres" && bare.port == 5432)
        #expect(full.maximumConnections == 20, "the pool's default")
        #expect(try PostgresLocation(url: "postgres://h/db?pool_max_conns=7").maximumConnections == 7)
        for bad in ["postgres://h/db?pool_max_conns=0", "postgres://h/db?pool_max_conns=1", "postgres://h/db?pool_max_conns=many", "postgres://h/db?sslmode=sometimes", "postgres://h:99999/db", "postgres://h/db?search_path=x", "mysql://h/db"] {
            #expect(throws: PostgresSetupError.self, "\(bad)") { try PostgresLocation(url: bad) }
        }
    }

    @Test("a server that is down is named in a sentence, without the password")
    func serverDown() async throws {
        // Port 1 on loopback: nothing listens there.
        let error = await #expect(throws: PostgresSetupError.self) {
            _ = try await PostgresStore.open(url: "postgres://tandem:hunter2@127.0.0.1:1/tandem?sslmode=disable", clock: TestClock())
        }
        let text = error?.description ?? ""
        #expect(text.contains("cannot reach PostgreSQL at 127.0.0.1:1"))
        #expect(!text.contains("hunter2"))
    }

    @Test("a refused login and a missing database are told apart", .enabled(if: StoreKind.postgresServerURL != nil))
    func refusedLoginAndMissingDatabase() async throws {
        let server = try PostgresLocation(url: StoreKind.postgresServerURL!)
        let base = "postgres://\(server.host):\(server.port)"
        let missing = await #expect(throws: PostgresSetupError.self) {
            _ = try await PostgresStore.open(url: "\(base)/no_such_db_here?sslmode=disable&user=\(server.username)", clock: TestClock())
        }
        #expect(missing?.description.contains("has no database 'no_such_db_here'") == true)
        let login = await #expect(throws: PostgresSetupError.self) {
            _ = try await PostgresStore.open(url: "postgres://nobody_at_all@\(server.host):\(server.port)/postgres?sslmode=disable", clock: TestClock())
        }
        #expect(login?.description.contains("refused the login of 'nobody_at_all'") == true)
    }

    @Test("an empty database migrates with SQLite's numbering; twice is harmless; a newer schema is refused",
          .enabled(if: StoreKind.postgresServerURL != nil))
    func migrations() async throws {
        let url = try await PostgresTestDatabases.create()
        let store = try await PostgresStore.open(url: url, clock: TestClock())
        #expect(try await store.appliedMigrations() == [])
        #expect(try await !store.isMigrated())
        try await store.migrate()
        #expect(try await store.appliedMigrations() == PGMigrations.all.map(\.identifier))
        #expect(try await store.isMigrated())
        try await store.migrate()
        try await store.client.query("INSERT INTO tandemMigration (identifier) VALUES ('999_from_the_future')")
        let error = await #expect(throws: StoreSchemaTooNew.self) { try await store.migrate() }
        #expect(error?.description.contains("999_from_the_future") == true)
        await store.close()
    }

    @Test("every pool connection opens with lock_timeout set (a write waits 5 s for a row lock, then is retried)",
          .enabled(if: StoreKind.postgresServerURL != nil))
    func lockTimeout() async throws {
        let url = try await PostgresTestDatabases.create()
        let store = try await PostgresStore.open(url: url, clock: TestClock())
        let shown = try await store.client.query("SHOW lock_timeout").collect().first?.decode(String.self)
        #expect(shown == "5s")
        await store.close()
    }
}
