import Foundation

/// A fixed set of plain threads for work that blocks (libpq calls), so it never runs on
/// libmicrohttpd's few polling threads nor on Swift's cooperative pool.
final class BlockingExecutor: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [@Sendable () -> Void] = []
    /// When each queued job was submitted, parallel to `queue`: how long the oldest has waited
    /// tells a saturated executor from a brief burst.
    private var submitted: [ContinuousClock.Instant] = []
    private var head = 0
    private var running = 0
    private var stopping = false
    private(set) var threads: [Thread] = []

    init(threads count: Int, name: String) {
        for index in 0..<count {
            // Each thread holds the executor until it exits (at shutdown). An unowned reference
            // aborted the process when a short-lived server (a test's sandbox) was gone before
            // one of its threads had first run: on a loaded machine that took longer than a request.
            let thread = Thread { [self] in loop() }
            thread.name = "\(name)-\(index)"
            thread.stackSize = 1 << 20
            threads.append(thread)
            thread.start()
        }
    }

    /// Queues `job`; once shutdown has begun it runs on the caller's thread instead, so a job
    /// submitted late (a keep-alive request during shutdown) still runs and resumes its connection.
    func submit(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        if stopping {
            condition.unlock()
            job()
            return
        }
        queue.append(job)
        submitted.append(.now)
        condition.signal()
        condition.unlock()
    }

    /// Jobs waiting for a thread, for metrics.
    var backlog: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count - head
    }

    /// Threads, those running a job, jobs waiting, and how long the oldest has waited.
    var load: (threads: Int, busy: Int, waiting: Int, oldestWait: Duration) {
        condition.lock()
        defer { condition.unlock() }
        let waited = head < submitted.count ? ContinuousClock.now - submitted[head] : .zero
        return (threads.count, running, queue.count - head, waited)
    }

    /// Runs what is queued to the end, then lets the threads exit; later jobs run inline.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while head < queue.count || running > 0 { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while head == queue.count && !stopping { condition.wait() }
            if head == queue.count && stopping {
                condition.broadcast()
                condition.unlock()
                return
            }
            let job = queue[head]
            head += 1
            if head > 1024 && head * 2 > queue.count {
                queue.removeFirst(head)
                submitted.removeFirst(head)
                head = 0
            }
            running += 1
            condition.unlock()
            job()
            condition.lock()
            running -= 1
            if stopping { condition.broadcast() }
            condition.unlock()
        }
    }
}
