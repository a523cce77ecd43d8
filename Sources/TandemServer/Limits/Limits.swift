import Foundation
import Synchronization
import TandemCore
import TandemStore

/// Abuse limits: login back-off, registration rates, live connections per address. Failed logins
/// are counted in the database, shared by every instance on it; registration rates and live
/// connections are counted in each instance's memory (a restart forgets them). All timing comes
/// from the injected clock.
public struct LimitSettings: Sendable {
    /// `false` (`TANDEM_RATE_LIMITS=0`): no per-address or per-account limits at all.
    public var enabled = true
    /// Failed logins (per account and per address) before each further attempt must wait.
    public var loginFailuresBeforeBackoff = 5
    /// The wait doubles with each failure past the threshold (1 s, 2 s, 4 s…) up to this.
    public var loginMaxBackoff: TimeInterval = 15 * 60
    /// Registrations one address may make: a burst of this many, refilled over a minute.
    public var registrationsPerAddressPerMinute = 10
    /// Registrations one event accepts per minute from everyone together.
    public var registrationsPerEventPerMinute = 600
    /// Open live connections (WebSocket and SSE) per address. Generous: a venue's Wi-Fi shows as one address.
    public var liveConnectionsPerAddress = 500
    /// Peers whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed (CIDRs, `TANDEM_TRUSTED_PROXIES`).
    public var trustedProxies: [String] = []

    public init() {}
}

/// The limiters, shared by the controllers that need them.
final class Limits: Sendable {
    let settings: LimitSettings
    /// Failed logins per (address, account) and per address.
    let loginBackoff: LoginBackoff
    /// Failed logins per account, from anywhere: applied only to addresses that have failed too.
    let accountLoginBackoff: LoginBackoff
    /// Where failed logins are counted: the database, so every instance on it sees the same counts
    /// (an attacker gains nothing by spreading guesses over instances).
    let loginFailures: any InstanceCoordination
    let clock: any WallClock
    let registrationsPerAddress: TokenBucket
    let registrationsPerEvent: TokenBucket
    let liveConnections: ConnectionCounter

    init(_ settings: LimitSettings, clock: any WallClock, loginFailures: any InstanceCoordination) {
        self.settings = settings
        self.clock = clock
        self.loginFailures = loginFailures
        loginBackoff = LoginBackoff(threshold: settings.loginFailuresBeforeBackoff, maxBackoff: settings.loginMaxBackoff)
        accountLoginBackoff = LoginBackoff(threshold: settings.loginFailuresBeforeBackoff * 4, maxBackoff: settings.loginMaxBackoff)
        registrationsPerAddress = TokenBucket(burst: settings.registrationsPerAddressPerMinute, perMinute: settings.registrationsPerAddressPerMinute, clock: clock)
        registrationsPerEvent = TokenBucket(burst: settings.registrationsPerEventPerMinute, perMinute: settings.registrationsPerEventPerMinute, clock: clock)
        liveConnections = ConnectionCounter(limit: settings.liveConnectionsPerAddress)
    }

    /// Throws 429 while this address, or this account from this address, is waiting out its
    /// back-off after failed logins. Failures elsewhere never lock the account out: a stranger's
    /// guesses from other addresses do not refuse its owner, from an address that has not failed
    /// (OWASP Authentication Cheat Sheet). Only an address that has itself failed is also held
    /// back by the account's total, so spreading guesses over many addresses gains little.
    func admitLogin(email: String, address: String) async throws {
        guard settings.enabled else { return }
        let keys = Self.loginKeys(email: email, address: address)
        let failures = try await loginFailures.loginFailures(keys: [keys.pair, keys.address, keys.account])
        let now = clock.now()
        func wait(_ key: String, _ backoff: LoginBackoff) -> TimeInterval? {
            failures[key].flatMap { backoff.wait(failures: $0.count, last: $0.last, now: now) }
        }
        var waits = [wait(keys.pair, loginBackoff), wait(keys.address, loginBackoff)]
        if (failures[keys.address]?.count ?? 0) > 0 { waits.append(wait(keys.account, accountLoginBackoff)) }
        guard let wait = waits.compactMap({ $0 }).max() else { return }
        let seconds = Int(wait.rounded(.up))
        throw Problem.tooManyRequests(retryAfter: seconds, detail: "Too many failed logins; wait \(seconds) s before trying again.")
    }

    func loginFailed(email: String, address: String) async throws {
        guard settings.enabled else { return }
        let keys = Self.loginKeys(email: email, address: address)
        try await loginFailures.recordLoginFailure(keys: [keys.pair, keys.address, keys.account], at: clock.now())
    }

    /// A success clears this account's failures from this address and its total, not the
    /// address's (one good password must not reset an address that is guessing at others).
    func loginSucceeded(email: String, address: String) async throws {
        guard settings.enabled else { return }
        let keys = Self.loginKeys(email: email, address: address)
        try await loginFailures.clearLoginFailures(keys: [keys.pair, keys.account])
    }

