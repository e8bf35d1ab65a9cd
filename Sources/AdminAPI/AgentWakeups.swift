import Foundation

/// Parked agent long-polls: each waits for a NOTIFY naming its connection, for its deadline, or
/// for shutdown, whichever comes first, and is woken exactly once. No thread is held per poll.
final class AgentWakeups: @unchecked Sendable {
    private struct Waiter {
        let deadline: Date
        let wake: @Sendable () -> Void
    }

    private let condition = NSCondition()
    private var waiters: [UUID: [Waiter]] = [:]
    private var stopping = false
    private var timerRunning = false

    /// Wakes at `deadline` at the latest.
    func park(_ connectionId: UUID, until deadline: Date, wake: @escaping @Sendable () -> Void) {
        condition.lock()
        guard !stopping else {
            condition.unlock()
            wake()
            return
        }
        waiters[connectionId, default: []].append(Waiter(deadline: deadline, wake: wake))
        if !timerRunning {
            timerRunning = true
            let thread = Thread { [self] in expireLoop() }
            thread.name = "agent-wakeups"
            thread.start()
        }
        condition.signal()
        condition.unlock()
    }

    func notify(_ connectionId: UUID) {
        condition.lock()
        let woken = waiters.removeValue(forKey: connectionId) ?? []
        condition.unlock()
        for waiter in woken { waiter.wake() }
    }

    /// After the listener reconnects a NOTIFY may have been missed: every poll looks again.
    func notifyAll() {
        condition.lock()
        let woken = waiters.values.flatMap { $0 }
        waiters = [:]
        condition.unlock()
        for waiter in woken { waiter.wake() }
    }

    /// Answers every parked poll now, and any later one at once.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        notifyAll()
    }

    var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    var parkedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiters.values.reduce(0) { $0 + $1.count }
    }

    private func expireLoop() {
        condition.lock()
        while !stopping {
            let earliest = waiters.values.lazy.flatMap { $0 }.map(\.deadline).min()
            if let earliest { _ = condition.wait(until: earliest) } else { condition.wait() }
            let now = Date()
            var expired: [Waiter] = []
            for (connection, list) in waiters {
                let (due, later) = (list.filter { $0.deadline <= now }, list.filter { $0.deadline > now })
                expired += due
                waiters[connection] = later.isEmpty ? nil : later
            }
            if !expired.isEmpty {
                condition.unlock()
                for waiter in expired { waiter.wake() }
                condition.lock()
            }
        }
        timerRunning = false
        condition.unlock()
    }
}
