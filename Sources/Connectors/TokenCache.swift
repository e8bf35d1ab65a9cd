public import Foundation
import Synchronization

/// Access tokens per connection (PayTrace, Zoho), shared by every thread of the process. A token
/// is used until five minutes before it expires; refreshing holds a per-connection lock so
/// concurrent callers wait for one new token instead of each asking for their own (Zoho allows
/// only ten per refresh token in ten minutes).
public final class TokenCache: Sendable {
    public static let shared = TokenCache()
    static let margin: TimeInterval = 300

    private struct Entry { var token: String; var expires: Date }
    private let entries = Mutex<[String: Entry]>([:])
    private let locks = Mutex<[String: NSLock]>([:])

    public init() {}

    public func token(for key: String, fetch: () throws -> (token: String, expiresIn: TimeInterval)) throws -> String {
        if let live = cached(key) { return live }
        let lock = lockFor(key)
        lock.lock()
        defer { lock.unlock() }
        if let live = cached(key) { return live }
        return store(key, try fetch())
    }

    @discardableResult
    public func replace(for key: String, fetch: () throws -> (token: String, expiresIn: TimeInterval)) throws -> String {
        let lock = lockFor(key)
        lock.lock()
        defer { lock.unlock() }
        entries.withLock { _ = $0.removeValue(forKey: key) }
        return store(key, try fetch())
    }

    /// Forgets a token the vendor said is no longer valid.
    public func invalidate(_ key: String) { entries.withLock { _ = $0.removeValue(forKey: key) } }

    private func cached(_ key: String) -> String? {
        entries.withLock { $0[key].flatMap { $0.expires.timeIntervalSinceNow > Self.margin ? $0.token : nil } }
    }

    private func store(_ key: String, _ fetched: (token: String, expiresIn: TimeInterval)) -> String {
        entries.withLock { $0[key] = Entry(token: fetched.token, expires: Date().addingTimeInterval(fetched.expiresIn)) }
        return fetched.token
    }

    private func lockFor(_ key: String) -> NSLock {
        locks.withLock { locks in
            if let lock = locks[key] { return lock }
            let lock = NSLock()
            locks[key] = lock
            return lock
        }
    }
}
