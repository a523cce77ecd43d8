import Foundation

/// A PostgreSQL cluster of its own for one test (`scripts/postgres-test-cluster.sh` in a fresh
/// folder on a free port), for tests that must crash PostgreSQL itself without touching the shared
/// test server. Needs Debian's `postgresql` package, as TANDEM_TEST_POSTGRES does.
struct PrivatePostgresCluster {
    let folder: String
    let port: Int
    let url: String

    private static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/postgres-test-cluster.sh").path
    }

    static func start() async throws -> PrivatePostgresCluster {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-pg-\(UUID().uuidString.prefix(8))").path
        // Below the kernel's ephemeral range (32768–60999): a restart after a crash rebinds the
        // port, and no client socket of another test can have taken it meanwhile.
        let port = Int.random(in: 26_000...29_000)
        let url = try await run(["start", folder, String(port)]).trimmingCharacters(in: .whitespacesAndNewlines)
        return PrivatePostgresCluster(folder: folder, port: port, url: url)
    }

    /// Stops PostgreSQL as a power cut would (`pg_ctl -m immediate`) and starts it again.
    func crashAndRestart() async throws {
        _ = try await Self.run(["crash", folder, String(port)])
    }

    func stop() async {
        _ = try? await Self.run(["stop", folder])
    }

    @discardableResult
    private static func run(_ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        // A file, not a pipe: the PostgreSQL server the script starts inherits the descriptors, and a
        // pipe would never reach its end while the server runs.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cluster-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = output
        // Awaited, not waitUntilExit(): a blocked thread of the test pool stalls every other test.
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try? output.close()
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        guard status == 0 else { throw ClusterFailed(output: text) }
        return text
    }

    struct ClusterFailed: Error, CustomStringConvertible {
        var output: String
        var description: String { "postgres-test-cluster.sh failed: \(output)" }
    }
}
