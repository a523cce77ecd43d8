import Foundation
@testable import TandemServer
import TandemTestSupport
import Testing

@Suite("secret.key: created once, atomically, mode 0600; never overwritten", .timeLimit(.minutes(5)))
struct SecretKeyTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-key-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a missing key is created with mode 0600 and read back unchanged on the next start")
    func createdOnce() throws {
        let path = try Self.folder() + "/data/secret.key"
        let first = try SelfServiceKeyring.loadKey(secret: nil, path: path, randomness: .system)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect((attributes[.size] as? NSNumber)?.intValue == 32)
        let second = try SelfServiceKeyring.loadKey(secret: nil, path: path, randomness: .system)
        #expect(first == second)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        #expect(leftovers == ["secret.key"], "no temporary file left behind")
    }

    @Test("a short key stops the server with a sentence, and the file is left as it was")
    func shortKey() throws {
        let path = try Self.folder() + "/secret.key"
        try Data("too short".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: SecretKeyError.tooShort(path: path, bytes: 9)) {
            try SelfServiceKeyring.loadKey(secret: nil, path: path, randomness: .system)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("too short".utf8))
        #expect(SecretKeyError.tooShort(path: path, bytes: 9).description.contains("Restore it from a backup"))
    }

    @Test("an unreadable key stops the server; it is not replaced")
    func unreadableKey() throws {
        let path = try Self.folder() + "/secret.key"
        // A folder where the file should be: there, but no key can be read from it.
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(throws: SecretKeyError.self) { try SelfServiceKeyring.loadKey(secret: nil, path: path, randomness: .system) }
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    @Test("TANDEM_SECRET wins and no file is written")
    func secretFromEnvironment() throws {
        let path = try Self.folder() + "/secret.key"
        _ = try SelfServiceKeyring.loadKey(secret: "a shared secret for every instance", path: path, randomness: .system)
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
