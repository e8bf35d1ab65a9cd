import Synchronization

/// At most one worker wake-up (NOTIFY) per interval from this process. NOTIFY takes a global
/// lock at commit, so one per delivery would serialize intake. A wake-up skipped during a burst
/// is owed: `settle`, run by a timer every interval, sends it once the interval has passed, so
/// the last delivery of a burst does not wait for the workers' poll.
final class WakeThrottle: Sendable {
    let interval: Duration
    private struct State {
        var last: ContinuousClock.Instant?
        var owed = false
    }
    private let state = Mutex(State())

    init(interval: Duration) {
        self.interval = interval
    }

    /// True when this caller should send the wake-up with its write.
    func take() -> Bool {
        state.withLock { state in
            let now = ContinuousClock.now
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
        let due = state.withLock { state -> Bool in
            guard state.owed, let previous = state.last, ContinuousClock.now - previous >= interval else { return false }
            state.owed = false
            state.last = .now
            return true
        }
        if due { send() }
    }
}
