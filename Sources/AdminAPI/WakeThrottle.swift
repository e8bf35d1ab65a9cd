import Synchronization

/// At most one worker wake-up (NOTIFY) per interval from this process. NOTIFY takes a global
/// lock at commit, so one per delivery would serialize intake. A delivery whose wake-up was
/// skipped is found by the next claim: at once when workers are busy with the burst it came
/// in, else at the workers' next poll (CLEARLINE_JOB_POLL_MS).
final class WakeThrottle: Sendable {
    let interval: Duration
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    init(interval: Duration) {
        self.interval = interval
    }

    /// True when this caller should send the wake-up.
    func take() -> Bool {
        last.withLock { last in
            let now = ContinuousClock.now
            if let previous = last, now - previous < interval { return false }
            last = now
            return true
        }
    }
}
