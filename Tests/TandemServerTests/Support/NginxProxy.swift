import Foundation
import HummingbirdTesting
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// A real nginx (Debian's `nginx-light`) in front of several test servers, as Deploy/nginx does in
/// production: round robin over the upstreams, WebSocket and SSE passed through unbuffered, a dead
/// upstream skipped, and a POST never retried on another upstream. Started and stopped by its pid.
final class NginxProxy: @unchecked Sendable {
    // @unchecked: every property is set in init and never changed; `process` is only signalled.
    static let binary = "/usr/sbin/nginx"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    let port: Int
    let folder: String
    private let process: Process
    private let client: TestClient

    private init(port: Int, folder: String, process: Process) {
        self.port = port
        self.folder = folder
        self.process = process
        client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(30)))
        client.connect()
    }

    /// The API through nginx, on one kept-alive connection.
    var api: API {
        let client = self.client
        return API(port: port) { method, uri, headers, body in
            var headers = headers
            headers[.connection] = "keep-alive"
            let response = try await client.execute(TestClient.Request(uri, method: method, authority: "localhost", headers: headers, body: body))
            return Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body ?? ByteBuffer()))
        }
    }

    /// Starts nginx on a free port in front of `upstreams` (ports on 127.0.0.1) and waits until it answers.
    static func start(upstreams: [Int]) async throws -> NginxProxy {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-nginx-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder + "/logs", withIntermediateDirectories: true)
        for attempt in 0..<5 {
            let port = Int.random(in: 40_000...55_000)
            let servers = upstreams.map { "        server 127.0.0.1:\($0) max_fails=1 fail_timeout=10s;" }.joined(separator: "\n")
            let configuration = """
                worker_processes 1;
                daemon off;
                pid \(folder)/nginx.pid;
                error_log \(folder)/logs/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    client_body_temp_path \(folder)/body;
                    proxy_temp_path \(folder)/proxy;
                    fastcgi_temp_path \(folder)/fastcgi;
                    uwsgi_temp_path \(folder)/uwsgi;
                    scgi_temp_path \(folder)/scgi;
                    upstream tandem_backend {
                \(servers)
                        keepalive 32;
                    }
                    map $http_upgrade $tandem_connection_upgrade { default upgrade; '' ''; }
                    server {
                        listen 127.0.0.1:\(port);
                        proxy_http_version 1.1;
                        proxy_set_header Host $host;
                        proxy_set_header X-Forwarded-For $remote_addr;
                        proxy_set_header Upgrade $http_upgrade;
                        proxy_set_header Connection $tandem_connection_upgrade;
                        proxy_connect_timeout 2s;
                        proxy_buffering off;
                        proxy_read_timeout 1h;
                        location / { proxy_pass http://tandem_backend; }
                    }
                }
                """
            try configuration.write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["-p", folder + "/", "-c", folder + "/nginx.conf"]
            let log = FileHandle(forWritingAtPath: "/dev/null")
            process.standardOutput = log
            process.standardError = log
            try process.run()
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline, process.isRunning {
                if Self.accepts(port: port) { return NginxProxy(port: port, folder: folder, process: process) }
                try await Task.sleep(for: .milliseconds(20))
            }
            // Most likely the port was taken: try another.
            if process.isRunning { process.terminate() }
            if attempt == 4 {
                let errors = (try? String(contentsOfFile: folder + "/logs/error.log", encoding: .utf8)) ?? ""
                throw StartFailed(log: errors)
            }
        }
        throw StartFailed(log: "")
    }

    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// Runs `body`, then stops nginx whether `body` threw or not.
    func closing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }

    func stop() async {
        try? await client.shutdown()
        guard process.isRunning else { return }
        process.terminate()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        try? FileManager.default.removeItem(atPath: folder)
    }

    struct StartFailed: Error, CustomStringConvertible {
        var log: String
        var description: String { "nginx did not start: \(log)" }
    }
}
