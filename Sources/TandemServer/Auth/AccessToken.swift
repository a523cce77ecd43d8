import Crypto
import Foundation

/// Bearer tokens: 256 random bits shown once to the client; only their SHA-256 is stored.
enum AccessToken {
    static func generate(using randomness: Randomness) -> String {
        base64URL(randomness.bytes(32))
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