    /// The throttling keys of a login attempt. The e-mail is case-folded and bounded (the body limit
    /// bounds it already; the key must not grow with whatever a stranger sends).
    static func loginKeys(email: String, address: String) -> (pair: String, address: String, account: String) {
        let account = String(email.lowercased().prefix(320))
        let network = addressKey(address)
        return ("pair:\(network) \(account)", "address:" + network, "account:" + account)
    }

    /// The network a client address is limited as: an IPv4 address itself, an IPv6 address by its
    /// /64 (one subscriber's whole allocation: a host picks any address in it at will), an
    /// IPv4-mapped IPv6 address as IPv4. Text that is not an address (only a trusted proxy can
    /// send such) is one shared key, never the raw text.
    static func addressKey(_ address: String) -> String {
        guard address.utf8.count <= 64, let bytes = IPNetwork.bytes(address) else { return "unparsed" }
        let v4 = bytes.count == 4 ? bytes : IPNetwork.unmapped(bytes, to: 4)
        if let v4 { return v4.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return groups.joined(separator: ":") + "::/64"
    }

    /// Throws 429 when `address` has as many live connections open as it may; with `count`, counts
    /// this one (balance it with `closeLiveConnection`).
    func admitLiveConnection(address: String, count: Bool) throws {
        guard settings.enabled else { return }
        let key = Self.addressKey(address)
        let admitted = count ? liveConnections.open(key) : !liveConnections.isFull(key)
        guard admitted else {
            throw Problem.tooManyRequests(retryAfter: 30, detail: "Too many live connections from your address.")
        }
    }

    func closeLiveConnection(address: String) {
        guard settings.enabled else { return }
        liveConnections.close(Self.addressKey(address))
    }

    /// Throws 429 when `address` has used up its registrations for this event, or the event its
    /// registrations for now. Call it once the event is known to exist and the body has been
    /// parsed, with the event's id: a bucket is never keyed by text a stranger chose.
    func admitRegistration(address: String, eventID: Event.ID) throws {
        guard settings.enabled else { return }
        if let wait = registrationsPerAddress.take("\(eventID.rawValue) \(Self.addressKey(address))") {
            throw Problem.tooManyRequests(retryAfter: Int(wait.rounded(.up)), detail: "Too many registrations from your network; try again in a minute.")
        }
        if let wait = registrationsPerEvent.take("\(eventID.rawValue)") {
            throw Problem.tooManyRequests(retryAfter: Int(wait.rounded(.up)), detail: "Many people are registering right now; try again in a moment.")
        }
    }
}

/// The most keys one limiter remembers. Past it, the stale ones go first, then the least recently
/// used, so memory stays bounded whatever a stranger sends; forgetting a key only ever gives that
/// key a fresh allowance, never refuses anyone.
let limiterMaxKeys = 50_000

/// Keeps a limiter's map under `limiterMaxKeys`: drops the stale entries, then, if still full,
/// all but the most recently used half.
func pruneLimiterKeys<Value>(_ entries: inout [String: Value], isStale: (Value) -> Bool, lastUsed: (Value) -> Date) {
    entries = entries.filter { !isStale($0.value) }
    if entries.count >= limiterMaxKeys {
        let keep = entries.sorted { lastUsed($0.value) > lastUsed($1.value) }.prefix(limiterMaxKeys / 2)
        entries = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
    }
}

/// A token bucket per key: `burst` requests at once, refilled at `perMinute`.
final class TokenBucket: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    let burst: Double
    let perSecond: Double
    let clock: any WallClock
    private let buckets = Mutex<[String: Bucket]>([:])

    init(burst: Int, perMinute: Int, clock: any WallClock) {
        self.burst = Double(max(1, burst))
        self.perSecond = Double(max(1, perMinute)) / 60
        self.clock = clock
    }

    var keyCount: Int { buckets.withLock { $0.count } }

    /// Takes one token; `nil` when granted, else the seconds until one is available.
    func take(_ key: String) -> TimeInterval? {
        let now = clock.now()
        return buckets.withLock { buckets in
            if buckets.count >= limiterMaxKeys, buckets[key] == nil {
                // A full bucket is the same as no bucket: those go first.
                let refill = burst / perSecond
                pruneLimiterKeys(&buckets, isStale: { now.timeIntervalSince($0.updated) >= refill }, lastUsed: \.updated)
            }
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + max(0, now.timeIntervalSince(bucket.updated)) * perSecond)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / perSecond }
            bucket.tokens -= 1
            return nil
        }
    }
}

/// Open connections per key, with a ceiling.
final class ConnectionCounter: Sendable {
    let limit: Int
    private let counts = Mutex<[String: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// Counts a new connection; `false` (and nothing counted) when `key` is at the limit.
    func open(_ key: String) -> Bool {
        counts.withLock { counts in
            let current = counts[key, default: 0]
            guard current < limit else { return false }
            counts[key] = current + 1
            return true
        }
    }

    func isFull(_ key: String) -> Bool {
        counts.withLock { $0[key, default: 0] >= limit }
    }

    func close(_ key: String) {
        counts.withLock { counts in
            let remaining = counts[key, default: 1] - 1
            counts[key] = remaining > 0 ? remaining : nil
        }
    }
}
