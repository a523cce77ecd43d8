import Foundation

/// Runs a program with some bytes on its standard input, as `sendmail` expects, without tying up
/// a concurrency-pool thread: the exit is awaited through `terminationHandler`, the input is written
/// from a thread of its own, and a timer kills the child if it hangs.
struct PipedCommand: Sendable {
    var path: String
    var arguments: [String]
    var timeout: Duration
    /// How much of the child's standard error to keep for the error message.
    var stderrLimit = 1024

    /// How the child ended.
    struct Outcome: Sendable, Equatable {
        var status: Int32
        var killedBySignal: Bool
        var timedOut: Bool
        var stderr: String
    }

    func run(input: Data) async throws -> Outcome {
        _ = ignoreSIGPIPE
        guard FileManager.default.isExecutableFile(atPath: path) else { throw MailTransportError.commandNotFound(path: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        // A stream rather than a continuation: it buffers the exit if the child ends before we wait.
        let (exits, exited) = AsyncStream.makeStream(of: (status: Int32, signalled: Bool).self, bufferingPolicy: .unbounded)
        process.terminationHandler = { child in
            exited.yield((child.terminationStatus, child.terminationReason == .uncaughtSignal))
            exited.finish()
        }
        do {
            try process.run()
        } catch {
            throw MailTransportError.launchFailed(path: path, reason: String(describing: error))
        }
        // Drop our copies of the child's ends, so its exit shows up here as EPIPE on stdin and EOF on stderr.
        try? stdin.fileHandleForReading.close()
        try? stderr.fileHandleForWriting.close()

        let writer = stdin.fileHandleForWriting
        // Blocks while the child is slow to read; ends with EPIPE if it exits without reading everything.
        // Not awaited: the exit status is what says whether the message was taken.
        Thread.detachNewThread {
            try? writer.write(contentsOf: input)
            try? writer.close()
        }
        let pid = process.processIdentifier
        let timeout = self.timeout
        let timer = Task<Bool, Never> {
            do { try await Task.sleep(for: timeout) } catch { return false }
            kill(pid, SIGKILL)
            return true
        }
        // An unstructured task, so cancelling the caller doesn't abandon a child that may already
        // have queued the message; the timer bounds the wait anyway.
        let exit = await Task {
            var iterator = exits.makeAsyncIterator()
            return await iterator.next()
        }.value
        timer.cancel()
        let timedOut = await timer.value
        return Outcome(
            status: exit?.status ?? -1, killedBySignal: exit?.signalled ?? true, timedOut: timedOut,
            stderr: String(decoding: Self.readAvailable(stderr.fileHandleForReading, limit: stderrLimit), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// What the child left in the pipe, read without blocking: a grandchild that inherited stderr
    /// (some MTAs fork a queue runner) could otherwise hold it open and keep us from seeing EOF.
    private static func readAvailable(_ handle: FileHandle, limit: Int) -> Data {
        defer { try? handle.close() }
        let descriptor = handle.fileDescriptor
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var buffer = [UInt8](repeating: 0, count: limit)
        var filled = 0
        while filled < limit {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + filled, limit - filled) }
            if count > 0 {
                filled += count
            } else if count < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        return Data(buffer[..<filled])
    }
}

/// Writing to a child that has already exited raises SIGPIPE, which would end the whole server.
/// NIO sets the same process-wide disposition on Linux as soon as it opens a socket; doing it here
/// too keeps delivery safe before that (tests, CLI commands). Initialised once, lazily.
private let ignoreSIGPIPE: Void = {
    _ = signal(SIGPIPE, SIG_IGN)
}()
