import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Runs libdispatch's worker threads at the lowest CPU priority (nice 19), so that URLSession's
/// machinery never takes a core from the threads that answer requests.
///
/// Why: on Linux, FoundationNetworking watches a new connection's socket with a dispatch write
/// source while curl connects, and does not cancel it when curl moves on to waiting for the
/// answer (`_SocketSources.createSources` in MultiHandle.swift only adds sources). The socket
/// stays writable, so the source fires again and again until the answer comes: one call to a
/// vendor that accepts and never answers burns a core for the call's whole deadline (5.3 s of CPU
/// in 6 s, a million context switches). Twenty such Tests in one tenant took another tenant's read
/// p99 from 1.2 ms to about a second (bench/stall). At nice 19 the spin only uses what no one else
/// in the process wants. A nice value orders threads only within their session's scheduling group
/// (autogroup), though, so the calls a person waits on go from a helper process in a group of its
/// own (`CallRelay`); this keeps the workers' calls from taking the request threads' cores.
///
/// In Clearline's processes, libdispatch's threads run URLSession's callbacks and the signal
/// handler, nothing else (requests, workers, the database and the log's flush run on threads of
/// our own, at the normal priority), so they lose nothing that a person waits on. Linux gives each thread its own nice value, and
/// libdispatch makes and retires its threads as it likes, so a watcher looks for new ones every
/// 50 ms (a new thread spins at full priority until then: at 200 ms, bench/stall's p99 swung
/// more). A thread is libdispatch's when its name says so: libdispatch names its workers after
/// their root queue ("com.apple.root.default-qos.overcommit", of which Linux keeps 15 bytes).
public enum DispatchThreadPriority {
    /// The nice value given to libdispatch's threads.
    public static let niceness: Int32 = 19
    private static let started = Atomic<Bool>(false)

    /// Starts the watcher once per process; later calls do nothing.
    public static func lower() {
        #if os(Linux)
            guard started.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
            let watcher = Thread {
                ThreadName.setCurrent("priority-watch")
                var lowered: Set<Int32> = []
                var others: Set<Int32> = []
                var round = 0
                while true {
                    // Every 50 ms the new threads; every second all of them again, in case a
                    // thread was looked at before libdispatch named it. Reading every thread's
                    // name every 50 ms was 600 file reads a second, under every request.
                    if round % 20 == 0 { others = [] }
                    (lowered, others) = lowerNewDispatchThreads(alreadyLowered: lowered, notDispatch: others)
                    round += 1
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
            watcher.start()
        #endif
    }

    /// Lowers every libdispatch thread not yet lowered, reading the names of threads not seen
    /// before only; returns the ids of those now lowered and of those found not libdispatch's,
    /// among the threads still running (an id of a thread that ended may be reused by a new one).
    static func lowerNewDispatchThreads(alreadyLowered: Set<Int32>, notDispatch: Set<Int32>) -> (lowered: Set<Int32>, notDispatch: Set<Int32>) {
        var lowered: Set<Int32> = []
        var others: Set<Int32> = []
        for thread in threadIds() {
            if alreadyLowered.contains(thread) {
                // Looked at again each round (a system call, no file read): libdispatch sets a
                // thread's priority from the QoS of the work it picks up, and one lowered before
                // was seen back at nice -4 for good (CI's stalled-vendor check).
                if niceness(of: thread).map({ $0 != Self.niceness }) == true { _ = setNiceness(of: thread) }
                lowered.insert(thread)
            } else if notDispatch.contains(thread) {
                others.insert(thread)
            } else if isDispatchThread(thread) {
                if setNiceness(of: thread) { lowered.insert(thread) }
            } else {
                others.insert(thread)
            }
        }
        return (lowered, others)
    }

    private static func threadIds() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []).compactMap { Int32($0) }
    }

    /// A thread is libdispatch's when its name says so (its root queue's name, cut to 15 bytes).
    private static func isDispatchThread(_ id: Int32) -> Bool {
        guard let name = try? String(contentsOfFile: "/proc/self/task/\(id)/comm", encoding: .utf8) else { return false }
        return name.contains("qos") || name.contains("dispatch")
    }

    /// The nice value of thread `id`, or nil if it has ended.
    public static func niceness(of id: Int32) -> Int32? {
        #if os(Linux)
            errno = 0
            let value = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(id))
            return value == -1 && errno != 0 ? nil : value
        #else
            return nil
        #endif
    }

    private static func setNiceness(of id: Int32) -> Bool {
        #if os(Linux)
            return setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(id), niceness) == 0
        #else
            return false
        #endif
    }
}
