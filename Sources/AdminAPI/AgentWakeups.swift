import Foundation
import Domain

/// Parked agent long-polls: each waits for a NOTIFY naming its connection, for its deadline, or
/// for shutdown, whichever comes first, and is woken exactly once. No thread is held per poll.
///
/// A poll reads `generation` before it looks for commands and parks with it: a NOTIFY that
/// arrives between the look and the park changes the generation, and the park wakes at once
/// instead of losing the wake-up until the deadline.
final class AgentWakeups: @unchecked Sendable {
    private struct Waiter {
        let deadline: Date
        let wake: @Sendable () -> Void
    }

    private let condition = NSCondition()
    private var waiters: [UUID: [Waiter]] = [:]
    private var stopping = false
    private var notified: [UUID: Int] = [:]
    private var epoch = 0
    private var timerRunning = false

    /// Changes whenever a notification for `connectionId` (or for every connection) arrives.
    func generation(_ connectionId: UUID) -> Int {
        condition.lock()
        defer { condition.unlock() }
        return epoch + notified[connectionId, default: 0]
    }

    /// Wakes at `deadline` at the latest, and at once if notified since `generation` was read.
    func park(_ connectionId: UUID, seen generation: Int, until deadline: Date, wake: @escaping @Sendable () -> Void) {
        condition.lock()
        guard !stopping, epoch + notified[connectionId, default: 0] == generation else {
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
        notified[connectionId, default: 0] += 1
        let woken = waiters.removeValue(forKey: connectionId) ?? []
        condition.unlock()
        for waiter in woken { waiter.wake() }
    }

    /// After the listener reconnects a NOTIFY may have been missed: every poll looks again.
    func notifyAll() {
        condition.lock()
        epoch += 1
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

    /// Polls of one connection's agent parked now.
    func parked(_ connectionId: UUID) -> Int {
        condition.lock()
        defer { condition.unlock() }
        return waiters[connectionId]?.count ?? 0
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
