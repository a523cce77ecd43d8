import Foundation
import Synchronization
import HTTPTypes
import HummingbirdTesting
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// The real `tandem` binary, run as a child process on a given database: for tests that must
/// kill the server the hard way and start it again.
final class TandemProcess: @unchecked Sendable {
    // @unchecked: `process` and `client` are set once in `start()` before any concurrent use and never reassigned.
    let databasePath: String
    let mailFolder: String
    private let process = Process()
    private let logPath: String
    private(set) var port = 0
    private(set) var client: TestClient!

    static var binary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/tandem").path
    }

    /// Extra environment variables for the server (`TANDEM_…` settings).
    private let environment: [String: String]
    /// Extra arguments of `tandem serve`.
    private let arguments: [String]

    /// `folder`: where the mail, the log and the server's data go; by default the SQLite file's folder
    /// (give one for a `postgres://` database).
    init(databasePath: String, folder: String? = nil, environment: [String: String] = [:], arguments: [String] = []) {
        self.databasePath = databasePath
        self.environment = environment
        self.arguments = arguments + (folder.map { ["--data-dir", $0] } ?? [])
        let folder = folder ?? URL(fileURLWithPath: databasePath).deletingLastPathComponent().path
        self.mailFolder = URL(fileURLWithPath: folder).appendingPathComponent("mail").path
        self.logPath = URL(fileURLWithPath: folder).appendingPathComponent("tandem.\(UUID().uuidString.prefix(8)).log").path
    }

    /// Starts the server on a free port and waits until it answers.
    func start() async throws {
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: logPath).deletingLastPathComponent().path,
                                                withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", "--port", "0", "--database", databasePath, "--no-demo", "--mail", "directory:" + mailFolder,
                             "--public", testConfig().publicDirectory] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging([
            "TANDEM_ADMIN_EMAIL": adminEmail, "TANDEM_ADMIN_PASSWORD": adminPassword, "TANDEM_BCRYPT_COST": "4", "TANDEM_RATE_LIMITS": "0",
        ].merging(databasePath.hasPrefix("postgres") ? ["TANDEM_SECRET": Self.testSecret] : [:]) { $1 }.merging(environment) { $1 }) { $1 }
        process.standardOutput = log
        process.standardError = log
        try process.run()
        ChildProcesses.shared.started(process.processIdentifier)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on 127.0.0.1:") {
                port = Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
                if port > 0 { break }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard port > 0 else { throw StartFailed(log: (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "") }
        client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(30)))
        client.connect()
    }

    /// What the server has logged so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The server's resident memory (VmRSS from /proc), in bytes.
    var residentBytes: Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
        return kib * 1024
    }

    /// SIGKILL: no graceful shutdown, no flushing, exactly like a crash or power cut.
    func kill9() async {
        kill(process.processIdentifier, SIGKILL)
        await exited()
    }

    /// Waits for the server to end without blocking a thread of the test pool (which would stall
    /// every other test while it waits).
    private func exited() async {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    func stop() async {
        try? await client?.shutdown()
        if process.isRunning {
            process.terminate()
            await exited()
        }
    }

    var api: API {
        let client = self.client!
        return API(port: port) { method, uri, headers, body in
            var headers = headers
            headers[.connection] = "keep-alive"
            let response = try await client.execute(TestClient.Request(uri, method: method, authority: "localhost", headers: headers, body: body))
            return Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body ?? ByteBuffer()))
        }
    }

    struct StartFailed: Error { var log: String }

    /// The `TANDEM_SECRET` of test servers on PostgreSQL (it is required there): the same for every
    /// instance of a test.
    static let testSecret = "the secret of Tandem's test servers, long enough"
}

/// Every server a test started, killed when the test process exits: a test that fails between
/// starting a server and stopping it must not leave it running (holding a port and a database).
final class ChildProcesses: Sendable {
    static let shared: ChildProcesses = {
        let registry = ChildProcesses()
        atexit { ChildProcesses.shared.killAll() }
        return registry
    }()

    private let pids = Mutex<Set<Int32>>([])

    func started(_ pid: Int32) { pids.withLock { _ = $0.insert(pid) } }

    private func killAll() {
        for pid in pids.withLock({ $0 }) { kill(pid, SIGKILL) }
    }
}
