import Foundation

/// Reads QR codes back with a real decoder, ZBar's `zbarimg` (Debian package `zbar-tools`), so
/// that tests of the hand-written encoder do not only agree with themselves.
public enum ZBar {
    /// Why a decode did not happen.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `zbarimg` on the PATH; a missing one fails the test with what to install (these tests are
    /// never skipped: CI installs zbar-tools).
    public static func executable() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(folder)/zbarimg") {
            return "\(folder)/zbarimg"
        }
        throw Failure(description: "zbarimg was not found on the PATH: install zbar-tools (apt-get install -y zbar-tools) to run the QR decoding tests.")
    }

    /// The text of the one QR code in `png`, as `zbarimg --raw -q` prints it (its final line break
    /// removed). ZBar guesses the character set of byte-mode data; UTF-8 Chinese and ASCII come out as written.
    public static func decodeText(png: [UInt8]) throws -> String {
        var output = try run(png: png, options: ["--raw", "-q"])
        if output.last == UInt8(ascii: "\n") { output.removeLast() }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of the one QR code in `png`, exactly (`-Sbinary`: no character-set guessing).
    public static func decodeBytes(png: [UInt8]) throws -> [UInt8] {
        try run(png: png, options: ["--raw", "-q", "-Sbinary"])
    }

    private static func run(png: [UInt8], options: [String]) throws -> [UInt8] {
        let executable = try executable()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-qr-\(UUID().uuidString).png")
        try Data(png).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = options + ["--nodbus", file.path]
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read before waiting, so that a full pipe cannot stall the decoder.
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let reason = process.terminationStatus == 4 ? "found no code in the image" : "failed with status \(process.terminationStatus)"
            throw Failure(description: "zbarimg \(reason): \(String(decoding: errors, as: UTF8.self))")
        }
        return Array(output)
    }
}
