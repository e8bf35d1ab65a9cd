import Synchronization

/// At most one worker wake-up (NOTIFY) per interval from this process. NOTIFY takes a global
/// lock at commit, so one per delivery would serialize intake. A wake-up skipped during a burst
/// is owed: `settle`, run by a timer every interval, sends it once the interval has passed, so
/// the last delivery of a burst does not wait for the workers' poll.
final class WakeThrottle: Sendable {
    let interval: Duration
    /// The clock's reading; tests turn it by hand, so no assertion waits on real time.
    let now: @Sendable () -> ContinuousClock.Instant
    private struct State {
        var last: ContinuousClock.Instant?
        var owed = false
    }
    private let state = Mutex(State())

    init(interval: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.interval = interval
        self.now = now
    }

    /// True when this caller should send the wake-up with its write.
    func take() -> Bool {
        let now = now()
        return state.withLock { state in
            if let previous = state.last, now - previous < interval {
                state.owed = true
                return false
            }
            state.last = now
            state.owed = false
            return true
        }
    }

    /// Calls `send` when a wake-up is owed and the interval has passed.
    func settle(_ send: () -> Void) {
        let now = now()
        let due = state.withLock { state -> Bool in
            guard state.owed, let previous = state.last, now - previous >= interval else { return false }
            state.owed = false
            state.last = now
            return true
        }
        if due { send() }
    }
}
