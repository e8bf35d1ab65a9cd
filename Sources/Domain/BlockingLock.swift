public import Foundation

/// A lock whose waiters sleep at once (a plain pthread mutex). `Synchronization.Mutex` spins
/// before it sleeps; with sixteen request threads on two cores taking one lock per request (the
/// access log's buffer, the request metrics, the API-key cache), the spinning was 5 to 7 % of the
/// server's CPU in the authenticated-list benchmark, while the holder waited for a core; the
/// same held for the live-tenant check every transaction makes.
public final class BlockingLock<State>: @unchecked Sendable {
    @usableFromInline let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// The state behind a pointer of its own: as a stored `var` of the class, each `withLock` had
    /// its access checked for exclusivity at run time (`swift_beginAccess`), which the mutex
    /// already guarantees.
    @usableFromInline let state = UnsafeMutablePointer<State>.allocate(capacity: 1)

    public init(_ state: State) {
        self.state.initialize(to: state)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Inlinable, so it is compiled for the caller's state and body: generic, each call went
    /// through the state's metadata (the request metrics and the access log take it on every
    /// request).
    @inlinable
    public func withLock<T>(_ body: (inout State) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state.pointee)
    }
}
