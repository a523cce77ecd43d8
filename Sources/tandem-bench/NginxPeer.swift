import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An nginx this tool starts as a peer to measure Tandem against (Nchan for the storm, static files
/// for the reads): a config template from `Benchmarks/peers/` with its port and prefix filled in,
/// run in the foreground (`daemon off`) as this process's child on a free loopback port, and
/// stopped by its pid.
final class NginxPeer: @unchecked Sendable {
    // @unchecked: every property is a constant set in init; `process` is only read and stopped.
    let port: Int
    /// nginx's `-p` prefix: the config, its pid and error log, and any files it serves.
    let prefix: URL
    let process: Process

    private init(port: Int, prefix: URL, process: Process) {
        self.port = port
        self.prefix = prefix
        self.process = process
    }

    /// Fills in `template` (a file in `Benchmarks/peers/`), lets `prepare` write into the prefix
    /// (e.g. the documents to serve), starts nginx and waits until it accepts connections.
    static func launch(template name: String, binary: String, prepare: (URL) throws -> Void = { _ in }) async throws -> NginxPeer {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchError("no nginx at \(binary): apt-get install -y nginx-light libnginx-mod-nchan (or pass --nginx)")
        }
        let template = try String(contentsOf: try PeerConfig.template(named: name), encoding: .utf8)
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-bench-nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: prefix, withIntermediateDirectories: true)
        let config = prefix.appendingPathComponent(name)
        let errorLog = prefix.appendingPathComponent("error.log")
        let output = prefix.appendingPathComponent("output.log")
        let process = Process()
        let port: Int
        do {
            port = try freeLoopbackPort()
            try PeerConfig.render(template, port: port, prefix: prefix.path).write(to: config, atomically: true, encoding: .utf8)
            try prepare(prefix)
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["-p", prefix.path + "/", "-c", config.path, "-e", errorLog.path]
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            let handle = try FileHandle(forWritingTo: output)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: prefix)
            throw error
        }
        let peer = NginxPeer(port: port, prefix: prefix, process: process)
        for _ in 0..<200 {
            if !process.isRunning { break }
            if canConnect(port: port) { return peer }
            try await Task.sleep(for: .milliseconds(25))
        }
        let said = [output, errorLog].compactMap { try? String(contentsOf: $0, encoding: .utf8) }.joined()
        peer.stop()
        throw BenchError("nginx (\(name)) did not start:\n\(said)")
    }

    /// Stops nginx by its pid (SIGTERM: the master stops its workers) and removes its folder.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: prefix)
    }

    /// CPU time of the master and its workers (the processes whose parent is the master).
    var cpuTime: CPUTime? {
        let master = process.processIdentifier
        guard var total = processCPUTime(pid: master) else { return nil }
        for worker in childProcesses(of: master) {
            guard let time = processCPUTime(pid: worker) else { continue }
            total.user += time.user
            total.kernel += time.kernel
        }
        return total
    }
}

/// The peers' config templates: `{{PORT}}` and `{{PREFIX}}` are the only placeholders.
enum PeerConfig {
    static func render(_ template: String, port: Int, prefix: String) -> String {
        template.replacingOccurrences(of: "{{PORT}}", with: String(port)).replacingOccurrences(of: "{{PREFIX}}", with: prefix)
    }

    /// `Benchmarks/peers/<name>`, looked for from the current folder upwards, then from this
    /// binary's folder upwards (`.build/release/tandem-bench` finds the checkout it was built in).
    static func template(named name: String) throws -> URL {
        let starts = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                      URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()]
        for start in starts {
            var folder = start.standardizedFileURL
            while true {
                let candidate = folder.appendingPathComponent("Benchmarks/peers/\(name)")
                if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        throw BenchError("Benchmarks/peers/\(name) not found above \(FileManager.default.currentDirectoryPath) or the binary: run from the checkout")
    }
}

/// A loopback port nobody listens on now (the kernel's pick for a socket bound to port 0).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw BenchError("socket failed: errno \(errno)") }
    defer { close(fd) }
    var address = loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw BenchError("no free loopback port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Whether something accepts connections on the loopback port now.
func canConnect(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = loopback(port: port)
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
    }
}

private func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
    return address
}

/// The processes whose parent is `pid` (from `/proc/*/stat`).
func childProcesses(of pid: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { Int32($0) }.filter { candidate in
        guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
              let afterName = stat.range(of: ") ", options: .backwards) else { return false }
        // After the name: state, then the parent's pid.
        let fields = stat[afterName.upperBound...].split(separator: " ")
        return fields.count > 1 && Int32(fields[1]) == pid
    }
}
