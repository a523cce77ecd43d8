import ArgumentParser
import Foundation
import Histogram

/// Load generator and benchmarks for Tandem. Prints figures; asserts nothing but correctness of the outcome.
@main
struct TandemBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandem-bench",
        abstract: "Benchmarks a Tandem server: registration bursts, live fan-out to WebSocket subscribers, schedule reads; connection storms beside Nchan.",
        subcommands: [RegistrationBurstCommand.self, LiveFanOutCommand.self, ScheduleReadCommand.self, StormCommand.self],
        defaultSubcommand: RegistrationBurstCommand.self)
}

/// Prints one benchmark's figures as a JSON document (`--json`), for machines.
func printJSON(_ report: some Encodable) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: (try? encoder.encode(report)) ?? Data(), as: UTF8.self))
}

/// Where the server under test comes from.
struct TargetOptions: ParsableArguments {
    @Option(help: "Benchmark a running server at this URL instead of starting one (e.g. http://127.0.0.1:8080).")
    var url: String?
    @Option(help: "Organiser e-mail for --url (env TANDEM_ADMIN_EMAIL).") var email: String?
    @Option(help: "Organiser password for --url (env TANDEM_ADMIN_PASSWORD).") var password: String?
    @Option(help: "The tandem binary to start (default: the one beside tandem-bench).") var server: String?
    @Option(help: "The database of the server tandem-bench starts: a postgres:// URL (default: a fresh SQLite file in a temporary folder).")
    var database: String?
    @Option(help: "Tandem processes to start on --database (a postgres:// URL), with the load spread over them (default 1).")
    var instances = 1
    @Flag(help: "Print one JSON document instead of a table.") var json = false

    func start() async throws -> ServerUnderTest {
        let env = ProcessInfo.processInfo.environment
        if let url {
            guard let parsed = URL(string: url), let host = parsed.host, let port = parsed.port else {
                throw ValidationError("--url must look like http://127.0.0.1:8080")
            }
            guard let email = email ?? env["TANDEM_ADMIN_EMAIL"], let password = password ?? env["TANDEM_ADMIN_PASSWORD"] else {
                throw ValidationError("--url needs --email and --password (or TANDEM_ADMIN_EMAIL / TANDEM_ADMIN_PASSWORD)")
            }
            return ServerUnderTest(host: host, port: port, email: email, password: password, process: nil)
        }
        return try await ServerUnderTest.launch(binary: server ?? ServerUnderTest.siblingBinary(), database: database)
    }

    /// `--instances` servers on one database (the first creates the admin everyone logs in as).
    func startAll() async throws -> [ServerUnderTest] {
        guard instances > 1 else { return [try await start()] }
        guard url == nil else { throw ValidationError("--instances starts the servers itself; leave out --url") }
        guard let database, database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") else {
            throw ValidationError("--instances \(instances) needs --database postgres://…: instances share one PostgreSQL database (a SQLite file serves one process)")
        }
        var servers: [ServerUnderTest] = []
        do {
            for _ in 0..<instances {
                servers.append(try await ServerUnderTest.launch(binary: server ?? ServerUnderTest.siblingBinary(), database: database))
            }
        } catch {
            for started in servers { started.stop() }
            throw error
        }
        // Everyone logs in as the admin the first instance created (the others find it there).
        return servers.map { ServerUnderTest(host: $0.host, port: $0.port, email: servers[0].email, password: servers[0].password,
                                             process: $0.process, directory: $0.directory) }
    }
}

/// An HdrHistogram for latencies in microseconds: up to a minute, three significant digits.
func latencyHistogram() -> Histogram<UInt64> {
    Histogram(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
}
