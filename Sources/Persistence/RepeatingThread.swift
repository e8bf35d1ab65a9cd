public import Foundation

/// A round of work every `interval` on a thread of its own, until `stop`: the queue's
/// housekeeping, the vendor-call flusher. `stop` waits for the round in progress, then runs a
/// last one when `finalRound` (a flush that must not lose what the last interval counted).
public final class RepeatingThread: @unchecked Sendable {
    let name: String
    let interval: TimeInterval
    let roundFirst: Bool
    let finalRound: Bool
    let round: @Sendable () -> Void
    private let condition = NSCondition()
    private var stopping = false
    private var running = false

    /// `roundFirst`: a round at once on start, rather than after the first interval.
    public init(name: String, interval: TimeInterval, roundFirst: Bool, finalRound: Bool, round: @escaping @Sendable () -> Void) {
        self.name = name
        self.interval = interval
        self.roundFirst = roundFirst
        self.finalRound = finalRound
        self.round = round
    }

    public func start() {
        condition.lock()
        defer { condition.unlock() }
        guard !running else { return }
        running = true
        stopping = false
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        if roundFirst { round() }
        while true {
            condition.lock()
            let deadline = Date().addingTimeInterval(interval)
            while !stopping && Date() < deadline { _ = condition.wait(until: deadline) }
            let last = stopping
            condition.unlock()
            if !last || finalRound { round() }
            if last { break }
        }
        condition.lock()
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
