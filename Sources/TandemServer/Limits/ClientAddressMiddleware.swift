#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPTypes
import Hummingbird

/// Sets `context.clientIP` and `context.clientUsesTLS`. `X-Forwarded-For` and `X-Forwarded-Proto`
/// count only when the peer is a trusted proxy: otherwise anyone could claim any address and
/// dodge the rate limits.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext

    let trusted: [IPNetwork]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let peer = context.channel.remoteAddress?.ipAddress ?? "unknown"
        context.clientIP = Self.clientIP(peer: peer, forwardedFor: request.headers[values: .xForwardedFor], trusted: trusted)
        if Self.isTrusted(peer, trusted) {
            let proto = request.headers[values: .xForwardedProto].flatMap { $0.split(separator: ",") }.last
            context.clientUsesTLS = proto?.trimmingCharacters(in: .whitespaces).lowercased() == "https"
        }
        return try await next(request, context)
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy; then the rightmost
    /// `X-Forwarded-For` address that is not one of our proxies (entries further left were written
    /// by the client itself and prove nothing). Also used by `LiveHandshakes`.
    static func clientIP(peer: String, forwardedFor: [String], trusted: [IPNetwork]) -> String {
        guard isTrusted(peer, trusted) else { return peer }
        let forwarded = forwardedFor.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return forwarded.last(where: { !isTrusted($0, trusted) }) ?? forwarded.first ?? peer
    }

    static func isTrusted(_ address: String, _ trusted: [IPNetwork]) -> Bool {
        guard !trusted.isEmpty, let bytes = IPNetwork.bytes(address) else { return false }
        return trusted.contains { $0.contains(bytes) }
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}

/// An IPv4 or IPv6 network in CIDR notation (`10.0.0.0/8`, `fd00::/8`, or one address).
public struct IPNetwork: Sendable, Equatable {
    let address: [UInt8]
    let prefix: Int

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let bytes = Self.bytes(String(first)) else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let prefix, (0...(bytes.count * 8)).contains(prefix) else { return nil }
        self.address = bytes
        self.prefix = prefix
    }

    func contains(_ bytes: [UInt8]) -> Bool {
        let candidate = bytes.count == address.count ? bytes : Self.unmapped(bytes, to: address.count)
        guard let candidate, candidate.count == address.count else { return false }
        var bits = prefix
        for (a, b) in zip(address, candidate) where bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xff : ~(0xff >> UInt8(bits))
            if a & mask != b & mask { return false }
            bits -= 8
        }
        return true
    }

    /// An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) as IPv4, so IPv4 networks match dual-stack peers.
    static func unmapped(_ bytes: [UInt8], to count: Int) -> [UInt8]? {
        guard bytes.count == 16, count == 4, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff else { return nil }
        return Array(bytes[12...])
    }

    /// The address's bytes (4 or 16), parsed by the C library's `inet_pton`.
    static func bytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
