import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Tandem server to benchmark: one this tool started (its own process, fresh database,
/// durable settings as in production) or one given by URL.
final class ServerUnderTest: @unchecked Sendable {
    // @unchecked: all properties are constants set in init; `process` is only read.
    let host: String
    let port: Int
    let email: String
    let password: String
    let process: Process?
    let directory: URL?

    init(host: String, port: Int, email: String, password: String, process: Process?, directory: URL? = nil) {
        self.host = host
        self.port = port
        self.email = email
        self.password = password
        self.process = process
        self.directory = directory
    }

    static func siblingBinary() -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("tandem").path
    }

    /// Starts `binary` on a free port with an empty SQLite database in a temporary folder, or on
    /// `database` (a PostgreSQL URL; each benchmark makes its own events there).
    static func launch(binary: String, database: String? = nil) async throws -> ServerUnderTest {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("no tandem binary at \(binary); build it first (swift build -c release) or pass --server/--url")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let logURL = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        let email = "bench@example.org"
        let password = "benchmark password \(UUID().uuidString.prefix(8))"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--port", "0", "--database", database ?? directory.appendingPathComponent("tandem.sqlite").path, "--no-demo",
                             "--mail", "log", "--log-level", "info"]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "TANDEM_ADMIN_EMAIL": email, "TANDEM_ADMIN_PASSWORD": password, "TANDEM_RATE_LIMITS": "0", "LOG_LEVEL": "info",
            // Any files stay in the run's folder, whatever the store; the secret is given (PostgreSQL
            // requires it, and every instance of a run shares it).
            "TANDEM_DATA_DIR": directory.path, "TANDEM_SECRET": "tandem-bench's secret, shared by the instances of a run",
        ]) { $1 }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        for _ in 0..<600 {
            let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on 127.0.0.1:"), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) {
                return ServerUnderTest(host: "127.0.0.1", port: port, email: email, password: password, process: process, directory: directory)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.terminate()
        throw BenchError("the server did not start:\n" + ((try? String(contentsOf: logURL, encoding: .utf8)) ?? ""))
    }

    /// Resident memory of the server process in KiB, when this tool started it.
    var residentKiB: Int? {
        guard let pid = process?.processIdentifier,
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ").dropFirst().first { !$0.isEmpty } ?? "")
    }

    /// CPU time (user and system) the server process has used, when this tool started it.
    var cpuTime: CPUTime? {
        guard let pid = process?.processIdentifier else { return nil }
        return processCPUTime(pid: pid)
    }

    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// CPU time (user and system) of a process, from `/proc/PID/stat` (fields 14 and 15, in clock ticks).
func processCPUTime(pid: Int32) -> CPUTime? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let afterName = stat.range(of: ") ", options: .backwards) else { return nil }
    // Fields after the command name start at field 3; utime and stime are fields 14 and 15.
    let fields = stat[afterName.upperBound...].split(separator: " ")
    guard fields.count > 12, let user = Int(fields[11]), let system = Int(fields[12]) else { return nil }
    let ticks = sysconf(Int32(_SC_CLK_TCK))
    return CPUTime(user: .milliseconds(user * 1000 / ticks), kernel: .milliseconds(system * 1000 / ticks))
}

/// A process's CPU time so far, in user space and in the kernel (clock-tick resolution, 10 ms here).
struct CPUTime {
    var user: Duration
    var kernel: Duration
    var total: Duration { user + kernel }
}
